"""The producer's agenda behind the link in the event-logistics and meeting-schedule messages:
a page in the reader's language, and the same agenda as a calendar file to download."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from notifications.stages import LANGUAGES
from readmodels.agenda import agenda_page
from readmodels.answers import LinkRefused
from web.i18n import language
from web.ics import agenda_ics
from web.pages import page, problem

router = APIRouter()


# Declared before the page: `{token}` alone would also match a path ending in `.ics`.
@router.get("/agenda/{token}.ics")
async def agenda_file(request: Request, token: str) -> Response:
    try:
        shown = await agenda_page(request.app.state.ctx, token)
    except LinkRefused as exc:
        return problem(request, 410 if exc.gone else 403)
    lang = language(request.query_params.get("lang"), shown.language)
    return Response(
        agenda_ics(shown, lang, datetime.now(UTC)),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="agenda.ics"'},
    )


@router.get("/agenda/{token}", response_class=HTMLResponse)
async def show_agenda(request: Request, token: str) -> HTMLResponse:
    try:
        shown = await agenda_page(request.app.state.ctx, token)
    except LinkRefused as exc:
        return problem(request, 410 if exc.gone else 403)
    lang = language(request.query_params.get("lang"), shown.language)
    chosen = f"?lang={lang}" if request.query_params.get("lang") in LANGUAGES else ""
    return page(
        request,
        "agenda.html.j2",
        lang,
        200,
        shown.timezone,
        page=shown,
        ics_url=f"/agenda/{token}.ics{chosen}",
        film_url=f"/film/{token}{chosen}",
    )
