"""The gettext catalogs (`locale/<lang>/LC_MESSAGES/messages.po`, made and updated with Babel:
`make catalogs`) that every word a producer reads comes from: the pages' words, and the words
that go into messages (an eligibility rule's reason, say).

The catalogs are compiled in memory when first used, so neither the repository nor the image
carries compiled `.mo` files that could fall behind their sources."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from models.eligibility import UNCORRECTED, RuleResult, phrase
from settings import PROJECT_ROOT

LOCALES = PROJECT_ROOT / "locale"


@cache
def translations(lang: str) -> Translations:
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def explain(result: RuleResult, lang: str, timezone: str = "UTC") -> str:
    """An eligibility rule's reason in `lang` (es, pt, fr or en), for a message or a page; a
    needs-fix left uncorrected says by when it was due, in `timezone`. A result recorded before
    reasons had message ids is said as it was recorded, in English."""
    if not result.text:
        return result.reason
    _ = translations(lang).gettext
    said = phrase(result.text, result.params, _, lang)
    if result.uncorrected_by is None:
        return said
    deadline = format_datetime(
        result.uncorrected_by, format="medium", tzinfo=ZoneInfo(timezone), locale=lang
    )
    return f"{_(UNCORRECTED) % {'deadline': deadline}} {said}"
