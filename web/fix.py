"""The fix form behind the link in a needs-fix message: each rule's reason in the reader's
language, only the fields that correct it (the call page's own fields), each refused field's
reason beside it, and the correction sent once (`actions.fix_answers`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from actions.fix_answers import FixRefused, send_fix
from gateway.errors import FormInvalid
from notifications.catalogs import explain
from readmodels.fix_page import FixPage, fix_page
from web.call import LISTS, sections
from web.forms import field_of, nested, said
from web.i18n import language, translations
from web.pages import film_link, page, refused, stage_names

router = APIRouter()


def show(
    request: Request,
    shown: FixPage,
    status: int = 200,
    values: dict | None = None,
    errors: dict[str, str] | None = None,
    refused: str = "",
) -> HTMLResponse:
    lang = language(request.query_params.get("lang"), shown.language)
    named = {f.name: f for s in sections(lang) for f in s.fields}
    return page(
        request,
        "fix.html.j2",
        lang,
        status,
        shown.timezone,
        page=shown,
        reasons=[explain(r, lang, shown.timezone) for r in shown.asked],
        fields=[named[f] for f in shown.fields],
        values=values if values is not None else shown.values,
        errors=errors or {},
        refused=refused,
        stage_name=stage_names(lang)[shown.stage],
        film_url=film_link(request, lang),
    )


@router.get("/fix/{token}", response_class=HTMLResponse)
async def show_fix(request: Request, token: str) -> HTMLResponse:
    shown = await fix_page(request.app.state.ctx, token)
    return show(request, shown)


@router.post("/fix/{token}", response_class=HTMLResponse)
async def send(request: Request, token: str) -> HTMLResponse:
    ctx = request.app.state.ctx
    posted = await request.form()
    if turned_away := await refused(request, token, str(posted.get("csrf", ""))):
        return turned_away
    shown = await fix_page(ctx, token)
    allowed = frozenset(shown.fields)
    changes = nested(posted, LISTS & allowed, frozenset(), frozenset(posted) - allowed)
    values = {k: posted.getlist(k) if k in LISTS else posted.get(k) for k in allowed}
    try:
        shown = await send_fix(ctx, token, changes)
    except FormInvalid as exc:
        lang = language(request.query_params.get("lang"), shown.language)
        errors = {field_of(e): said(e, lang) for e in exc.errors}
        return show(request, shown, 422, values, errors)
    except FixRefused as exc:
        _ = translations(language(request.query_params.get("lang"), shown.language)).gettext
        why = {
            "late": _(
                "The deadline for corrections has passed: your correction could not be taken."
            ),
            "closed": _("No correction is expected of this film now."),
        }.get(exc.why, _("Your correction could not be taken: the film has moved on."))
        return show(request, await fix_page(ctx, token), 409, values, refused=why)
    return show(request, shown)
