"""What a producer sees behind the link in a needs-fix message: each rule that asks for a
correction, with its reason, and only the fields that correct it, as they stand; whether the
link may still act, and where the film stands now (a correction already given moves it on)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from gateway.context import Context
from models.eligibility import Outcome, RuleResult
from models.messages import FilmStage
from notifications.links import Link, LinkState, Purpose, state_of
from readmodels.answers import linked_film, open_link
from store import eligibility_records

# The fields of the form that correct each rule a producer can fix (domain/eligibility.py):
# a cut of the wrong length is corrected by another cut, so by another link too.
FIX_FIELDS: dict[str, tuple[str, ...]] = {
    "cut_runtime": ("cut_runtime_min", "screener.url"),
    "subtitles": ("screener.subtitles",),
    "screener": ("screener.url", "screener.access", "screener.password"),
}


# Shown empty, kept unless replaced: a page is no place to read a password back.
SECRET = {"screener.password"}


class FixPage(BaseModel):
    submission_id: str
    film: str
    session: str
    language: str
    timezone: str
    fix_by: datetime
    stage: FilmStage
    link: LinkState
    asked: list[RuleResult]  # the needs-fix results of the latest check
    fields: list[str]  # the fields those rules ask to correct, in the form's order
    values: dict[str, Any]  # their current values, by field
    corrected: bool  # a correction was taken after the link's message (the film was judged again)

    @property
    def may_fix(self) -> bool:
        return self.link is LinkState.OPEN and self.stage is FilmStage.NEEDS_FIX


def value_at(form: dict[str, Any], field: str) -> Any:
    for part in field.split("."):
        form = form.get(part) if isinstance(form, dict) else None
    return form


def corrected(rows: list, check: int) -> bool:
    """Whether a correction followed the check: the next check judged a corrected form. A fix
    window that closed uncorrected makes a check of its own too, which says so (`uncorrected_by`)
    and is no correction."""
    following = [r for r in rows if r.check_no == check + 1]
    return bool(following) and all(r.uncorrected_by is None for r in following)


async def fix_page(ctx: Context, token: str, now: datetime | None = None) -> FixPage:
    now = now or datetime.now(UTC)
    return await page_of(ctx, open_link(ctx, token, Purpose.FIX, now), now)


async def page_of(ctx: Context, link: Link, now: datetime) -> FixPage:
    """The fix page of a link already opened."""
    async with ctx.database() as db:
        film, session, calendar, language = await linked_film(db, link)
        rows = await eligibility_records.eligibility_results(db, film.id)
    # The check the link's message spoke of (its occurrence), else the latest.
    checks = {r.check_no for r in rows}
    check = int(link.occurrence) if link.occurrence.isdigit() else max(checks, default=0)
    asked = [
        r.result() for r in rows if r.check_no == check and r.outcome == Outcome.NEEDS_FIX.value
    ]
    wanted = {f for r in asked for f in FIX_FIELDS.get(r.rule_id, ())}
    fields = [f for fields in FIX_FIELDS.values() for f in fields if f in wanted]
    fields = list(dict.fromkeys(fields))
    return FixPage(
        submission_id=film.id,
        film=film.original_title,
        session=session.name,
        language=language,
        timezone=calendar.timezone,
        fix_by=link.act_until,
        stage=FilmStage(film.status),
        link=state_of(link, now),
        asked=asked,
        fields=fields,
        values={f: value_at(film.form, f) for f in fields if f not in SECRET},
        corrected=corrected(rows, check),
    )
