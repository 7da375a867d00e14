"""A producer's submission, as the programme's call asks for it.

The form is validated field by field at intake, before any workflow starts, so a bad row is refused
with the field and the reason while the good rows of the same file go on. Every string is bounded:
a submission travels in workflow history, whose payloads must stay far below Temporal's blob limit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from babel import Locale
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from models.programme import Genre, PostStage
from models.text import printable

# Region codes Babel knows that are not countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


# Read once at import: validators also run inside the workflow sandbox (updates are validated
# there), where Babel's lazy loading of its locale data is not allowed.
COUNTRIES = (
    frozenset(k for k in Locale("en").territories if len(k) == 2 and k.isalpha()) - _NOT_COUNTRIES
)
LANGUAGES = frozenset(k for k in Locale("en").languages if len(k) == 2)


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in COUNTRIES:
        raise ValueError(f"{value!r} is not an ISO 3166 country code (for example AR, BR, MX)")
    return code


def _language(value: str) -> str:
    code = value.strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"{value!r} is not an ISO 639-1 language code (for example es, pt, en)")
    return code


# A name goes into mail headers, where a line break is refused when the message is sent.
_LINE_BREAK = re.compile(r"[\n\r\x85\u2028\u2029]")


def _one_line(value: str) -> str:
    """Names appear only in forms, whose every text is checked `printable` (Form._storable)."""
    if _LINE_BREAK.search(value):
        raise ValueError("must be a single line")
    return value


def _texts(value: Any) -> list[str]:
    """The strings of a field's value, through lists and dicts (nested forms check their own)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return [t for item in value for t in _texts(item)]
    if isinstance(value, dict):
        return [t for pair in value.items() for t in _texts(list(pair))]
    return []


Country = Annotated[str, AfterValidator(_country)]
Language = Annotated[str, AfterValidator(_language)]
ContactLanguage = Literal["es", "pt", "fr", "en"]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("1e10"), decimal_places=2)]


class PostNeed(StrEnum):
    """Post-production work still to fund; these drive partner matching later."""

    GRADING = "grading"
    SOUND_EDIT = "sound_edit"
    SOUND_MIX = "sound_mix"
    MUSIC = "music"
    VFX = "vfx"
    SUBTITLING = "subtitling"
    DCP = "dcp"


class Form(BaseModel):
    """A file's record: unknown fields refused, texts stripped and storable as they are."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        for text in _texts(value):
            printable(text)
        return value


class Director(Form):
    name: Name
    nationality: Country
    first_feature: bool = False
    bio: str = Field("", max_length=3000)


class Producer(Form):
    company: Name
    country: Country
    share_pct: float = Field(gt=0, le=100)
    majority: bool = False
    contact_email: Email | None = None


class Screener(Form):
    url: HttpUrl
    access: Literal["password", "unlisted", "public"] = "password"
    password: str | None = Field(None, max_length=200)
    subtitles: list[Language] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _password_given(self) -> Self:
        if self.access == "password" and not self.password:
            raise ValueError("a password-protected screener needs its password")
        return self


class Finance(Form):
    currency: Literal["EUR", "USD", "BRL", "ARS", "MXN", "CLP", "COP", "PEN", "UYU"] = "EUR"
    total_budget: Money
    secured: Money
    post_budget_missing: Money

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.secured > self.total_budget:
            raise ValueError("secured financing cannot exceed the total budget")
        return self


class History(Form):
    sales_agent: str | None = Field(None, max_length=200)
    distributors: list[Name] = Field(default_factory=list, max_length=30)
    labs_forums_wips: list[Name] = Field(
        default_factory=list, max_length=30, description="earlier labs, forums and WIPs"
    )
    premiere_status: Literal["unreleased", "festival_screened", "released"] = "unreleased"
    territories_unsold: list[Country] = Field(
        default_factory=list, max_length=250, description="where the film still needs a buyer"
    )


class Contact(Form):
    name: Name
    email: Email
    language: ContactLanguage = "en"
    phone: str | None = Field(None, max_length=40)


class SubmissionForm(Form):
    original_title: Name
    english_title: str | None = Field(None, max_length=200)
    genre: Genre
    dialogue_languages: list[Language] = Field(min_length=1, max_length=10)
    runtime_expected_min: int = Field(ge=1, le=600, description="expected final runtime")
    cut_runtime_min: int = Field(ge=1, le=600, description="runtime of the cut submitted")
    shooting_completed: bool
    post_stage: PostStage
    logline: str = Field("", max_length=300)
    synopsis: str = Field("", max_length=3000)
    screener: Screener
    directors: list[Director] = Field(min_length=1, max_length=5)
    producers: list[Producer] = Field(min_length=1, max_length=12)
    finance: Finance
    post_needs: list[PostNeed] = Field(default_factory=list)
    history: History = Field(default_factory=History)
    contact: Contact

    @field_validator("producers")
    @classmethod
    def _shares_add_up(cls, producers: list[Producer]) -> list[Producer]:
        """Said on `producers`, the field to correct, in the words a producer reads."""
        total = sum(p.share_pct for p in producers)
        if abs(total - 100) > 0.5:
            raise PydanticCustomError(
                "shares_total",
                "producers' shares must add up to 100% (they add up to {total}%)",
                {"total": f"{total:g}"},
            )
        if sum(p.majority for p in producers) > 1:
            raise PydanticCustomError(
                "one_majority", "only one producer can be the majority producer"
            )
        return producers

    @property
    def majority_producer(self) -> Producer:
        flagged = [p for p in self.producers if p.majority]
        return flagged[0] if flagged else max(self.producers, key=lambda p: p.share_pct)

    @property
    def country(self) -> str:
        return self.majority_producer.country

    def film_key(self) -> str:
        return film_key(self.original_title, [d.name for d in self.directors])


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def film_key(title: str, directors: list[str]) -> str:
    """A stable key for a film: same title and directors, whatever the case, accents or spacing.

    Readable (a slug of the title) and collision-safe (a hash of title and sorted directors), so
    entering the same film twice lands on the same workflow id and the same row.
    """
    norm_title = _normalise(title)
    slug = "-".join(
        re.sub(r"[^a-z0-9]+", " ", norm_title.encode("ascii", "ignore").decode()).split()
    )
    digest_input = norm_title + "|" + "|".join(sorted(_normalise(d) for d in directors))
    digest = hashlib.sha256(digest_input.encode()).hexdigest()[:10]
    return f"{slug[:48].strip('-') or 'film'}-{digest}"
