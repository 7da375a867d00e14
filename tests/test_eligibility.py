"""Every eligibility rule, each of its outcomes, as pure functions: no Temporal, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.eligibility import RULES, evaluate, lapse
from models.eligibility import EligibilityContext, Outcome, phrase
from models.programme import EligibilityRules, Programme, SalesAgentRule
from tests.forms import make_form

NO_CONTEXT = EligibilityContext()


def outcome_of(programme: Programme, rule_id: str, form, ctx=NO_CONTEXT):
    rule = getattr(programme.eligibility, rule_id)
    assert rule is not None, f"{programme.id} does not enable {rule_id}"
    outcome, text, params = RULES[rule_id](form, rule, ctx)
    return outcome, phrase(text, params, str, "en")


@pytest.fixture
def fip(programmes) -> Programme:
    return programmes["films-in-progress"]


def test_the_reference_film_passes_every_films_in_progress_rule(fip):
    report = evaluate(make_form(), fip.eligibility, NO_CONTEXT)
    assert report.outcome is Outcome.PASS
    assert [r.rule_id for r in report.results] == [
        "feature_runtime",
        "cut_runtime",
        "genre",
        "production_stage",
        "latam_share",
        "subtitles",
        "screener",
    ]
    assert all(r.source_url.startswith("http") for r in report.results)


@pytest.mark.parametrize(("minutes", "expected"), [(59, Outcome.FAIL), (60, Outcome.PASS)])
def test_feature_runtime_at_least_sixty_minutes(fip, minutes, expected):
    outcome, reason = outcome_of(fip, "feature_runtime", make_form(runtime_expected_min=minutes))
    assert outcome is expected
    assert str(minutes) in reason


@pytest.mark.parametrize(("minutes", "expected"), [(45, Outcome.NEEDS_FIX), (60, Outcome.PASS)])
def test_a_short_cut_can_be_replaced_so_it_needs_a_fix(fip, minutes, expected):
    outcome, reason = outcome_of(fip, "cut_runtime", make_form(cut_runtime_min=minutes))
    assert outcome is expected
    if expected is Outcome.NEEDS_FIX:
        assert "at least 60 minutes" in reason


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (69, Outcome.NEEDS_FIX),
        (70, Outcome.PASS),
        (120, Outcome.PASS),
        (121, Outcome.NEEDS_FIX),
    ],
)
def test_guadalajara_takes_cuts_of_70_to_120_minutes(programmes, minutes, expected):
    gdl = programmes["guadalajara-construye"]
    assert outcome_of(gdl, "cut_runtime", make_form(cut_runtime_min=minutes))[0] is expected


def test_guadalajara_takes_fiction_only(programmes):
    gdl = programmes["guadalajara-construye"]
    outcome, reason = outcome_of(gdl, "genre", make_form(genre="documentary"))
    assert outcome is Outcome.FAIL and "fiction" in reason
    assert outcome_of(gdl, "genre", make_form(genre="fiction"))[0] is Outcome.PASS


def test_films_in_progress_takes_fiction_and_documentary(fip):
    for genre in ("fiction", "documentary"):
        assert outcome_of(fip, "genre", make_form(genre=genre))[0] is Outcome.PASS


@pytest.mark.parametrize(
    ("changes", "expected", "words"),
    [
        ({"shooting_completed": False}, Outcome.FAIL, "Shooting must be finished"),
        ({"post_stage": "assembly"}, Outcome.FAIL, "at least a first cut"),
        ({"post_stage": "first_cut"}, Outcome.PASS, "post-production"),
        ({"post_stage": "picture_lock"}, Outcome.PASS, "post-production"),
    ],
)
def test_shooting_done_and_at_least_a_first_cut(fip, changes, expected, words):
    outcome, reason = outcome_of(fip, "production_stage", make_form(**changes))
    assert outcome is expected
    assert words in reason


def producers(*shares):
    return [
        {"company": f"Co {i}", "country": c, "share_pct": s, "majority": i == 0}
        for i, (c, s) in enumerate(shares)
    ]


@pytest.mark.parametrize(
    ("shares", "fip_outcome", "wip_outcome"),
    [
        ((("AR", 100),), Outcome.PASS, Outcome.PASS),
        ((("CO", 60), ("FR", 40)), Outcome.PASS, Outcome.PASS),
        (
            (("FR", 51), ("MX", 49)),
            Outcome.PASS,
            Outcome.FAIL,
        ),  # partly, not mostly, Latin American
        ((("MX", 50), ("ES", 50)), Outcome.PASS, Outcome.FAIL),  # half is not a majority
        ((("DE", 100),), Outcome.FAIL, Outcome.FAIL),
    ],
)
def test_latin_american_share_wholly_or_partly_vs_majority(
    programmes, shares, fip_outcome, wip_outcome
):
    form = make_form(producers=producers(*shares))
    assert outcome_of(programmes["films-in-progress"], "latam_share", form)[0] is fip_outcome
    outcome, reason = outcome_of(programmes["wip-latam"], "latam_share", form)
    assert outcome is wip_outcome
    assert "%" in reason or "majority producer" in reason


def test_wip_latam_wants_a_latin_american_majority_producer(programmes):
    # 60% Latin American in total, but the flagged majority producer is Spanish.
    form = make_form(
        producers=[
            {"company": "Madrid Films", "country": "ES", "share_pct": 40, "majority": True},
            {"company": "Lima Cine", "country": "PE", "share_pct": 30},
            {"company": "Quito Cine", "country": "EC", "share_pct": 30},
        ]
    )
    outcome, reason = outcome_of(programmes["wip-latam"], "latam_share", form)
    assert outcome is Outcome.FAIL
    assert "Madrid Films" in reason


def test_guadalajara_counts_spain_as_ibero_american(programmes):
    form = make_form(producers=producers(("ES", 100)))
    gdl = programmes["guadalajara-construye"]
    assert outcome_of(gdl, "latam_share", form)[0] is Outcome.PASS
    assert outcome_of(programmes["films-in-progress"], "latam_share", form)[0] is Outcome.FAIL


@pytest.mark.parametrize(
    ("languages", "subtitles", "expected"),
    [
        (["es"], [], Outcome.PASS),
        (["pt"], [], Outcome.NEEDS_FIX),
        (["pt"], ["en"], Outcome.PASS),
        (["es", "qu"], ["es"], Outcome.PASS),
        (["qu"], ["fr"], Outcome.NEEDS_FIX),
    ],
)
def test_subtitles_when_the_dialogue_is_not_spanish(fip, languages, subtitles, expected):
    form = make_form(dialogue_languages=languages, screener={"subtitles": subtitles})
    outcome, reason = outcome_of(fip, "subtitles", form)
    assert outcome is expected
    if expected is Outcome.NEEDS_FIX:
        assert "subtitles in English or Spanish" in reason


@pytest.mark.parametrize(
    ("screener", "expected", "words"),
    [
        ({"url": "https://vimeo.com/1"}, Outcome.PASS, "vimeo.com"),
        ({"url": "https://player.vimeo.com/video/1"}, Outcome.PASS, "vimeo.com"),
        (
            {"url": "https://www.youtube.com/watch?v=x", "access": "unlisted"},
            Outcome.PASS,
            "youtube",
        ),
        ({"url": "https://wetransfer.com/downloads/abc"}, Outcome.NEEDS_FIX, "Download links"),
        ({"url": "https://www.dropbox.com/s/abc/film.mov"}, Outcome.NEEDS_FIX, "Download links"),
        ({"url": "https://example.org/film"}, Outcome.NEEDS_FIX, "not a streaming platform"),
        (
            {"url": "https://vimeo.com/1", "access": "public", "password": None},
            Outcome.NEEDS_FIX,
            "public",
        ),
    ],
)
def test_screener_must_be_a_private_streaming_link(fip, screener, expected, words):
    outcome, reason = outcome_of(fip, "screener", make_form(screener=screener))
    assert outcome is expected
    assert words in reason


def test_no_reentry_where_the_programme_forbids_it(programmes):
    gdl = programmes["guadalajara-construye"]
    ctx = EligibilityContext(earlier_sessions=["guadalajara-construye/guadalajara-2026"])
    outcome, reason = outcome_of(gdl, "no_reentry", make_form(), ctx)
    assert outcome is Outcome.FAIL and "guadalajara-2026" in reason
    assert outcome_of(gdl, "no_reentry", make_form())[0] is Outcome.PASS
    # Films in Progress does not forbid it (UNCONFIRMED), so history never blocks a film there.
    report = evaluate(make_form(), programmes["films-in-progress"].eligibility, ctx)
    assert report.outcome is Outcome.PASS


def test_sales_agent_rule_when_a_programme_enables_it():
    rule = SalesAgentRule(source={"url": "https://www.bloodwindow.com.ar/en/"})
    rules = EligibilityRules(no_sales_agent=rule)
    with_agent = make_form(history={"sales_agent": "Latido Films"})
    report = evaluate(with_agent, rules, NO_CONTEXT)
    assert report.outcome is Outcome.FAIL
    assert "Latido Films" in report.results[0].reason
    assert evaluate(make_form(), rules, NO_CONTEXT).outcome is Outcome.PASS


def test_fail_outweighs_needs_fix(fip):
    form = make_form(runtime_expected_min=40, screener={"url": "https://we.tl/t-abc"})
    report = evaluate(form, fip.eligibility, NO_CONTEXT)
    assert report.outcome is Outcome.FAIL
    assert {r.rule_id for r in report.with_outcome(Outcome.NEEDS_FIX)} == {"screener"}


def test_a_lapsed_window_turns_needs_fix_into_fail_and_says_when(fip):
    form = make_form(cut_runtime_min=40, screener={"url": "https://we.tl/t-abc"})
    report = evaluate(form, fip.eligibility, NO_CONTEXT)
    assert report.outcome is Outcome.NEEDS_FIX
    lapsed = lapse(report, datetime(2027, 1, 30, 22, 59, tzinfo=UTC))
    assert lapsed.outcome is Outcome.FAIL
    failing = lapsed.with_outcome(Outcome.FAIL)
    assert {r.rule_id for r in failing} == {"cut_runtime", "screener"}
    assert all(r.reason.startswith("Not corrected by 2027-01-30 22:59 UTC.") for r in failing)


@given(
    runtime=st.integers(1, 600),
    cut=st.integers(1, 600),
    shooting=st.booleans(),
    stage=st.sampled_from(["assembly", "first_cut", "rough_cut", "fine_cut", "picture_lock"]),
    genre=st.sampled_from(["fiction", "documentary", "animation", "hybrid"]),
    latam=st.floats(0, 100, allow_nan=False),
    language=st.sampled_from(["es", "pt", "qu", "fr"]),
    subtitles=st.lists(st.sampled_from(["en", "es", "fr"]), max_size=2),
    url=st.sampled_from(["https://vimeo.com/9", "https://we.tl/x", "https://example.org/x"]),
    programme_id=st.sampled_from(["films-in-progress", "wip-latam", "guadalajara-construye"]),
)
def test_every_enabled_rule_answers_and_the_outcome_follows_from_them(
    programmes,
    runtime,
    cut,
    shooting,
    stage,
    genre,
    latam,
    language,
    subtitles,
    url,
    programme_id,
):
    shares = (
        [("MX", latam), ("FR", 100 - latam)]
        if 0 < latam < 100
        else [("MX" if latam else "FR", 100)]
    )
    form = make_form(
        runtime_expected_min=runtime,
        cut_runtime_min=cut,
        shooting_completed=shooting,
        post_stage=stage,
        genre=genre,
        dialogue_languages=[language],
        screener={"url": url, "subtitles": subtitles},
        producers=producers(*shares),
    )
    rules = programmes[programme_id].eligibility
    report = evaluate(form, rules, NO_CONTEXT)
    enabled = [name for name, rule in rules if rule is not None]
    assert [r.rule_id for r in report.results] == enabled
    assert all(r.reason for r in report.results)
    outcomes = {r.outcome for r in report.results}
    expected = (
        Outcome.FAIL
        if Outcome.FAIL in outcomes
        else Outcome.NEEDS_FIX
        if Outcome.NEEDS_FIX in outcomes
        else Outcome.PASS
    )
    assert report.outcome is expected
    assert evaluate(form, rules, NO_CONTEXT) == report  # pure: same input, same answer
    lapsed = lapse(report, datetime(2027, 1, 1, tzinfo=UTC))
    assert Outcome.NEEDS_FIX not in {r.outcome for r in lapsed.results}
    assert lapsed.outcome is (Outcome.PASS if report.outcome is Outcome.PASS else Outcome.FAIL)
