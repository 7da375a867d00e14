"""Every eligibility reason in every producer's language: each branch of each rule, rendered by
`notifications.catalogs.explain` in es, pt, fr and en with its parameters written for that
language, and the needs-fix and ineligible messages printing them. No Temporal, no database."""

from __future__ import annotations

import ast
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po

from domain.eligibility import RULES, evaluate, lapse
from models.eligibility import EligibilityContext, Outcome, RuleResult
from models.message_kinds import MessageKind
from models.programme import SalesAgentRule
from notifications.catalogs import explain
from notifications.render import render
from notifications.samples import sample
from settings import PROJECT_ROOT
from tests.forms import make_form

LANGS = ("es", "pt", "fr", "en")
# One case per branch of every rule: (programme, rule, form changes, rule changes, context).
SAMPLE_PRODUCERS = [
    {"company": "Madrid Films", "country": "ES", "share_pct": 59.5, "majority": True},
    {"company": "Lima Cine", "country": "PE", "share_pct": 40.5},
]
CASES = [
    ("films-in-progress", "feature_runtime", {"runtime_expected_min": 45}, {}),
    ("films-in-progress", "feature_runtime", {"runtime_expected_min": 500}, {"max_minutes": 240}),
    ("films-in-progress", "feature_runtime", {}, {}),
    ("films-in-progress", "cut_runtime", {"cut_runtime_min": 40}, {}),
    ("films-in-progress", "cut_runtime", {"cut_runtime_min": 500}, {"max_minutes": 240}),
    ("films-in-progress", "cut_runtime", {}, {}),
    ("guadalajara-construye", "genre", {"genre": "documentary"}, {}),
    ("guadalajara-construye", "genre", {"genre": "fiction"}, {}),
    ("films-in-progress", "production_stage", {"shooting_completed": False}, {}),
    ("films-in-progress", "production_stage", {"post_stage": "assembly"}, {}),
    ("films-in-progress", "production_stage", {}, {}),
    ("wip-latam", "latam_share", {"producers": SAMPLE_PRODUCERS}, {"inclusive": True}),
    ("wip-latam", "latam_share", {"producers": SAMPLE_PRODUCERS}, {}),
    ("wip-latam", "latam_share", {"producers": SAMPLE_PRODUCERS}, {"min_share_pct": 10}),
    ("films-in-progress", "latam_share", {}, {}),
    ("films-in-progress", "subtitles", {"dialogue_languages": ["es"]}, {}),
    (
        "films-in-progress",
        "subtitles",
        {"dialogue_languages": ["pt"], "screener": {"subtitles": ["en"]}},
        {},
    ),
    (
        "films-in-progress",
        "subtitles",
        {"dialogue_languages": ["pt", "qu"], "screener": {"subtitles": []}},
        {},
    ),
    ("films-in-progress", "screener", {"screener": {"url": "https://we.tl/t-abc"}}, {}),
    ("films-in-progress", "screener", {"screener": {"url": "https://example.org/f"}}, {}),
    (
        "films-in-progress",
        "screener",
        {"screener": {"url": "https://vimeo.com/1", "access": "public", "password": None}},
        {},
    ),
    ("films-in-progress", "screener", {}, {}),
    ("guadalajara-construye", "no_reentry", {}, {}),
    ("guadalajara-construye", "no_reentry", {"earlier": True}, {}),
    (None, "no_sales_agent", {"history": {"sales_agent": "Latido Films"}}, {}),
    (None, "no_sales_agent", {}, {}),
]


def results(programmes) -> list[RuleResult]:
    out = []
    for programme, rule_id, changes, rule_changes in CASES:
        changes = dict(changes)
        earlier = ["guadalajara-construye/guadalajara-2026"] if changes.pop("earlier", 0) else []
        if programme is None:
            rule = SalesAgentRule(source={"url": "https://www.bloodwindow.com.ar/en/"})
        else:
            rule = getattr(programmes[programme].eligibility, rule_id)
        rule = rule.model_copy(update=rule_changes)
        outcome, text, params = RULES[rule_id](
            make_form(**changes), rule, EligibilityContext(earlier_sessions=earlier)
        )
        out.append(
            RuleResult(
                rule_id=rule_id, outcome=outcome, reason="", source_url="", text=text, params=params
            )
        )
    return out


