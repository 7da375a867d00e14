"""The kinds of message wipflow sends: which one a workflow asks the outbox for.

Here rather than with the templates (notifications/), so a workflow can name a message without
loading what renders and sends it.
"""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
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
    # To committee members, about their films rather than one film.
    REVIEW_INVITATION = "review_invitation"
    REVIEW_REMINDER = "review_reminder"


# The messages written to a committee member: about no one film, so their fields are their own.
TO_MEMBERS = (MessageKind.REVIEW_INVITATION, MessageKind.REVIEW_REMINDER)
