"""Opening a session of a programme: its calendar resolved from the programme file, or given.

Staff may override the deadline and the fix window (down to seconds) so a whole session can run on
a real server in minutes, as the demo does.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker

from intake.submit import SessionTarget
from models.orm import SessionRow
from models.programme import Programme, SessionCalendar
from store import repository


class SessionExistsError(ValueError):
    pass


def session_id(programme: Programme, key: str, year: int) -> str:
    programme.session_template(key)  # refuses an unknown key with the keys it knows
    return f"{programme.id}/{key}-{year}"


async def open_session(
    sessions: async_sessionmaker,
    programme: Programme,
    key: str,
    year: int,
    *,
    deadline: datetime | None = None,
    fix_window: timedelta | None = None,
    exist_ok: bool = False,
) -> SessionRow:
    sid = session_id(programme, key, year)
    template = programme.session_template(key)
    calendar = SessionCalendar.from_template(template, year)
    if deadline is not None:
        calendar.deadline = deadline
    window = fix_window or timedelta(days=programme.fix_window_days)
    async with sessions.begin() as db:
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
            calendar=calendar.model_dump(mode="json"),
            deadline=calendar.deadline,
            slots=programme.slots,
            fix_window_seconds=int(window.total_seconds()),
        )
        db.add(row)
    return row


def target_of(row: SessionRow) -> SessionTarget:
    return SessionTarget(
        session_id=row.id,
        programme_id=row.programme_id,
        deadline=row.deadline,
        fix_window=timedelta(seconds=row.fix_window_seconds),
    )
