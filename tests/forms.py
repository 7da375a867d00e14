"""A hand-written eligible submission, and a way to change any part of it."""

from __future__ import annotations

import copy
from typing import Any

from models.submission import SubmissionForm

ELIGIBLE: dict[str, Any] = {
    "original_title": "La sirga",
    "english_title": "The Towrope",
    "genre": "fiction",
    "dialogue_languages": ["es"],
    "runtime_expected_min": 88,
    "cut_runtime_min": 95,
    "shooting_completed": True,
    "post_stage": "rough_cut",
    "logline": "A young woman displaced by violence finds shelter at a lakeside inn.",
    "synopsis": "Alicia arrives at La Sirga, her uncle's decaying inn on the shore of a lake.",
    "screener": {"url": "https://vimeo.com/123456789", "access": "password", "password": "wip"},
    "directors": [{"name": "William Vega", "nationality": "CO", "first_feature": True}],
    "producers": [
        {"company": "La Sirga Films", "country": "CO", "share_pct": 60, "majority": True},
        {"company": "Les Films du Sud", "country": "FR", "share_pct": 40},
    ],
    "finance": {
        "currency": "EUR",
        "total_budget": 400000,
        "secured": 300000,
        "post_budget_missing": 100000,
    },
    "post_needs": ["grading", "sound_mix", "dcp"],
    "contact": {"name": "Óscar Ruiz Navia", "email": "producer@lasirga.example", "language": "es"},
}


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def form_dict(**changes: Any) -> dict[str, Any]:
    return merge(ELIGIBLE, changes)


def make_form(**changes: Any) -> SubmissionForm:
    return SubmissionForm.model_validate(form_dict(**changes))


def committee(*ids: str) -> list[dict[str, str]]:
    """A committee file's members: each a person with an address and a language."""
    languages = ("es", "pt", "fr", "en")
    return [
        {"id": m, "name": m.title(), "email": f"{m}@jury.example", "language": languages[i % 4]}
        for i, m in enumerate(ids)
    ]
