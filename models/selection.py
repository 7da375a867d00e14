"""The state of a session's selection: the offers of its slots, the waitlist in rank order, the
films that gave a slot back, and the record of every decision.

Shapes only, carried by the session workflow's input and status; the transitions (offer,
confirm, decline, withdraw, lapse, close) are functions in domain/selection.py. The few methods
here read the state and change nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field


class OfferStatus(StrEnum):
    OFFERED = "offered"
    CONFIRMED = "confirmed"


class Release(StrEnum):
    """Why a film gave its slot back."""

    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class Offer(BaseModel):
    submission_id: str
    status: OfferStatus = OfferStatus.OFFERED
    deadline: datetime
    offered_at: datetime
    from_waitlist: bool = False


class Decision(BaseModel):
    """One line of the selection's record: who decided what about which film, when and why."""

    at: datetime
    actor: str
    action: str
    submission_id: str | None = None
    reason: str


class SelectionState(BaseModel):
    slots: int = Field(ge=1)
    confirm_window: timedelta
    offers: list[Offer] = Field(default_factory=list)
    waitlist: list[str] = Field(default_factory=list, description="in rank order")
    released: dict[str, Release] = Field(default_factory=dict)
    not_selected: int = Field(0, description="ranked below the waitlist: a count, not ids")
    log: list[Decision] = Field(default_factory=list)

    def offer_of(self, submission_id: str) -> Offer | None:
        return next((o for o in self.offers if o.submission_id == submission_id), None)

    @property
    def open_slots(self) -> int:
        return self.slots - len(self.offers)

    @property
    def all_confirmed(self) -> bool:
        return bool(self.offers) and all(o.status is OfferStatus.CONFIRMED for o in self.offers)
