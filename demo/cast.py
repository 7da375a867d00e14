"""The demo's people and their inputs: the committee, what a producer sends back for each kind
of needs-fix, and the two rows of the call that are deliberately malformed. The fault drills
(`bench/drill_session.py`) run the same committee and corrections."""

from __future__ import annotations

from typing import Any

from intake.generate import generate
from models.committee import Member

COMMITTEE = [
    Member(id="lucia", name="Lucía Puenzo", email="lucia@jury.example", language="es"),
    # works for a producer
    Member(
        id="marco",
        name="Marco Müller",
        company="Cine Sur",
        email="marco@jury.example",
        language="fr",
    ),
    Member(
        id="ines",
        name="Inés Ortega",
        declared_conflicts=["Rio Bravo Films"],
        email="ines@jury.example",
        language="es",
    ),
    Member(id="pablo", name="Pablo Cruz", email="pablo@jury.example", language="pt"),
    Member(id="sofia", name="Sofía Lara", email="sofia@jury.example", language="en"),
]

# What a producer sends back for each kind of needs-fix.
CORRECTIONS: dict[str, dict[str, Any]] = {
    "screener": {"screener": {"url": "https://vimeo.com/912345678"}},
    "subtitles": {"screener": {"subtitles": ["en"]}},
    "cut_runtime": {"cut_runtime_min": 78},
}

MALFORMED = [
    {"original_title": "Sin país", "genre": "fiction"},  # most fields missing
    {
        **generate(1, seed=7)[0],
        "original_title": "Tierra de nadie",
        "producers": [{"company": "Uno", "country": "XX", "share_pct": 120}],
    },
]
