"""What a matching is asked for and what it answers: quotas, weights and options; each pair with
its affinity and reasons, the alternates, and the bounds the solver proved.

The inputs themselves, films' needs and partners' offers, are models/matching.py.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from models.matching import PartnerKind


class Quota(BaseModel, frozen=True):
    """Per film, how many partners of these kinds: e.g. at least one post house."""

    label: str
    kinds: frozenset[PartnerKind]
    min: int = 0
    max: int | None = None

    @model_validator(mode="after")
    def _range(self) -> Quota:
        if not self.kinds:
            raise ValueError(f"quota '{self.label}' names no partner kind")
        if self.min < 0:
            raise ValueError(f"quota '{self.label}': min {self.min} is below 0")
        if self.max is not None and self.min > self.max:
            raise ValueError(f"quota '{self.label}': min {self.min} is above max {self.max}")
        return self


class Weights(BaseModel, frozen=True):
    """What each reason is worth; a pair's affinity is at most their sum (13 by default).

    Covering the film's missing post work is the point of a WIP session, so it weighs most. A
    declared bid comes next: interest predicts a meeting that leads somewhere. Selling where the
    film is unsold, and money for a film short of post budget, are the business reasons. Genre and
    language fit make a meeting easier but decide nothing on their own."""

    needs: float = 4.0
    genre: float = 1.0
    territory: float = 2.0
    language: float = 1.0
    bid: float = 3.0
    funding: float = 2.0


class MatchOptions(BaseModel, frozen=True):
    quotas: tuple[Quota, ...] = ()
    fairness: bool = Field(
        False, description="raise the worst-off film first (max-min), then maximise the total"
    )
    alternates: int = Field(3, ge=0, description="alternates listed per film")
    weights: Weights = Weights()


# Frozen, so one shared instance is a safe default argument.
DEFAULT_WEIGHTS = Weights()
DEFAULT_OPTIONS = MatchOptions()


class Affinity(BaseModel, frozen=True):
    score: float
    reasons: tuple[str, ...]


class Pair(BaseModel, frozen=True):
    film: str
    partner: str
    kind: PartnerKind
    affinity: float
    reasons: tuple[str, ...]


class Alternate(BaseModel, frozen=True):
    film: str
    partner: str
    affinity: float
    reasons: tuple[str, ...]
    why_not: str


class MatchResult(BaseModel, frozen=True):
    pairs: tuple[Pair, ...]
    alternates: tuple[Alternate, ...]
    objective: float = Field(description="total affinity of the pairs")
    bound: float = Field(description="an upper bound on the objective, proven by the solver")
    worst_film: float = Field(description="smallest total affinity of any film")
    optimal: bool
    seconds: float
    fair_worst: float | None = Field(
        None, description="with fairness: the worst-off total among films a partner can help"
    )
    fair_bound: float | None = Field(
        None, description="with fairness: an upper bound on fair_worst, proven by the solver"
    )
    method: str = Field(
        "milp", description="flow: a min-cost flow proved it; milp: HiGHS's LP or MILP did"
    )

    @property
    def gap(self) -> float:
        return (self.bound - self.objective) / max(self.bound, 1e-9)

    @property
    def fair_gap(self) -> float | None:
        """With fairness, how far the worst-off film may still be below its best (relative)."""
        if self.fair_worst is None or self.fair_bound is None:
            return None
        return (self.fair_bound - self.fair_worst) / max(self.fair_bound, 1e-9)

    @property
    def fair_exact(self) -> bool:
        """With fairness, whether the worst-off film is proven as high as any matching can raise
        it (its total reaches its bound, within the relative 1e-6 the search ends at when the
        affinities lie on no grid). The total at that floor has its own proof, `optimal`."""
        return self.fair_gap is not None and self.fair_gap <= 1e-6


class InfeasibleMatching(ValueError):
    """No matching meets the quotas; `explanations` says why, one sentence each, for staff."""

    def __init__(self, explanations: list[str]) -> None:
        self.explanations = list(explanations)
        super().__init__("\n".join(self.explanations))
