"""Typed inputs, state and requests of a film's follow-up workflow.

The state is a dozen milestones and a few counters, whatever the length of the follow-up: a
film followed for two years carries the same state as one followed for two months, and the
workflow continues as new with it whenever its history grows.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from domain.followup import Cadence, FollowUpStatus, Milestone, MilestoneState, Step
from models.text import Text


class FollowUpInput(BaseModel):
    submission_id: str
    session_id: str
    programme_id: str
    title: str
    cadence: Cadence
    started_at: datetime
    # Carried over when the workflow continues as new (or is reopened).
    status: FollowUpStatus = FollowUpStatus.FOLLOWING
    milestones: dict[Milestone, MilestoneState] = Field(default_factory=dict)
    last_report: datetime | None = Field(None, description="None: none yet, count from start")
    reports: int = 0
    done_steps: list[Step] = Field(default_factory=list, description="since the last report")
    ending: str | None = None
    life: int = Field(1, ge=1, description="1, then +1 each time staff reopen it")


class CloseRequest(BaseModel):
    # Both land in the audit log: a NUL there would fail the recording activity for ever.
    reason: Text = Field(min_length=1, max_length=1000)
    actor: Text = Field("staff", max_length=200)


class FollowUpState(BaseModel):
    submission_id: str
    title: str
    status: FollowUpStatus
    milestones: dict[Milestone, MilestoneState]
    reports: int
    last_report: datetime | None
    next_step: Step | None
    next_at: datetime | None
    ending: str | None


class ReportRecord(BaseModel):
    """What the record of a report writes: the milestones as they now stand."""

    submission_id: str
    key: str
    at: datetime
    actor: str
    note: str
    status: FollowUpStatus
    milestones: dict[Milestone, MilestoneState]
    changed: list[Milestone]
    sales: list[tuple[str, str, str, date]] = Field(
        default_factory=list, description="(kind, territory, company, signed on)"
    )


class EndingRecord(BaseModel):
    submission_id: str
    key: str
    at: datetime
    actor: str
    status: FollowUpStatus
    reason: str
