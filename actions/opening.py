"""Opening a session: its row, with its calendar from the programme or given, and its workflow."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from gateway.context import Context
from gateway.errors import ActionError
from intake import opening
from readmodels.programmes import programme


class Opened(BaseModel):
    """The session as opened: what `session open` prints and answers in JSON."""

    session_id: str
    name: str
    slots: int
    fix_window_seconds: int
    confirm_window_seconds: int
    calendar: dict[str, str]  # each milestone, ISO 8601, and the session's time zone
    deadline: datetime = Field(exclude=True)  # said in words, not in the JSON


async def open_session(
    ctx: Context,
    programme_id: str,
    key: str,
    year: int,
    *,
    calendar: dict[str, datetime] | None = None,
    fix_window: timedelta | None = None,
    confirm_window: timedelta | None = None,
    reminder_lead: timedelta | None = None,
) -> Opened:
    """Open a session and start its workflow; dates and windows not given are the programme's."""
    found = programme(ctx.settings, programme_id)
    try:
        found.session_template(key)
    except KeyError as exc:
        raise ActionError(exc.args[0]) from None
    row = await opening.open_session(
        ctx.database, found, key, year, calendar=calendar or {}, fix_window=fix_window
    )
    data = opening.session_input(
        row, found, confirm_window=confirm_window, reminder_lead=reminder_lead
    )
    await opening.start_session(await ctx.client(), ctx.settings.temporal_task_queue, data)
    return Opened(
        session_id=row.id,
        name=row.name,
        slots=row.slots,
        fix_window_seconds=row.fix_window_seconds,
        confirm_window_seconds=int(data.confirm_window.total_seconds()),
        calendar=row.calendar,
        deadline=row.deadline,
    )
