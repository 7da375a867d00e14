"""Activities of the session workflow: its records, the committee's assignments, the ranking, and
the fan-out of decisions to film workflows.

A session may hold 20,000 films, so nothing here passes every film through the workflow: the
activities page through the database, write in bulk, and signal film workflows themselves with
bounded concurrency, heartbeating their progress so a retry resumes where the last attempt stopped.
Every write is keyed, every signal carries a decision that a film may receive twice harmlessly.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from domain.ranking import Aggregate, ScoredFilm, rank
from domain.review import ReviewTarget, assign
from domain.scoring import SheetResult, judge_sheet
from models.committee import Member
from models.messages import Stage
from models.orm import (
    AuditRow,
    CommitteeMemberRow,
    ReviewAssignmentRow,
    ScoreRow,
    SessionRow,
    SubmissionRow,
)
from models.session import STAGE_FOR_DECISION, DecisionKind, FilmDecision, ScoreSheet
from shared import submission_workflow_id
from store import repository

SIGNAL_CONCURRENCY = 50
PAGE = 500
# Films the committee reviews and ranks.
REVIEWABLE = (Stage.ELIGIBLE.value, Stage.UNDER_REVIEW.value)


class StageChange(BaseModel):
    session_id: str
    workflow_id: str
    from_stage: str
    to_stage: str
    at: datetime
    actor: str
    reason: str


class SessionNote(BaseModel):
    """A staff decision to keep in the audit log: a pin, an exclusion, an answer."""

    session_id: str
    key: str
    at: datetime
    actor: str
    action: str
    entity_id: str
    reason: str


class CalendarChange(BaseModel):
    session_id: str
    workflow_id: str
    calendar: dict
    deadline: datetime
    at: datetime
    actor: str
    reason: str
    key: str


class CommitteeSave(BaseModel):
    session_id: str
    members: list[Member]
    at: datetime
    actor: str
    key: str


class AssignInput(BaseModel):
    session_id: str
    members: list[Member]
    k: int
    review_deadline: datetime
    score_range: tuple[float, float]
    at: datetime


class AssignResult(BaseModel):
    assigned: int
    short: dict[str, int]
    conflicts_avoided: int


class RemindInput(BaseModel):
    session_id: str
    review_deadline: datetime
    at: datetime


class RecordSheetInput(BaseModel):
    session_id: str
    sheet: ScoreSheet
    score_range: tuple[float, float]
    at: datetime


class RankInput(BaseModel):
    session_id: str
    method: Aggregate
    pinned: list[str]
    excluded: list[str]
    top: int
    final: bool


class RankResult(BaseModel):
    top: list[str]
    total: int


class Tell(BaseModel):
    submission_id: str
    decision: FilmDecision


class TellInput(BaseModel):
    session_id: str
    tells: list[Tell]
    actor: str
    key: str


class NotSelectedInput(BaseModel):
    session_id: str
    keep: list[str]
    at: datetime
    reason: str


class SessionActivities:
    def __init__(self, sessions: async_sessionmaker, client: Client) -> None:
        self._sessions = sessions
        self._client = client

    @activity.defn
    async def record_stage(self, data: StageChange) -> None:
        async with self._sessions.begin() as db:
            await db.execute(
                update(SessionRow)
                .where(SessionRow.id == data.session_id)
                .values(stage=data.to_stage)
            )
            await repository.audit(
                db,
                key=f"{data.workflow_id}:stage:{data.to_stage}",
                at=data.at,
                actor=data.actor,
                entity_type="session",
                entity_id=data.session_id,
                action="stage",
                from_state=data.from_stage,
                to_state=data.to_stage,
                reason=data.reason,
            )

    @activity.defn
    async def record_note(self, data: SessionNote) -> None:
        async with self._sessions.begin() as db:
            await repository.audit(
                db,
                key=data.key,
                at=data.at,
                actor=data.actor,
                entity_type="session",
                entity_id=data.entity_id,
                action=data.action,
                reason=data.reason,
            )

    @activity.defn
    async def record_calendar(self, data: CalendarChange) -> None:
        """Keep the row's calendar current: intake refuses late entries by the stored deadline."""
        async with self._sessions.begin() as db:
            await db.execute(
                update(SessionRow)
                .where(SessionRow.id == data.session_id)
                .values(calendar=data.calendar, deadline=data.deadline)
            )
            await repository.audit(
                db,
                key=data.key,
                at=data.at,
                actor=data.actor,
                entity_type="session",
                entity_id=data.session_id,
                action="calendar",
                reason=data.reason,
            )

    @activity.defn
    async def record_committee(self, data: CommitteeSave) -> None:
        async with self._sessions.begin() as db:
            await db.execute(
                delete(CommitteeMemberRow).where(CommitteeMemberRow.session_id == data.session_id)
            )
            db.add_all(
                CommitteeMemberRow(
                    session_id=data.session_id,
                    member_id=m.id,
                    name=m.name,
                    company=m.company,
                    declared_conflicts=m.declared_conflicts,
                )
                for m in data.members
            )
            await repository.audit(
                db,
                key=data.key,
                at=data.at,
                actor=data.actor,
                entity_type="session",
                entity_id=data.session_id,
                action="committee",
                reason=", ".join(m.id for m in data.members),
            )

    @activity.defn
    async def assign_reviews(self, data: AssignInput) -> AssignResult:
        """Give every reviewable film without reviewers its k members, then tell each film."""
        async with self._sessions.begin() as db:
            assigned = set(
                (
                    await db.scalars(
                        select(ReviewAssignmentRow.submission_id).where(
                            ReviewAssignmentRow.session_id == data.session_id
                        )
                    )
                ).all()
            )
            load: dict[str, int] = {}
            for member_id in (
                await db.scalars(
                    select(ReviewAssignmentRow.member_id).where(
                        ReviewAssignmentRow.session_id == data.session_id
                    )
                )
            ).all():
                load[member_id] = load.get(member_id, 0) + 1
            films = (
                await db.execute(
                    select(
                        SubmissionRow.id, SubmissionRow.producers, SubmissionRow.directors
                    ).where(
                        SubmissionRow.session_id == data.session_id,
                        SubmissionRow.status.in_(REVIEWABLE),
                    )
                )
            ).all()
            targets = [
                ReviewTarget(
                    submission_id=sid,
                    companies=[p["company"] for p in producers],
                    people=[d["name"] for d in directors],
                )
                for sid, producers, directors in films
                if sid not in assigned
            ]
            result = assign(targets, data.members, data.k, load=load)
            await repository.insert_ignore(
                db,
                ReviewAssignmentRow,
                [
                    dict(
                        submission_id=sid,
                        member_id=m,
                        session_id=data.session_id,
                        assigned_at=data.at,
                    )
                    for sid, members in result.reviewers.items()
                    for m in members
                ],
                ["submission_id", "member_id"],
            )
        tells = [
            Tell(
                submission_id=sid,
                decision=FilmDecision(
                    kind=DecisionKind.UNDER_REVIEW,
                    at=data.at,
                    deadline=data.review_deadline,
                    reviewers=members,
                    score_range=data.score_range,
                    reason=f"{len(members)} committee members review the film",
                ),
            )
            for sid, members in result.reviewers.items()
            if members
        ]
        await self._tell(
            data.session_id,
            tells,
            actor="wipflow",
            key=f"{data.session_id}:assign:{data.at.isoformat()}",
        )
        return AssignResult(
            assigned=len(tells), short=result.short, conflicts_avoided=len(result.conflicts)
        )

    @activity.defn
    async def remind_reviewers(self, data: RemindInput) -> dict[str, int]:
        """Count each member's missing scores and record a reminder for each member who has some.
        (The message itself goes out through the notification outbox.)"""
        async with self._sessions.begin() as db:
            missing = await repository.missing_scores(db, data.session_id)
            for member_id, count in missing.items():
                await repository.audit(
                    db,
                    key=f"{data.session_id}:remind:{member_id}:{data.review_deadline}",
                    at=data.at,
                    actor="wipflow",
                    entity_type="committee_member",
                    entity_id=f"{data.session_id}/{member_id}",
                    action="reminded",
                    reason=f"{count} film(s) to score by {data.review_deadline.isoformat()}",
                )
        return missing

    @activity.defn
    async def record_score_sheet(self, data: RecordSheetInput) -> SheetResult:
        """Record a member's sheet: every row assigned to them, on a film still under review and
        in range, in one transaction; the others refused with why. Scoring again replaces, so a
        retried attempt records the same scores once."""
        sheet = data.sheet
        async with self._sessions.begin() as db:
            assigned = dict(
                (
                    await db.execute(
                        select(ReviewAssignmentRow.submission_id, SubmissionRow.status)
                        .join(SubmissionRow, SubmissionRow.id == ReviewAssignmentRow.submission_id)
                        .where(
                            ReviewAssignmentRow.session_id == data.session_id,
                            ReviewAssignmentRow.member_id == sheet.member_id,
                            ReviewAssignmentRow.submission_id.in_(
                                {s.submission_id for s in sheet.scores}
                            ),
                        )
                    )
                ).all()
            )
            accepted, refused = judge_sheet(
                sheet.member_id, sheet.scores, assigned, data.score_range
            )
            await repository.upsert_scores(
                db,
                [
                    dict(
                        submission_id=s.submission_id,
                        member_id=sheet.member_id,
                        session_id=data.session_id,
                        score=s.score,
                        comment=s.comment,
                        scored_at=data.at,
                    )
                    for s in accepted
                ],
            )
        return SheetResult(recorded=len(accepted), refused=refused)

    @activity.defn
    async def rank_films(self, data: RankInput) -> RankResult:
        async with self._sessions.begin() as db:
            rows = (
                await db.execute(
                    select(SubmissionRow.id, SubmissionRow.submitted_at).where(
                        SubmissionRow.session_id == data.session_id,
                        SubmissionRow.status.in_(REVIEWABLE),
                    )
                )
            ).all()
            scores: dict[str, list[float]] = {sid: [] for sid, _ in rows}
            for sid, score in (
                await db.execute(
                    select(ScoreRow.submission_id, ScoreRow.score).where(
                        ScoreRow.session_id == data.session_id
                    )
                )
            ).all():
                if sid in scores:
                    scores[sid].append(score)
            ranked = rank(
                [
                    ScoredFilm(submission_id=sid, scores=scores[sid], submitted_at=at)
                    for sid, at in rows
                ],
                data.method,
                pinned=set(data.pinned),
                excluded=set(data.excluded),
            )
            if data.final:
                for film in ranked:
                    await db.execute(
                        update(SubmissionRow)
                        .where(SubmissionRow.id == film.submission_id)
                        .values(rank_position=film.position, aggregate_score=film.aggregate)
                    )
        return RankResult(top=[f.submission_id for f in ranked[: data.top]], total=len(ranked))

    @activity.defn
    async def tell_films(self, data: TellInput) -> int:
        return await self._tell(data.session_id, data.tells, actor=data.actor, key=data.key)

    @activity.defn
    async def tell_not_selected(self, data: NotSelectedInput) -> int:
        """Tell every reviewable film outside `keep` that it was not selected, page by page.

        A told film leaves the reviewable set, so the query itself is where a retry resumes."""
        done = 0
        decision = FilmDecision(kind=DecisionKind.NOT_SELECTED, at=data.at, reason=data.reason)
        while True:
            async with self._sessions() as db:
                page = (
                    await db.scalars(
                        select(SubmissionRow.id)
                        .where(
                            SubmissionRow.session_id == data.session_id,
                            SubmissionRow.status.in_(REVIEWABLE),
                            SubmissionRow.id.not_in(data.keep),
                        )
                        .order_by(SubmissionRow.id)
                        .limit(PAGE)
                    )
                ).all()
            if not page:
                return done
            await self._tell(
                data.session_id,
                [Tell(submission_id=sid, decision=decision) for sid in page],
                actor="wipflow",
                key=f"{data.session_id}:not_selected",
            )
            done += len(page)
            activity.heartbeat(done)

    async def _tell(self, session_id: str, tells: list[Tell], *, actor: str, key: str) -> int:
        """Record each film's new status and the decision (in bulk), then signal its workflow;
        a page at a time, heartbeating, so thousands of films never stall the activity."""
        limit = asyncio.Semaphore(SIGNAL_CONCURRENCY)

        async def signal(tell: Tell) -> None:
            async with limit:
                handle = self._client.get_workflow_handle(
                    submission_workflow_id(tell.submission_id)
                )
                try:
                    await handle.signal("decide", tell.decision)
                except RPCError as exc:
                    # A film whose workflow has ended (withdrawn meanwhile) needs no word.
                    if exc.status != RPCStatusCode.NOT_FOUND:
                        raise

        for start in range(0, len(tells), PAGE):
            page = tells[start : start + PAGE]
            async with self._sessions.begin() as db:
                changes: dict[tuple[Stage, datetime], list[str]] = {}
                for tell in page:
                    status = STAGE_FOR_DECISION[tell.decision.kind]
                    changes.setdefault((status, tell.decision.at), []).append(tell.submission_id)
                for (status, at), ids in changes.items():
                    await db.execute(
                        update(SubmissionRow)
                        .where(SubmissionRow.id.in_(ids))
                        .values(status=status.value, updated_at=at)
                    )
                await repository.insert_ignore(
                    db,
                    AuditRow,
                    [
                        dict(
                            idempotency_key=f"{key}:{t.submission_id}:{t.decision.kind.value}",
                            at=t.decision.at,
                            actor=actor,
                            entity_type="submission",
                            entity_id=t.submission_id,
                            action=t.decision.kind.value,
                            from_state=None,
                            to_state=STAGE_FOR_DECISION[t.decision.kind].value,
                            reason=t.decision.reason,
                        )
                        for t in page
                    ],
                    ["idempotency_key"],
                )
            await asyncio.gather(*(signal(t) for t in page))
            activity.heartbeat(start + len(page))
        return len(tells)

    def all(self) -> list:
        return [
            self.record_stage,
            self.record_note,
            self.record_calendar,
            self.record_committee,
            self.assign_reviews,
            self.remind_reviewers,
            self.record_score_sheet,
            self.rank_films,
            self.tell_films,
            self.tell_not_selected,
        ]
