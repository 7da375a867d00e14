"""Opening a session of a programme: its row, with the calendar resolved from the programme file
or given, and its SessionWorkflow.

Staff may override any date and the fix and confirmation windows (down to seconds), so a whole
session can run on a real server in minutes, as the demo does.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy

from intake.submit import SessionTarget
from models.orm import SessionRow
from models.programme import Programme, SessionCalendar
from models.session import SessionInput, SessionStage
from shared import Status, WorkflowType, session_workflow_id
from store import repository
from temporal_client import Tracking, start_tracked


class SessionExistsError(ValueError):
    pass


class CalendarError(ValueError):
    pass


def session_id(programme: Programme, key: str, year: int) -> str:
    programme.session_template(key)  # refuses an unknown key with the keys it knows
    return f"{programme.id}/{key}-{year}"


def resolve_calendar(
    programme: Programme, key: str, year: int, overrides: dict[str, datetime]
) -> SessionCalendar:
    """The programme's dates for `year`, with `overrides` in their place. Given dates but not the
    call's opening, the call opens no later than the earliest date given."""
    calendar = SessionCalendar.from_template(programme.session_template(key), year).model_dump()
    if overrides and "call_opens" not in overrides:
        calendar["call_opens"] = min(calendar["call_opens"], *overrides.values())
    try:
        return SessionCalendar.model_validate({**calendar, **overrides})
    except ValidationError as exc:
        raise CalendarError(
            "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        ) from None


async def open_session(
    database: async_sessionmaker,
    programme: Programme,
    key: str,
    year: int,
    *,
    calendar: dict[str, datetime] | None = None,
    fix_window: timedelta | None = None,
    exist_ok: bool = False,
) -> SessionRow:
    sid = session_id(programme, key, year)
    template = programme.session_template(key)
    resolved = resolve_calendar(programme, key, year, calendar or {})
    window = fix_window or timedelta(days=programme.fix_window_days)
    async with database.begin() as db:
        await repository.upsert_programme(db, programme)
        existing = await repository.get_session(db, sid)
        if existing is not None:
            if exist_ok:
                return existing
            raise SessionExistsError(f"session {sid} is already open")
        row = SessionRow(
            id=sid,
            programme_id=programme.id,
            name=f"{programme.name} — {template.name} {year}",
            timezone=template.timezone,
            calendar=resolved.model_dump(mode="json"),
            deadline=resolved.deadline,
            slots=programme.slots,
            fix_window_seconds=int(window.total_seconds()),
        )
        db.add(row)
    return row


def session_input(
    row: SessionRow,
    programme: Programme,
    *,
    confirm_window: timedelta | None = None,
    reminder_lead: timedelta | None = None,
) -> SessionInput:
    config = programme.selection
    return SessionInput(
        session_id=row.id,
        programme_id=row.programme_id,
        name=row.name,
        slots=row.slots,
        calendar=SessionCalendar.model_validate(row.calendar),
        selection=config,
        confirm_window=confirm_window or timedelta(days=config.confirm_window_days),
        reminder_lead=reminder_lead or timedelta(days=config.review_reminder_days),
    )


async def start_session(client: Client, task_queue: str, data: SessionInput) -> WorkflowHandle:
    """Start the session's workflow, or find it already running (opening is idempotent)."""
    return await start_tracked(
        client,
        WorkflowType.SESSION,
        data,
        id=session_workflow_id(data.session_id),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        tracking=Tracking(
            programme_id=data.programme_id,
            session_id=data.session_id,
            stage=SessionStage.CALL_OPEN.value,
            status=Status.WAITING_PRODUCER,
            deadline=data.calendar.deadline,
            summary=f"{data.name}: {data.slots} slots",
            details=(
                f"**{data.name}** (`{data.session_id}`)\n\n"
                + "\n".join(
                    f"- {k}: {v:%Y-%m-%d %H:%M %Z}"
                    for k, v in data.calendar.model_dump().items()
                    if isinstance(v, datetime)
                )
            ),
        ),
    )


def target_of(row: SessionRow) -> SessionTarget:
    return SessionTarget(
        session_id=row.id,
        programme_id=row.programme_id,
        deadline=row.deadline,
        fix_window=timedelta(seconds=row.fix_window_seconds),
        stage=SessionStage(row.stage),
    )
