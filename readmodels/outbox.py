"""Messages as staff read them: the outbox of a session (to producers, and to committee
members), and any stage's message rendered as a producer would receive it (nothing is sent)."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from gateway.context import Context
from gateway.errors import ActionError
from models.message_kinds import MessageKind
from models.orm import OutboxRow, SessionRow, SubmissionRow
from notifications.render import render
from notifications.samples import sample
from notifications.stages import Message
from store import eligibility_records


class OutboxLine(BaseModel):
    """One message of the outbox: to whom, in which language, and how its delivery went."""

    submission_id: str | None  # the film it is about; None for a message to a committee member
    member_id: str | None  # the committee member written to
    stage: str  # the message's kind
    language: str
    recipient: str
    subject: str
    status: str  # pending, held, sent, failed, or erased (its film's data erased before it went)
    attempts: int
    last_error: str | None
    sent_at: str | None  # ISO 8601, as the database returned it


async def outbox(ctx: Context, session_id: str, status: str | None = None) -> list[OutboxLine]:
    """What was sent to the session's producers, what waits, and what failed (and why)."""
    query = select(OutboxRow).where(OutboxRow.session_id == session_id)
    if status:
        query = query.where(OutboxRow.status == status)
    async with ctx.database() as db:
        rows = (await db.scalars(query.order_by(OutboxRow.created_at))).all()
    return [
        OutboxLine(
            submission_id=r.submission_id,
            member_id=r.member_id,
            stage=r.stage,
            language=r.language,
            recipient=r.recipient,
            subject=r.subject,
            status=r.status,
            attempts=r.attempts,
            last_error=r.last_error,
            sent_at=r.sent_at.isoformat() if r.sent_at else None,
        )
        for r in rows
    ]


async def preview(
    ctx: Context, kind: MessageKind, language: str | None, submission_id: str | None
) -> Message:
    """A stage's message rendered on its sample values, or on a real submission's names, session
    and language (`language` overrides the producer's)."""
    if submission_id:
        fields, own = await _fields_of(ctx, kind, submission_id)
    else:
        fields, own = sample(kind), "en"
    try:
        return render(kind, language or own, fields)
    except ValidationError as exc:
        raise ActionError(
            f"{kind.value}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}"
        ) from None


async def _fields_of(ctx: Context, kind: MessageKind, submission_id: str) -> tuple[dict, str]:
    """A real submission's names, session and language over the stage's sample values; its
    eligibility results (said in the message's language), when the stage speaks of them and it
    has any."""
    async with ctx.database() as db:
        row = await db.get(SubmissionRow, submission_id)
        if row is None:
            raise ActionError(f"no submission {submission_id!r}")
        session = await db.get(SessionRow, row.session_id)
        results = await eligibility_records.eligibility_results(db, submission_id)
    fields = {
        **sample(kind),
        "recipient_name": row.contact_name,
        "film": row.original_title,
        "programme": session.name.split(" — ")[0],
        "session": session.name,
        "timezone": session.timezone,
    }
    last_check = max((r.check_no for r in results), default=0)
    reasons = [r.result() for r in results if r.check_no == last_check and r.outcome != "pass"]
    if "reasons" in fields and reasons:
        fields["reasons"] = reasons
    return fields, row.contact_language
