"""The closed sets of values staff type on the command line: a follow-up milestone, a matching
override's action, an award's step. Plain enums that import nothing, so that a help screen lists
their values at once, without loading pydantic and the models that use them."""

from __future__ import annotations

from enum import StrEnum


class Milestone(StrEnum):
    PICTURE_LOCK = "picture_lock"
    GRADING = "grading"
    SOUND_MIX = "sound_mix"
    SUBTITLES = "subtitles"
    MASTER = "master"  # DCP or master delivered: the film is finished
    LAB_CERTIFICATE = "lab_certificate"
    PREMIERE = "premiere"
    DISTRIBUTION = "distribution"
    TV_SALE = "tv_sale"
    SALES_AGENT = "sales_agent"


class OverrideAction(StrEnum):
    ADD = "add"
    REMOVE = "remove"


class AwardStep(StrEnum):
    """A granted award's lifecycle, in order; cash-like awards have no services to schedule."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    CONTRACT_SIGNED = "contract_signed"
    SERVICES_SCHEDULED = "services_scheduled"
    DELIVERED = "delivered"
    EVIDENCE_RECEIVED = "evidence_received"
