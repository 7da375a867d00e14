"""Every word of the pages from the gettext catalogs (notifications/catalogs.py), through Jinja's
i18n extension; dates and times by the mail's own filters, in the reader's language and the
session's zone."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from notifications.catalogs import translations
from notifications.render import FILTERS
from notifications.stages import LANGUAGES
from settings import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates" / "web"
NAMES = {"es": "Español", "pt": "Português", "fr": "Français", "en": "English"}


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
