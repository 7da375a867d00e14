"""Activities of a session's meetings: a schedule for every approved match over the event's
grid, or a re-plan that keeps each still-valid meeting of a base schedule, as a versioned run."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity

from activities.partnering_runs import meetings_of, programme_of, run_of, save_run, solving
from domain.meetings.grid import Grid, MeetingRequest, Schedule
from domain.meetings.schedule import replan, schedule
from models.meetings import Busy
from models.orm import MatchRow, MeetingRow, SessionRow
from models.partnering import RunStatus, RunSummary
from models.partnering_io import PlanInput
from models.programme import Programme, SessionCalendar
from store import repository


def event_grid(programme: Programme, calendar: SessionCalendar) -> Grid:
    """The meeting grid over the event's days, in the session's zone."""
    tz = ZoneInfo(calendar.timezone)
    first, last = (
        calendar.event_start.astimezone(tz).date(),
        calendar.event_end.astimezone(tz).date(),
    )
    days = tuple(first + timedelta(days=i) for i in range((last - first).days + 1))
    config = programme.partnering.meetings
    return Grid(
        days=days,
        day_start=config.day_start,
        day_end=config.day_end,
        slot_minutes=config.slot_minutes,
        tables=config.tables,
        spare_tables=config.spare_tables,
        timezone=calendar.timezone,
        max_per_day=config.max_per_day,
    )


class MeetingActivities:
    def __init__(self, database: async_sessionmaker) -> None:
        self._database = database

    @activity.defn
    async def plan_meetings(self, data: PlanInput) -> RunSummary:
        """Schedule a meeting for every approved match; with a `base` schedule, keep each of its
        meetings that is still valid and place only the rest."""
        sid = data.session_id
        async with self._database() as db:
            if (done := await run_of(db, sid, "meetings", data.version)) is not None:
                return done
            programme = await programme_of(db, sid)
            # The session's calendar as it stands now: staff may have moved the event since
            # partnering opened.
            calendar = SessionCalendar.model_validate((await db.get(SessionRow, sid)).calendar)
            pairs = (
                await db.scalars(
                    select(MatchRow)
                    .where(
                        MatchRow.session_id == sid,
                        MatchRow.version == data.matching_version,
                        MatchRow.role == "match",
                    )
                    .order_by(MatchRow.submission_id, MatchRow.partner_id)
                )
            ).all()
            base = [] if data.base is None else await meetings_of(db, sid, data.base)
        requests = [MeetingRequest(film=m.submission_id, partner=m.partner_id) for m in pairs]
        length = timedelta(minutes=data.screening_minutes)
        busy = [
            Busy(who=film, start=at, end=at + length, reason="its screening")
            for film, at in data.screenings.items()
        ] + list(data.absences)
        grid = event_grid(programme, calendar)
        if base:
            previous = Schedule(meetings=tuple(base), unplaced=())
            plan = await solving(replan, previous, requests, grid, busy)
        else:
            plan = await solving(schedule, requests, grid, busy)
        counts: dict[str, int] = {}
        for m in plan.meetings:
            counts[m.film] = counts.get(m.film, 0) + 1
        summary = RunSummary(
            kind="meetings",
            version=data.version,
            status=RunStatus.PROPOSED,
            counts=counts,
            unplaced=len(plan.unplaced),
            warnings=[f"{u.film} / {u.partner}: {u.reason}" for u in plan.unplaced],
        )
        rows = [
            dict(
                session_id=sid,
                version=data.version,
                submission_id=m.film,
                partner_id=m.partner,
                status="scheduled",
                starts_at=m.start,
                ends_at=m.end,
                table_no=m.table,
                reason=None,
            )
            for m in plan.meetings
        ] + [
            dict(
                session_id=sid,
                version=data.version,
                submission_id=u.film,
                partner_id=u.partner,
                status="unplaced",
                starts_at=None,
                ends_at=None,
                table_no=None,
                reason=u.reason,
            )
            for u in plan.unplaced
        ]
        async with self._database.begin() as db:
            if (done := await run_of(db, sid, "meetings", data.version)) is not None:
                return done
            await repository.insert_ignore(
                db, MeetingRow, rows, ["session_id", "version", "submission_id", "partner_id"]
            )
            await save_run(db, sid, summary, data.at, data.actor)
        return summary

    def all(self) -> list:
        return [self.plan_meetings]
