"""What matching reads: a selected film's needs, a partner's offer, and the kinds of partner.

Shapes only, built from a film's submission and a partners file (models/partners.py) and quoted
by a programme's quotas (models/programme.py); the matching itself is domain/matching/.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator


class PartnerKind(StrEnum):
    POST_HOUSE = "post_house"
    SALES_AGENT = "sales_agent"
    DISTRIBUTOR = "distributor"
    TV_BUYER = "tv_buyer"
    FUND = "fund"
    CO_PRODUCER = "co_producer"
    RESIDENCY = "residency"


class FilmNeeds(BaseModel, frozen=True):
    """One selected film, as its submission describes it."""

    id: str
    title: str
    needs: frozenset[str] = Field(
        description="post-production needs: grading, sound_edit, sound_mix, music, vfx, "
        "subtitling, dcp"
    )
    genre: str = Field(description="fiction | documentary | animation | hybrid")
    languages: frozenset[str] = Field(description="ISO 639-1: dialogue and contact languages")
    unsold: frozenset[str] = Field(description="ISO 3166 territories still unsold")
    has_sales_agent: bool = False
    missing_budget: Decimal = Field(Decimal(0), description="post budget still missing (EUR)")
    people: frozenset[str] = Field(
        frozenset(), description="its companies and people, for conflicts of interest"
    )
    opt_outs: frozenset[str] = Field(frozenset(), description="partner ids the producer refuses")
    max_partners: int = Field(8, description="how many partners its meeting time allows")
    min_partners: int = Field(0, description="how many partners it must meet at least")

    @field_validator("max_partners")
    @classmethod
    def _max_partners(cls, value: int) -> int:
        if value < 0:
            raise ValueError(f"a film's max_partners must be 0 or more, got {value}")
        return value

    @field_validator("min_partners")
    @classmethod
    def _min_partners(cls, value: int) -> int:
        if value < 0:
            raise ValueError(f"a film's min_partners must be 0 or more, got {value}")
        return value

    @model_validator(mode="after")
    def _partners_range(self) -> FilmNeeds:
        if self.min_partners > self.max_partners:
            raise ValueError(
                f"min_partners: {self.min_partners} is above max_partners {self.max_partners}"
            )
        return self


class PartnerOffer(BaseModel, frozen=True):
    id: str
    name: str
    kind: PartnerKind
    services: frozenset[str] = Field(frozenset(), description="same vocabulary as film needs")
    capacity: int = Field(description="how many films it can take on")
    territories: frozenset[str] = Field(
        frozenset(), description="where it sells, distributes or broadcasts"
    )
    languages: frozenset[str] = frozenset()
    genres: frozenset[str] = Field(frozenset(), description="empty: every genre")
    people: frozenset[str] = Field(frozenset(), description="its company and people")
    opt_outs: frozenset[str] = Field(frozenset(), description="film ids it declines")
    bids: dict[str, float] = Field(
        default_factory=dict, description="film id -> declared interest in [0, 1]"
    )

    @field_validator("capacity")
    @classmethod
    def _capacity(cls, value: int) -> int:
        if value < 0:
            raise ValueError(f"a partner's capacity must be 0 or more, got {value}")
        return value

    @field_validator("bids")
    @classmethod
    def _bids(cls, value: dict[str, float]) -> dict[str, float]:
        for film, bid in value.items():
            if not 0.0 <= bid <= 1.0:
                raise ValueError(f"the bid on {film} is {bid}, outside [0, 1]")
        return value
