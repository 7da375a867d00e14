"""A producer's follow-up report, sent from the form behind the link in a follow-up reminder.

The form is flat (one row per milestone: expected, done, why a date moves, and the details a
done milestone names); it becomes a `Report` checked field by field, first as pydantic reads
it, then by the same rules the follow-up's validator applies (domain/followup.py), so that every
refusal lands beside its field, as a code the page says in the producer's language. Then it is
one update of the film's follow-up, whose id derives from the link's cycle and the report: a
double click, a reload or the same report from the cycle's second reminder is one report."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from pydantic import ValidationError

from actions.answers import PRODUCER_BY_LINK, plain_reason
from actions.followup import report_by_link
from domain.followup import REQUIRED_DETAIL, problems_of
from gateway.context import Context
from gateway.errors import ActionError
from models.choices import Milestone
from models.followup import MilestoneState, MilestoneUpdate, Report
from notifications.links import Link, LinkState, Purpose
from readmodels.answers import open_link
from readmodels.report_page import ReportPage, report_page_of

DATES = ("expected", "done", "reason")


class FieldError(NamedTuple):
    """A refused field: its form name, why (a pydantic error type or a domain problem's code),
    and the values its message names."""

    field: str
    code: str
    values: dict[str, str]


class ReportInvalid(ActionError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = errors


class ReportRefused(ActionError):
    """Why a report was not taken: `closed` (the follow-up has ended), `late` (the link no
    longer takes answers) or `refused` (the follow-up said no)."""

    def __init__(self, why: str, detail: str = "") -> None:
        super().__init__(detail or why)
        self.why = why


def form_fields() -> list[str]:
    """Every field the form has, by name: what a post is read for (anything else is ignored)."""
    names = ["note"]
    for m in Milestone:
        names += [f"{m.value}.{f}" for f in DATES]
        names += [f"{m.value}.detail.{k}" for k in REQUIRED_DETAIL.get(m, ())]
    return names


def report_from_form(
    form: Mapping[str, str], current: dict[Milestone, MilestoneState], today
) -> Report:
    """The report a form says, or ReportInvalid naming every refused field: each milestone row
    is read on its own, so a date mistyped in one row does not hide another row's problem. A
    row left empty is not part of the report."""
    errors: list[FieldError] = []
    updates: list[MilestoneUpdate] = []
    for m in Milestone:
        values = {f: form.get(f"{m.value}.{f}", "").strip() for f in DATES}
        asks = REQUIRED_DETAIL.get(m, ())
        detail = {k: form.get(f"{m.value}.detail.{k}", "").strip() for k in asks}
        if not any(values.values()) and not any(detail.values()):
            continue
        row = {k: v for k, v in values.items() if v}
        try:
            update = MilestoneUpdate.model_validate(
                {"milestone": m.value, "detail": {k: v for k, v in detail.items() if v}} | row
            )
        except ValidationError as exc:
            errors += [_field_error(e, m.value) for e in exc.errors()]
            continue
        found = problems_of(current.get(m), update, today)
        errors += [FieldError(p.field, p.code, p.values) for p in found]
        updates.append(update)
    try:
        report = Report(
            note=plain_reason(form.get("note", "")), milestones=updates, actor=PRODUCER_BY_LINK
        )
    except ValidationError as exc:
        errors += [_field_error(e, "") for e in exc.errors()]
    if errors:
        raise ReportInvalid(errors)
    return report


def _field_error(error: dict, row: str) -> FieldError:
    """A pydantic error on the form field it concerns: `master.done`, `premiere.detail.festival`
    in a milestone's row, else the report's note."""
    values = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    field = ".".join([row, *map(str, error["loc"])]) if row else "note"
    return FieldError(field, f"pydantic:{error['type']}", values)


def update_id(link: Link, report: Report) -> str:
    """The report's update id: the film, the cycle the link asked for, and the report's hash. A
    cycle's two reminders (`1-due`, `1-again`) are two links; the same report sent from either is
    one report, while a report sent in a later cycle is a report of its own."""
    cycle = link.occurrence.removesuffix("-due").removesuffix("-again")
    digest = hashlib.sha256(report.model_dump_json().encode()).hexdigest()[:24]
    return f"link:{link.subject}:report:{cycle}:{digest}"


async def send_report(
    ctx: Context, token: str, form: Mapping[str, str], now: datetime | None = None
) -> ReportPage:
    """Check the form, send the report once; the page as it stands after it."""
    now = now or datetime.now(UTC)
    link = open_link(ctx, token, Purpose.REPORT, now)
    page = await report_page_of(ctx, link, now)
    if page.ended:
        raise ReportRefused("closed")
    if page.link is not LinkState.OPEN:
        raise ReportRefused("late")
    current = {
        r.milestone: MilestoneState(expected=r.expected, done=r.done, detail=r.detail)
        for r in page.milestones
        if r.expected or r.done
    }
    report = report_from_form(form, current, now.date())
    try:
        await report_by_link(ctx, link.subject, report, update_id(link, report))
    except ActionError as exc:  # the follow-up ended meanwhile, or its validator said no
        ended = (await report_page_of(ctx, link, now)).ended
        raise ReportRefused("closed" if ended else "refused", str(exc)) from None
    return await report_page_of(ctx, link, now)
