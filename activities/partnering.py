"""Activities of a session's partnering: import-free reads of partners and films, the matching
and meeting solvers run off the event loop, their proposals written as versioned rows, approvals,
and the grant of awards with the start of each award's own workflow.

Each run is written under its version number, so a retried activity finds its version already
written and returns what it wrote: a proposal is computed once, whatever the retries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
)
from temporalio.exceptions import ApplicationError

from domain.matching.affinity import affinity, conflict
from domain.matching.solve import solve
from domain.matching.types import Alternate, InfeasibleMatching, MatchOptions, Pair, Quota
from domain.meetings.grid import Grid, Meeting, MeetingRequest, Schedule
from domain.meetings.schedule import replan, schedule
from models.matching import FilmNeeds
from models.meetings import Busy
from models.orm import (
    AwardGrantRow,
    MatchRow,
    MeetingRow,
    PartneringRunRow,
    PartnerRow,
    SessionRow,
    SubmissionRow,
)
from models.partnering import (
    AwardInput,
    GrantRequest,
    GrantSummary,
    OverrideAction,
    OverrideRequest,
    PartneringInput,
    RunStatus,
    RunSummary,
)
from models.partners import PartnerForm, needs_of, offer_of
from models.programme import LATIN_AMERICA, AwardConfig, AwardStep, Programme, SessionCalendar
from models.submission import SubmissionForm
from shared import (
    PROGRAMME,
    SESSION,
    STAGE,
    STATUS,
    Status,
    award_workflow_id,
    partnering_workflow_id,
    session_key,
)
from store import repository


class ProposeInput(BaseModel):
    session_id: str
    version: int
    lineup: list[str]
    fairness: bool | None
    at: datetime
    actor: str


class OverrideInput(BaseModel):
    session_id: str
    version: int
    request: OverrideRequest
    at: datetime


class ApproveInput(BaseModel):
    session_id: str
    kind: str
    version: int
    previous: int | None
    at: datetime
    actor: str
    reason: str


class PlanInput(BaseModel):
    session_id: str
    version: int
    matching_version: int
    base: int | None = None
    screenings: dict[str, datetime]
    screening_minutes: int
    absences: list[Busy]
    at: datetime
    actor: str


class GrantInput(BaseModel):
    session_id: str
    programme_id: str
    request: GrantRequest
    lineup: list[str]
    at: datetime
    task_queue: str


class OpenInput(BaseModel):
    session_id: str
    programme_id: str
    name: str
    lineup: list[str]
    screenings: dict[str, datetime]
    screening_minutes: int
    task_queue: str


class AwardStepInput(BaseModel):
    grant_id: str
    step: str
    due_at: datetime | None
    overdue: bool
    at: datetime
    actor: str
    reason: str


def refuse(message: str, kind: str) -> ApplicationError:
    """A staff request the data refuses: fails the update with the reason, never retried."""
    return ApplicationError(message, type=kind, non_retryable=True)


def worth(value: Decimal | None, currency: str) -> str:
    return "in kind" if value is None else f"{value} {currency}"


def quotas_of(programme: Programme) -> tuple[Quota, ...]:
    return tuple(
        Quota(label=q.label, kinds=frozenset(q.kinds), min=q.min, max=q.max)
        for q in programme.partnering.quotas
    )


async def _programme(db: AsyncSession, session_id: str) -> Programme:
    session = await db.get(SessionRow, session_id)
    return await repository.load_programme(db, session.programme_id)


async def _films(db: AsyncSession, ids: list[str], per_film: int) -> list[FilmNeeds]:
    rows = (await db.scalars(select(SubmissionRow).where(SubmissionRow.id.in_(ids)))).all()
    by_id = {row.id: row for row in rows}
    return [
        needs_of(sid, SubmissionForm.model_validate(by_id[sid].form), per_film)
        for sid in ids
        if sid in by_id
    ]


async def _partners(db: AsyncSession, session_id: str) -> list[PartnerForm]:
    rows = await db.scalars(
        select(PartnerRow).where(PartnerRow.session_id == session_id).order_by(PartnerRow.id)
    )
    return [PartnerForm.model_validate(row.form) for row in rows]


async def _run(db: AsyncSession, session_id: str, kind: str, version: int) -> RunSummary | None:
    row = await db.get(PartneringRunRow, (session_id, kind, version))
    return None if row is None else RunSummary.model_validate(row.summary)


async def _save_run(
    db: AsyncSession, session_id: str, summary: RunSummary, at: datetime, actor: str
) -> None:
    db.add(
        PartneringRunRow(
            session_id=session_id,
            kind=summary.kind,
            version=summary.version,
            status=summary.status.value,
            summary=summary.model_dump(mode="json"),
            created_at=at,
            actor=actor,
        )
    )
    await repository.audit(
        db,
        key=f"{session_id}:{summary.kind}:{summary.version}:proposed",
        at=at,
        actor=actor,
        entity_type="session",
        entity_id=session_id,
        action=f"{summary.kind}_proposed",
        reason=f"version {summary.version}: " + ", ".join(f"{k} {v}" for k, v in _facts(summary)),
    )


def _facts(summary: RunSummary) -> list[tuple[str, object]]:
    facts: list[tuple[str, object]] = [("pairs", sum(summary.counts.values()))]
    if summary.objective is not None:
        facts += [("objective", round(summary.objective, 2)), ("optimal", summary.optimal)]
    if summary.kind == "meetings":
        facts.append(("unplaced", summary.unplaced))
    return facts


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


def award_refusals(
    award: AwardConfig, form: SubmissionForm, programme: Programme, title: str
) -> list[str]:
    """Why a film may not receive an award under the award's own filters (empty: it may)."""
    rule = programme.eligibility.latam_share
    home = set(rule.countries) if rule else set(LATIN_AMERICA)
    problems = []
    filters = award.filters
    if filters.max_third_country_pct is not None:
        third = sum(p.share_pct for p in form.producers if p.country not in home)
        if third > filters.max_third_country_pct:
            problems.append(
                f"{title}: third countries hold {third:g}% of the production "
                f"(the {award.name} allows at most {filters.max_third_country_pct:g}%)"
            )
    countries = filters.majority_producer_countries
    if countries and form.country not in countries:
        problems.append(
            f"{title}: its majority producer is from {form.country} "
            f"(the {award.name} requires {', '.join(countries)})"
        )
    if filters.genres and form.genre not in filters.genres:
        problems.append(
            f"{title}: a {form.genre.value} film "
            f"(the {award.name} is for {', '.join(g.value for g in filters.genres)})"
        )
    return problems


