"""What an operator reads of a film's workflow at each stage: whom it waits for, until when,
and a sentence of details (published by `workflows/progress.py`)."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.messages import FINAL_STAGES, FilmStage
    from models.session import FilmDecision
    from shared import Status

# Whom a film waits for at each stage that is neither final nor wipflow's own work.
WAITING_ON = {
    FilmStage.NEEDS_FIX: Status.WAITING_PRODUCER,
    FilmStage.ELIGIBLE: Status.WAITING_SESSION,
    FilmStage.UNDER_REVIEW: Status.WAITING_COMMITTEE,
    FilmStage.OFFERED: Status.WAITING_PRODUCER,
    FilmStage.WAITLISTED: Status.WAITING_SESSION,
    FilmStage.CONFIRMED: Status.WAITING_SESSION,
}

# The stages whose deadline is someone's answer: the fix, the scores, the offer.
ANSWER_BY = frozenset({FilmStage.NEEDS_FIX, FilmStage.UNDER_REVIEW, FilmStage.OFFERED})


def waiting_on(stage: FilmStage) -> Status:
    return WAITING_ON.get(stage, Status.DONE if stage in FINAL_STAGES else Status.WORKING)


def stage_details(
    stage: FilmStage,
    decision: FilmDecision | None,
    deadline: datetime | None,
    review: FilmDecision | None,
    failing: str,
) -> str:
    """The sentence for a film entering `stage`; `failing` is its failing rules' reasons."""
    until = f" (until {deadline:%Y-%m-%d %H:%M} UTC)" if deadline else ""
    return {
        FilmStage.ELIGIBLE: "Eligible: waiting for the committee and the session's selection",
        FilmStage.INELIGIBLE: "Ineligible: " + failing,
        FilmStage.WITHDRAWN: "Withdrawn by the producer",
        FilmStage.NEEDS_FIX: f"Needs a fix from the producer{until}: " + failing,
        FilmStage.UNDER_REVIEW: f"Under review by {', '.join(review.reviewers)}{until}"
        if review
        else "Under review",
        FilmStage.OFFERED: f"Offered a slot: waiting for the producer's answer{until}",
        FilmStage.WAITLISTED: f"Waitlisted, position {decision.position}"
        if decision and decision.position
        else "Waitlisted",
    }.get(stage, decision.reason if decision else stage.value)
