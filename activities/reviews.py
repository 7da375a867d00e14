"""Activities of the session's review: the committee's assignments, the conflicts of interest
avoided or declared, members' score sheets and the ranking (the messages to members are
activities/committee_mail.py).

A session may hold 20,000 films, so nothing here passes every film through the workflow: the
activities read and write in bulk, and the films assigned are told through `film_decisions`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.film_decisions import REVIEWABLE, DecisionActivities
from domain.ranking import rank
from domain.review import ReviewTarget, assign, declared_why, refusal, replacement
from domain.scoring import judge_sheet
from models.committee import ConflictResult, ConflictSource
from models.orm import ReviewAssignmentRow, ReviewConflictRow, ScoreRow, SubmissionRow
from models.ranking import ScoredFilm
from models.session import DecisionKind, FilmDecision
from models.session_io import (
    AssignInput,
    AssignResult,
    DeclareInput,
    RankInput,
    RankResult,
    RecordSheetInput,
    Tell,
)
from models.sheets import SheetResult
from store import repository


def target_of(
    submission_id: str, producers: list[dict[str, Any]], directors: list[dict[str, Any]]
) -> ReviewTarget:
    """A film as the committee's rules see it: its producers' companies and its directors."""
    return ReviewTarget(
        submission_id=submission_id,
        companies=[p["company"] for p in producers],
        people=[d["name"] for d in directors],
    )


def refused(why: str) -> ApplicationError:
    """A declaration the database refuses (the session's validator cannot see assignments)."""
    return ApplicationError(why, type="ConflictRefused", non_retryable=True)


def under_review(
    data: AssignInput | DeclareInput, reviewers: list[str], reason: str, kept: dict[str, str]
) -> FilmDecision:
    """What a film under review is told: its reviewers, until when, in which range, and the
    members kept from it for a conflict of interest (member → what their score would read)."""
    return FilmDecision(
        kind=DecisionKind.UNDER_REVIEW,
        at=data.at,
        deadline=data.review_deadline,
        reviewers=reviewers,
        score_range=data.score_range,
        reason=reason,
        conflicts=kept,
    )


class ReviewActivities:
    def __init__(self, database: async_sessionmaker, client: Client) -> None:
        self._database = database
        self._decisions = DecisionActivities(database, client)

    @activity.defn
    async def assign_reviews(self, data: AssignInput) -> AssignResult:
        """Give every reviewable film without reviewers (or only those of `data.only`, films
        eligible late) its k members, record the conflicts of interest the assignment avoided,
        then tell each film its reviewers and the members kept from it."""
        assigned_query = select(ReviewAssignmentRow.submission_id).where(
            ReviewAssignmentRow.session_id == data.session_id
        )
        films_query = select(
            SubmissionRow.id, SubmissionRow.producers, SubmissionRow.directors
        ).where(
            SubmissionRow.session_id == data.session_id,
            SubmissionRow.status.in_(REVIEWABLE),
        )
        if data.only is not None:
            assigned_query = assigned_query.where(ReviewAssignmentRow.submission_id.in_(data.only))
            films_query = films_query.where(SubmissionRow.id.in_(data.only))
        async with self._database.begin() as db:
            assigned = set((await db.scalars(assigned_query)).all())
            load = await repository.review_loads(db, data.session_id)
            targets = [
                target_of(sid, producers, directors)
                for sid, producers, directors in (await db.execute(films_query)).all()
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
            await repository.insert_ignore(
                db,
                ReviewConflictRow,
                [
                    dict(
                        session_id=data.session_id,
                        member_id=c.member_id,
                        submission_id=c.submission_id,
                        source=ConflictSource.ASSIGNMENT.value,
                        relation=None,
                        why=c.why,
                        actor="wipflow",
                        at=data.at,
                    )
                    for c in result.conflicts
                ],
                ["session_id", "member_id", "submission_id"],
            )
            # Read back what this assignment gave: a retry after the commit tells the same films.
            given = await repository.assignments_at(db, data.session_id, data.at)
            kept: dict[str, dict[str, str]] = {}
            for member, sid, why in await repository.avoided_at(db, data.session_id, data.at):
                kept.setdefault(sid, {})[member] = refusal(ConflictSource.ASSIGNMENT, why)
        tells = [
            Tell(
                submission_id=sid,
                decision=under_review(
                    data,
                    members,
                    f"{len(members)} committee members review the film",
                    kept.get(sid, {}),
                ),
            )
            for sid, members in given.items()
        ]
        await self._decisions.tell(
            data.session_id,
            tells,
            actor="wipflow",
            key=f"{data.session_id}:assign:{data.at.isoformat()}",
        )
        return AssignResult(
            assigned=len(tells),
            short=result.short,
            conflicts_avoided=sum(len(members) for members in kept.values()),
        )

    @activity.defn
    async def declare_conflict(self, data: DeclareInput) -> ConflictResult:
        """A member's conflict with a film assigned to them: their assignment and their score of
        it go, the conflict is recorded with who declared it and why (and in the audit log), the
        least-loaded free member takes the film (none free: it is short), and the film is told
        its reviewers. Declared again, or retried, it changes nothing more and answers the same:
        the recorded conflict is the answer, and its replacement is the member assigned the film
        at the moment it was recorded."""
        c = data.conflict
        async with self._database.begin() as db:
            recorded = await db.get(
                ReviewConflictRow, (data.session_id, c.member_id, c.submission_id)
            )
            if recorded is None:
                recorded = await self._record_declared(db, data)
            elif recorded.source != ConflictSource.DECLARED.value:
                raise refused(f"{c.member_id} was never assigned this film: {recorded.why}")
            replaced_by = await db.scalar(
                select(ReviewAssignmentRow.member_id).where(
                    ReviewAssignmentRow.submission_id == c.submission_id,
                    ReviewAssignmentRow.assigned_at == recorded.at,
                )
            )
            reviewers = await repository.reviewers_of(db, c.submission_id)
            kept = {
                member: refusal(ConflictSource(source), why)
                for member, source, why in await repository.film_conflicts(
                    db, data.session_id, c.submission_id
                )
            }
        result = ConflictResult(
            submission_id=c.submission_id,
            member_id=c.member_id,
            why=recorded.why,
            replaced_by=replaced_by,
            reviewers=reviewers,
        )
        if recorded.at == data.at:  # this declaration or a retry of it: the film hears of it
            instead = f"{replaced_by} reviews it instead" if replaced_by else "no one is free"
            why = f"{c.member_id} declared a conflict of interest: {instead}"
            decision = under_review(data, reviewers, why, kept)
            await self._decisions.tell(
                data.session_id,
                [Tell(submission_id=c.submission_id, decision=decision)],
                actor=c.actor,
                key=f"{data.session_id}:conflict:{c.member_id}:{data.at.isoformat()}",
            )
        return result

    async def _record_declared(self, db: AsyncSession, data: DeclareInput) -> ReviewConflictRow:
        c = data.conflict
        film = await db.get(SubmissionRow, c.submission_id)
        if film is None or film.session_id != data.session_id:
            raise refused(f"{c.submission_id} is not a film of {data.session_id}")
        if film.status not in REVIEWABLE:
            raise refused(f"this film is {film.status}, not under review")
        reviewers = await repository.reviewers_of(db, c.submission_id)
        if c.member_id not in reviewers:
            raise refused(
                f"{c.member_id} is not assigned to this film: a conflict is declared with a "
                f"film to review (its reviewers: {', '.join(reviewers) or 'none'})"
            )
        kept_out = {m for m, _, _ in await repository.film_conflicts(db, film.session_id, film.id)}
        instead = replacement(
            target_of(film.id, film.producers, film.directors),
            data.members,
            reviewers,
            await repository.review_loads(db, data.session_id),
            kept_out | {c.member_id},
        )
        for table in (ReviewAssignmentRow, ScoreRow):
            await db.execute(
                delete(table).where(
                    table.submission_id == c.submission_id, table.member_id == c.member_id
                )
            )
        row = ReviewConflictRow(
            session_id=data.session_id,
            member_id=c.member_id,
            submission_id=c.submission_id,
            source=ConflictSource.DECLARED.value,
            relation=c.relation.value,
            why=declared_why(c.relation, c.detail),
            actor=c.actor,
            at=data.at,
        )
        db.add(row)
        if instead is not None:
            db.add(
                ReviewAssignmentRow(
                    submission_id=c.submission_id,
                    member_id=instead,
                    session_id=data.session_id,
                    assigned_at=data.at,
                )
            )
        await repository.audit(
            db,
            key=f"{c.submission_id}:conflict:{c.member_id}",
            at=data.at,
            actor=c.actor,
            entity_type="submission",
            entity_id=c.submission_id,
            action="conflict_declared",
            reason=f"{c.member_id} {row.why}; "
            + (f"{instead} reviews the film instead" if instead else "no member is free: short"),
        )
        await db.flush()
        return row

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
            conflicts = {
                sid: refusal(ConflictSource(source), why)
                for sid, source, why in await repository.member_conflicts(
                    db, data.session_id, sheet.member_id, [s.submission_id for s in sheet.scores]
                )
            }
            accepted, rows_refused = judge_sheet(
                sheet.member_id, sheet.scores, assigned, data.score_range, conflicts
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
        return SheetResult(recorded=len(accepted), refused=rows_refused)

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
            # Only a member still assigned counts: a score given as its member declared a
            # conflict with the film (and lost the assignment) may land after it was removed.
            assigned_scores = (
                select(ScoreRow.submission_id, ScoreRow.score)
                .join(
                    ReviewAssignmentRow,
                    (ReviewAssignmentRow.submission_id == ScoreRow.submission_id)
                    & (ReviewAssignmentRow.member_id == ScoreRow.member_id),
                )
                .where(ScoreRow.session_id == data.session_id)
            )
            for sid, score in (await db.execute(assigned_scores)).all():
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
            self.declare_conflict,
            self.record_score_sheet,
            self.rank_films,
        ]
