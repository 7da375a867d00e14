"""A producer's agenda behind the link in their event-logistics and meeting-schedule messages:
the event (city, venue, dates), when their film screens, and their one-to-one meetings.

The meetings are those of the latest schedule staff approved, whichever message's link opened
the page: a link in an older message shows the agenda as it stands, never a superseded one. The
screening time lives in the session's workflow (it placed it): asked with a short timeout, so the
page shows the rest when Temporal is out of reach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError

from gateway.context import Context
from gateway.errors import ActionError
from gateway.handles import session_handle
from models.agenda import Agenda, Appointment, Screening
from models.orm import MeetingRow, PartneringRunRow, PartnerRow
from notifications.links import LinkState, Purpose, state_of
from readmodels.answers import linked_film, open_link
from shared import session_key
from store import repository
from workflows.session import SessionWorkflow


class AgendaPage(Agenda):
    """The agenda as its page shows it: also in whose language, the session's zone and dates,
    and whether the link is still open."""

    language: str  # the producer's, for the page unless they choose another
    timezone: str
    event_start: datetime
    event_end: datetime
    link: LinkState


async def agenda_page(ctx: Context, token: str, now: datetime | None = None) -> AgendaPage:
    now = now or datetime.now(UTC)
    link = open_link(ctx, token, Purpose.AGENDA, now)
    async with ctx.database() as db:
        film, session, calendar, language = await linked_film(db, link)
        programme = await repository.load_programme(db, film.programme_id)
        template = programme.session_template(session_key(session.id))
        version = await db.scalar(
            select(PartneringRunRow.version)
            .where(
                PartneringRunRow.session_id == session.id,
                PartneringRunRow.kind == "meetings",
                PartneringRunRow.status == "approved",
            )
            .order_by(PartneringRunRow.version.desc())
            .limit(1)
        )
        rows = await db.execute(
            select(
                PartnerRow.id,
                PartnerRow.name,
                MeetingRow.table_no,
                MeetingRow.starts_at,
                MeetingRow.ends_at,
            )
            .join(
                PartnerRow,
                (PartnerRow.session_id == MeetingRow.session_id)
                & (PartnerRow.id == MeetingRow.partner_id),
            )
            .where(
                MeetingRow.session_id == session.id,
                MeetingRow.version == version,
                MeetingRow.submission_id == film.id,
                MeetingRow.status == "scheduled",
            )
            .order_by(MeetingRow.starts_at, MeetingRow.table_no)
        )
        meetings = [
            Appointment(partner_id=pid, partner=name, table=table, starts_at=start, ends_at=end)
            for pid, name, table, start, end in rows
        ]
    starts = await _screening(ctx, session.id, film.id)
    length = timedelta(minutes=programme.selection.screening_minutes)
    return AgendaPage(
        submission_id=film.id,
        film=film.original_title,
        session=session.name,
        language=language,
        timezone=calendar.timezone,
        city=template.city,
        venue=template.venue or template.host_festival,
        event_start=calendar.event_start,
        event_end=calendar.event_end,
        screening=Screening(starts_at=starts, ends_at=starts + length) if starts else None,
        meetings=meetings,
        link=state_of(link, now),
    )


async def _screening(ctx: Context, session_id: str, submission_id: str) -> datetime | None:
    try:
        handle = await session_handle(ctx, session_id)
        return await handle.query(
            SessionWorkflow.screening, submission_id, rpc_timeout=timedelta(seconds=3)
        )
    except (ActionError, RPCError, WorkflowQueryFailedError, TimeoutError):
        return None
