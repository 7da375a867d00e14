"""Typed inputs, state and results of a session's partnering: matches, meetings and awards.

The workflow's state stays small (a lineup of a few films, version numbers, the awards granted):
the matches, their reasons and alternates, and the meeting rows live in the database, where
`matching show` and `meetings show` read them and where producers' messages are rendered from.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field

from models.choices import AwardStep, OverrideAction
from models.meetings import Busy
from models.programme import AwardConfig
from models.text import Text


class RunStatus(StrEnum):
    NONE = "none"
    PROPOSED = "proposed"
    APPROVED = "approved"
    STALE = "stale"  # the lineup changed after it was approved: run it again


class PartneringInput(BaseModel):
    session_id: str
    programme_id: str
    name: str
    lineup: list[str] = Field(description="confirmed films, in slot order")
    screenings: dict[str, datetime] = Field(default_factory=dict)
    screening_minutes: int
    award_ids: list[str] = Field(default_factory=list, description="awards of this session")
    # Carried over when the workflow continues as new.
    matching_version: int = 0
    matching: RunStatus = RunStatus.NONE
    approved_matching: int | None = None
    meetings_version: int = 0
    meetings: RunStatus = RunStatus.NONE
    approved_meetings: int | None = None
    absences: list[Busy] = Field(default_factory=list)
    grants: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="award id -> film -> share %"
    )
    session_over: bool = False
    tells: int = 0


class PartneringStatus(BaseModel):
    session_id: str
    lineup: list[str]
    matching_version: int
    matching: RunStatus
    approved_matching: int | None
    meetings_version: int
    meetings: RunStatus
    approved_meetings: int | None
    absences: list[Busy]
    grants: dict[str, dict[str, float]]


class LineupChange(BaseModel):
    """From the session: its confirmed lineup changed (a withdrawal, a late confirmation)."""

    lineup: list[str]
    screenings: dict[str, datetime]


class MatchingRequest(BaseModel):
    fairness: bool | None = Field(None, description="None: the programme's setting")
    actor: Text = Field("staff", max_length=200)


class OverrideRequest(BaseModel):
    submission_id: str = Field(min_length=1, max_length=200)
    partner_id: str = Field(min_length=1, max_length=60)
    action: OverrideAction
    reason: Text = Field(min_length=1, max_length=1000)
    actor: Text = Field("staff", max_length=200)


class ApproveRequest(BaseModel):
    reason: Text = Field("approved", min_length=1, max_length=1000)
    version: int | None = Field(None, description="the version staff read; None: the latest")
    actor: Text = Field("staff", max_length=200)


class AbsenceRequest(BaseModel):
    """Someone (a partner or a film's team) cannot meet between two times: only the meetings
    that fall in that window move."""

    who: Text = Field(min_length=1, max_length=200, description="partner id or submission id")
    start: AwareDatetime
    end: AwareDatetime
    reason: Text = Field(min_length=1, max_length=1000)
    actor: Text = Field("staff", max_length=200)


class GrantShare(BaseModel):
    submission_id: str = Field(min_length=1, max_length=200)
    share_pct: float = Field(100, gt=0, le=100)


class GrantRequest(BaseModel):
    """The jury's decision: one award to one film, or split between films."""

    award_id: str = Field(min_length=1, max_length=60)
    films: list[GrantShare] = Field(min_length=1, max_length=20)
    reason: Text = Field("jury decision", min_length=1, max_length=1000)
    actor: Text = Field("jury", max_length=200)


class DeclinedShare(BaseModel):
    """From an award's workflow: its film declined it, so the share is the jury's to give again
    (to another film)."""

    award_id: str
    submission_id: str


class RunSummary(BaseModel):
    """What a matching or meeting run produced, as staff and the workflow see it."""

    kind: str
    version: int
    status: RunStatus
    counts: dict[str, int] = Field(default_factory=dict, description="per film")
    objective: float | None = None
    bound: float | None = None
    optimal: bool | None = None
    worst_film: float | None = None
    seconds: float | None = None
    unplaced: int = 0
    warnings: list[str] = Field(default_factory=list)


class GrantSummary(BaseModel):
    grant_id: str
    award_id: str
    submission_id: str
    share_pct: float
    value: Decimal | None
    currency: str
    workflow_id: str


class AwardInput(BaseModel):
    grant_id: str
    session_id: str
    programme_id: str
    submission_id: str
    award: AwardConfig
    share_pct: float
    value: Decimal | None
    currency: str
    granted_at: datetime
    # Its state as the lifecycle goes on (queried through `state`).
    step: AwardStep = AwardStep.OFFERED
    done: dict[AwardStep, datetime] = Field(default_factory=dict)
    declined: str | None = None


class StepRequest(BaseModel):
    step: AwardStep
    note: Text = Field("", max_length=2000, description="e.g. the contract's reference")
    actor: Text = Field("staff", max_length=200)


class DeclineRequest(BaseModel):
    reason: Text = Field(min_length=1, max_length=1000)
    actor: Text = Field("producer", max_length=200)


class AwardState(BaseModel):
    grant_id: str
    award: str
    submission_id: str
    step: AwardStep
    next_step: AwardStep | None
    due: datetime | None
    overdue: bool
    done: dict[AwardStep, datetime]
    declined: str | None
