"""Typed inputs, state and messages of the session workflow, and the decisions it sends films.

A session's state stays small whatever the size of its call: stage, calendar, committee, pins and
the selection (the offers and the waitlist, at most `slots + waitlist_length` films). Everything
proportional to the number of submissions lives in the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from models.committee import Member
from models.messages import FilmStage
from models.programme import SelectionConfig, SessionCalendar
from models.selection import SelectionState
from models.sheets import MAX_SHEET_COMMENTS, MAX_SHEET_ROWS, SheetScore
from models.text import Text


class SessionStage(StrEnum):
    CALL_OPEN = "call_open"
    REVIEW = "review"
    SELECTION = "selection"
    CONFIRMATION = "confirmation"
    EVENT = "event"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"

    def after(self, other: SessionStage) -> bool:
        order = list(SessionStage)
        return order.index(self) > order.index(other)


NEXT_STAGE: dict[SessionStage, SessionStage] = dict(
    zip(list(SessionStage), list(SessionStage)[1:], strict=False)
)

# The calendar entry that ends each stage (follow-up ends when staff close the session).
STAGE_ENDS: dict[SessionStage, str] = {
    SessionStage.CALL_OPEN: "deadline",
    SessionStage.REVIEW: "review_deadline",
    SessionStage.SELECTION: "selection_announced",
    SessionStage.CONFIRMATION: "event_start",
    SessionStage.EVENT: "event_end",
}

Milestone = Literal[
    "deadline", "review_deadline", "selection_announced", "event_start", "event_end"
]


class SessionInput(BaseModel):
    session_id: str
    programme_id: str
    name: str
    slots: int
    calendar: SessionCalendar
    selection: SelectionConfig
    confirm_window: timedelta
    reminder_lead: timedelta = Field(description="how long before the review deadline")
    committee: list[Member] = Field(default_factory=list)
    # Carried over when the workflow continues as new.
    stage: SessionStage = SessionStage.CALL_OPEN
    pins: dict[str, str] = Field(default_factory=dict, description="submission id -> reason")
    excludes: dict[str, str] = Field(default_factory=dict, description="submission id -> reason")
    provisional: list[str] = Field(default_factory=list, description="ranking before offers")
    ranked_total: int = 0
    picks: SelectionState | None = None
    not_selected_told: bool = False
    reminded_for: datetime | None = Field(None, description="review deadline last reminded of")
    screenings: dict[str, datetime] = Field(default_factory=dict, description="film -> time")
    partnering: list[str] | None = Field(None, description="lineup its partnering last heard")
    tells: int = Field(0, description="fan-outs sent, numbering their audit keys")
    late_eligible: list[str] = Field(
        default_factory=list, description="films eligible after a fix, still to assign"
    )


class SessionStatus(BaseModel):
    """What the `status` query returns; the CLI adds counts and titles from the database."""

    session_id: str
    programme_id: str
    name: str
    stage: SessionStage
    calendar: SessionCalendar
    slots: int
    committee: list[str]
    pins: dict[str, str]
    excludes: dict[str, str]
    provisional: list[str]
    picks: SelectionState | None


class ExtendInput(BaseModel):
    milestone: Milestone
    to: AwareDatetime
    reason: Text = Field(min_length=1, max_length=1000)
    actor: Text = Field("staff", max_length=200)


class AdvanceInput(BaseModel):
    to: SessionStage
    reason: Text = Field(min_length=1, max_length=1000)
    actor: Text = Field("staff", max_length=200)


class CommitteeInput(BaseModel):
    members: list[Member] = Field(min_length=1, max_length=100)
    actor: Text = Field("staff", max_length=200)


class PinInput(BaseModel):
    submission_id: str
    reason: Text = Field(min_length=1, max_length=1000)
    actor: Text = Field("staff", max_length=200)


class AnswerInput(BaseModel):
    """A producer's answer to an offer, or a withdrawal of a film in play."""

    submission_id: str
    reason: Text = Field("", max_length=1000)
    actor: Text = Field("producer", max_length=200)


class DecisionKind(StrEnum):
    UNDER_REVIEW = "under_review"
    OFFERED = "offered"
    WAITLISTED = "waitlisted"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    LAPSED = "lapsed"
    NOT_SELECTED = "not_selected"
    SCREENING = "screening"
    MATCHED = "matched"
    MEETINGS = "meetings"
    SESSION_CLOSED = "session_closed"


# Where each decision leaves a film: its workflow's stage and its row's status.
STAGE_FOR_DECISION: dict[DecisionKind, FilmStage] = {
    DecisionKind.UNDER_REVIEW: FilmStage.UNDER_REVIEW,
    DecisionKind.OFFERED: FilmStage.OFFERED,
    DecisionKind.WAITLISTED: FilmStage.WAITLISTED,
    DecisionKind.CONFIRMED: FilmStage.CONFIRMED,
    DecisionKind.DECLINED: FilmStage.DECLINED,
    DecisionKind.LAPSED: FilmStage.LAPSED,
    DecisionKind.NOT_SELECTED: FilmStage.NOT_SELECTED,
    DecisionKind.SCREENING: FilmStage.CONFIRMED,  # a confirmed film learns its screening time,
    DecisionKind.MATCHED: FilmStage.CONFIRMED,  # its partners,
    DecisionKind.MEETINGS: FilmStage.CONFIRMED,  # and its meetings with them
    DecisionKind.SESSION_CLOSED: FilmStage.CLOSED,
}


class FilmDecision(BaseModel):
    """What the session tells one film's workflow (a signal, sent by an activity)."""

    kind: DecisionKind
    at: datetime
    reason: str
    deadline: datetime | None = None
    position: int | None = None
    reviewers: list[str] = Field(default_factory=list)
    score_range: tuple[float, float] | None = None
    screening_at: datetime | None = None
    version: int | None = Field(None, description="of the approved matches or meetings")
    # Members kept from the film for a conflict of interest, with the words a score of theirs is
    # refused with (domain/review.py `refusal`). Empty in decisions saved before there were any.
    conflicts: dict[str, str] = Field(default_factory=dict, description="member id -> why")


class FilmEligible(BaseModel):
    """Signal `film_eligible` from a film judged eligible after a fix: the session assigns it
    reviewers if its review has begun. Only the id: no one's personal data travels."""

    submission_id: str


class ScoreInput(BaseModel):
    member_id: str = Field(min_length=1, max_length=60)
    score: float
    comment: str | None = Field(None, max_length=5000)
    # Who gave it: the staff member at the command line, or the member on their page.
    actor: str | None = Field(None, max_length=200)


class ScoreSheet(BaseModel):
    """One committee member's scores for many films, sent to the session (domain/scoring.py)."""

    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(min_length=1, max_length=60)
    scores: list[SheetScore] = Field(min_length=1, max_length=MAX_SHEET_ROWS)
    actor: str | None = Field(None, max_length=200)

    @field_validator("scores")
    @classmethod
    def comments_fit(cls, scores: list[SheetScore]) -> list[SheetScore]:
        chars = sum(len(s.comment or "") for s in scores)
        if chars > MAX_SHEET_COMMENTS:
            raise ValueError(
                f"the comments come to {chars:,} characters; a sheet carries at most "
                f"{MAX_SHEET_COMMENTS:,}: split it"
            )
        return scores
