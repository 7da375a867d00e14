"""Outcomes of the eligibility rules: one result per rule, with a reason a producer understands.

A reason is kept twice: `reason`, in English, for staff, the CLI and the audit trail; and `text`
with `params`, a gettext message id and its parameters, so each producer reads it in their own
language (`notifications.catalogs.explain`). Results stored before reasons were translated have
no `text`: they are shown as their English `reason`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Literal

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal
from pydantic import BaseModel, Field


def N_(message: str) -> str:
    """Marks a message id for extraction (`pybabel extract -k N_`); translated where it is read."""
    return message


# What a lapsed needs-fix says before its reason (in the reader's language: catalogs.explain).
UNCORRECTED = N_("Not corrected by %(deadline)s.")


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NEEDS_FIX = "needs_fix"


class Kind(StrEnum):
    """What a reason's parameter is, which says how it is written in the reader's language."""

    TEXT = "text"  # as given: a host name, a company, a session
    NUMBER = "number"  # minutes, a share: formatted in the reader's locale
    WORD = "word"  # a message id of its own: a genre, a post-production stage
    LANGUAGE = "language"  # an ISO 639-1 code, named in the reader's language
    COUNTRY = "country"  # an ISO 3166 code, named in the reader's language


class Param(BaseModel):
    """One parameter of a reason: one value, or several listed ("a, b and c", "a or b")."""

    kind: Kind = Kind.TEXT
    values: list[str]
    join: Literal["standard", "or"] = "standard"


def param(*values: object, kind: Kind = Kind.TEXT, join: str = "standard") -> Param:
    return Param(kind=kind, values=[str(v) for v in values], join=join)


class RuleResult(BaseModel):
    rule_id: str
    outcome: Outcome
    reason: str  # in English
    source_url: str
    text: str = ""  # the reason's message id ("" in results recorded before it had one)
    params: dict[str, Param] = Field(default_factory=dict)
    # When the reason was a needs-fix left uncorrected: its window closed then (lapse()).
    uncorrected_by: datetime | None = None


def phrase(text: str, params: dict[str, Param], gettext: Callable[[str], str], lang: str) -> str:
    """A reason's message in `lang`: its message id through `gettext`, each parameter written
    for that language (words translated, numbers, languages and countries as Babel writes them)."""
    locale = Locale.parse(lang)

    def one(kind: Kind, value: str) -> str:
        if kind is Kind.NUMBER:
            return format_decimal(float(value), format="#,##0.##", locale=locale)
        if kind is Kind.WORD:
            return gettext(value)
        if kind is Kind.LANGUAGE:
            return locale.languages.get(value, value)
        if kind is Kind.COUNTRY:
            return locale.territories.get(value, value)
        return value

    said = {
        name: format_list([one(p.kind, v) for v in p.values], style=p.join, locale=locale)
        for name, p in params.items()
    }
    return gettext(text) % said


class EligibilityContext(BaseModel):
    """Facts a rule needs beyond the form, gathered from the database by the activity."""

    earlier_sessions: list[str] = Field(
        default_factory=list, description="earlier sessions of this programme that had this film"
    )


class EligibilityReport(BaseModel):
    check_no: int = Field(1, ge=1, description="1 for the first check, +1 after each fix")
    results: list[RuleResult]

    @property
    def outcome(self) -> Outcome:
        outcomes = {r.outcome for r in self.results}
        if Outcome.FAIL in outcomes:
            return Outcome.FAIL
        if Outcome.NEEDS_FIX in outcomes:
            return Outcome.NEEDS_FIX
        return Outcome.PASS

    def with_outcome(self, outcome: Outcome) -> list[RuleResult]:
        return [r for r in self.results if r.outcome is outcome]
