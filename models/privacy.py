"""Which of a film's recorded values are personal data, as data: the erasure applies this table
and nothing else, so the rule is read here, tested here and listed in the README.

A value is personal when it names or reaches a person, or a company small enough to be one
(a director, a producer's company, a contact's address or phone), opens the film's private
screener, or is confidential and tied to them (the budget). Free text a person wrote (logline,
synopsis) is personal too: it may name anyone. What stays is the film's anonymous record: its
title (the film's, not a person's; it is also in the film's id), genre, country, runtimes,
stages, languages, shares, scores, dates and outcomes, which the statistics and the no-re-entry
rule need.

Free-text columns written about the film by staff, the committee, the jury or the workflows
(audit reasons, score comments, conflicts' reasons, award reasons, report notes) are kept, with
every personal value of the film found in them replaced by the marker: a withdrawal reason stays
a reason, without the contact's name in it. Pure: no I/O, no clock."""

from __future__ import annotations

import copy
from typing import Any

ERASED = "(erased)"

# The submission form (models/submission.SubmissionForm), field by field: `[]` is "each item of
# the list". tests/test_privacy_rules.py holds that every field of the form is in exactly one.
FORM_PERSONAL: dict[str, str] = {
    "logline": "free text that may name people",
    "synopsis": "free text that may name people",
    "screener.url": "opens the private screener",
    "screener.password": "opens the private screener",
    "directors[].name": "a person",
    "directors[].bio": "a person's life",
    "producers[].company": "a producer's company, often a person",
    "producers[].contact_email": "reaches a person",
    "finance.total_budget": "confidential, tied to the producers",
    "finance.secured": "confidential, tied to the producers",
    "finance.post_budget_missing": "confidential, tied to the producers",
    "history.sales_agent": "a company or a person",
    "contact.name": "a person",
    "contact.email": "reaches a person",
    "contact.phone": "reaches a person",
}
FORM_KEPT: dict[str, str] = {
    "original_title": "the film's, and part of its id",
    "english_title": "the film's",
    "genre": "statistics",
    "dialogue_languages": "statistics",
    "runtime_expected_min": "statistics",
    "cut_runtime_min": "statistics",
    "shooting_completed": "eligibility's record",
    "post_stage": "statistics",
    "screener.access": "eligibility's record",
    "screener.subtitles": "eligibility's record",
    "directors[].nationality": "statistics",
    "directors[].first_feature": "statistics",
    "producers[].country": "statistics, the Latin American share",
    "producers[].share_pct": "statistics, the Latin American share",
    "producers[].majority": "statistics, the Latin American share",
    "finance.currency": "no amount left to read it by, harmless",
    "post_needs": "statistics, matching's record",
    "history.distributors": "companies, public",
    "history.labs_forums_wips": "institutions, public",
    "history.premiere_status": "statistics",
    "history.territories_unsold": "statistics",
    "contact.language": "statistics: messages by language",
}

# The submissions table: columns that copy a part of the form, and the contact's columns.
SUBMISSION_PARTS = ("directors", "producers", "screener", "finance", "history")
SUBMISSION_CONTACT = ("contact_name", "contact_email")

# Other tables: columns erased whole (the outbox's address, subject and bodies, a failure that
# may quote the address), and free-text columns kept with the film's personal values replaced.
ERASED_COLUMNS: dict[str, tuple[str, ...]] = {
    "outbox": ("recipient", "subject", "text", "html", "last_error"),
}
# A message not sent yet (pending a retry, held under an embargo) has no one left to go to.
UNSENT = ("pending", "held")
UNSENT_BECOMES = "erased"
# (The audit log's actor and reason, of the film's rows and its session's, are scrubbed too, and
# redacted so that its chain still holds: models/audit_chain.PERSONAL, store/privacy.py.)
SCRUBBED_COLUMNS: dict[str, tuple[str, ...]] = {
    "eligibility_results": ("reason",),
    "scores": ("comment",),
    "review_conflicts": ("why",),
    "matches": ("why_not",),
    "meetings": ("reason",),
    "award_grants": ("reason",),
    "followups": ("ended_reason",),
}
# An eligibility reason's parameters that carry a personal value (domain/eligibility.py).
PERSONAL_PARAMS = frozenset({"company", "agent"})
# Shorter values are not looked for in free text: a three-letter password would eat words.
MIN_SCRUBBED = 4


def _walk(value: Any, path: list[str], prefix: str = "") -> list[tuple[Any, str]]:
    """The containers and keys that `path` reaches in `value` (lists fanned out by `[]`)."""
    head, *rest = path
    many = head.endswith("[]")
    key = head.removesuffix("[]")
    if not isinstance(value, dict) or key not in value:
        return []
    if not rest:
        return [(value, key)]
    inner = value[key] if many else [value[key]]
    return [pair for item in inner or [] for pair in _walk(item, rest)]


def erase_form(form: dict[str, Any]) -> dict[str, Any]:
    """The form with every personal value replaced by the marker (absent ones stay absent)."""
    out = copy.deepcopy(form)
    for path in FORM_PERSONAL:
        for container, key in _walk(out, path.split(".")):
            if container[key] is not None:
                container[key] = ERASED
    return out


def personal_values(form: dict[str, Any]) -> set[str]:
    """Every personal value of the form as text, to be looked for in free text."""
    found = set()
    for path in FORM_PERSONAL:
        for container, key in _walk(form, path.split(".")):
            value = container[key]
            if value is not None and value != ERASED and len(str(value)) >= MIN_SCRUBBED:
                found.add(str(value))
    return found


def scrub(text: str | None, values: set[str]) -> str | None:
    """`text` with each of `values` replaced by the marker, longest first (a company's name
    before a shorter name inside it)."""
    if not text:
        return text
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, ERASED)
    return text


def erase_params(params: dict[str, Any] | None) -> dict[str, Any] | None:
    """An eligibility result's stored parameters with the personal ones' values replaced."""
    if not params:
        return params
    return {
        name: {**p, "values": [ERASED]} if name in PERSONAL_PARAMS else p
        for name, p in params.items()
    }


def erased_submission(row: dict[str, Any]) -> dict[str, Any]:
    """The submission row's new values: the form and its copies erased, the contact erased."""
    form = erase_form(row["form"])
    parts = {part: erase_form({part: row[part]})[part] for part in SUBMISSION_PARTS}
    return {"form": form, **parts, **dict.fromkeys(SUBMISSION_CONTACT, ERASED)}
