"""A producer's own submission, from the public call page of an open session.

The page (`call_page`) says whether the call is open. The form it sends is validated field by
field before anything starts (a refusal names each field and keeps what was typed), then started
exactly as staff's `submit` starts a file's rows: the workflow id is the film's key in its
session, so the same film sent twice (a double click, a second visit, a retried request) is one
workflow, and the page says it was already received. A call is closed for this door as for every
other (`intake.submit.call_closed`): its deadline passed, or staff moved the session past it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from actions.films import session_target, submit
from gateway.context import Context
from gateway.errors import ActionError, FormInvalid
from intake.batch import Batch, ValidRow
from intake.opening import target_of
from intake.submit import call_closed
from models.orm import SessionRow
from models.programme import SessionCalendar
from models.submission import SubmissionForm


class UnknownSession(ActionError):
    """No session by that id: the page is a 404, naming nothing."""


class CallPage(BaseModel):
    session_id: str
    session: str
    timezone: str
    deadline: datetime
    open: bool


async def call_page(ctx: Context, session_id: str, now: datetime | None = None) -> CallPage:
    async with ctx.database() as db:
        row = await db.get(SessionRow, session_id)
    if row is None:
        raise UnknownSession(f"no session {session_id!r}")
    calendar = SessionCalendar.model_validate(row.calendar)
    return CallPage(
        session_id=row.id,
        session=row.name,
        timezone=calendar.timezone,
        deadline=calendar.deadline,
        open=call_closed(target_of(row), now or datetime.now(UTC)) is None,
    )


class CallClosed(ActionError):
    """The session takes no more films: the page says so in the producer's language."""


class Received(BaseModel):
    submission_id: str
    title: str
    again: bool  # the same film was received before: one workflow, not two


async def submit_from_call(
    ctx: Context, session_id: str, form: dict[str, Any], now: datetime | None = None
) -> Received:
    """Validate the form, then start the film's workflow once."""
    target = await session_target(ctx, session_id)
    if call_closed(target, now or datetime.now(UTC)):
        raise CallClosed(f"the call for {session_id} is closed")
    try:
        valid = SubmissionForm.model_validate(form)
    except ValidationError as exc:
        raise FormInvalid(exc.errors(include_url=False)) from None
    report = await submit(ctx, target, Batch(valid=[ValidRow(row=1, form=valid)], rejected=[]))
    if report.rejected:  # the call closed between the check and the start
        raise CallClosed(report.rejected[0].errors[0].message)
    [entry] = report.accepted or report.duplicates
    return Received(submission_id=entry.submission_id, title=entry.title, again=not report.accepted)
