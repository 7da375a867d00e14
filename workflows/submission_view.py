"""What an operator reads of a film's workflow at each stage: whom it waits for, until when,
and a sentence of details (published by `workflows/progress.py`)."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.messages import FINAL_STAGES, Stage
    from models.session import FilmDecision
    from shared import Status

# Whom a film waits for at each stage that is neither final nor wipflow's own work.
WAITING_ON = {
    Stage.NEEDS_FIX: Status.WAITING_PRODUCER,
    Stage.ELIGIBLE: Status.WAITING_SESSION,
    Stage.UNDER_REVIEW: Status.WAITING_COMMITTEE,
    Stage.OFFERED: Status.WAITING_PRODUCER,
    Stage.WAITLISTED: Status.WAITING_SESSION,
    Stage.CONFIRMED: Status.WAITING_SESSION,
}

# The stages whose deadline is someone's answer: the fix, the scores, the offer.
ANSWER_BY = frozenset({Stage.NEEDS_FIX, Stage.UNDER_REVIEW, Stage.OFFERED})


def waiting_on(stage: Stage) -> Status:
    return WAITING_ON.get(stage, Status.DONE if stage in FINAL_STAGES else Status.WORKING)


def stage_details(
    stage: Stage,
    decision: FilmDecision | None,
    deadline: datetime | None,
    review: FilmDecision | None,
    failing: str,
) -> str:
    """The sentence for a film entering `stage`; `failing` is its failing rules' reasons."""
    until = f" (until {deadline:%Y-%m-%d %H:%M} UTC)" if deadline else ""
    return {
        Stage.ELIGIBLE: "Eligible: waiting for the committee and the session's selection",
        Stage.INELIGIBLE: "Ineligible: " + failing,
        Stage.WITHDRAWN: "Withdrawn by the producer",
        Stage.NEEDS_FIX: f"Needs a fix from the producer{until}: " + failing,
        Stage.UNDER_REVIEW: f"Under review by {', '.join(review.reviewers)}{until}"
        if review
        else "Under review",
        Stage.OFFERED: f"Offered a slot: waiting for the producer's answer{until}",
        Stage.WAITLISTED: f"Waitlisted, position {decision.position}"
        if decision and decision.position
        else "Waitlisted",
    }.get(stage, decision.reason if decision else stage.value)
