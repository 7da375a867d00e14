"""Every message wipflow sends a producer, and what each one needs to say.

A stage's fields are a pydantic model, so a message with missing or malformed data is refused
before rendering (and rendering itself uses StrictUndefined: no template can print a blank where a
value was forgotten). The last five stages are the hooks the later stages of wipflow will use.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

Language = Literal["es", "pt", "fr", "en"]
LANGUAGES: tuple[Language, ...] = ("es", "pt", "fr", "en")


class Stage(StrEnum):
    SUBMISSION_RECEIVED = "submission_received"
    NEEDS_FIX = "needs_fix"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    OFFER = "offer"
    OFFER_REMINDER = "offer_reminder"
    SLOT_LAPSED = "slot_lapsed"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    NOT_SELECTED = "not_selected"
    EVENT_LOGISTICS = "event_logistics"
    PARTNER_MATCHES = "partner_matches"
    MEETING_SCHEDULE = "meeting_schedule"
    AWARD_GRANTED = "award_granted"
    FOLLOWUP_REMINDER = "followup_reminder"
    COMPLETION = "completion"
    ESCALATION = "escalation"  # to staff (and a partner), not to the producer


class Common(BaseModel):
    """What every message says: to whom, about which film, in which session."""

    recipient_name: str = Field(min_length=1, max_length=200)
    film: str = Field(min_length=1, max_length=200)
    programme: str
    session: str
    timezone: str = Field(description="the session's zone: times are shown in it")


class SubmissionReceived(Common):
    submission_id: str
    call_closes: AwareDatetime


class NeedsFix(Common):
    reasons: list[str] = Field(min_length=1)
    fix_by: AwareDatetime


class Eligible(Common):
    selection_announced: AwareDatetime


class Ineligible(Common):
    reasons: list[str] = Field(min_length=1)


class Offer(Common):
    confirm_by: AwareDatetime
    event_start: AwareDatetime
    event_end: AwareDatetime
    city: str


class OfferReminder(Common):
    confirm_by: AwareDatetime


class SlotLapsed(Common):
    lapsed_at: AwareDatetime


class Waitlisted(Common):
    position: int = Field(ge=1)


class NotSelected(Common):
    pass


class EventLogistics(Common):
    event_start: AwareDatetime
    event_end: AwareDatetime
    city: str
    venue: str
    screening_at: AwareDatetime


class Partner(BaseModel):
    name: str
    kind: str
    services: list[str]


class PartnerMatches(Common):
    partners: list[Partner] = Field(min_length=1)


class Meeting(BaseModel):
    at: AwareDatetime
    partner: str
    table: str


class MeetingSchedule(Common):
    meetings: list[Meeting] = Field(min_length=1)


class AwardGranted(Common):
    award: str
    partner: str
    value: Decimal | None = Field(None, description="None: in kind, of no published value")
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class FollowupReminder(Common):
    report_due: AwareDatetime


class Completion(Common):
    completed_on: date


class Escalation(Common):
    what: str = Field(min_length=1, max_length=500)
    since: AwareDatetime


FIELDS: dict[Stage, type[Common]] = {
    Stage.SUBMISSION_RECEIVED: SubmissionReceived,
    Stage.NEEDS_FIX: NeedsFix,
    Stage.ELIGIBLE: Eligible,
    Stage.INELIGIBLE: Ineligible,
    Stage.OFFER: Offer,
    Stage.OFFER_REMINDER: OfferReminder,
    Stage.SLOT_LAPSED: SlotLapsed,
    Stage.WAITLISTED: Waitlisted,
    Stage.PROMOTED: Offer,
    Stage.NOT_SELECTED: NotSelected,
    Stage.EVENT_LOGISTICS: EventLogistics,
    Stage.PARTNER_MATCHES: PartnerMatches,
    Stage.MEETING_SCHEDULE: MeetingSchedule,
    Stage.AWARD_GRANTED: AwardGranted,
    Stage.FOLLOWUP_REMINDER: FollowupReminder,
    Stage.COMPLETION: Completion,
    Stage.ESCALATION: Escalation,
}
assert set(FIELDS) == set(Stage)


class Message(BaseModel):
    stage: Stage
    language: Language
    subject: str
    text: str
    html: str


def datetime_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, f in model.model_fields.items() if f.annotation is datetime]
