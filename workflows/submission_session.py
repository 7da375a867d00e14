"""A film and its session: the signals a film sends its session, and the check of a score its
session's committee gives (run by the film's `score` validator, pure like the session's checks in
workflows/session_checks.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from temporalio import workflow
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    from models.messages import FilmStage
    from models.session import FilmDecision, ScoreInput
    from shared import session_workflow_id


async def tell_session(session_id: str, signal: str, arg: BaseModel) -> None:
    """Signal the film's session: `film_withdrawn` (a film in play), `film_eligible` (eligible
    after a fix). A session that has ended has no use for it: the film's own step stands."""
    session = workflow.get_external_workflow_handle(session_workflow_id(session_id))
    try:
        await session.signal(signal, arg)
    except FailureError as exc:
        workflow.logger.warning("session did not take %s: %s", signal, exc)


def check_score(
    stage: FilmStage, review: FilmDecision | None, score: ScoreInput, now: datetime
) -> None:
    """Raise ValueError, saying why, unless the member may give this score now. A member kept
    from the film for a conflict of interest reads the conflict, not "not assigned"."""
    if stage is not FilmStage.UNDER_REVIEW or review is None:
        raise ValueError(f"this film is {stage.value}, not under review")
    if score.member_id not in review.reviewers:
        if why := review.conflicts.get(score.member_id):
            raise ValueError(why)
        raise ValueError(
            f"{score.member_id} is not assigned to this film "
            f"(its reviewers: {', '.join(review.reviewers)})"
        )
    low, high = review.score_range or (0, 10)
    if not low <= score.score <= high:
        raise ValueError(f"a score is between {low:g} and {high:g}, not {score.score:g}")
    if review.deadline and now > review.deadline:
        raise ValueError(f"the review closed at {review.deadline:%Y-%m-%d %H:%M} UTC")
