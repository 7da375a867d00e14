"""The outbox's sender: a message written to the outbox goes out once, whoever sends it (the
notify activity right after writing it, or staff releasing held messages), and its row records
what became of it: sent, failed for good, pending a retry, or held under an embargo."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from models.orm import CommitteeMemberRow, EmbargoRow, OutboxRow, SubmissionRow
from notifications.mailer import Mailer, PermanentDeliveryError, build_email


@dataclass(frozen=True)
class Outgoing:
    """An outbox message as read before sending it."""

    row: OutboxRow
    embargoed: bool
    to_name: str


async def read_outgoing(db: AsyncSession, key: str) -> Outgoing:
    row = await db.get(OutboxRow, key)
    embargoed = await db.scalar(
        select(EmbargoRow.stage).where(
            EmbargoRow.session_id == row.session_id, EmbargoRow.stage == row.stage
        )
    )
    if row.member_id is not None:
        member = await db.get(CommitteeMemberRow, (row.session_id, row.member_id))
        name = member.name if member is not None else ""
    else:
        film = await db.get(SubmissionRow, row.submission_id)
        name = film.contact_name if row.recipient == film.contact_email else ""
    return Outgoing(row=row, embargoed=embargoed is not None, to_name=name)


async def deliver(database: async_sessionmaker, mailer: Mailer, sender: str, key: str) -> str:
    """Send an outbox message unless it is sent, failed or under embargo. Staff release held
    messages with it."""
    async with database() as db:
        outgoing = await read_outgoing(db, key)
    return await dispatch(database, mailer, sender, outgoing)


async def dispatch(
    database: async_sessionmaker, mailer: Mailer, sender: str, outgoing: Outgoing
) -> str:
    row = outgoing.row
    if row.status in ("sent", "failed"):
        return row.status
    if outgoing.embargoed:
        await mark(database, row.key, "held", attempted=False)
        return "held"
    email = build_email(
        key=row.key,
        sender=sender,
        to_name=outgoing.to_name,
        to_address=row.recipient,
        subject=row.subject,
        text=row.text,
        html=row.html,
        language=row.language,
    )
    return await send_once(database, mailer, email, row.key)


async def send_once(database: async_sessionmaker, mailer: Mailer, email: Message, key: str) -> str:
    """Send the message holding its outbox row's lock, and record the outcome in that same
    transaction.

    Two windows would otherwise send a message twice. Recorded afterwards, on a connection taken
    from the pool, a send was followed by a wait for that connection (seconds, on a worker
    catching up after a restart): a worker killed meanwhile left the message pending, and the
    retry sent it again (the fault drills saw it). And a second attempt started while the first
    still ran (a heartbeat timeout under a slow mail server) sent it too; now it waits for the
    lock and finds the message sent. Only one commit now stands between the mail server's
    acceptance and its record; a message accepted whose commit is lost (the connection cut) is
    recorded again on a fresh connection rather than sent again.
    """
    sent, failure = False, None
    try:
        async with database.begin() as db:
            status = await db.scalar(
                select(OutboxRow.status).where(OutboxRow.key == key).with_for_update()
            )
            if status in ("sent", "failed"):
                return status
            values: dict[str, Any]
            try:
                await mailer.send(email, key)
                sent, status = True, "sent"
                values = {"sent_at": datetime.now(UTC), "last_error": None}
            except PermanentDeliveryError as exc:
                status, values = "failed", {"last_error": str(exc)}
            except Exception as exc:
                failure, status = exc, "pending"
                values = {"last_error": f"{type(exc).__name__}: {exc}"}
            await db.execute(
                update(OutboxRow)
                .where(OutboxRow.key == key)
                .values(status=status, attempts=OutboxRow.attempts + 1, **values)
            )
    except Exception:
        if not sent:
            raise
        await record_sent(database, key)
    if failure is not None:
        raise failure
    return status


async def record_sent(database: async_sessionmaker, key: str, tries: int = 5) -> None:
    """The message went out but its record was lost with the connection: record it on a fresh
    one, for a few seconds, before giving up (the retry would then send it again)."""
    for attempt in range(tries):
        try:
            await mark(database, key, "sent", sent_at=datetime.now(UTC))
            return
        except Exception:
            if attempt == tries - 1:
                raise
            if activity.in_activity():  # staff releasing held messages run this too
                activity.heartbeat()
            await asyncio.sleep(1)


async def mark(
    database: async_sessionmaker,
    key: str,
    status: str,
    *,
    error: str | None = None,
    sent_at: datetime | None = None,
    attempted: bool = True,
) -> None:
    values: dict[str, Any] = {"status": status, "last_error": error}
    if attempted:
        values["attempts"] = OutboxRow.attempts + 1
    if sent_at is not None:
        values["sent_at"] = sent_at
    async with database.begin() as db:
        await db.execute(update(OutboxRow).where(OutboxRow.key == key).values(values))
