"""Reads of the committee's work, shared by the member's page (readmodels/review_page.py) and
the messages to members (activities/committee_mail.py): who sits on a session's committee, the
films each member still has to score, and one member's films with every score given to them.

A film counts while it is under review: a film withdrawn meanwhile is no longer asked of anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.messages import FilmStage
from models.orm import (
    CommitteeMemberRow,
    ReviewAssignmentRow,
    ReviewConflictRow,
    ScoreRow,
    SubmissionRow,
)

UNDER_REVIEW = FilmStage.UNDER_REVIEW.value


@dataclass
class Progress:
    """A member's films under review: how many, and the titles of those still without their
    score (in title order)."""

    assigned: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def scored(self) -> int:
        return self.assigned - len(self.missing)


async def members(db: AsyncSession, session_id: str) -> list[CommitteeMemberRow]:
    return list(
        await db.scalars(
            select(CommitteeMemberRow)
            .where(CommitteeMemberRow.session_id == session_id)
            .order_by(CommitteeMemberRow.member_id)
        )
    )


async def member(db: AsyncSession, session_id: str, member_id: str) -> CommitteeMemberRow | None:
    return await db.get(CommitteeMemberRow, (session_id, member_id))


def under_review(*columns) -> Select:
    """The assignments of films under review, each with its member's score if given: `columns`
    of the three tables, for the caller to narrow and order."""
    return (
        select(*columns)
        .select_from(ReviewAssignmentRow)
        .join(SubmissionRow, SubmissionRow.id == ReviewAssignmentRow.submission_id)
        .outerjoin(
            ScoreRow,
            (ScoreRow.submission_id == ReviewAssignmentRow.submission_id)
            & (ScoreRow.member_id == ReviewAssignmentRow.member_id),
        )
        .where(SubmissionRow.status == UNDER_REVIEW)
    )


async def progress(db: AsyncSession, session_id: str) -> dict[str, Progress]:
    """Each member's progress, in one query (a session of 20,000 films has some 60,000
    assignments: one row each, two columns wide)."""
    rows = await db.execute(
        under_review(ReviewAssignmentRow.member_id, SubmissionRow.original_title, ScoreRow.score)
        .where(ReviewAssignmentRow.session_id == session_id)
        .order_by(ReviewAssignmentRow.member_id, SubmissionRow.original_title)
    )
    done: dict[str, Progress] = {}
    for member_id, title, score in rows:
        mine = done.setdefault(member_id, Progress())
        mine.assigned += 1
        if score is None:
            mine.missing.append(title)
    return done


async def assignments_of(
    db: AsyncSession, session_id: str, member_id: str
) -> list[tuple[str, bool]]:
    """The films under review assigned to the member, by title: each id, and whether the member
    has scored it. Two columns a film: a page chooses its 20 from them and reads only those."""
    rows = await db.execute(
        under_review(SubmissionRow.id, ScoreRow.member_id.is_not(None))
        .where(
            ReviewAssignmentRow.session_id == session_id,
            ReviewAssignmentRow.member_id == member_id,
        )
        .order_by(SubmissionRow.original_title, SubmissionRow.id)
    )
    return [(sid, scored) for sid, scored in rows]


async def films(db: AsyncSession, submission_ids: list[str]) -> list[SubmissionRow]:
    """These films, in the order given."""
    if not submission_ids:
        return []
    found = {
        f.id: f
        for f in await db.scalars(select(SubmissionRow).where(SubmissionRow.id.in_(submission_ids)))
    }
    return [found[sid] for sid in submission_ids if sid in found]


async def scores_of(db: AsyncSession, submission_ids: list[str]) -> list[ScoreRow]:
    """Every member's score of these films."""
    if not submission_ids:
        return []
    return list(
        await db.scalars(
            select(ScoreRow)
            .where(ScoreRow.submission_id.in_(submission_ids))
            .order_by(ScoreRow.submission_id, ScoreRow.member_id)
        )
    )


async def assigned(db: AsyncSession, session_id: str, member_id: str, submission_id: str) -> bool:
    """Whether the film is assigned to the member (and under review)."""
    found = await db.scalar(
        select(SubmissionRow.id)
        .join(ReviewAssignmentRow, ReviewAssignmentRow.submission_id == SubmissionRow.id)
        .where(
            ReviewAssignmentRow.session_id == session_id,
            ReviewAssignmentRow.member_id == member_id,
            ReviewAssignmentRow.submission_id == submission_id,
            SubmissionRow.status == UNDER_REVIEW,
        )
    )
    return found is not None


async def conflicts_of(
    db: AsyncSession, session_id: str, member_id: str, source: str | None = None
) -> list[tuple[ReviewConflictRow, str]]:
    """The member's conflicts of interest in the session (of one `source`, if given), each
    with its film's title, by title."""
    query = (
        select(ReviewConflictRow, SubmissionRow.original_title)
        .join(SubmissionRow, SubmissionRow.id == ReviewConflictRow.submission_id)
        .where(
            ReviewConflictRow.session_id == session_id,
            ReviewConflictRow.member_id == member_id,
        )
        .order_by(SubmissionRow.original_title)
    )
    if source is not None:
        query = query.where(ReviewConflictRow.source == source)
    return [(row, title) for row, title in (await db.execute(query)).all()]
