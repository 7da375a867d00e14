"""Sending a producer a stage's message, exactly once.

The message is rendered and written to the outbox under its key (submission, stage, recipient,
occurrence) before anything is sent; then it is sent and marked sent. A retry, a replay or a
worker killed between the two finds the row and sends only what was not yet sent. A transient
failure (server down, 4xx) raises, and Temporal retries with backoff; a permanent refusal (5xx)
marks the message failed for staff to see and ends the activity. A stage under embargo leaves its
messages held until staff release them.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import AwareDatetime, TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from models.message_kinds import MessageKind
from models.notices import AlertInput, NotifyInput, Recipient
from models.orm import (
    MatchRow,
    MeetingRow,
    OutboxRow,
    PartnerRow,
    SubmissionRow,
)
from models.partners import PartnerForm
from models.programme import SessionCalendar
from notifications import outbox
from notifications.links import LATE_ANSWERS, LINK_PATHS, Purpose, Signer
from notifications.mailer import Mailer
from notifications.render import render
from notifications.stages import FIELDS
from settings import Settings, get_settings
from shared import session_key
from store import repository


def outbox_key(about: str, stage: str, recipient: str, occurrence: str) -> str:
    """A message's identity: what it is about (the film, or the session for a committee
    member's), its kind, to whom, and which time."""
    raw = "\x1f".join((about, stage, recipient.lower(), occurrence))
    return hashlib.sha256(raw.encode()).hexdigest()


