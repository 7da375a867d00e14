"""How a programme pairs its selected films with a session's partners (quotas of partner kinds,
fairness, alternates) and lays out the one-to-one meeting grid: a section of a programme file
(models/programme.py), validated like the rest of it.
"""

from __future__ import annotations

from datetime import time

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.matching import PartnerKind


class _Strict(BaseModel):
    # As every section of a programme file: an unknown key is refused, and it is frozen once read.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quota(_Strict):
    """Per film, how many partners of some kinds it must (or may) be matched with."""

    label: str = Field(min_length=1, max_length=200, description="as staff read it")
    kinds: list[PartnerKind] = Field(min_length=1)
    min: int = Field(0, ge=0, le=20)
    max: int | None = Field(None, ge=0, le=20)

    @model_validator(mode="after")
    def _min_below_max(self) -> Quota:
        if self.max is not None and self.max < self.min:
            raise ValueError(f"quota {self.label!r}: max {self.max} is below min {self.min}")
        return self


class MeetingConfig(_Strict):
    """The one-to-one meeting grid of each event day (b2match advises 10-20% spare tables)."""

    day_start: time = time(9, 30)
    day_end: time = time(13, 0)
    slot_minutes: int = Field(30, ge=5, le=240)
    tables: int = Field(8, ge=1, le=500)
    spare_tables: int = Field(1, ge=0, le=100)
    max_per_day: int | None = Field(None, ge=1, le=50, description="per film")

    @model_validator(mode="after")
    def _fits(self) -> MeetingConfig:
        if self.day_end <= self.day_start:
            raise ValueError("day_end must come after day_start")
        if self.spare_tables >= self.tables:
            raise ValueError("spare_tables must leave at least one table for meetings")
        return self


class PartneringConfig(_Strict):
    """How a session's selected films are matched with its partners. The quotas are a setting:
    the sources say what partners come (post houses, sales, TV), not how they are paired."""

    partners_per_film: int = Field(8, ge=1, le=50)
    quotas: list[Quota] = []
    fairness: bool = Field(False, description="raise the worst-off film before the total")
    alternates: int = Field(3, ge=0, le=20)
    meetings: MeetingConfig = MeetingConfig()
