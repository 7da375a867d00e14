"""Sending a producer a stage's message, exactly once.

The message is rendered and written to the outbox under its key (submission, stage, recipient,
occurrence) before anything is sent; then it is sent and marked sent. A retry, a replay or a
worker killed between the two finds the row and sends only what was not yet sent. A transient
failure (server down, 4xx) raises, and Temporal retries with backoff; a permanent refusal (5xx)
marks the message failed for staff to see and ends the activity. A stage under embargo leaves its
messages held until staff release them.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from models.message_kinds import MessageKind
from models.notices import AlertInput, NotifyInput, Recipient
from models.orm import (
    EmbargoRow,
    MatchRow,
    MeetingRow,
    OutboxRow,
    PartnerRow,
    SessionRow,
    SubmissionRow,
)
from models.partners import PartnerForm
from models.programme import Programme, SessionCalendar
from notifications.mailer import Mailer, PermanentDeliveryError, build_email
from notifications.render import render
from notifications.stages import FIELDS
from settings import get_settings
from shared import session_key
from store import repository


def outbox_key(submission_id: str, stage: str, recipient: str, occurrence: str) -> str:
    raw = "\x1f".join((submission_id, stage, recipient.lower(), occurrence))
    return hashlib.sha256(raw.encode()).hexdigest()


async def session_fields(db: AsyncSession, row: SubmissionRow) -> dict[str, Any]:
    """What every message about this film says, and the session's dates a stage may need."""
    session = await db.get(SessionRow, row.session_id)
    programme: Programme = await repository.load_programme(db, row.programme_id)
    template = programme.session_template(session_key(session.id))
    calendar = SessionCalendar.model_validate(session.calendar)
    return {
        "recipient_name": row.contact_name,
        "film": row.original_title,
        "programme": programme.name,
        "session": session.name,
        "timezone": session.timezone,
        "submission_id": row.id,
        "call_closes": calendar.deadline,
        "selection_announced": calendar.selection_announced,
        "event_start": calendar.event_start,
        "event_end": calendar.event_end,
        "city": template.city,
        "venue": template.venue or template.host_festival,
    }


PARTNERING_STAGES = {MessageKind.PARTNER_MATCHES, MessageKind.MEETING_SCHEDULE}


async def partnering_fields(
    db: AsyncSession, film: SubmissionRow, stage: MessageKind, version: int
) -> dict[str, Any]:
    """A film's partners (or meetings) of an approved version, read here rather than carried
    through workflow histories: a version's rows never change once it is approved."""
    partners = {
        p.id: PartnerForm.model_validate(p.form)
        for p in await db.scalars(
            select(PartnerRow).where(PartnerRow.session_id == film.session_id)
        )
    }
    if stage is MessageKind.PARTNER_MATCHES:
        rows = await db.scalars(
            select(MatchRow)
            .where(
                MatchRow.session_id == film.session_id,
                MatchRow.version == version,
                MatchRow.submission_id == film.id,
                MatchRow.role == "match",
            )
            .order_by(MatchRow.affinity.desc(), MatchRow.partner_id)
        )
        return {"partners": [partner_card(partners[r.partner_id]) for r in rows]}
    rows = await db.scalars(
        select(MeetingRow)
        .where(
            MeetingRow.session_id == film.session_id,
            MeetingRow.version == version,
            MeetingRow.submission_id == film.id,
            MeetingRow.status == "scheduled",
        )
        .order_by(MeetingRow.starts_at)
    )
    return {
        "meetings": [
            {"at": r.starts_at, "partner": partners[r.partner_id].name, "table": str(r.table_no)}
            for r in rows
        ]
    }


def partner_card(partner: PartnerForm) -> dict[str, Any]:
    """What a producer reads of a partner: who, what kind, and what it offers them."""
    offers = [s.value for s in partner.services] or partner.territories[:8]
    return {"name": partner.name, "kind": partner.kind.value, "services": offers}


