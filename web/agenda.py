"""The producer's agenda behind the link in the event-logistics and meeting-schedule messages:
a page in the reader's language, and the same agenda as a calendar file to download.

Both only read, so they need no form token; each still passes the throttle (counted apart from
the answers of the same link, with the same budget per address): the page and the file each
query the session's workflow, and a script trying tokens is slowed whichever door it knocks on."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from notifications.agenda_ics import agenda_ics
from notifications.stages import LANGUAGES
from readmodels.agenda import AgendaPage, agenda_page
from web.i18n import language
from web.pages import page, problem

router = APIRouter()


async def agenda_or_problem(request: Request, token: str) -> AgendaPage | HTMLResponse:
    address = request.client.host if request.client else "unknown"
    if not await request.app.state.throttle.allows(f"agenda:{token}", address):
        return problem(request, 429)
    return await agenda_page(request.app.state.ctx, token)


# Declared before the page: `{token}` alone would also match a path ending in `.ics`.
@router.get("/agenda/{token}.ics")
async def agenda_file(request: Request, token: str) -> Response:
    shown = await agenda_or_problem(request, token)
    if isinstance(shown, Response):
        return shown
    lang = language(request.query_params.get("lang"), shown.language)
    return Response(
        agenda_ics(shown, lang, datetime.now(UTC)),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="agenda.ics"'},
    )


@router.get("/agenda/{token}", response_class=HTMLResponse)
async def show_agenda(request: Request, token: str) -> HTMLResponse:
    shown = await agenda_or_problem(request, token)
    if isinstance(shown, Response):
        return shown
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