T = TypeVar("T")


async def solving(solver: Callable[..., T], *args: Any) -> T:
    """Run a solver in a thread and heartbeat while it works (it may take its whole time limit):
    a worker that dies mid-solve is noticed within the heartbeat timeout."""
    work = asyncio.ensure_future(asyncio.to_thread(solver, *args))
    while not (await asyncio.wait({work}, timeout=5))[0]:
        activity.heartbeat()
    return work.result()


class PartneringActivities:
    def __init__(self, sessions: async_sessionmaker, client: Client) -> None:
        self._sessions = sessions
        self._client = client

    @activity.defn
    async def open_partnering(self, data: OpenInput) -> str:
        """Start the session's partnering workflow (once: a retry finds it running)."""
        from workflows.partnering import PartneringWorkflow

        async with self._sessions() as db:
            programme = await repository.load_programme(db, data.programme_id)
        awards = [a.id for a in programme.awards_for(session_key(data.session_id))]
        handle = await self._client.start_workflow(
            PartneringWorkflow.run,
            PartneringInput(
                session_id=data.session_id,
                programme_id=data.programme_id,
                name=data.name,
                lineup=data.lineup,
                screenings=data.screenings,
                screening_minutes=data.screening_minutes,
                award_ids=awards,
            ),
            id=partnering_workflow_id(data.session_id),
            task_queue=data.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(PROGRAMME, data.programme_id),
                    SearchAttributePair(SESSION, data.session_id),
                    SearchAttributePair(STAGE, "matching none, meetings none"),
                    SearchAttributePair(STATUS, Status.WAITING_STAFF.value),
                ]
            ),
            static_summary=f"{data.name}: partners, meetings and awards"[:200],
            static_details=(
                f"**{data.name}** (`{data.session_id}`): the final lineup of "
                f"{len(data.lineup)} films matched with the session's partners, their one-to-one "
                f"meetings, and the jury's awards ({', '.join(awards) or 'none'})"
            ),
        )
        return handle.id

    @activity.defn
    async def propose_matches(self, data: ProposeInput) -> RunSummary:
        """Solve the matching for the lineup and write it as a proposal (version `version`)."""
        async with self._sessions() as db:
            if (done := await _run(db, data.session_id, "matching", data.version)) is not None:
                return done
            programme = await _programme(db, data.session_id)
            config = programme.partnering
            films = await _films(db, data.lineup, config.partners_per_film)
            offers = [offer_of(data.session_id, p) for p in await _partners(db, data.session_id)]
        if not offers:
            raise refuse(
                f"{data.session_id} has no partners: import them first "
                f"(starter.py partners import FILE --session {data.session_id})",
                "NoPartners",
            )
        options = MatchOptions(
            quotas=quotas_of(programme),
            fairness=config.fairness if data.fairness is None else data.fairness,
            alternates=config.alternates,
        )
        try:
            result = await solving(solve, films, offers, options)
        except InfeasibleMatching as exc:
            raise refuse(str(exc), "InfeasibleMatching") from None
        summary = RunSummary(
            kind="matching",
            version=data.version,
            status=RunStatus.PROPOSED,
            counts={f.id: sum(p.film == f.id for p in result.pairs) for f in films},
            objective=result.objective,
            bound=result.bound,
            optimal=result.optimal,
            worst_film=result.worst_film,
            seconds=result.seconds,
        )
        rows = [
            _match_row(data.session_id, data.version, choice, role)
            for role, choices in (("match", result.pairs), ("alternate", result.alternates))
            for choice in choices
        ]
        async with self._sessions.begin() as db:
            if (done := await _run(db, data.session_id, "matching", data.version)) is not None:
                return done
            await repository.insert_ignore(
                db, MatchRow, rows, ["session_id", "version", "submission_id", "partner_id"]
            )
            await _save_run(db, data.session_id, summary, data.at, data.actor)
        return summary

    @activity.defn
    async def override_match(self, data: OverrideInput) -> RunSummary:
        """Staff add or remove one pair of a proposal. Conflicts of interest, opt-outs and
        capacities still hold; a quota the change leaves unmet is reported, not refused."""
        request, sid = data.request, data.session_id
        async with self._sessions.begin() as db:
            run = await db.get(PartneringRunRow, (sid, "matching", data.version))
            pairs = (
                await db.scalars(
                    select(MatchRow).where(
                        MatchRow.session_id == sid, MatchRow.version == data.version
                    )
                )
            ).all()
            partners = {p.id: p for p in await _partners(db, sid)}
            programme = await _programme(db, sid)
            if request.partner_id not in partners:
                raise refuse(f"{request.partner_id} is not a partner of {sid}", "UnknownPartner")
            films = await _films(
                db, [request.submission_id], programme.partnering.partners_per_film
            )
            if not films:
                raise refuse(f"{request.submission_id} is not a film of {sid}", "UnknownFilm")
            film, partner = films[0], offer_of(sid, partners[request.partner_id])
            chosen = [m for m in pairs if m.role == "match"]
            existing = next(
                (m for m in pairs if m.submission_id == film.id and m.partner_id == partner.id),
                None,
            )
            note = f"{request.action.value} by {request.actor}: {request.reason}"
            if request.action is OverrideAction.ADD:
                if existing is not None and existing.role == "match":
                    return RunSummary.model_validate(run.summary)
                if (why := conflict(film, partner)) is not None:
                    raise refuse(f"{partner.name} cannot meet {film.title}: {why}", "Conflict")
                taken = sum(m.partner_id == partner.id for m in chosen)
                if taken >= partner.capacity:
                    raise refuse(
                        f"{partner.name} is at capacity ({partner.capacity} films): "
                        "remove one of its films first",
                        "Capacity",
                    )
                if sum(m.submission_id == film.id for m in chosen) >= film.max_partners:
                    raise refuse(
                        f"{film.title} already has {film.max_partners} partners, its maximum",
                        "Capacity",
                    )
                fit = affinity(film, partner)
                if existing is None:
                    existing = MatchRow(
                        session_id=sid,
                        version=data.version,
                        submission_id=film.id,
                        partner_id=partner.id,
                        affinity=fit.score,
                        reasons=list(fit.reasons),
                    )
                    db.add(existing)
                existing.role, existing.why_not = "match", None
                existing.reasons = [*existing.reasons, note]
            else:
                if existing is not None and existing.role == "removed":
                    return RunSummary.model_validate(run.summary)  # a retry of this removal
                if existing is None or existing.role != "match":
                    raise refuse(f"{partner.name} is not matched with {film.title}", "NotMatched")
                existing.role, existing.why_not = "removed", note
            await db.flush()
            chosen = (
                await db.scalars(
                    select(MatchRow).where(
                        MatchRow.session_id == sid,
                        MatchRow.version == data.version,
                        MatchRow.role == "match",
                    )
                )
            ).all()
            summary = RunSummary.model_validate(run.summary)
            counts = {f: 0 for f in summary.counts}
            for m in chosen:
                counts[m.submission_id] = counts.get(m.submission_id, 0) + 1
            summary = summary.model_copy(
                update={
                    "counts": counts,
                    "objective": sum(m.affinity for m in chosen),
                    "optimal": False,
                    "warnings": _quota_warnings(chosen, partners, programme, film),
                }
            )
            run.summary = summary.model_dump(mode="json")
            await repository.audit(
                db,
                key=f"{sid}:matching:{data.version}:{request.action.value}:{film.id}:{partner.id}",
                at=data.at,
                actor=request.actor,
                entity_type="session",
                entity_id=sid,
                action=f"match_{request.action.value}",
                reason=f"{film.title} / {partner.name}: {request.reason}",
            )
        return summary

    @activity.defn
    async def approve_run(self, data: ApproveInput) -> list[str]:
        """Approve a proposal; returns the films whose matches or meetings it changed, who are
        the ones to tell (all of them the first time)."""
        async with self._sessions.begin() as db:
            run = await db.get(PartneringRunRow, (data.session_id, data.kind, data.version))
            if run.status != RunStatus.APPROVED:
                run.status, run.approved_at, run.approved_by = "approved", data.at, data.actor
                summary = dict(run.summary, status="approved")
                run.summary = summary
                await db.execute(
                    update(PartneringRunRow)
                    .where(
                        PartneringRunRow.session_id == data.session_id,
                        PartneringRunRow.kind == data.kind,
                        PartneringRunRow.version != data.version,
                        PartneringRunRow.status.in_(["approved", "proposed"]),
                    )
                    .values(status="superseded")
                )
                await repository.audit(
                    db,
                    key=f"{data.session_id}:{data.kind}:{data.version}:approved",
                    at=data.at,
                    actor=data.actor,
                    entity_type="session",
                    entity_id=data.session_id,
                    action=f"{data.kind}_approved",
                    reason=f"version {data.version}: {data.reason}",
                )
            now = await _plan_by_film(db, data.session_id, data.kind, data.version)
            before = (
                {}
                if data.previous is None
                else await _plan_by_film(db, data.session_id, data.kind, data.previous)
            )
        return sorted(f for f in set(now) | set(before) if now.get(f) != before.get(f))

    @activity.defn
    async def plan_meetings(self, data: PlanInput) -> RunSummary:
        """Schedule a meeting for every approved match; with a `base` schedule, keep each of its
        meetings that is still valid and place only the rest."""
        sid = data.session_id
        async with self._sessions() as db:
            if (done := await _run(db, sid, "meetings", data.version)) is not None:
                return done
            programme = await _programme(db, sid)
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
            base = [] if data.base is None else await _meetings(db, sid, data.base)
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
        async with self._sessions.begin() as db:
            if (done := await _run(db, sid, "meetings", data.version)) is not None:
                return done
            await repository.insert_ignore(
                db, MeetingRow, rows, ["session_id", "version", "submission_id", "partner_id"]
            )
            await _save_run(db, sid, summary, data.at, data.actor)
        return summary

    @activity.defn
    async def grant_award(self, data: GrantInput) -> list[GrantSummary]:
        """Record the jury's decision and start each granted share's award workflow.

        Refused, with every reason, when the award is not this session's, a film is not in the
        lineup, or a film fails the award's own filters (the workflow has checked the shares)."""
        request, sid = data.request, data.session_id
        async with self._sessions() as db:
            programme = await repository.load_programme(db, data.programme_id)
            award = next(
                (a for a in programme.awards_for(session_key(sid)) if a.id == request.award_id),
                None,
            )
            if award is None:
                known = ", ".join(a.id for a in programme.awards_for(session_key(sid)))
                raise refuse(
                    f"{sid} has no award {request.award_id!r} (its awards: {known or 'none'})",
                    "UnknownAward",
                )
            rows = {
                r.id: r
                for r in await db.scalars(
                    select(SubmissionRow).where(
                        SubmissionRow.id.in_([f.submission_id for f in request.films])
                    )
                )
            }
            earlier = set(
                await db.scalars(
                    select(AwardGrantRow.submission_id).where(
                        AwardGrantRow.session_id == sid, AwardGrantRow.award_id == award.id
                    )
                )
            )
        problems = []
        for share in request.films:
            if share.submission_id in earlier:  # declined since: give it to another film
                problems.append(f"{share.submission_id} was already granted {award.name}")
            row = rows.get(share.submission_id)
            if row is None or share.submission_id not in data.lineup:
                problems.append(f"{share.submission_id} is not in the session's lineup")
                continue
            form = SubmissionForm.model_validate(row.form)
            problems += award_refusals(award, form, programme, row.original_title)
        if problems:
            raise refuse("; ".join(problems), "AwardRefused")
        grants = []
        for share in request.films:
            value = (
                None
                if award.value is None
                else (award.value * Decimal(str(share.share_pct)) / 100).quantize(
                    Decimal("0.01"), ROUND_HALF_UP
                )
            )
            film_key = share.submission_id.rsplit("/", 1)[1]
            grant_id = f"{sid}/{award.id}/{film_key}"
            grants.append(
                GrantSummary(
                    grant_id=grant_id,
                    award_id=award.id,
                    submission_id=share.submission_id,
                    share_pct=share.share_pct,
                    value=value,
                    currency=award.currency,
                    workflow_id=award_workflow_id(grant_id),
                )
            )
        async with self._sessions.begin() as db:
            await repository.insert_ignore(
                db,
                AwardGrantRow,
                [
                    dict(
                        id=g.grant_id,
                        session_id=sid,
                        award_id=g.award_id,
                        submission_id=g.submission_id,
                        share_pct=g.share_pct,
                        value=g.value,
                        currency=g.currency,
                        step=AwardStep.OFFERED.value,
                        due_at=None,
                        overdue=False,
                        workflow_id=g.workflow_id,
                        granted_at=data.at,
                        actor=request.actor,
                        reason=request.reason,
                    )
                    for g in grants
                ],
                ["id"],
            )
            for g in grants:
                await repository.audit(
                    db,
                    key=f"{g.grant_id}:granted",
                    at=data.at,
                    actor=request.actor,
                    entity_type="submission",
                    entity_id=g.submission_id,
                    action="award_granted",
                    to_state=AwardStep.OFFERED.value,
                    reason=f"{award.name} ({g.share_pct:g}%, {worth(g.value, g.currency)}): "
                    f"{request.reason}",
                )
        from workflows.award import AwardWorkflow

        for g in grants:
            await self._client.start_workflow(
                AwardWorkflow.run,
                AwardInput(
                    grant_id=g.grant_id,
                    session_id=sid,
                    programme_id=data.programme_id,
                    submission_id=g.submission_id,
                    award=award,
                    share_pct=g.share_pct,
                    value=g.value,
                    currency=g.currency,
                    granted_at=data.at,
                ),
                id=g.workflow_id,
                task_queue=data.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(PROGRAMME, data.programme_id),
                        SearchAttributePair(SESSION, sid),
                        SearchAttributePair(STAGE, AwardStep.OFFERED.value),
                        SearchAttributePair(STATUS, Status.WAITING_PRODUCER.value),
                    ]
                ),
                static_summary=f"{award.name} → {rows[g.submission_id].original_title}"[:200],
                static_details=(
                    f"**{award.name}** ({award.kind.value}, given by {award.partner}) to "
                    f"**{rows[g.submission_id].original_title}**: {g.share_pct:g}% = "
                    f"{worth(g.value, g.currency)}"
                ),
            )
        return grants

    @activity.defn
    async def record_award_step(self, data: AwardStepInput) -> None:
        async with self._sessions.begin() as db:
            row = await db.get(AwardGrantRow, data.grant_id)
            row.step, row.due_at, row.overdue = data.step, data.due_at, data.overdue
            action = "award_overdue" if data.overdue else f"award_{data.step}"
            await repository.audit(
                db,
                key=f"{data.grant_id}:{data.step}" + (":overdue" if data.overdue else ""),
                at=data.at,
                actor=data.actor,
                entity_type="submission",
                entity_id=row.submission_id,
                action=action,
                to_state=data.step,
                reason=f"{row.award_id}: {data.reason}",
            )

    def all(self) -> list:
        return [
            self.open_partnering,
            self.propose_matches,
            self.override_match,
            self.approve_run,
            self.plan_meetings,
            self.grant_award,
            self.record_award_step,
        ]


