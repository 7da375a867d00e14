"""The pages behind the links: an offer to confirm or decline, and the pages that say why a link
or an answer was refused, each in the reader's language (`?lang=` switches it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from actions.answers import Answer, AnswerRefused, answer_offer
from models.messages import FilmStage
from notifications.links import LINK_PATHS, Purpose
from notifications.stages import LANGUAGES
from readmodels.answers import OfferPage, offer_page
from readmodels.film_page import film_page
from web.i18n import NAMES, environment, language, translations
from web.security import CSRF_COOKIE, csrf_holds, new_csrf

router = APIRouter()


def page(
    request: Request, template: str, lang: str, status: int = 200, timezone: str = "UTC", **values
) -> HTMLResponse:
    """A page in `lang`, with the language switcher and a fresh form token where it has forms."""
    csrf = request.cookies.get(CSRF_COOKIE) or new_csrf()
    languages = [(code, NAMES[code]) for code in LANGUAGES]
    html = (
        environment(lang)
        .get_template(template)
        .render(lang=lang, languages=languages, csrf=csrf, timezone=timezone, **values)
    )
    response = HTMLResponse(html, status_code=status)
    secure = request.url.scheme == "https"
    response.set_cookie(
        CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=secure, path="/"
    )
    return response


def problem(request: Request, status: int, lang: str | None = None) -> HTMLResponse:
    """403, 404, 410, 413, 429 (and 419, a form not made by our page, sent as 403): a page that
    says what happened and nothing about any film."""
    lang = language(lang or request.query_params.get("lang"), None)
    _ = translations(lang).gettext
    texts = {
        403: (_("This link is not valid"), _("Please use the link in the message you received.")),
        404: (_("Page not found"), _("There is nothing at this address.")),
        410: (_("This link has expired"), _("Please write to the programme's staff.")),
        413: (_("Too much data"), _("The form sent more than this page accepts.")),
        419: (_("This form has expired"), _("Please open the link again and answer once more.")),
        429: (_("Too many attempts"), _("Please wait a minute, then try again.")),
    }
    heading, detail = texts[status]
    return page(
        request,
        "problem.html.j2",
        lang,
        403 if status == 419 else status,
        heading=heading,
        detail=detail,
    )


async def refused(
    request: Request, key: str, csrf: str, address: str | None = None
) -> HTMLResponse | None:
    """The guard every answer passes, or the page it is refused with: throttled by its link (or
    `key`) and by address, or by whom the caller names in its stead (429), and its form made by
    our page (the double-submit cookie: 419)."""
    if address is None:
        address = request.client.host if request.client else "unknown"
    if not await request.app.state.throttle.allows(key, address):
        return problem(request, 429)
    if not csrf_holds(request.cookies.get(CSRF_COOKIE), csrf):
        return problem(request, 419)
    return None


def film_link(request: Request, lang: str) -> str:
    """The film's own page from a door's page (the token is the path's last part), in the
    language the reader chose here, if they chose one."""
    url = "/film/" + request.url.path.rsplit("/", 1)[-1]
    return url + f"?lang={lang}" if request.query_params.get("lang") in LANGUAGES else url


def offer(request: Request, shown: OfferPage, status: int = 200, refused: str = "") -> HTMLResponse:
    """The offer in the reader's language, its dates in the session's zone."""
    lang = language(request.query_params.get("lang"), shown.language)
    return page(
        request,
        "offer.html.j2",
        lang,
        status,
        shown.timezone,
        page=shown,
        refused=refused,
        film_url=film_link(request, lang),
    )


def stage_names(lang: str) -> dict[FilmStage, str]:
    """A film's stages as its producer reads them."""
    _ = translations(lang).gettext
    return {
        FilmStage.RECEIVED: _("received, its eligibility being checked"),
        FilmStage.NEEDS_FIX: _("waiting for your corrections"),
        FilmStage.ELIGIBLE: _("eligible, waiting for the committee"),
        FilmStage.INELIGIBLE: _("not eligible for this session"),
        FilmStage.WITHDRAWN: _("withdrawn"),
        FilmStage.UNDER_REVIEW: _("with the selection committee"),
        FilmStage.OFFERED: _("offered a slot"),
        FilmStage.WAITLISTED: _("on the waitlist"),
        FilmStage.CONFIRMED: _("selected, participation confirmed"),
        FilmStage.DECLINED: _("slot declined"),
        FilmStage.LAPSED: _("the offer lapsed"),
        FilmStage.NOT_SELECTED: _("not selected this time"),
        FilmStage.CLOSED: _("the session is closed"),
    }


# Where each purpose's link lets the producer act, from the film's page (the film's own link
# opens the page itself).
DOORS = {purpose: path for purpose, (_, path) in LINK_PATHS.items() if purpose is not Purpose.FILM}


def expected_text(lang: str, what: str) -> str:
    """What the film waits for from its producer, with a `%(deadline)s` to fill."""
    _ = translations(lang).gettext
    return {
        "answer_offer": _("We are waiting for your answer to the offer, by %(deadline)s."),
        "fix": _("We are waiting for your corrections, by %(deadline)s."),
        "report": _("We are waiting for your progress report, due %(deadline)s."),
    }[what]


@router.get("/film/{token}", response_class=HTMLResponse)
async def show_film(request: Request, token: str) -> HTMLResponse:
    """The film's own page, which every link of its producer opens."""
    shown = await film_page(request.app.state.ctx, token)
    lang = language(request.query_params.get("lang"), shown.language)
    door = DOORS.get(shown.purpose)
    act_url = f"{door}{token}" if door else None
    if act_url and request.query_params.get("lang") in LANGUAGES:
        act_url += f"?lang={lang}"
    return page(
        request,
        "film.html.j2",
        lang,
        200,
        shown.timezone,
        page=shown,
        stage_name=stage_names(lang)[shown.stage],
        expected=expected_text(lang, shown.expected.what) if shown.expected else None,
        act_url=act_url,
    )


@router.get("/answer/{token}", response_class=HTMLResponse)
async def show_offer(request: Request, token: str) -> HTMLResponse:
    shown = await offer_page(request.app.state.ctx, token)
    return offer(request, shown)


@router.post("/answer/{token}", response_class=HTMLResponse)
async def give_answer(
    request: Request,
    token: str,
    answer: Annotated[Answer, Form()],
    csrf: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",  # CRLFs count twice; cut to 1,000
) -> HTMLResponse:
    ctx = request.app.state.ctx
    if turned_away := await refused(request, token, csrf):
        return turned_away
    try:
        shown = await answer_offer(ctx, token, answer, reason)
    except AnswerRefused as exc:
        shown = await offer_page(ctx, token)
        lang = language(request.query_params.get("lang"), shown.language)
        _ = translations(lang).gettext
        why = {
            "late": _("The deadline to answer has passed: your answer could not be taken."),
            "closed": _("This offer is no longer open: your answer could not be taken."),
        }.get(exc.why, _("Your answer could not be taken: the session has moved on."))
        return offer(request, shown, 409, refused=why)
    return offer(request, shown)
