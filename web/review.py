"""A committee member's page behind the link of their invitation or reminder: their films with
the screener and the dossier, a score and a comment for each (saved one film at a time, changeable
until the review's deadline, read-only after it), the other members' scores of a film once scored,
their progress, and a conflict of interest declared where it is noticed. In the member's language
(`?lang=` switches it).

Each answer is posted, then the page is shown again by a redirect (a reload sends nothing twice),
at the film answered; a refusal is shown beside its film. Answers are throttled by film and by
member: a member scores a long list at their own pace, and a committee sharing an office's address
does not share one allowance (readmodels/review_page.member_of)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from actions.review_answers import ReviewRefused, declare_by_link, score_by_link, state_of_score
from models.committee import Relation
from readmodels.review_page import ReviewPage, member_of, review_page
from web.i18n import language, translations
from web.pages import page, refused

router = APIRouter()


def anchor(submission_id: str) -> str:
    """A film's card on the page, by its key (the id's last part: letters, digits, hyphens)."""
    return "film-" + submission_id.rsplit("/", 1)[-1]


def relation_names(lang: str) -> dict[Relation, str]:
    _ = translations(lang).gettext
    return {
        Relation.WORKS_FOR: _("I work for (or with) one of its producers"),
        Relation.CREDITED: _("I am credited on the film"),
        Relation.RELATED: _("I am related to someone on the film"),
        Relation.OTHER: _("Another reason"),
    }


def refusal_text(lang: str, exc: ReviewRefused) -> str:
    _ = translations(lang).gettext
    if exc.why == "closed":
        return _("The review is closed: your scores can no longer change.")
    if exc.why == "range":
        return _("A score is a number from the programme's scale: see the range beside it.")
    if exc.why == "conflict":
        return _("You declared a conflict of interest with this film: %(why)s.") % {
            "why": exc.detail
        }
    if exc.why == "assigned":
        return _("This film is not assigned to you.")
    return _("Your score could not be taken: %(why)s") % {"why": exc.detail}


def member_page(
    request: Request,
    shown: ReviewPage,
    status: int = 200,
    refused_film: str = "",
    refusal: str = "",
) -> HTMLResponse:
    lang = language(request.query_params.get("lang"), shown.language)
    return page(
        request,
        "review.html.j2",
        lang,
        status,
        shown.timezone,
        page=shown,
        base=request.url.path.removesuffix("/score").removesuffix("/conflict"),
        anchor=anchor,
        was=state_of_score,
        relations=relation_names(lang),
        refused_film=refused_film,
        refusal=refusal,
        declared=request.query_params.get("declared", ""),
    )


@router.get("/review/{token}", response_class=HTMLResponse)
async def show_review(
    request: Request, token: str, show: str = "todo", page_no: int = 1
) -> HTMLResponse:
    shown = await review_page(request.app.state.ctx, token, show, page_no)
    return member_page(request, shown)


def back_to(token: str, request: Request, show: str, page_no: int, film: str, **more) -> str:
    """The page the answer came from, at the film answered, in the language chosen."""
    query = {"show": show, "page_no": page_no, **more}
    if lang := request.query_params.get("lang"):
        query["lang"] = lang
    return f"/review/{token}?{urlencode(query)}#{anchor(film)}"


async def guard(request: Request, token: str, film: str, csrf: str) -> Response | None:
    """Every door's guard (web/pages.refused), counting a member's answers by film and as the
    member's, not the address's."""
    member = member_of(request.app.state.ctx, token)
    return await refused(request, f"{token}:{film}", csrf, member)


async def refusal_page(
    request: Request,
    token: str,
    exc: ReviewRefused,
    film: str,
    show: str = "todo",
    page_no: int = 1,
) -> HTMLResponse:
    """The page again, the refusal beside its film (or above, if the film is not on it)."""
    shown = await review_page(request.app.state.ctx, token, show, page_no)
    lang = language(request.query_params.get("lang"), shown.language)
    status = 422 if exc.why == "range" else 409
    return member_page(request, shown, status, film, refusal_text(lang, exc))


@router.post("/review/{token}/conflict", response_class=HTMLResponse)
async def give_conflict(
    request: Request,
    token: str,
    submission_id: Annotated[str, Form(max_length=200)],
    relation: Annotated[Relation, Form()],
    csrf: Annotated[str, Form(max_length=100)] = "",
    detail: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    if turned_away := await guard(request, token, submission_id, csrf):
        return turned_away
    try:
        await declare_by_link(request.app.state.ctx, token, submission_id, relation, detail)
    except ReviewRefused as exc:
        if exc.why != "conflict":  # declared already (a double click): shown as recorded
            return await refusal_page(request, token, exc, submission_id)
    return RedirectResponse(back_to(token, request, "todo", 1, submission_id, declared=1), 303)


@router.post("/review/{token}/score", response_class=HTMLResponse)
async def give_score(
    request: Request,
    token: str,
    submission_id: Annotated[str, Form(max_length=200)],
    score: Annotated[float, Form()],
    csrf: Annotated[str, Form(max_length=100)] = "",
    comment: Annotated[str, Form(max_length=10000)] = "",  # CRLFs count twice; cut to 5,000
    was: Annotated[str, Form(max_length=16)] = "none",
    show: Annotated[str, Form(max_length=10)] = "todo",
    page_no: Annotated[int, Form()] = 1,
) -> Response:
    if turned_away := await guard(request, token, submission_id, csrf):
        return turned_away
    try:
        await score_by_link(request.app.state.ctx, token, submission_id, score, comment, was)
    except ReviewRefused as exc:
        return await refusal_page(request, token, exc, submission_id, show, page_no)
    return RedirectResponse(back_to(token, request, show, page_no, submission_id), 303)
