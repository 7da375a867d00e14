"""The award's page behind its message's link: the award, who gives it, the film's share and its
value, and Accept / Decline (with an optional reason); a refusal, and a second visit, show what
happened in the reader's language (`?lang=` switches it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from actions.answers import AnswerRefused
from actions.award_answers import AwardAnswer, answer_award
from readmodels.award_page import AwardPage, award_page
from web.i18n import language, translations
from web.pages import film_link, page, refused

router = APIRouter()


def award(request: Request, shown: AwardPage, status: int = 200, refused: str = "") -> HTMLResponse:
    """The award in the reader's language, its deadline in the session's zone."""
    lang = language(request.query_params.get("lang"), shown.language)
    return page(
        request,
        "award.html.j2",
        lang,
        status,
        shown.timezone,
        page=shown,
        refused=refused,
        film_url=film_link(request, lang),
    )


@router.get("/award/{token}", response_class=HTMLResponse)
async def show_award(request: Request, token: str) -> HTMLResponse:
    shown = await award_page(request.app.state.ctx, token)
    return award(request, shown)


@router.post("/award/{token}", response_class=HTMLResponse)
async def give_award_answer(
    request: Request,
    token: str,
    answer: Annotated[AwardAnswer, Form()],
    csrf: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",  # CRLFs count twice; cut to 1,000
) -> HTMLResponse:
    ctx = request.app.state.ctx
    if turned_away := await refused(request, token, csrf):
        return turned_away
    try:
        shown = await answer_award(ctx, token, answer, reason)
    except AnswerRefused as exc:
        shown = await award_page(ctx, token)
        _ = translations(language(request.query_params.get("lang"), shown.language)).gettext
        if exc.why == "late":
            why = _("The deadline to answer has passed: your answer could not be taken.")
        else:  # refused by the award's workflow: answered meanwhile, declined, or over
            why = _("Your answer could not be taken: the award has moved on.")
        return award(request, shown, 409, refused=why)
    return award(request, shown)
