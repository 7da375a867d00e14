"""Inputs and results of the session workflow's activities: its records, the committee's
assignments, the ranking, and the decisions told to film workflows."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from models.committee import ConflictInput, Member
from models.ranking import Aggregate
from models.session import FilmDecision, ScoreSheet


class StageChange(BaseModel):
    session_id: str
    workflow_id: str
    from_stage: str
    to_stage: str
    at: datetime
    actor: str
    reason: str


class SessionNote(BaseModel):
    """A staff decision to keep in the audit log: a pin, an exclusion, an answer."""

    session_id: str
    key: str
    at: datetime
    actor: str
    action: str
    entity_id: str
    reason: str


class CalendarChange(BaseModel):
    session_id: str
    workflow_id: str
    calendar: dict
    deadline: datetime
    at: datetime
    actor: str
    reason: str
    key: str


class CommitteeSave(BaseModel):
    session_id: str
    members: list[Member]
    at: datetime
    actor: str
    key: str


class AssignInput(BaseModel):
    session_id: str
    members: list[Member]
    k: int
    review_deadline: datetime
    score_range: tuple[float, float]
    at: datetime
    only: list[str] | None = Field(
        None, description="these films (eligible late) rather than every film without reviewers"
    )


class AssignResult(BaseModel):
    assigned: int
    short: dict[str, int]
    conflicts_avoided: int


class DeclareInput(BaseModel):
    """A member's declared conflict, with what the session knows to reassign and re-tell it."""

    session_id: str
    conflict: ConflictInput
    members: list[Member]
    review_deadline: datetime
    score_range: tuple[float, float]
    at: datetime


class RemindInput(BaseModel):
    session_id: str
    review_deadline: datetime
    at: datetime


class RecordSheetInput(BaseModel):
    session_id: str
    sheet: ScoreSheet
    score_range: tuple[float, float]
    at: datetime


class RankInput(BaseModel):
    session_id: str
    method: Aggregate
    pinned: list[str]
    excluded: list[str]
    top: int
    final: bool


class RankResult(BaseModel):
    top: list[str]
    total: int


class Tell(BaseModel):
    submission_id: str
    decision: FilmDecision
    # Who made this decision when a person did (a producer's answer, or staff's for them);
    # otherwise the TellInput's actor.
    actor: str | None = None


class TellInput(BaseModel):
    session_id: str
    tells: list[Tell]
    actor: str
    key: str


class NotSelectedInput(BaseModel):
    session_id: str
    keep: list[str]
    at: datetime
    reason: str
