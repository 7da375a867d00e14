"""Inputs of the partnering and award workflows' activities: proposals, overrides, approvals,
meeting plans, grants and award steps."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from models.meetings import Busy
from models.partnering import GrantRequest, OverrideRequest


class ProposeInput(BaseModel):
    session_id: str
    version: int
    lineup: list[str]
    fairness: bool | None
    at: datetime
    actor: str


class OverrideInput(BaseModel):
    session_id: str
    version: int
    request: OverrideRequest
    at: datetime


class ApproveInput(BaseModel):
    session_id: str
    kind: str
    version: int
    previous: int | None
    at: datetime
    actor: str
    reason: str


class PlanInput(BaseModel):
    session_id: str
    version: int
    matching_version: int
    base: int | None = None
    screenings: dict[str, datetime]
    screening_minutes: int
    absences: list[Busy]
    at: datetime
    actor: str


class GrantInput(BaseModel):
    session_id: str
    programme_id: str
    request: GrantRequest
    lineup: list[str]
    at: datetime
    task_queue: str


class AwardStepInput(BaseModel):
    grant_id: str
    step: str
    due_at: datetime | None
    overdue: bool
    at: datetime
    actor: str
    reason: str
