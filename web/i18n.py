"""Every word of the pages from gettext catalogs (`locale/<lang>/LC_MESSAGES/messages.po`, made
and updated with Babel: `make catalogs`), through Jinja's i18n extension; dates and times by the
mail's own filters, in the reader's language and the session's zone.

The catalogs are compiled in memory when first used, so neither the repository nor the image
carries compiled `.mo` files that could fall behind their sources."""

from __future__ import annotations

from functools import cache
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from notifications.render import FILTERS
from notifications.stages import LANGUAGES
from settings import PROJECT_ROOT

LOCALES = PROJECT_ROOT / "locale"
TEMPLATES = PROJECT_ROOT / "templates" / "web"
NAMES = {"es": "Español", "pt": "Português", "fr": "Français", "en": "English"}


@cache
def translations(lang: str) -> Translations:
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


@cache
def environment(lang: str) -> Environment:
    """The pages' environment in one language: every value escaped, none left undefined."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)
    env.filters.update(FILTERS)
    return env


def language(requested: str | None, default: str | None) -> str:
    """The language a page is written in: the one the reader chose, else the one their
    messages use, else English."""
    for candidate in (requested, default):
        if candidate in LANGUAGES:
            return candidate
    return "en"
