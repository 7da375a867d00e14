"""Rendering a stage's message in the recipient's language, as plain text and HTML.

Each stage has one template per language (`templates/email/<lang>/<stage>.j2`), which extends its
language's base and, through it, the text or the HTML layout: the same words make both parts.
The HTML environment escapes every value (a producer named `<script>` stays text) and both use
StrictUndefined. Dates, times (in the session's zone) and amounts are formatted by Babel in the
recipient's locale: "27 de marzo de 2027", "27 mars 2027".
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from models.eligibility import RuleResult
from models.message_kinds import MessageKind
from notifications.catalogs import explain
from notifications.stages import FIELDS, LANGUAGES, Language, Message
from settings import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates" / "email"


def language_for(requested: str | None) -> Language:
    """The recipient's language when wipflow writes in it; English otherwise."""
    return requested if requested in LANGUAGES else "en"  # type: ignore[return-value]


@pass_context
def _date(ctx: Context, value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(ctx["timezone"])).date()
    return format_date(value, format="long", locale=ctx["lang"])


@pass_context
def _datetime(ctx: Context, value: datetime) -> str:
    local = value.astimezone(ZoneInfo(ctx["timezone"]))
    day = format_date(local, format="long", locale=ctx["lang"])
    hour = format_time(local, format="short", locale=ctx["lang"])
    return f"{day}, {hour} ({local.tzname()})"


@pass_context
def _number(ctx: Context, value: float) -> str:
    return format_decimal(value, locale=ctx["lang"])


@pass_context
def _money(ctx: Context, value: Decimal, currency: str) -> str:
    return format_currency(value, currency, locale=ctx["lang"])


# The words of wipflow's vocabulary that reach producers and committee members (partner kinds,
# post-production work, genres).
TERMS: dict[str, dict[str, str]] = {
    "post_house": {
        "es": "postproducción",
        "pt": "pós-produção",
        "fr": "postproduction",
        "en": "post-production",
    },
    "sales_agent": {
        "es": "agente de ventas",
        "pt": "agente de vendas",
        "fr": "vendeur international",
        "en": "sales agent",
    },
    "distributor": {
        "es": "distribuidora",
        "pt": "distribuidora",
        "fr": "distributeur",
        "en": "distributor",
    },
    "tv_buyer": {"es": "televisión", "pt": "televisão", "fr": "télévision", "en": "TV buyer"},
    "fund": {"es": "fondo", "pt": "fundo", "fr": "fonds", "en": "fund"},
    "co_producer": {
        "es": "coproductora",
        "pt": "coprodutora",
        "fr": "coproducteur",
        "en": "co-producer",
    },
    "residency": {"es": "residencia", "pt": "residência", "fr": "résidence", "en": "residency"},
    "grading": {"es": "etalonaje", "pt": "correção de cor", "fr": "étalonnage", "en": "grading"},
    "sound_edit": {
        "es": "edición de sonido",
        "pt": "edição de som",
        "fr": "montage son",
        "en": "sound editing",
    },
    "sound_mix": {"es": "mezcla de sonido", "pt": "mixagem", "fr": "mixage", "en": "sound mix"},
    "music": {"es": "música", "pt": "música", "fr": "musique", "en": "music"},
    "vfx": {
        "es": "efectos visuales",
        "pt": "efeitos visuais",
        "fr": "effets visuels",
        "en": "visual effects",
    },
    "subtitling": {
        "es": "subtitulado",
        "pt": "legendagem",
        "fr": "sous-titrage",
        "en": "subtitling",
    },
    "dcp": {"es": "DCP", "pt": "DCP", "fr": "DCP", "en": "DCP"},
    # Where the edit stands, and the genre, as a committee member's page names a film's.
    "assembly": {"es": "premontaje", "pt": "montagem inicial", "fr": "ours", "en": "assembly"},
    "first_cut": {
        "es": "primer corte",
        "pt": "primeiro corte",
        "fr": "premier montage",
        "en": "first cut",
    },
    "rough_cut": {
        "es": "primer armado",
        "pt": "corte bruto",
        "fr": "bout-à-bout",
        "en": "rough cut",
    },
    "fine_cut": {"es": "corte fino", "pt": "corte fino", "fr": "montage fin", "en": "fine cut"},
    "picture_lock": {
        "es": "montaje cerrado",
        "pt": "montagem fechada",
        "fr": "montage image définitif",
        "en": "picture lock",
    },
    "fiction": {"es": "ficción", "pt": "ficção", "fr": "fiction", "en": "fiction"},
    "documentary": {
        "es": "documental",
        "pt": "documentário",
        "fr": "documentaire",
        "en": "documentary",
    },
    "animation": {"es": "animación", "pt": "animação", "fr": "animation", "en": "animation"},
    "hybrid": {"es": "híbrido", "pt": "híbrido", "fr": "hybride", "en": "hybrid"},
}
# Country names per language, read at import like every Babel datum (see models/submission.py).
TERRITORIES = {lang: dict(Locale(lang).territories) for lang in LANGUAGES}


@pass_context
def _term(ctx: Context, value: str) -> str:
    """A vocabulary word or an ISO country code, in the recipient's language."""
    lang = ctx["lang"]
    if value in TERMS:
        return TERMS[value][lang]
    if len(value) == 2 and value.isupper():
        return TERRITORIES[lang].get(value, value)
    return value


def _paragraphs(text: str) -> Markup:
    """Blank lines separate paragraphs; a line break inside one stays a line break.

    Used only in the HTML environment, on template output in which every value has already been
    escaped: the `<p>` and `<br>` added here are the only new markup."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", str(text)) if p.strip()]
    return Markup("\n".join("<p>" + part.replace("\n", "<br>\n") + "</p>" for part in parts))


# What a template may call on a value, in the reader's language (`lang`) and the session's zone
# (`timezone`): the mail's templates and the web pages share them.
FILTERS = {
    "date": _date,
    "datetime": _datetime,
    "money": _money,
    "number": _number,
    "term": _term,
}


@cache
def _environment(html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=StrictUndefined,
        # The templates ship with the code: no stat of each file at every message.
        auto_reload=False,
    )
    env.filters.update(FILTERS, paragraphs=_paragraphs)
    return env


def said_in(reason: str | dict | RuleResult, lang: str, timezone: str) -> str:
    """A failing rule's reason as the message prints it: a rule's result (what the submission
    workflow sends) in the recipient's language; a reason already in words (from a history
    recorded before reasons were translated), as it is."""
    if isinstance(reason, str):
        return reason
    return explain(RuleResult.model_validate(reason), lang, timezone)


def render(stage: MessageKind, language: str | None, fields: dict) -> Message:
    """Validate the stage's fields, then render its message in `language` (English fallback)."""
    lang = language_for(language)
    if "reasons" in FIELDS[stage].model_fields and "reasons" in fields:
        zone = fields.get("timezone", "UTC")
        fields = {**fields, "reasons": [said_in(r, lang, zone) for r in fields["reasons"]]}
    data = FIELDS[stage].model_validate(fields)
    context = {**dict(data), "lang": lang, "stage": stage.value}
    parts = {}
    for html, layout in ((False, "layout.txt.j2"), (True, "layout.html.j2")):
        template = _environment(html).get_template(f"{lang}/{stage.value}.j2")
        parts[html] = template.render(context, layout=layout)
    subject, _, text = parts[False].partition("\n")
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return Message(stage=stage, language=lang, subject=subject.strip(), text=text, html=parts[True])
