"""Typed inputs, state and requests of a film's follow-up workflow, and the shapes its rules
(domain/followup.py) read: milestones, statuses, steps and a programme's cadence.

The state is a dozen milestones and a few counters, whatever the length of the follow-up: a
film followed for two years carries the same state as one followed for two months, and the
workflow continues as new with it whenever its history grows.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from models.choices import Milestone
from models.text import Text


class FollowUpStatus(StrEnum):
    FOLLOWING = "following"
    COMPLETED = "completed"  # master delivered; followed, less often, until its premiere
    # (an ending too once the wait for a premiere is over: the workflow records why it ended)
    PREMIERED = "premiered"  # an ending
    STALLED = "stalled"  # an ending: no report for too long
    CLOSED = "closed"  # an ending: staff closed it


class Cadence(BaseModel, frozen=True):
    """How often a programme asks for reports, and how patiently (days)."""

    report_every_days: int = Field(30, ge=1, le=366)
    remind_again_days: int = Field(7, ge=1, le=90)
    escalate_after_days: int = Field(14, ge=1, le=180)
    stalled_after_days: int = Field(180, ge=1, le=1100)
    finished_report_every_days: int = Field(90, ge=1, le=366)
    premiere_wait_days: int = Field(540, ge=1, le=2000, description="after the master")


class MilestoneState(BaseModel):
    expected: date | None = None
    done: date | None = None
    detail: dict[str, str] = Field(default_factory=dict)


class Step(StrEnum):
    DUE = "due"  # the report falls due: the producer is asked for it
    REMIND = "remind"  # a second reminder
    ESCALATE = "escalate"  # staff are alerted
    STALL = "stall"  # no report for too long: the follow-up ends, stalled
    CONCLUDE = "conclude"  # a finished film's wait for its premiere is over: ends, completed


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
    report_due: datetime | None = Field(
        None, description="when the report the producer was asked for fell due; None: not asked"
    )


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


class MilestoneUpdate(BaseModel):
    """One milestone as a producer reports it: an expected date set or revised, or a date done."""

    model_config = ConfigDict(extra="forbid")

    milestone: Milestone
    expected: date | None = None
    done: date | None = None
    detail: dict[Annotated[Text, Field(max_length=40)], Annotated[Text, Field(max_length=500)]] = (
        Field(default_factory=dict, max_length=10)
    )
    reason: Text | None = Field(None, max_length=1000, description="why a date moves back")


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not lost

    note: Text = Field("", max_length=5000)
    milestones: list[MilestoneUpdate] = Field(default_factory=list, max_length=30)
    actor: Text = Field("producer", max_length=200)
