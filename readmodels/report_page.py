"""What a producer sees behind the link in a follow-up reminder: their film's milestones as they
stand (expected and done dates, the premiere's festival, each sale's territory and company),
when the report was due, and whether a report can still be sent (the link open, the follow-up
not ended). Read from the rows the follow-up's activities keep, as staff's `followup show`."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel
from sqlalchemy import select

from domain.followup import ENDINGS, REPEATABLE, REQUIRED_DETAIL
from gateway.context import Context
from models.choices import Milestone
from models.followup import FollowUpStatus
from models.orm import FollowUpRow, MilestoneRow
from notifications.links import LATE_ANSWERS, Link, LinkState, Purpose, state_of
from readmodels.answers import LinkRefused, linked_film, open_link


class MilestoneRowView(BaseModel):
    """One milestone on the form: its dates as recorded, and the details it asks for when done."""

    milestone: Milestone
    expected: date | None
    done: date | None
    detail: dict[str, str]  # as recorded
    asks: tuple[str, ...]  # the details its form row has (festival; territory and company)
    repeatable: bool  # one deal per territory: a new territory is a new deal, not a change


class ReportPage(BaseModel):
    submission_id: str
    film: str
    session: str
    language: str
    timezone: str
    report_due: datetime
    status: FollowUpStatus
    ended: bool  # an ending status, or a finished film whose wait for a premiere is over
    reports: int
    milestones: list[MilestoneRowView]  # every milestone, in the order a film reaches them
    link: LinkState

    @property
    def may_report(self) -> bool:
        return self.link is LinkState.OPEN and not self.ended


async def report_page(ctx: Context, token: str, now: datetime | None = None) -> ReportPage:
    now = now or datetime.now(UTC)
    return await report_page_of(ctx, open_link(ctx, token, Purpose.REPORT, now), now)


async def report_page_of(ctx: Context, link: Link, now: datetime) -> ReportPage:
    """The report page of a link already opened."""
    async with ctx.database() as db:
        film, session, calendar, language = await linked_film(db, link)
        followed = await db.get(FollowUpRow, film.id)
        if followed is None:  # a link to a film that was never followed is not one of ours
            raise LinkRefused(gone=False)
        rows = {
            Milestone(m.milestone): m
            for m in await db.scalars(
                select(MilestoneRow).where(MilestoneRow.submission_id == film.id)
            )
        }
    return ReportPage(
        submission_id=film.id,
        film=film.original_title,
        session=session.name,
        language=language,
        timezone=calendar.timezone,
        report_due=link.act_until - LATE_ANSWERS[Purpose.REPORT],
        status=FollowUpStatus(followed.status),
        ended=followed.status in ENDINGS or followed.ended_at is not None,
        reports=followed.reports,
        milestones=[
            MilestoneRowView(
                milestone=m,
                expected=rows[m].expected_on if m in rows else None,
                done=rows[m].done_on if m in rows else None,
                detail={k: str(v) for k, v in (rows[m].detail if m in rows else {}).items()},
                asks=REQUIRED_DETAIL.get(m, ()),
                repeatable=m in REPEATABLE,
            )
            for m in Milestone
        ],
        link=state_of(link, now),
    )
