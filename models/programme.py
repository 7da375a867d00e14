"""A programme's rules, calendar and slot count, as validated data.

Films in Progress, WIP Latam and their siblings differ only in these values, so they live in
`programmes/*.toml` and a new programme is a new file, not new code. Every rule names the source it
was taken from and whether that source was confirmed (see shared/domain/films-in-progress.md).
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationError,
    field_validator,
    model_validator,
)

from models.choices import AwardStep
from models.followup import Cadence
from models.partnering_config import PartneringConfig
from models.retention import Retention

# Latin American countries and territories (ISO 3166-1 alpha-2); a programme may narrow or widen it.
LATIN_AMERICA = (
    "AR",
    "BO",
    "BR",
    "CL",
    "CO",
    "CR",
    "CU",
    "DO",
    "EC",
    "GT",
    "HN",
    "HT",
    "MX",
    "NI",
    "PA",
    "PE",
    "PR",
    "PY",
    "SV",
    "UY",
    "VE",
)

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]


class Genre(StrEnum):
    FICTION = "fiction"
    DOCUMENTARY = "documentary"
    ANIMATION = "animation"
    HYBRID = "hybrid"


class PostStage(StrEnum):
    """How far the edit has come; ordered from earliest to latest."""

    ASSEMBLY = "assembly"
    FIRST_CUT = "first_cut"
    ROUGH_CUT = "rough_cut"
    FINE_CUT = "fine_cut"
    PICTURE_LOCK = "picture_lock"

    @property
    def rank(self) -> int:
        return list(PostStage).index(self)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    url: HttpUrl
    confirmed: bool = True
    note: str = ""


class RuleBase(_Strict):
    source: Source


class RuntimeRule(RuleBase):
    min_minutes: int = Field(ge=1, le=600)
    max_minutes: int | None = Field(default=None, ge=1, le=600)


class GenreRule(RuleBase):
    allowed: list[Genre] = Field(min_length=1)


class ProductionStageRule(RuleBase):
    require_shooting_completed: bool = True
    min_post_stage: PostStage = PostStage.FIRST_CUT


class LatamShareRule(RuleBase):
    """How Latin American the production must be.

    `min_share_pct` is the summed share of producers from Latin American countries (>0 means "wholly
    or partly"); `majority_producer_latam` asks that the majority producer be Latin American.
    """

    min_share_pct: float = Field(ge=0, le=100)
    countries: list[str] = Field(default_factory=lambda: list(LATIN_AMERICA), min_length=1)
    inclusive: bool = Field(True, description="whether a share equal to the minimum passes")
    majority_producer_latam: bool = False


class SubtitlesRule(RuleBase):
    """Screener subtitles required when any dialogue language is outside `exempt_languages`."""

    exempt_languages: list[str] = ["es"]
    accepted: list[str] = ["en", "es"]


class ScreenerRule(RuleBase):
    streaming_hosts: list[str] = Field(min_length=1)
    refused_hosts: list[str] = []
    require_password: bool = True


class ReentryRule(RuleBase):
    """Refuse a film already entered in an earlier session of the same programme."""


class SalesAgentRule(RuleBase):
    """Refuse a film that already has a sales agent attached."""


class EligibilityRules(_Strict):
    """Each present entry is an enabled rule; an absent entry is not checked for this programme."""

    feature_runtime: RuntimeRule | None = None
    cut_runtime: RuntimeRule | None = None
    genre: GenreRule | None = None
    production_stage: ProductionStageRule | None = None
    latam_share: LatamShareRule | None = None
    subtitles: SubtitlesRule | None = None
    screener: ScreenerRule | None = None
    no_reentry: ReentryRule | None = None
    no_sales_agent: SalesAgentRule | None = None


class AnnualDate(_Strict):
    """A calendar date given relative to the year of the event (a March event's call opens in the
    November before it: `year_offset = -1`)."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    year_offset: int = Field(0, ge=-1, le=0)
    at: time | None = Field(None, description="local time; calls open at 00:00, deadlines at 23:59")

    def resolve(self, year: int, tz: ZoneInfo, default_at: time) -> datetime:
        day = date(year + self.year_offset, self.month, self.day)
        return datetime.combine(day, self.at or default_at, tz)


class SessionTemplate(_Strict):
    """One recurring session of a programme (Toulouse in March, San Sebastián in September)."""

    key: Slug
    name: str
    host_festival: str
    city: str
    timezone: str
    call_opens: AnnualDate
    deadline: AnnualDate
    review_deadline: AnnualDate
    selection_announced: AnnualDate
    event_start: AnnualDate
    event_days: int = Field(ge=1, le=14)
    venue: str | None = Field(None, description="where the films screen; else the festival")
    source: Source

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class SelectionConfig(_Strict):
    """How a session of the programme selects. Defaults where the sources say nothing: a waitlist
    and a confirmation deadline are not documented for FiP (UNCONFIRMED), so they are settings."""

    reviews_per_film: int = Field(3, ge=1, le=10)
    aggregate: Literal["mean", "median"] = "mean"
    score_min: float = 0
    score_max: float = 10
    waitlist_length: int = Field(6, ge=0, le=100)
    confirm_window_days: float = Field(7, gt=0, le=60)
    review_reminder_days: float = Field(3, gt=0, le=60, description="before the review deadline")
    screening_minutes: int = Field(120, ge=15, le=600, description="between two screenings")


class AwardKind(StrEnum):
    IN_KIND = "in_kind"
    CASH = "cash"
    PRE_PURCHASE = "pre_purchase"
    TV_LICENCE = "tv_licence"
    RESIDENCY = "residency"


class AwardFilters(_Strict):
    """Who may receive an award, beyond being in the session's lineup."""

    max_third_country_pct: float | None = Field(
        None, ge=0, le=100, description="share of producers outside the programme's countries"
    )
    majority_producer_countries: list[str] = []
    genres: list[Genre] = []


class AwardConfig(_Strict):
    id: Slug
    name: str = Field(min_length=1, max_length=200)
    kind: AwardKind
    partner: str = Field(min_length=1, max_length=200, description="who gives it")
    partner_email: str | None = Field(
        None, max_length=254, description="told, with staff, when a step is overdue"
    )
    value: Decimal | None = Field(
        None, ge=0, le=Decimal("1e9"), description="None: in kind, of no published value"
    )
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$")
    sessions: list[Slug] = Field(default=[], description="session keys; empty = every session")
    filters: AwardFilters = AwardFilters()
    deadlines: dict[AwardStep, int] = Field(
        default={}, description="days allowed for each step, counted from the step before"
    )
    source: Source

    @property
    def steps(self) -> list[AwardStep]:
        skip = {AwardStep.SERVICES_SCHEDULED} if self.kind not in SERVICES else set()
        return [step for step in AwardStep if step not in skip]

    @model_validator(mode="after")
    def _deadlines_for_its_steps(self) -> AwardConfig:
        unknown = set(self.deadlines) - set(self.steps[1:])
        if unknown:
            raise ValueError(
                f"award {self.id}: no deadline for {', '.join(sorted(unknown))} "
                f"(a {self.kind} award's steps after offered: {', '.join(self.steps[1:])})"
            )
        return self


SERVICES = {AwardKind.IN_KIND, AwardKind.RESIDENCY}


class Programme(_Strict):
    id: Slug
    name: str
    aliases: list[str] = []
    organisers: list[str] = Field(min_length=1)
    languages: list[Literal["es", "pt", "fr", "en"]] = ["es", "pt", "fr", "en"]
    slots: int = Field(6, ge=1, le=100)
    fix_window_days: int = Field(
        10, ge=1, le=60, description="days a producer has to correct a needs-fix submission"
    )
    sessions: list[SessionTemplate] = Field(min_length=1)
    selection: SelectionConfig = SelectionConfig()
    eligibility: EligibilityRules
    partnering: PartneringConfig = PartneringConfig()
    awards: list[AwardConfig] = []
    followup: Cadence = Field(
        Cadence(), description="how often selected films report after the session"
    )
    retention: Retention = Field(
        Retention(), description="when films' personal data is erased by itself"
    )

    @model_validator(mode="after")
    def _awards_known(self) -> Programme:
        keys = {t.key for t in self.sessions}
        ids = [a.id for a in self.awards]
        if len(set(ids)) != len(ids):
            raise ValueError("two awards share an id")
        for award in self.awards:
            if unknown := set(award.sessions) - keys:
                raise ValueError(f"award {award.id}: unknown sessions {', '.join(sorted(unknown))}")
        return self

    def awards_for(self, session_key: str) -> list[AwardConfig]:
        return [a for a in self.awards if not a.sessions or session_key in a.sessions]

    def session_template(self, key: str) -> SessionTemplate:
        for template in self.sessions:
            if template.key == key:
                return template
        known = ", ".join(t.key for t in self.sessions)
        raise KeyError(f"programme {self.id!r} has no session {key!r} (known: {known})")


class SessionCalendar(BaseModel):
    """The concrete dates of one session, resolved from a template or given explicitly."""

    call_opens: datetime
    deadline: datetime
    review_deadline: datetime
    selection_announced: datetime
    event_start: datetime
    event_end: datetime
    timezone: str

    @model_validator(mode="after")
    def _in_order(self) -> SessionCalendar:
        order = [
            "call_opens",
            "deadline",
            "review_deadline",
            "selection_announced",
            "event_start",
            "event_end",
        ]
        for earlier, later in zip(order, order[1:], strict=False):
            if getattr(self, earlier) > getattr(self, later):
                raise ValueError(
                    f"{earlier} ({getattr(self, earlier).isoformat()}) falls after "
                    f"{later} ({getattr(self, later).isoformat()})"
                )
        return self

    @classmethod
    def from_template(cls, template: SessionTemplate, year: int) -> SessionCalendar:
        tz = ZoneInfo(template.timezone)
        start = template.event_start.resolve(year, tz, time(9, 0))
        return cls(
            call_opens=template.call_opens.resolve(year, tz, time(0, 0)),
            deadline=template.deadline.resolve(year, tz, time(23, 59)),
            review_deadline=template.review_deadline.resolve(year, tz, time(23, 59)),
            selection_announced=template.selection_announced.resolve(year, tz, time(12, 0)),
            event_start=start,
            event_end=start + timedelta(days=template.event_days - 1, hours=10),
            timezone=template.timezone,
        )


class ProgrammeConfigError(ValueError):
    """A programme file that does not validate; the message names the file and the field."""


def load_programme(path: Path) -> Programme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProgrammeConfigError(f"{path.name}: not valid TOML: {exc}") from exc
    try:
        programme = Programme.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ProgrammeConfigError(f"{path.name}: {problems}") from exc
    if programme.id != path.stem:
        raise ProgrammeConfigError(f"{path.name}: id {programme.id!r} must match the file name")
    return programme


def load_programmes(directory: Path) -> dict[str, Programme]:
    return {p.id: p for p in map(load_programme, sorted(directory.glob("*.toml")))}
