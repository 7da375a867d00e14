"""The staff's side of the web app, behind sign-in: a staff member signs in with the address and
password of their account (`starter.py staff add`), gets a signed cookie good for a working day,
and reads what the command line shows, read-only: a session's outbox here, its board and its
films' timelines in web/staff_board.py. A page asked for without a valid cookie, or with the
cookie of an account disabled since, sends to the sign-in page, which then comes back to it."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from actions.staff import SignInRefused, sign_in
from models.staff import StaffLine
from notifications.links import keys_of
from readmodels.outbox import outbox
from readmodels.staff import active_account
from web.i18n import language, translations
from web.pages import page, refused
from web.security import STAFF_COOKIE, STAFF_SESSION, StaffSessions

router = APIRouter()


def sessions(request: Request) -> StaffSessions:
    """The app's signer of staff cookies, made once from its settings' keys."""
    state = request.app.state
    if not hasattr(state, "staff_sessions"):
        settings = state.ctx.settings
        state.staff_sessions = StaffSessions(keys_of(settings), settings.link_key_id)
    return state.staff_sessions


async def signed_in(request: Request) -> StaffLine | None:
    """The staff member the request's cookie names, if their account is still active."""
    email = sessions(request).holder(request.cookies.get(STAFF_COOKIE))
    return await active_account(request.app.state.ctx, email) if email else None


def to_sign_in(request: Request) -> RedirectResponse:
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/staff/sign-in?next={quote(back)}", 303)


def staff_page(back: str | None) -> str:
    """Where to go once signed in: a staff page of this site, never another site through a
    crafted link."""
    return back if back and back.startswith("/staff/") and "//" not in back else "/staff/"


def sign_in_page(request: Request, back: str, status: int = 200, refusal: str = "") -> HTMLResponse:
    lang = language(request.query_params.get("lang"), None)
    return page(request, "staff_sign_in.html.j2", lang, status, back=back, refusal=refusal)


@router.get("/staff/sign-in", response_class=HTMLResponse)
async def show_sign_in(request: Request) -> HTMLResponse:
    return sign_in_page(request, staff_page(request.query_params.get("next")))


@router.post("/staff/sign-in", response_class=HTMLResponse)
async def give_sign_in(
    request: Request,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    back: Annotated[str, Form(max_length=500)] = "/staff/",
) -> Response:
    # Throttled by address and for the account tried: guessing a password is slowed either way.
    if turned_away := await refused(request, f"staff:{email.strip().lower()}", csrf):
        return turned_away
    back = staff_page(back)
    try:
        member = await sign_in(request.app.state.ctx, email, password)
    except SignInRefused:
        _ = translations(language(request.query_params.get("lang"), None)).gettext
        return sign_in_page(request, back, 401, _("Wrong address or password."))
    response = RedirectResponse(back, 303)
    response.set_cookie(
        STAFF_COOKIE,
        sessions(request).issue(member.email),
        max_age=int(STAFF_SESSION.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/staff",
    )
    return response


@router.post("/staff/sign-out")
async def sign_out(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    if turned_away := await refused(request, "staff:sign-out", csrf):
        return turned_away
    response = RedirectResponse("/staff/sign-in", 303)
    response.delete_cookie(STAFF_COOKIE, path="/staff")
    return response


@router.get("/staff/", response_class=HTMLResponse)
async def show_home(request: Request) -> Response:
    """Who is signed in, and where to go from here."""
    member = await signed_in(request)
    if member is None:
        return to_sign_in(request)
    lang = language(request.query_params.get("lang"), None)
    return page(request, "staff_home.html.j2", lang, staff=member)


@router.get("/staff/outbox", response_class=HTMLResponse)
async def show_outbox(request: Request, session: str = "") -> Response:
    """A session's messages as `notifications outbox` lists them: to whom, what, how it went.
    Without a session (the language switcher's link keeps only the language), the staff's home."""
    member = await signed_in(request)
    if member is None:
        return to_sign_in(request)
    if not session:
        return RedirectResponse("/staff/", 303)
    lines = await outbox(request.app.state.ctx, session)
    lang = language(request.query_params.get("lang"), None)
    return page(
        request, "staff_outbox.html.j2", lang, session_id=session, lines=lines, staff=member
    )
