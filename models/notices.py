"""What a workflow asks the outbox for: a message of one kind to a film's producer, or an alert
to staff (and a partner) about something overdue. Inputs of the `notify` and `alert` activities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from models.message_kinds import MessageKind


class NotifyInput(BaseModel):
    submission_id: str
    stage: MessageKind
    occurrence: str = Field("1", description="tells apart messages of one stage sent again")
    fields: dict[str, Any] = Field(default_factory=dict, description="the stage's own values")


class Recipient(BaseModel):
    email: str
    name: str
    language: str = "en"


class AlertInput(BaseModel):
    """Something about a film is overdue: staff hear of it, and the partner concerned if known."""

    submission_id: str
    occurrence: str = Field(description="tells this alert apart from the film's others")
    what: str
    since: datetime
    partner: Recipient | None = None