def marked() -> set[str]:
    """Every message id the rules mark with N_, read from their source."""
    tree = ast.parse((PROJECT_ROOT / "domain" / "eligibility.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "N_"
    }


def test_the_cases_reach_every_reason_of_every_rule(programmes):
    words = {w for w in marked() if "%" not in w and not w.endswith(".")}
    assert {r.text for r in results(programmes)} == marked() - words


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_every_marked_message_is_translated(lang):
    with (PROJECT_ROOT / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    untranslated = [m for m in marked() if m not in catalog or not catalog[m].string]
    assert untranslated == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_reason_renders_with_its_parameters(programmes, lang):
    for result in results(programmes):
        said = explain(result, lang)
        assert said and "%(" not in said and "%%" not in said, said
        if lang != "en":
            assert said != explain(result, "en"), said


def test_words_and_numbers_are_written_for_the_reader(programmes):
    by_text = {r.text: r for r in results(programmes)}
    genre = next(r for t, r in by_text.items() if t.startswith("This programme takes"))
    assert explain(genre, "es").endswith("esta película es de género documental.")
    subtitles = next(r for t, r in by_text.items() if t.startswith("The dialogue is in"))
    assert "portugués y quechua" in explain(subtitles, "es")
    assert "anglais ou espagnol" in explain(subtitles, "fr")
    stage = next(r for t, r in by_text.items() if t.startswith("The edit is at"))
    assert "ours" in explain(stage, "fr") and "premier montage" in explain(stage, "fr")
    share = next(r for t, r in by_text.items() if t.endswith("at least %(min)s%%."))
    assert explain(share, "es").startswith("Las productoras latinoamericanas tienen el 40,5 %")
    assert explain(share, "en").startswith("Latin American producers hold 40.5%")
    majority = next(r for t, r in by_text.items() if t.startswith("The majority producer"))
    assert "Madrid Films, España" in explain(majority, "es")


def test_a_lapsed_needs_fix_says_when_in_the_readers_language(programmes):
    form = make_form(cut_runtime_min=40)
    report = evaluate(form, programmes["films-in-progress"].eligibility, EligibilityContext())
    lapsed = lapse(report, datetime(2027, 2, 10, 23, 59, tzinfo=UTC))
    (failed,) = [r for r in lapsed.results if r.outcome is Outcome.FAIL]
    assert failed.reason.startswith("Not corrected by 2027-02-10 23:59 UTC. The cut you sent")
    said = explain(failed, "es", "America/Mexico_City")
    assert said.startswith("No se corrigió antes del 10 feb 2027, 17:59:00. El corte que envió")


def test_a_result_recorded_before_reasons_had_ids_is_said_as_recorded():
    old = RuleResult.model_validate(
        {"rule_id": "genre", "outcome": "fail", "reason": "Old words.", "source_url": "x"}
    )
    assert explain(old, "es") == "Old words."


def test_the_spanish_needs_fix_message_carries_the_spanish_reason(programmes):
    form = make_form(cut_runtime_min=40, screener={"url": "https://we.tl/t-abc"})
    report = evaluate(form, programmes["films-in-progress"].eligibility, EligibilityContext())
    failing = [r.model_dump(mode="json") for r in report.results if r.outcome is not Outcome.PASS]
    fields = sample(MessageKind.NEEDS_FIX) | {"reasons": failing}
    text = render(MessageKind.NEEDS_FIX, "es", fields).text
    assert "– El corte que envió dura 40 minutos; envíe un corte de al menos 60 minutos." in text
    assert "No se aceptan enlaces de descarga (we.tl)" in text
    ineligible = render(MessageKind.INELIGIBLE, "pt", sample(MessageKind.INELIGIBLE) | fields)
    assert "O corte que enviou tem 40 minutos" in ineligible.text
