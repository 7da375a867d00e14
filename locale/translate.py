"""Writes each language's catalog from the template and the translations in `locale/words/`
(`make catalogs` runs it after extraction): a word missing there is left untranslated, and
tests/test_web.py fails on it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent


def words() -> dict[str, dict[str, str]]:
    """Every translation, from the files of `locale/words/` (one per part of the site, so that
    parts written side by side do not edit one file): {English: {language: translation}}."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted((HERE / "words").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"words_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for english, said in module.T.items():
            if english in merged and merged[english] != said:
                raise SystemExit(f"{path.name}: {english!r} is translated differently elsewhere")
            merged[english] = said
    return merged


def main() -> None:
    T = words()
    for lang in ("es", "pt", "fr", "en"):
        with (HERE / "messages.pot").open("rb") as pot:
            catalog = read_po(pot, locale=lang)
        catalog.project, catalog.version = "wipflow", "1"
        for message in catalog:
            if message.id:
                # English is the source language: its catalog says each message as written.
                message.string = message.id if lang == "en" else T.get(message.id, {}).get(lang, "")
        out = HERE / lang / "LC_MESSAGES" / "messages.po"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as po:
            write_po(po, catalog, omit_header=False, sort_output=True, no_location=True)


if __name__ == "__main__":
    main()
