"""The public call page of an open session: the whole submission form, in sections with hints,
its countries and languages named in the reader's language; each refused field's reason beside
it, what was typed kept; then the film received once (`actions.call`), or the call closed."""

from __future__ import annotations

from typing import NamedTuple

from babel import Locale
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from actions.call import (
    CallClosed,
    CallPage,
    Received,
    UnknownSession,
    call_page,
    submit_from_call,
)
from gateway.errors import FormInvalid
from models.programme import Genre, PostStage
from models.submission import COUNTRIES, LANGUAGES, PostNeed
from web.forms import field_of, nested, said
from web.i18n import NAMES, language, translations
from web.pages import page, problem
from web.security import CSRF_COOKIE, csrf_holds

router = APIRouter()
DIRECTOR_ROWS, PRODUCER_ROWS = 2, 3
LISTS = frozenset({"dialogue_languages", "screener.subtitles", "post_needs"})


class Field(NamedTuple):
    name: str
    label: str
    kind: str  # text, textarea, number, url, email, select, multi, checkbox
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()


class Section(NamedTuple):
    title: str
    fields: list[Field]
    whole: tuple[str, ...] = ()  # errors on the section as a whole, said at its end


def sections(lang: str) -> list[Section]:
    """The form as the page shows it, every word in `lang`."""
    _ = translations(lang).gettext
    locale = Locale.parse(lang)
    countries = tuple(sorted(((c, locale.territories[c]) for c in COUNTRIES), key=lambda o: o[1]))
    languages = tuple(
        sorted(((c, locale.languages.get(c, c)) for c in LANGUAGES), key=lambda o: o[1])
    )
    genres = {Genre.FICTION: _("fiction"), Genre.DOCUMENTARY: _("documentary")}
    genres |= {Genre.ANIMATION: _("animation"), Genre.HYBRID: _("hybrid")}
    stages = {
        PostStage.ASSEMBLY: _("assembly"),
        PostStage.FIRST_CUT: _("first cut"),
        PostStage.ROUGH_CUT: _("rough cut"),
        PostStage.FINE_CUT: _("fine cut"),
        PostStage.PICTURE_LOCK: _("picture lock"),
    }
    needs = {
        PostNeed.GRADING: _("Grading"),
        PostNeed.SOUND_EDIT: _("Sound editing"),
        PostNeed.SOUND_MIX: _("Sound mix"),
        PostNeed.MUSIC: _("Music"),
        PostNeed.VFX: _("Visual effects"),
        PostNeed.SUBTITLING: _("Subtitles"),
        PostNeed.DCP: _("DCP"),
    }
    access = (
        ("password", _("protected by a password")),
        ("unlisted", _("unlisted")),
        ("public", _("public")),
    )
    premiere = (
        ("unreleased", _("not shown anywhere yet")),
        ("festival_screened", _("screened at a festival")),
        ("released", _("released")),
    )
    currencies = tuple((c, c) for c in ("EUR", "USD", "BRL", "ARS", "MXN", "CLP", "COP", "PEN"))
    film = [
        Field("original_title", _("Original title"), "text"),
        Field("english_title", _("English title"), "text", _("If it has one.")),
        Field("genre", _("Genre"), "select", "", tuple((g.value, n) for g, n in genres.items())),
        Field(
            "dialogue_languages",
            _("Languages of the dialogue"),
            "multi",
            _("Hold Ctrl (or ⌘) to choose several."),
            languages,
        ),
        Field(
            "runtime_expected_min", _("Expected runtime of the finished film (minutes)"), "number"
        ),
        Field("cut_runtime_min", _("Runtime of the cut you send (minutes)"), "number"),
        Field("shooting_completed", _("Shooting is finished"), "checkbox"),
        Field(
            "post_stage",
            _("Where the edit is"),
            "select",
            "",
            tuple((s.value, n) for s, n in stages.items()),
        ),
        Field("logline", _("Logline"), "text", _("One sentence, at most 300 characters.")),
        Field("synopsis", _("Synopsis"), "textarea", _("At most 3,000 characters.")),
    ]
    screener = [
        Field(
            "screener.url",
            _("Link to the cut"),
            "url",
            _("A private streaming link (Vimeo, YouTube...), not a download."),
        ),
        Field("screener.access", _("Access"), "select", "", access),
        Field("screener.password", _("Password"), "text", _("Shown only to the committee.")),
        Field("screener.subtitles", _("Subtitles on the cut"), "multi", "", languages),
    ]
    directors = [
        f
        for i in range(DIRECTOR_ROWS)
        for f in (
            Field(f"directors.{i}.name", _("Director's name"), "text"),
            Field(f"directors.{i}.nationality", _("Nationality"), "select", "", countries),
            Field(f"directors.{i}.first_feature", _("First feature"), "checkbox"),
        )
    ]
    producers = [
        f
        for i in range(PRODUCER_ROWS)
        for f in (
            Field(f"producers.{i}.company", _("Production company"), "text"),
            Field(f"producers.{i}.country", _("Country"), "select", "", countries),
            Field(
                f"producers.{i}.share_pct", _("Share (%)"), "number", _("The shares add up to 100.")
            ),
            Field(f"producers.{i}.majority", _("Majority producer"), "checkbox"),
        )
    ]
    finance = [
        Field("finance.currency", _("Currency"), "select", "", currencies),
        Field("finance.total_budget", _("Total budget"), "number"),
        Field("finance.secured", _("Financing secured"), "number"),
        Field("finance.post_budget_missing", _("Post-production budget still missing"), "number"),
        Field(
            "post_needs",
            _("Post-production work still to fund"),
            "multi",
            "",
            tuple((n.value, t) for n, t in needs.items()),
        ),
        Field(
            "history.sales_agent", _("Sales agent"), "text", _("Leave empty if the film has none.")
        ),
        Field("history.premiere_status", _("Shown before?"), "select", "", premiere),
    ]
    contact = [
        Field("contact.name", _("Your name"), "text"),
        Field(
            "contact.email",
            _("Your e-mail address"),
            "email",
            _("We write to you here, and only here."),
        ),
        Field(
            "contact.language", _("Language of our messages"), "select", "", tuple(NAMES.items())
        ),
        Field("contact.phone", _("Phone"), "text", _("Optional.")),
    ]
    return [
        Section(_("The film"), film),
        Section(_("The cut for the committee"), screener, ("screener",)),
        Section(_("Direction"), directors, ("directors",)),
        Section(_("Production"), producers, ("producers",)),
        Section(_("Financing and needs"), finance, ("finance",)),
        Section(_("Who we write to"), contact),
    ]


