"""Every message wipflow sends a producer, and what each one needs to say.

A stage's fields are a pydantic model, so a message with missing or malformed data is refused
before rendering (and rendering itself uses StrictUndefined: no template can print a blank where a
value was forgotten). The last five kinds are the hooks the later stages of wipflow will use.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from models.message_kinds import MessageKind

Language = Literal["es", "pt", "fr", "en"]
LANGUAGES: tuple[Language, ...] = ("es", "pt", "fr", "en")


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
    film_url: str = Field(description="the signed link to the film's own page")


class NeedsFix(Common):
    reasons: list[str] = Field(min_length=1)
    fix_by: AwareDatetime
    fix_url: str = Field(description="the signed link to the fix form")


class Eligible(Common):
    selection_announced: AwareDatetime


class Ineligible(Common):
    reasons: list[str] = Field(min_length=1)


class Offer(Common):
    confirm_by: AwareDatetime
    answer_url: str = Field(
        description="the signed link to confirm or decline (notifications/links)"
    )
    event_start: AwareDatetime
    event_end: AwareDatetime
    city: str


class OfferReminder(Common):
    confirm_by: AwareDatetime
    answer_url: str = Field(description="the same link as the offer's")


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
    agenda_url: str = Field(description="the signed link to the agenda and its calendar file")


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
    agenda_url: str = Field(description="the signed link to the agenda and its calendar file")


class AwardGranted(Common):
    award: str
    partner: str
    value: Decimal | None = Field(None, description="None: in kind, of no published value")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    # None in a message a workflow asked for before awards had a door (an activity retried
    # across the upgrade): it says the award, without a link.
    accept_by: AwareDatetime | None = None
    answer_url: str | None = Field(None, description="the signed link to accept or decline")


class FollowupReminder(Common):
    report_due: AwareDatetime
    report_url: str = Field(description="the signed link to the report form")


class Completion(Common):
    completed_on: date


class Escalation(Common):
    what: str = Field(min_length=1, max_length=500)
    since: AwareDatetime


class ToMember(BaseModel):
    """What a message to a committee member says: their films to score, by when, and the signed
    link to their page. No screener link or password: those are shown only on the page."""

    recipient_name: str = Field(min_length=1, max_length=200)
    programme: str
    session: str
    timezone: str = Field(description="the session's zone: times are shown in it")
    review_url: str = Field(description="the signed link to the member's page")
    review_deadline: AwareDatetime
    assigned: int = Field(ge=0, description="films assigned to the member")
    to_score: int = Field(ge=0, description="of which not yet scored")
    films: list[str] = Field(
        default_factory=list, description="the titles still to score, the first few"
    )


FIELDS: dict[MessageKind, type[BaseModel]] = {
    MessageKind.SUBMISSION_RECEIVED: SubmissionReceived,
    MessageKind.NEEDS_FIX: NeedsFix,
    MessageKind.ELIGIBLE: Eligible,
    MessageKind.INELIGIBLE: Ineligible,
    MessageKind.OFFER: Offer,
    MessageKind.OFFER_REMINDER: OfferReminder,
    MessageKind.SLOT_LAPSED: SlotLapsed,
    MessageKind.WAITLISTED: Waitlisted,
    MessageKind.PROMOTED: Offer,
    MessageKind.NOT_SELECTED: NotSelected,
    MessageKind.EVENT_LOGISTICS: EventLogistics,
    MessageKind.PARTNER_MATCHES: PartnerMatches,
    MessageKind.MEETING_SCHEDULE: MeetingSchedule,
    MessageKind.AWARD_GRANTED: AwardGranted,
    MessageKind.FOLLOWUP_REMINDER: FollowupReminder,
    MessageKind.COMPLETION: Completion,
    MessageKind.ESCALATION: Escalation,
    MessageKind.REVIEW_INVITATION: ToMember,
    MessageKind.REVIEW_REMINDER: ToMember,
}
assert set(FIELDS) == set(MessageKind)


class Message(BaseModel):
    stage: MessageKind
    language: Language
    subject: str
    text: str
    html: str


def datetime_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, f in model.model_fields.items() if f.annotation is datetime]