async def film_fields(
    db: AsyncSession, submission_id: str, stage: MessageKind
) -> tuple[SubmissionRow, dict[str, Any], bool]:
    """The film; what every message about it says, the session's dates a stage may need; and
    whether its session holds the stage's messages under embargo."""
    row, session, programme, embargoed = await repository.film_in_session(
        db, submission_id, stage.value
    )
    template = programme.session_template(session_key(session.id))
    calendar = SessionCalendar.model_validate(session.calendar)
    fields = {
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
    return row, fields, embargoed


PARTNERING_STAGES = {MessageKind.PARTNER_MATCHES, MessageKind.MEETING_SCHEDULE}
# The messages that ask something through a signed link: what for, and which field is its deadline.
ANSWERED_BY_LINK: dict[MessageKind, tuple[Purpose, str]] = {
    # The receipt opens the film's page, readable until the event ends (then for the grace).
    MessageKind.SUBMISSION_RECEIVED: (Purpose.FILM, "event_end"),
    # The occurrence is the check that asked for the fix: each needs-fix has its own link.
    MessageKind.NEEDS_FIX: (Purpose.FIX, "fix_by"),
    MessageKind.OFFER: (Purpose.OFFER, "confirm_by"),
    MessageKind.PROMOTED: (Purpose.OFFER, "confirm_by"),
    MessageKind.OFFER_REMINDER: (Purpose.OFFER, "confirm_by"),
    # The agenda is read until the event ends (then for the link's grace).
    MessageKind.EVENT_LOGISTICS: (Purpose.AGENDA, "event_end"),
    MessageKind.MEETING_SCHEDULE: (Purpose.AGENDA, "event_end"),
    # Each reminder (due, again) is an occurrence of its own: a new link, open past the due date.
    MessageKind.FOLLOWUP_REMINDER: (Purpose.REPORT, "report_due"),
    # An award's link is bound to its share: the occurrence is the award's id.
    MessageKind.AWARD_GRANTED: (Purpose.AWARD, "accept_by"),
}
_AWARE = TypeAdapter(AwareDatetime)


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
        settings: Settings | None = None,
    ) -> None:
        self._database = database
        self._mailer = mailer
        self._sender = sender
        settings = settings or get_settings()
        self._links = Signer.from_settings(settings)
        self._public_url = settings.public_url.rstrip("/")
        self._staff = staff or Recipient(
            email=settings.staff_email, name=settings.staff_name, language=settings.staff_language
        )

    @activity.defn
    async def notify(self, data: NotifyInput) -> str:
        """Write the message to the outbox if it is not there, then deliver it; returns its
        status: sent, held or failed."""

        async def promise(db: AsyncSession) -> outbox.Outgoing:
            film, fields, embargoed = await film_fields(db, data.submission_id, data.stage)
            fields |= data.fields
            if data.stage in PARTNERING_STAGES:
                fields |= await partnering_fields(db, film, data.stage, int(data.occurrence))
            if data.stage in ANSWERED_BY_LINK and fields.get(ANSWERED_BY_LINK[data.stage][1]):
                fields |= self._link(film.id, data, fields)
            producer = Recipient(
                email=film.contact_email, name=film.contact_name, language=film.contact_language
            )
            key, written = await write_message(
                db,
                film.session_id,
                film.id,
                data.stage,
                data.occurrence,
                fields,
                producer,
                outcome=outbox.expected(embargoed),
            )
            if written is None:
                # An earlier attempt's: read back, locked, whether it went out meanwhile.
                return await outbox.read_outgoing(db, key)
            # Written now, so locked by this transaction: no need to read it back.
            return outbox.Outgoing(OutboxRow(**written), embargoed, film.contact_name, fresh=True)

        # Written and sent in one transaction (the transactional outbox): a worker that dies
        # before its commit leaves nothing behind, and the retry writes and sends it once.
        return await outbox.send_promised(self._database, self._mailer, self._sender, promise)

    @activity.defn
    async def alert(self, data: AlertInput) -> list[str]:
        """Escalate: an `escalation` message to staff (and to the partner concerned), once per
        occurrence, and a line in the film's audit trail."""
        recipients = [self._staff, *([data.partner] if data.partner else [])]
        async with self._database.begin() as db:
            film, fields, _ = await film_fields(db, data.submission_id, MessageKind.ESCALATION)
            fields |= {"what": data.what, "since": data.since}
            written = [
                (
                    await write_message(
                        db,
                        film.session_id,
                        film.id,
                        MessageKind.ESCALATION,
                        data.occurrence,
                        fields | {"recipient_name": r.name},
                        r,
                    )
                )[0]
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
        return [
            await outbox.deliver(self._database, self._mailer, self._sender, key) for key in written
        ]

    def all(self) -> list:
        return [self.notify, self.alert]

    def _link(self, submission_id: str, data: NotifyInput, fields: dict[str, Any]) -> dict:
        """The signed link the message's answer goes through (as the field that prints it), made
        here rather than in the workflow: its key never enters a history. The same offer's
        messages (offer or promoted, and its reminder) carry the same link, so an answer is one
        answer whichever was used."""
        purpose, deadline_field = ANSWERED_BY_LINK[data.stage]
        deadline = _AWARE.validate_python(fields[deadline_field]) + LATE_ANSWERS.get(
            purpose, timedelta(0)
        )
        token = self._links.sign(submission_id, purpose, data.occurrence, deadline)
        field, path = LINK_PATHS[purpose]
        return {field: f"{self._public_url}{path}{token}"}


async def write_message(
    db: AsyncSession,
    session_id: str,
    submission_id: str | None,
    stage: MessageKind,
    occurrence: str,
    fields: dict[str, Any],
    to: Recipient,
    member_id: str | None = None,
    outcome: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any] | None]:
    """Render the message in the recipient's language and promise it in the outbox: its key,
    and its row as written now (None if an earlier attempt wrote it). A message to a committee
    member is about no one film: `member_id` names them instead. Written pending, or with the
    `outcome` its sender expects (`outbox.expected`), when the sender sends it in the same
    transaction."""
    known = FIELDS[stage].model_fields
    message = render(stage, to.language, {k: v for k, v in fields.items() if k in known})
    key = outbox_key(submission_id or session_id, stage.value, to.email, occurrence)
    row = dict(
        key=key,
        submission_id=submission_id,
        session_id=session_id,
        member_id=member_id,
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
    ) | (outcome or {})
    written = await repository.insert_ignore(db, OutboxRow, [row], ["key"])
    return key, row if written else None
