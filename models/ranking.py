"""What the ranking takes and gives: the aggregate a session uses, a film's scores, a film's place.
The order itself is a rule (domain/ranking.py)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel


class Aggregate(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"


class ScoredFilm(BaseModel):
    submission_id: str
    scores: list[float]
    submitted_at: datetime


class RankedFilm(BaseModel):
    submission_id: str
    position: int
    aggregate: float | None
    reviews: int
    pinned: bool
