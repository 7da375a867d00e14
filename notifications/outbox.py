"""The outbox's sender: a message written to the outbox goes out once, whoever sends it (the
notify activity right after writing it, or staff releasing held messages), and its row records
what became of it: sent, failed for good, pending a retry, or held under an embargo."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
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
    # Written by this transaction with the outcome `expected` gave it: a send that goes as
    # expected leaves it as it is.
    fresh: bool = False


def expected(embargoed: bool) -> dict[str, Any]:
    """The outcome a message about to be sent is written with: held under an embargo, else
    sent, by this first attempt (`sent_at` is when the send began). A message goes as expected
    nearly always, so its row takes one write, not a write and an update; a send that fails
    rewrites the row in the same transaction, and a transaction that is lost takes it away
    whole, expectation included."""
    if embargoed:
        return {"status": "held"}
    return {"status": "sent", "attempts": 1, "sent_at": datetime.now(UTC)}


async def read_outgoing(db: AsyncSession, key: str) -> Outgoing:
    """The message as promised, its row locked until the transaction ends."""
    row = await db.get(OutboxRow, key, with_for_update=True, populate_existing=True)
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
    return await send_promised(database, mailer, sender, lambda db: read_outgoing(db, key))


async def send_promised(
    database: async_sessionmaker,
    mailer: Mailer,
    sender: str,
    promise: Callable[[AsyncSession], Awaitable[Outgoing]],
) -> str:
    """Promise the message (`promise` writes or reads its outbox row, locked, and returns it),
    send it, and record the outcome, all in one transaction; returns sent, held or failed.

    Holding the row's lock while sending closes two windows that would send a message twice.
    Recorded afterwards, on a connection taken from the pool, a send was followed by a wait for
    that connection (seconds, on a worker catching up after a restart): a worker killed
    meanwhile left the message pending, and the retry sent it again (the fault drills saw it).
    And a second attempt started while the first still ran waits for the lock and finds the
    message sent. Only one commit stands between the mail server's acceptance and its record; a
    message accepted whose commit is lost (the connection cut) is recorded again on a fresh
    connection rather than sent again. The message written in the transaction that sends it
    (the producer's messages, since the transactional outbox) is promised and sent with one
    commit, written with the outcome expected of it (`expected`) so that a send that goes well
    writes nothing more; a transient failure still commits it, pending, before the retry.
    """
    sent, failure, promised = False, None, {}
    try:
        async with database.begin() as db:
            outgoing = await promise(db)
            row, fresh = outgoing.row, outgoing.fresh
            key = row.key
            if row.status in ("sent", "failed") and not fresh:
                return row.status
            if outgoing.embargoed:
                if fresh:
                    return "held"  # written held
                status, values = "held", {"last_error": None}
            else:
                values = {"attempts": row.attempts if fresh else row.attempts + 1}
                # What to record if the commit is lost after the send: the row may be this
                # transaction's own, gone with it.
                promised = {c.name: getattr(row, c.name) for c in OutboxRow.__table__.columns}
                promised |= values
                try:
                    await mailer.send(email_of(outgoing, sender), key)
                    sent, status = True, "sent"
                    if fresh:
                        return status  # written sent
                    values |= {"sent_at": datetime.now(UTC), "last_error": None}
                except PermanentDeliveryError as exc:
                    status, values["last_error"] = "failed", str(exc)
                except Exception as exc:
                    failure, status = exc, "pending"
                    values["last_error"] = f"{type(exc).__name__}: {exc}"
                if not sent:
                    values["sent_at"] = None  # a fresh row expected it sent
            await db.execute(
                update(OutboxRow).where(OutboxRow.key == key).values(status=status, **values)
            )
    except Exception:
        if not sent:
            raise
        await record_sent(database, promised)
    if failure is not None:
        raise failure
    return status


def email_of(outgoing: Outgoing, sender: str) -> Message:
    row = outgoing.row
    return build_email(
        key=row.key,
        sender=sender,
        to_name=outgoing.to_name,
        to_address=row.recipient,
        subject=row.subject,
        text=row.text,
        html=row.html,
        language=row.language,
    )


async def record_sent(
    database: async_sessionmaker, promised: dict[str, Any], tries: int = 5
) -> None:
    """The message went out but its record was lost with the connection: record it on a fresh
    one (written whole, `promised` with its attempts counted: the row was perhaps written in the
    transaction that was lost), for a few seconds, before giving up (the retry would then send
    it again)."""
    sent = {"status": "sent", "sent_at": datetime.now(UTC), "last_error": None}
    for attempt in range(tries):
        try:
            async with database.begin() as db:
                insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
                    db.bind.dialect.name
                ]
                stmt = insert(OutboxRow.__table__).values({**promised, **sent})
                await db.execute(stmt.on_conflict_do_update(index_elements=["key"], set_=sent))
            return
        except Exception:
            if attempt == tries - 1:
                raise
            if activity.in_activity():  # staff releasing held messages run this too
                activity.heartbeat()
            await asyncio.sleep(1)
