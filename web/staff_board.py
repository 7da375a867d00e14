"""The staff's board and a film's timeline, behind sign-in and read-only: the same read models
`starter.py session status` and `submission show` print (readmodels/board.py,
readmodels/films.py), so the page and the terminal never disagree. Every role may read them; a
page asked for without a valid cookie (or with a disabled account's) sends to sign in and back.

The language switcher's link keeps only the language: a page without its session or film is
the staff's home, as the outbox is."""

from __future__ import annotations

from datetime import UTC

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gateway.errors import ActionError
from readmodels.board import board
from readmodels.films import film
from web.i18n import language
from web.pages import page, problem
from web.staff import signed_in, to_sign_in

router = APIRouter()


@router.get("/staff/board", response_class=HTMLResponse)
async def show_board(request: Request, session: str = "") -> Response:
    """A session's board as `session status` prints it: stage, counts, calendar, committee,
    the ranking or the offers with the waitlist and releases, each film linked to its timeline."""
    member = await signed_in(request)
    if member is None:
        return to_sign_in(request)
    if not session:
        return RedirectResponse("/staff/", 303)
    lang = language(request.query_params.get("lang"), None)
    try:
        data = await board(request.app.state.ctx, session)
    except (ActionError, LookupError):
        return problem(request, 404, lang)
    return page(request, "staff_board.html.j2", lang, board=data, staff=member, utc=UTC)


@router.get("/staff/film", response_class=HTMLResponse)
async def show_film(request: Request, id: str = "") -> Response:
    """One film as `submission show` prints it: where it stands, each rule's outcome and reason,
    its reviewers and scores, and its timeline of stages, decisions, scores and messages."""
    member = await signed_in(request)
    if member is None:
        return to_sign_in(request)
    if not id:
        return RedirectResponse("/staff/", 303)
    lang = language(request.query_params.get("lang"), None)
    try:
        view = await film(request.app.state.ctx, id)
    except (ActionError, LookupError):
        return problem(request, 404, lang)
    return page(request, "staff_film.html.j2", lang, film=view, staff=member, utc=UTC)
