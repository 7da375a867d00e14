"""Activities of the session's review: the committee's assignments, members' score sheets and
the ranking (the messages to members are activities/committee_mail.py).

A session may hold 20,000 films, so nothing here passes every film through the workflow: the
activities read and write in bulk, and the films assigned are told through `film_decisions`.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity
from temporalio.client import Client

from activities.film_decisions import REVIEWABLE, DecisionActivities
from domain.ranking import rank
from domain.review import ReviewTarget, assign
from domain.scoring import judge_sheet
from models.orm import ReviewAssignmentRow, ScoreRow, SubmissionRow
from models.ranking import ScoredFilm
from models.session import DecisionKind, FilmDecision
from models.session_io import (
    AssignInput,
    AssignResult,
    RankInput,
    RankResult,
    RecordSheetInput,
    Tell,
)
from models.sheets import SheetResult
from store import repository


class ReviewActivities:
    def __init__(self, database: async_sessionmaker, client: Client) -> None:
        self._database = database
        self._decisions = DecisionActivities(database, client)

    @activity.defn
    async def assign_reviews(self, data: AssignInput) -> AssignResult:
        """Give every reviewable film without reviewers its k members, then tell each film."""
        async with self._database.begin() as db:
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
        await self._decisions.tell(
            data.session_id,
            tells,
            actor="wipflow",
            key=f"{data.session_id}:assign:{data.at.isoformat()}",
        )
        return AssignResult(
            assigned=len(tells), short=result.short, conflicts_avoided=len(result.conflicts)
        )

    @activity.defn
    async def record_score_sheet(self, data: RecordSheetInput) -> SheetResult:
        """Record a member's sheet: every row assigned to them, on a film still under review and
        in range, in one transaction; the others refused with why. Scoring again replaces, so a
        retried attempt records the same scores once."""
        sheet = data.sheet
        async with self._database.begin() as db:
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
                        actor=sheet.actor,
                    )
                    for s in accepted
                ],
            )
        return SheetResult(recorded=len(accepted), refused=refused)

    @activity.defn
    async def rank_films(self, data: RankInput) -> RankResult:
        async with self._database.begin() as db:
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

    def all(self) -> list:
        return [
            self.assign_reviews,
            self.record_score_sheet,
            self.rank_films,
        ]