def _match_row(session_id: str, version: int, choice: Pair | Alternate, role: str) -> dict:
    return dict(
        session_id=session_id,
        version=version,
        submission_id=choice.film,
        partner_id=choice.partner,
        role=role,
        affinity=choice.affinity,
        reasons=list(choice.reasons),
        why_not=getattr(choice, "why_not", None),
    )


def _quota_warnings(chosen, partners, programme: Programme, film) -> list[str]:
    kinds = [partners[m.partner_id].kind for m in chosen if m.submission_id == film.id]
    warnings = []
    for quota in programme.partnering.quotas:
        count = sum(k in quota.kinds for k in kinds)
        if count < quota.min:
            warnings.append(f"{film.title} now has {count} of {quota.label} (at least {quota.min})")
        if quota.max is not None and count > quota.max:
            warnings.append(f"{film.title} now has {count} of {quota.label} (at most {quota.max})")
    return warnings


async def _plan_by_film(
    db: AsyncSession, session_id: str, kind: str, version: int
) -> dict[str, list[tuple]]:
    """Each film's matches (or meetings) of one version, comparable between versions."""
    plan: dict[str, list[tuple]] = {}
    if kind == "matching":
        rows = await db.scalars(
            select(MatchRow).where(
                MatchRow.session_id == session_id,
                MatchRow.version == version,
                MatchRow.role == "match",
            )
        )
        for r in rows:
            plan.setdefault(r.submission_id, []).append((r.partner_id,))
    else:
        for m in await _meetings(db, session_id, version):
            plan.setdefault(m.film, []).append((m.partner, m.start, m.table))
    return {film: sorted(items) for film, items in plan.items()}


async def _meetings(db: AsyncSession, session_id: str, version: int) -> list[Meeting]:
    rows = await db.scalars(
        select(MeetingRow).where(
            MeetingRow.session_id == session_id,
            MeetingRow.version == version,
            MeetingRow.status == "scheduled",
        )
    )
    return [
        Meeting(
            film=r.submission_id,
            partner=r.partner_id,
            start=r.starts_at,
            end=r.ends_at,
            table=r.table_no,
        )
        for r in rows
    ]