def show(
    request: Request,
    shown: CallPage,
    lang: str,
    status: int = 200,
    values: dict | None = None,
    errors: dict[str, str] | None = None,
    received: Received | None = None,
) -> HTMLResponse:
    return page(
        request,
        "call.html.j2",
        lang,
        status,
        shown.timezone,
        call=shown,
        sections=sections(lang),
        values=values or {"contact.language": lang, "shooting_completed": "true"},
        errors=errors or {},
        received=received,
    )


def reader(request: Request) -> str:
    """The page's language: the one chosen, else the browser's first we write in."""
    asked = request.headers.get("accept-language", "")
    browser = next((p.split(";")[0].strip()[:2].lower() for p in asked.split(",") if p), None)
    return language(request.query_params.get("lang"), browser)


@router.get("/call/{session_id:path}", response_class=HTMLResponse)
async def show_call(request: Request, session_id: str) -> HTMLResponse:
    try:
        shown = await call_page(request.app.state.ctx, session_id)
    except UnknownSession:
        return problem(request, 404)
    return show(request, shown, reader(request), 200 if shown.open else 410)


@router.post("/call/{session_id:path}", response_class=HTMLResponse)
async def send_call(request: Request, session_id: str) -> HTMLResponse:
    ctx, lang = request.app.state.ctx, reader(request)
    address = request.client.host if request.client else "unknown"
    # No link to count by: a sender is counted by address, in this call and overall.
    if not await request.app.state.throttle.allows(f"call:{session_id}:{address}", address):
        return problem(request, 429)
    posted = await request.form()
    if not csrf_holds(request.cookies.get(CSRF_COOKIE), str(posted.get("csrf", ""))):
        return problem(request, 419)
    try:
        shown = await call_page(ctx, session_id)
    except UnknownSession:
        return problem(request, 404)
    fields = [f for s in sections(lang) for f in s.fields]
    checkboxes = frozenset(f.name for f in fields if f.kind == "checkbox")
    data = nested(posted, LISTS, checkboxes, frozenset({"csrf"}))
    values = {k: posted.getlist(k) if k in LISTS else posted.get(k) for k in posted}
    try:
        received = await submit_from_call(ctx, session_id, data)
    except CallClosed:
        return show(request, shown.model_copy(update={"open": False}), lang, 410)
    except FormInvalid as exc:
        errors = {field_of(e): said(e, lang) for e in exc.errors}
        return show(request, shown, lang, 422, values, errors)
    return show(request, shown, lang, 200, values, received=received)
