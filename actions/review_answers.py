"""A committee member's answers on their page: a film's score (with a comment), and a conflict of
interest declared with a film.

A score is the same validated update the command line sends (the film's `score`), recorded with
the member as its actor. Its id derives from the link, the film, the score the page showed and
the score given: a double click or a reload is one update, and changing a score back to an earlier
value is a new one (it starts from another score). A conflict is the session's `declare_conflict`
update (actions/review.py). Each refusal says why, for the page to say it in the member's language.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from actions.answers import plain_reason
from actions.review import declare_conflict
from gateway.context import Context
from gateway.errors import ActionError
from gateway.handles import submission_update
from models.committee import ConflictResult, Relation
from models.session import ScoreInput
from notifications.links import Link, Purpose
from readmodels.answers import open_link
from readmodels.review_page import MemberDoor, door_of
from workflows.submission import SubmissionWorkflow

# A score's comment, as long as the command line's (models/session.ScoreInput).
COMMENT_LIMIT = 5000


class ReviewRefused(ActionError):
    """Why an answer was not taken: `closed` (the review is over), `range` (the score is outside
    the programme's range), `conflict` (the member declared one: `detail` says it), `assigned`
    (the film is not the member's), or `refused` (the film's workflow said no)."""

    def __init__(self, why: str, detail: str = "") -> None:
        super().__init__(detail or why)
        self.why = why
        self.detail = detail


def member_actor(link: Link) -> str:
    """Who the audit trail and the score name for an answer given on a member's page."""
    return f"committee member {link.occurrence} (signed link)"


def state_of_score(score: float | None, comment: str | None) -> str:
    """A score as the page shows it, in a few characters: the `was` of the next answer."""
    if score is None:
        return "none"
    return hashlib.sha256(f"{score!r}\x1f{comment or ''}".encode()).hexdigest()[:16]


async def opened(ctx: Context, token: str, submission_id: str, now: datetime) -> MemberDoor:
    """The member's door for a film, refused unless the review is open and the film is theirs."""
    door = await door_of(ctx, open_link(ctx, token, Purpose.REVIEW, now), submission_id, now)
    if not door.may_score:
        raise ReviewRefused("closed")
    if door.conflict is not None:
        raise ReviewRefused("conflict", door.conflict)
    if not door.assigned:
        raise ReviewRefused("assigned")
    return door


async def score_by_link(
    ctx: Context,
    token: str,
    submission_id: str,
    score: float,
    comment: str = "",
    was: str = "none",
    now: datetime | None = None,
) -> None:
    """Record the member's score of a film (scoring again replaces it)."""
    door = await opened(ctx, token, submission_id, now or datetime.now(UTC))
    if not door.score_min <= score <= door.score_max:
        raise ReviewRefused("range")
    said = plain_reason(comment, COMMENT_LIMIT) or None
    request = ScoreInput(
        member_id=door.link.occurrence, score=score, comment=said, actor=member_actor(door.link)
    )
    update_id = f"link:{door.link.ref}:{submission_id}:{was[:16]}:{state_of_score(score, said)}"
    try:
        await submission_update(ctx, submission_id, SubmissionWorkflow.score, request, update_id)
    except ActionError as exc:
        raise ReviewRefused("refused", str(exc)) from None


async def declare_by_link(
    ctx: Context,
    token: str,
    submission_id: str,
    relation: Relation,
    detail: str = "",
    now: datetime | None = None,
) -> ConflictResult:
    """Declare a conflict of interest with one of the member's films: it goes to a free member."""
    door = await opened(ctx, token, submission_id, now or datetime.now(UTC))
    link = door.link
    try:
        return await declare_conflict(
            ctx,
            link.subject,
            link.occurrence,
            submission_id,
            relation,
            plain_reason(detail)[:200] or None,
            actor=member_actor(link),
        )
    except ActionError as exc:
        raise ReviewRefused("refused", str(exc)) from None
