"""Realistic data for every stage: what `notifications preview` renders without a submission,
and what the tests render every template in every language with."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from models.message_kinds import MessageKind

PARIS = ZoneInfo("Europe/Paris")

COMMON = {
    "recipient_name": "Alicia Rodríguez",
    "film": "La sombra del río",
    "programme": "Films in Progress",
    "session": "Films in Progress — Toulouse 2027",
    "timezone": "Europe/Paris",
}


def at(month: int, day: int, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=PARIS)


SAMPLES: dict[MessageKind, dict] = {
    MessageKind.SUBMISSION_RECEIVED: {
        "submission_id": "films-in-progress/toulouse-2027/la-sombra-del-rio-dadccb7f1c",
        "call_closes": at(1, 20, 23, 59),
        "film_url": "http://localhost:8000/film/k1.sample-token",
    },
    MessageKind.NEEDS_FIX: {
        "reasons": [
            "Download links (wetransfer.com) are not accepted: please send a private "
            "streaming link.",
            "The dialogue is in qu: please send a screener with en or es subtitles.",
        ],
        "fix_by": at(1, 30, 23, 59),
        "fix_url": "http://localhost:8000/fix/k1.sample-token",
    },
    MessageKind.ELIGIBLE: {"selection_announced": at(3, 1, 12)},
    MessageKind.INELIGIBLE: {
        "reasons": [
            "The finished film is expected to run 52 minutes; this programme takes "
            "feature films of at least 60 minutes."
        ],
    },
    MessageKind.OFFER: {
        "confirm_by": at(3, 8),
        "answer_url": "http://localhost:8000/answer/k1.sample-token",
        "event_start": at(3, 25, 9),
        "event_end": at(3, 26, 19),
        "city": "Toulouse",
    },
    MessageKind.OFFER_REMINDER: {
        "confirm_by": at(3, 8),
        "answer_url": "http://localhost:8000/answer/k1.sample-token",
    },
    MessageKind.SLOT_LAPSED: {"lapsed_at": at(3, 8)},
    MessageKind.WAITLISTED: {"position": 2},
    MessageKind.PROMOTED: {
        "confirm_by": at(3, 15),
        "answer_url": "http://localhost:8000/answer/k1.sample-token",
        "event_start": at(3, 25, 9),
        "event_end": at(3, 26, 19),
        "city": "Toulouse",
    },
    MessageKind.NOT_SELECTED: {},
    MessageKind.EVENT_LOGISTICS: {
        "event_start": at(3, 25, 9),
        "event_end": at(3, 26, 19),
        "city": "Toulouse",
        "venue": "Cinémathèque de Toulouse",
        "screening_at": at(3, 25, 14, 30),
        "agenda_url": "http://localhost:8000/agenda/k1.sample-token",
    },
    MessageKind.PARTNER_MATCHES: {
        "partners": [
            {"name": "Laserfilm", "kind": "post_house", "services": ["grading", "dcp"]},
            {"name": "Film Factory", "kind": "sales_agent", "services": ["ES", "FR", "US"]},
        ]
    },
    MessageKind.MEETING_SCHEDULE: {
        "meetings": [
            {"at": at(3, 26, 10), "partner": "Laserfilm", "table": "4"},
            {"at": at(3, 26, 11, 30), "partner": "Film Factory", "table": "7"},
        ],
        "agenda_url": "http://localhost:8000/agenda/k1.sample-token",
    },
    MessageKind.AWARD_GRANTED: {
        "award": "Prix Cinéma en Construction",
        "partner": "Studio Mactari",
        "value": Decimal("4300"),
        "currency": "EUR",
        "accept_by": at(4, 30),
        "answer_url": "https://wipflow.example/award/k1.sample",
    },
    MessageKind.FOLLOWUP_REMINDER: {
        "report_due": at(5, 1, 12),
        "report_url": "http://localhost:8000/report/k1.sample-token",
    },
    MessageKind.COMPLETION: {"completed_on": date(2028, 2, 14)},
    MessageKind.ESCALATION: {
        "what": "report 3 on “La sombra del río” is overdue",
        "since": at(5, 1, 12),
    },
    MessageKind.REVIEW_INVITATION: {
        "recipient_name": "Marta Quintero",
        "review_url": "http://localhost:8000/review/k1.sample-token",
        "review_deadline": at(2, 25),
        "assigned": 12,
        "to_score": 12,
        "films": [],
    },
    MessageKind.REVIEW_REMINDER: {
        "recipient_name": "Marta Quintero",
        "review_url": "http://localhost:8000/review/k1.sample-token",
        "review_deadline": at(2, 25),
        "assigned": 12,
        "to_score": 2,
        "films": ["La sombra del río", "Tierra de nadie"],
    },
}
assert set(SAMPLES) == set(MessageKind)


def sample(stage: MessageKind) -> dict:
    return {**COMMON, **SAMPLES[stage]}
