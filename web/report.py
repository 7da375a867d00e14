"""The follow-up report form behind the link in a follow-up reminder: the film's milestones as
they stand, a row per milestone for what changed, each refused field's reason beside it in the
reader's language, and the report received once sent."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from actions.report_answers import (
    FieldError,
    ReportInvalid,
    ReportRefused,
    form_fields,
    send_report,
)
from models.choices import Milestone
from readmodels.report_page import ReportPage, report_page
from web.i18n import language, translations
from web.pages import film_link, page, refused

router = APIRouter()
DATE_ERRORS = {"date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}


def milestone_names(lang: str) -> dict[Milestone, str]:
    _ = translations(lang).gettext
    return {
        Milestone.PICTURE_LOCK: _("Picture lock"),
        Milestone.GRADING: _("Grading"),
        Milestone.SOUND_MIX: _("Sound mix"),
        Milestone.SUBTITLES: _("Subtitles"),
        Milestone.MASTER: _("Master (DCP) delivered"),
        Milestone.LAB_CERTIFICATE: _("Lab certificate"),
        Milestone.PREMIERE: _("Premiere"),
        Milestone.DISTRIBUTION: _("Distribution deal"),
        Milestone.TV_SALE: _("TV sale"),
        Milestone.SALES_AGENT: _("Sales agent"),
    }


def detail_names(lang: str) -> dict[str, str]:
    _ = translations(lang).gettext
    return {"festival": _("Festival"), "territory": _("Territory"), "company": _("Company")}


def error_text(lang: str, error: FieldError) -> str:
    """A refused field's reason in the reader's language: pydantic's error types and the
    follow-up's own problems (domain/followup.py), each with the values it names."""
    _ = translations(lang).gettext
    kind = error.code.removeprefix("pydantic:")
    texts = {
        "empty": _("Give an expected date or the date it was done."),
        "future": _("%(done)s is in the future."),
        "required": _("Required when this milestone is done."),
        "territory": _("“%(territory)s” is not a country code of two capital letters (FR, AR…)."),
        "earlier": _(
            "%(expected)s is earlier than the date expected before, %(current)s: say why."
        ),
        "changed": _("Already done on %(current)s: say why it changes."),
        "string_too_long": _("Too long: at most %(max_length)s characters."),
        "value_error": _("This text holds a character that cannot be kept."),
    }
    if kind in DATE_ERRORS or kind == "date_type":
        return _("Enter a date as year-month-day, e.g. 2027-05-01.")
    text = texts.get(kind, _("This value is not valid."))
    try:
        return text % error.values
    except (KeyError, TypeError, ValueError):  # a pydantic error that names other values
        return text


def show(
    request: Request,
    shown: ReportPage,
    status: int = 200,
    *,
    sent: bool = False,
    refused: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    lang = language(request.query_params.get("lang"), shown.language)
    return page(
        request,
        "report.html.j2",
        lang,
        status,
        shown.timezone,
        page=shown,
        names=milestone_names(lang),
        details=detail_names(lang),
        sent=sent,
        refused=refused,
        errors=errors or {},
        values=values or {},
        film_url=film_link(request, lang),
    )


@router.get("/report/{token}", response_class=HTMLResponse)
async def show_report(request: Request, token: str) -> HTMLResponse:
    shown = await report_page(request.app.state.ctx, token)
    return show(request, shown)


@router.post("/report/{token}", response_class=HTMLResponse)
async def give_report(request: Request, token: str) -> HTMLResponse:
    ctx = request.app.state.ctx
    posted = await request.form()
    if turned_away := await refused(request, token, str(posted.get("csrf", ""))):
        return turned_away
    form = {name: str(posted.get(name, ""))[:6000] for name in form_fields()}
    try:
        shown = await send_report(ctx, token, form)
    except ReportInvalid as exc:
        shown = await report_page(ctx, token)
        lang = language(request.query_params.get("lang"), shown.language)
        errors: dict[str, str] = {}
        for error in exc.errors:
            errors.setdefault(error.field, error_text(lang, error))
        return show(request, shown, 422, errors=errors, values=form)
    except ReportRefused as exc:
        shown = await report_page(ctx, token)
        lang = language(request.query_params.get("lang"), shown.language)
        _ = translations(lang).gettext
        why = {
            "closed": _("The follow-up of your film has ended: your report could not be taken."),
            "late": _("This link no longer takes reports: please write to the programme's staff."),
        }.get(exc.why, _("Your report could not be taken: please check it and send it again."))
        return show(request, shown, 409, refused=why, values=form)
    return show(request, shown, sent=True)
