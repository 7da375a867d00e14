"""Holding a stage's messages to a session's producers under embargo, and releasing them."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import delete, select

from gateway.context import Context
from gateway.errors import ActionError
from models.message_kinds import MessageKind
from models.orm import EmbargoRow, OutboxRow, SessionRow
from notifications.mailer import mailer_for
from notifications.outbox import deliver
from store import repository


class Embargo(BaseModel):
    session_id: str
    stage: str  # the message kind held
    embargo: bool


class Released(BaseModel):
    released: int  # messages that were held
    results: dict[str, int]  # delivery outcome -> messages


async def embargo(ctx: Context, session_id: str, kind: MessageKind, reason: str) -> Embargo:
    """Hold a kind of message in a session until `release`."""
    async with ctx.database.begin() as db:
        if await db.get(SessionRow, session_id) is None:
            raise ActionError(f"no session {session_id!r}")
        await repository.insert_ignore(
            db,
            EmbargoRow,
            [
                dict(
                    session_id=session_id,
                    stage=kind.value,
                    actor=ctx.actor,
                    reason=reason,
                    created_at=datetime.now(UTC),
                )
            ],
            ["session_id", "stage"],
        )
    return Embargo(session_id=session_id, stage=kind.value, embargo=True)


async def release(ctx: Context, session_id: str, kind: MessageKind) -> Released:
    """Lift a kind's embargo and send the messages it held, each once."""
    async with ctx.database.begin() as db:
        await db.execute(
            delete(EmbargoRow).where(
                EmbargoRow.session_id == session_id, EmbargoRow.stage == kind.value
            )
        )
        keys = (
            await db.scalars(
                select(OutboxRow.key).where(
                    OutboxRow.session_id == session_id,
                    OutboxRow.stage == kind.value,
                    OutboxRow.status == "held",
                )
            )
        ).all()
    settings = ctx.settings
    mailer = mailer_for(settings)
    results = [await deliver(ctx.database, mailer, settings.mail_from, key) for key in keys]
    return Released(
        released=len(keys), results={status: results.count(status) for status in set(results)}
    )
