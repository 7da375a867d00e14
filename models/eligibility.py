"""Outcomes of the eligibility rules: one result per rule, with a reason a producer understands."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NEEDS_FIX = "needs_fix"


class RuleResult(BaseModel):
    rule_id: str
    outcome: Outcome
    reason: str
    source_url: str


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
