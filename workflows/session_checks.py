"""The checks of the session workflow's updates, run by their validators before an update is
accepted: a refused update raises ValueError with the reason staff read, and is never written to
the history. Pure: each takes the session's state (and the workflow's clock) and says no or
nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import calendar
    from domain.selection import SelectionError
    from models.committee import ConflictInput
    from models.selection import SelectionState
    from models.session import (
        NEXT_STAGE,
        STAGE_ENDS,
        AdvanceInput,
        CommitteeInput,
        ExtendInput,
        PinInput,
        ScoreSheet,
        SessionInput,
        SessionStage,
    )


def check_committee(s: SessionInput, request: CommitteeInput) -> None:
    if s.stage is not SessionStage.CALL_OPEN:
        raise ValueError(f"the committee is set while the call is open; the session is {s.stage}")
    ids = [m.id for m in request.members]
    if len(set(ids)) != len(ids):
        raise ValueError("two committee members share an id")
    if len(ids) < s.selection.reviews_per_film:
        raise ValueError(
            f"each film needs {s.selection.reviews_per_film} reviews: "
            f"the committee needs at least that many members"
        )


def check_reviewing(s: SessionInput, member_id: str, what: str, now: datetime) -> None:
    """A member's act of review (`what`: "scores are given"): during review, before its
    deadline, by a member of the committee."""
    if s.stage is not SessionStage.REVIEW:
        raise ValueError(f"{what} during review; the session is {s.stage}")
    if now > s.calendar.review_deadline:
        closed = s.calendar.review_deadline
        raise ValueError(f"the review closed at {closed:%Y-%m-%d %H:%M} UTC")
    members = [m.id for m in s.committee]
    if member_id not in members:
        raise ValueError(f"{member_id} is not on the committee (its members: {', '.join(members)})")


def check_score_sheet(s: SessionInput, sheet: ScoreSheet, now: datetime) -> None:
    check_reviewing(s, sheet.member_id, "scores are given", now)


def check_conflict(s: SessionInput, request: ConflictInput, now: datetime) -> None:
    """A member's declared conflict: during review, before its deadline, by a member of the
    committee, with a film of this session. Whether the film is theirs the database says (the
    activity refuses a film not assigned to them)."""
    check_reviewing(s, request.member_id, "conflicts are declared", now)
    if not request.submission_id.startswith(s.session_id + "/"):
        raise ValueError(f"{request.submission_id} is not a film of {s.session_id}")


def check_extend(s: SessionInput, request: ExtendInput, now: datetime) -> None:
    ending = [stage for stage, m in STAGE_ENDS.items() if m == request.milestone][0]
    if s.stage.after(ending):
        raise ValueError(f"{request.milestone} has passed: the session is {s.stage}")
    if request.to <= now:
        raise ValueError(f"{request.milestone} must move to a time still to come")
    moved = s.calendar.model_copy(update={request.milestone: request.to})
    if (why := calendar.misordered(moved)) is not None:
        raise ValueError(why)


def check_advance(stage: SessionStage, moving: AdvanceInput | None, request: AdvanceInput) -> None:
    if moving is not None:
        raise ValueError(f"the session is already moving to {moving.to}")
    if stage is SessionStage.CLOSED or NEXT_STAGE[stage] is not request.to:
        raise ValueError(
            f"the session is {stage}; it can only move to the next stage"
            + (f", {NEXT_STAGE[stage]}" if stage in NEXT_STAGE else "")
        )


def check_ranking_change(
    s: SessionInput, request: PinInput, other: dict[str, str], what: str
) -> None:
    """A pin or an exclusion: before the offers, of a film of this session, not both at once."""
    if s.stage.after(SessionStage.SELECTION):
        raise ValueError(f"offers have gone out; the session is {s.stage}")
    if not request.submission_id.startswith(s.session_id + "/"):
        raise ValueError(f"{request.submission_id} is not a film of {s.session_id}")
    if request.submission_id in other:
        raise ValueError(f"{request.submission_id} is {what}: undo that first")


def check_answer(s: SessionInput, transition: Callable[[SelectionState], SelectionState]) -> None:
    """A producer's answer to an offer: during confirmation, and one the selection accepts."""
    if s.stage is not SessionStage.CONFIRMATION or s.picks is None:
        raise ValueError(f"offers are answered during confirmation; the session is {s.stage}")
    try:
        transition(s.picks)
    except SelectionError as exc:
        raise ValueError(str(exc)) from None
