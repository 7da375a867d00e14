"""The gettext catalogs (`locale/<lang>/LC_MESSAGES/messages.po`, made and updated with Babel:
`make catalogs`) that every word a producer reads comes from: the pages' words, and the words
that go into messages (an eligibility rule's reason, say).

The catalogs are compiled in memory when first used, so neither the repository nor the image
carries compiled `.mo` files that could fall behind their sources."""

from __future__ import annotations

from functools import cache
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

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