class NotifyActivities:
    def __init__(
        self,
        database: async_sessionmaker,
        mailer: Mailer,
        sender: str,
        staff: Recipient | None = None,
    ) -> None:
        self._database = database
        self._mailer = mailer
        self._sender = sender
        settings = get_settings()
        self._staff = staff or Recipient(
            email=settings.staff_email, name=settings.staff_name, language=settings.staff_language
        )

    @activity.defn
    async def notify(self, data: NotifyInput) -> str:
        """Write the message to the outbox if it is not there, then deliver it; returns its
        status: sent, held or failed."""
        async with self._database.begin() as db:
            film = await db.get(SubmissionRow, data.submission_id)
            fields = {**await session_fields(db, film), **data.fields}
            if data.stage in PARTNERING_STAGES:
                fields |= await partnering_fields(db, film, data.stage, int(data.occurrence))
            producer = Recipient(
                email=film.contact_email, name=film.contact_name, language=film.contact_language
            )
            key = await _write(db, film, data.stage, data.occurrence, fields, producer)
            # Read back in the same transaction: the message as promised, whether it went out
            # on an earlier attempt, and whether its stage is under embargo.
            outgoing = await _outgoing(db, key)
        # A worker that dies from here on is noticed within the heartbeat timeout, counted from
        # the start; the retry finds the row and sends the message once.
        return await _dispatch(self._database, self._mailer, self._sender, outgoing)

    @activity.defn
    async def alert(self, data: AlertInput) -> list[str]:
        """Escalate: an `escalation` message to staff (and to the partner concerned), once per
        occurrence, and a line in the film's audit trail."""
        recipients = [self._staff, *([data.partner] if data.partner else [])]
        async with self._database.begin() as db:
            film = await db.get(SubmissionRow, data.submission_id)
            fields = {**await session_fields(db, film), "what": data.what, "since": data.since}
            written = [
                await _write(
                    db,
                    film,
                    MessageKind.ESCALATION,
                    data.occurrence,
                    fields | {"recipient_name": r.name},
                    r,
                )
                for r in recipients
            ]
            await repository.audit(
                db,
                key=f"{film.id}:alert:{data.occurrence}",
                at=datetime.now(UTC),
                actor="wipflow",
                entity_type="submission",
                entity_id=film.id,
                action="escalated",
                reason=f"{data.what} (since {data.since:%Y-%m-%d}); told "
                + ", ".join(r.email for r in recipients),
            )
            outgoing = [await _outgoing(db, key) for key in written]
        return [await _dispatch(self._database, self._mailer, self._sender, o) for o in outgoing]

    def all(self) -> list:
        return [self.notify, self.alert]


async def _write(
    db: AsyncSession,
    film: SubmissionRow,
    stage: MessageKind,
    occurrence: str,
    fields: dict[str, Any],
    to: Recipient,
) -> str:
    """Render the message in the recipient's language and promise it in the outbox; its key."""
    known = FIELDS[stage].model_fields
    message = render(stage, to.language, {k: v for k, v in fields.items() if k in known})
    key = outbox_key(film.id, stage.value, to.email, occurrence)
    await repository.insert_ignore(
        db,
        OutboxRow,
        [
            dict(
                key=key,
                submission_id=film.id,
                session_id=film.session_id,
                stage=stage.value,
                occurrence=occurrence,
                language=message.language,
                recipient=to.email,
                subject=message.subject,
                text=message.text,
                html=message.html,
                status="pending",
                attempts=0,
                created_at=datetime.now(UTC),
            )
        ],
        ["key"],
    )
    return key


@dataclass(frozen=True)
class Outgoing:
    """An outbox message as read before sending it."""

    row: OutboxRow
    embargoed: bool
    to_name: str


async def _outgoing(db: AsyncSession, key: str) -> Outgoing:
    row = await db.get(OutboxRow, key)
    embargoed = await db.scalar(
        select(EmbargoRow.stage).where(
            EmbargoRow.session_id == row.session_id, EmbargoRow.stage == row.stage
        )
    )
    film = await db.get(SubmissionRow, row.submission_id)
    name = film.contact_name if row.recipient == film.contact_email else ""
    return Outgoing(row=row, embargoed=embargoed is not None, to_name=name)


async def deliver(database: async_sessionmaker, mailer: Mailer, sender: str, key: str) -> str:
    """Send an outbox message unless it is sent, failed or under embargo. Staff release held
    messages with it."""
    async with database() as db:
        outgoing = await _outgoing(db, key)
    return await _dispatch(database, mailer, sender, outgoing)


async def _dispatch(
    database: async_sessionmaker, mailer: Mailer, sender: str, outgoing: Outgoing
) -> str:
    row = outgoing.row
    if row.status in ("sent", "failed"):
        return row.status
    if outgoing.embargoed:
        await _mark(database, row.key, "held", attempted=False)
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
    return await _send_once(database, mailer, email, row.key)


async def _send_once(
    database: async_sessionmaker, mailer: Mailer, email: EmailMessage, key: str
) -> str:
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
        await _record_sent(database, key)
    if failure is not None:
        raise failure
    return status


async def _record_sent(database: async_sessionmaker, key: str, tries: int = 5) -> None:
    """The message went out but its record was lost with the connection: record it on a fresh
    one, for a few seconds, before giving up (the retry would then send it again)."""
    for attempt in range(tries):
        try:
            await _mark(database, key, "sent", sent_at=datetime.now(UTC))
            return
        except Exception:
            if attempt == tries - 1:
                raise
            if activity.in_activity():  # staff releasing held messages run this too
                activity.heartbeat()
            await asyncio.sleep(1)


async def _mark(
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
