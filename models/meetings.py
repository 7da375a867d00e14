"""When someone cannot meet: a film's screening, a partner's absence.

The partnering workflow carries these (models/partnering.py) and the meeting scheduler
(domain/meetings/) plans around them.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field, model_validator


class Busy(BaseModel, frozen=True):
    """When a film or a partner cannot meet anyone, and why in words ("screening",
    "absence on 2027-03-26"): the reason is quoted back when a meeting cannot be placed."""

    who: str = Field(description="a film id or a partner id")
    start: AwareDatetime
    end: AwareDatetime
    reason: str

    @model_validator(mode="after")
    def _ordered(self) -> Busy:
        if self.end <= self.start:
            raise ValueError(f"Busy.end must be after Busy.start ({self.who}: {self.reason})")
        return self
