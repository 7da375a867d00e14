"""Typed inputs, outputs and messages of the submission workflow and its activities.

No field here has a clock or random default factory: these models are used inside workflows, where
such a default would run unchecked and break replay (shared/engineering/temporal.md §3.2).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from models.eligibility import EligibilityReport, Outcome, RuleResult
from models.submission import SubmissionForm
from models.text import Text


class FilmStage(StrEnum):
    """Where a submission stands; also its `WipStage` search attribute and its row's status."""

    RECEIVED = "received"
    NEEDS_FIX = "needs_fix"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"
    UNDER_REVIEW = "under_review"
    OFFERED = "offered"
    WAITLISTED = "waitlisted"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    LAPSED = "lapsed"
    NOT_SELECTED = "not_selected"
    CLOSED = "closed"


FINAL_STAGES = frozenset(
    {
        FilmStage.INELIGIBLE,
        FilmStage.WITHDRAWN,
        FilmStage.DECLINED,
        FilmStage.LAPSED,
        FilmStage.NOT_SELECTED,
        FilmStage.CLOSED,
    }
)
# Films the session's selection is still counting on: a withdrawal must reach the session.
IN_PLAY = frozenset({FilmStage.OFFERED, FilmStage.WAITLISTED, FilmStage.CONFIRMED})

STAGE_FOR_OUTCOME = {
    Outcome.PASS: FilmStage.ELIGIBLE,
    Outcome.FAIL: FilmStage.INELIGIBLE,
    Outcome.NEEDS_FIX: FilmStage.NEEDS_FIX,
}


class SubmissionInput(BaseModel):
    submission_id: str = Field(description="<programme>/<session key-year>/<film key>")
    programme_id: str
    session_id: str
    film_key: str
    form: SubmissionForm
    fix_window: timedelta = Field(description="time a producer has to correct a needs-fix")
    submitted_at: datetime


class SubmissionState(BaseModel):
    """What the `state` query returns: enough for the CLI to show where a film stands."""

    submission_id: str
    session_id: str
    title: str
    stage: FilmStage
    check_no: int
    outcome: Outcome | None
    results: list[RuleResult]
    fix_deadline: datetime | None
    withdrawn_reason: str | None
    reviewers: list[str] = Field(default_factory=list)
    scores: dict[str, float] = Field(
        default_factory=dict,
        description="given on this workflow; `submission show` adds those of members' sheets",
    )
    offer_deadline: datetime | None = None


class FixInput(BaseModel):
    """Corrected fields, as a partial form: `{"screener": {"url": "https://vimeo.com/..."}}`."""

    changes: dict[str, Any] = Field(min_length=1)
    actor: Text = Field("producer", max_length=200)


class WithdrawInput(BaseModel):
    reason: Text = Field(min_length=1, max_length=1000)
    actor: Text = Field("producer", max_length=200)


class RegisterInput(BaseModel):
    submission: SubmissionInput
    workflow_id: str


class CheckInput(BaseModel):
    submission_id: str
    programme_id: str
    session_id: str
    film_key: str
    form: SubmissionForm
    check_no: int
    actor: str
    at: datetime = Field(description="when the workflow asked; stamps the results and audit")


class RecordReportInput(BaseModel):
    """A report the workflow itself decided (a lapsed fix window), to store with the new status."""

    submission_id: str
    report: EligibilityReport
    from_stage: FilmStage
    to_stage: FilmStage
    reason: str
    at: datetime


class RecordScoreInput(BaseModel):
    submission_id: str
    session_id: str
    member_id: str
    score: float
    comment: str | None
    at: datetime
    actor: str | None = None


class TransitionInput(BaseModel):
    submission_id: str
    key: str = Field(description="idempotency key of the audit row")
    at: datetime
    actor: str
    from_stage: FilmStage
    to_stage: FilmStage
    action: str
    reason: str | None = None
