"""Eligibility rules as pure functions: one per rule, each given the form and its programme's
parameters, each returning pass, fail or needs-fix with the reason in words a producer understands.

No I/O and no clock here: the activity gathers the context (earlier entries) and the workflow
decides what a needs-fix means in time. This keeps every rule testable on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from models.eligibility import EligibilityContext, EligibilityReport, Outcome, RuleResult
from models.programme import (
    EligibilityRules,
    GenreRule,
    LatamShareRule,
    ProductionStageRule,
    ReentryRule,
    RuleBase,
    RuntimeRule,
    SalesAgentRule,
    ScreenerRule,
    SubtitlesRule,
)
from models.submission import SubmissionForm

Rule = Callable[[SubmissionForm, Any, EligibilityContext], tuple[Outcome, str]]


def feature_runtime(form: SubmissionForm, rule: RuntimeRule, _: EligibilityContext):
    minutes = form.runtime_expected_min
    if minutes < rule.min_minutes:
        return Outcome.FAIL, (
            f"The finished film is expected to run {minutes} minutes; this programme takes feature "
            f"films of at least {rule.min_minutes} minutes."
        )
    if rule.max_minutes is not None and minutes > rule.max_minutes:
        return Outcome.FAIL, (
            f"The finished film is expected to run {minutes} minutes; this programme takes films "
            f"of at most {rule.max_minutes} minutes."
        )
    return Outcome.PASS, f"Expected runtime of {minutes} minutes is within the programme's limits."


def cut_runtime(form: SubmissionForm, rule: RuntimeRule, _: EligibilityContext):
    # A cut that is too short or too long can be replaced by another screener: needs-fix, not fail.
    minutes = form.cut_runtime_min
    if minutes < rule.min_minutes:
        return Outcome.NEEDS_FIX, (
            f"The cut you sent runs {minutes} minutes; please send a cut of at least "
            f"{rule.min_minutes} minutes."
        )
    if rule.max_minutes is not None and minutes > rule.max_minutes:
        return Outcome.NEEDS_FIX, (
            f"The cut you sent runs {minutes} minutes; please send a cut of at most "
            f"{rule.max_minutes} minutes."
        )
    return Outcome.PASS, f"The cut runs {minutes} minutes."


def genre(form: SubmissionForm, rule: GenreRule, _: EligibilityContext):
    if form.genre not in rule.allowed:
        allowed = " or ".join(g.value for g in rule.allowed)
        return (
            Outcome.FAIL,
            f"This programme takes {allowed} films; this film is {form.genre.value}.",
        )
    return Outcome.PASS, f"{form.genre.value.capitalize()} films are accepted."


def production_stage(form: SubmissionForm, rule: ProductionStageRule, _: EligibilityContext):
    if rule.require_shooting_completed and not form.shooting_completed:
        return (
            Outcome.FAIL,
            "Shooting must be finished: this programme supports post-production only.",
        )
    if form.post_stage.rank < rule.min_post_stage.rank:
        wanted = rule.min_post_stage.value.replace("_", " ")
        return Outcome.FAIL, (
            f"The edit is at {form.post_stage.value.replace('_', ' ')} stage; this programme asks "
            f"for at least a {wanted}."
        )
    return Outcome.PASS, "Shooting is finished and the film is in post-production."


def latam_share(form: SubmissionForm, rule: LatamShareRule, _: EligibilityContext):
    share = sum(p.share_pct for p in form.producers if p.country in rule.countries)
    enough = share >= rule.min_share_pct if rule.inclusive else share > rule.min_share_pct
    if not enough:
        relation = "at least" if rule.inclusive else "more than"
        return Outcome.FAIL, (
            f"Latin American producers hold {share:g}% of the film; this programme asks for "
            f"{relation} {rule.min_share_pct:g}%."
        )
    majority = form.majority_producer
    if rule.majority_producer_latam and majority.country not in rule.countries:
        return Outcome.FAIL, (
            f"The majority producer ({majority.company}, {majority.country}) "
            "must be Latin American."
        )
    return Outcome.PASS, f"Latin American producers hold {share:g}% of the film."


def subtitles(form: SubmissionForm, rule: SubtitlesRule, _: EligibilityContext):
    foreign = [lang for lang in form.dialogue_languages if lang not in rule.exempt_languages]
    if not foreign:
        return Outcome.PASS, "The dialogue needs no subtitles for the committee."
    if set(form.screener.subtitles) & set(rule.accepted):
        return Outcome.PASS, "The screener carries accepted subtitles."
    accepted = " or ".join(rule.accepted)
    return Outcome.NEEDS_FIX, (
        f"The dialogue is in {', '.join(foreign)}: "
        f"please send a screener with {accepted} subtitles."
    )


def screener(form: SubmissionForm, rule: ScreenerRule, _: EligibilityContext):
    host = (urlsplit(str(form.screener.url)).hostname or "").removeprefix("www.")

    def on(hosts: list[str]) -> bool:
        return any(host == h or host.endswith("." + h) for h in hosts)

    if on(rule.refused_hosts):
        return Outcome.NEEDS_FIX, (
            f"Download links ({host}) are not accepted: please send a private streaming link."
        )
    if not on(rule.streaming_hosts):
        platforms = ", ".join(rule.streaming_hosts)
        return Outcome.NEEDS_FIX, (
            f"{host or 'The link'} is not a streaming platform we accept ({platforms})."
        )
    if form.screener.access == "public":
        return Outcome.NEEDS_FIX, (
            "The screener is public: please restrict it with a password or make it unlisted."
        )
    return Outcome.PASS, f"Private streaming link on {host}."


def no_reentry(form: SubmissionForm, rule: ReentryRule, ctx: EligibilityContext):
    if ctx.earlier_sessions:
        return Outcome.FAIL, (
            "This film was already entered in an earlier session of this programme "
            f"({', '.join(ctx.earlier_sessions)}), which does not accept it again."
        )
    return Outcome.PASS, "First entry of this film in this programme."


def no_sales_agent(form: SubmissionForm, rule: SalesAgentRule, _: EligibilityContext):
    if form.history.sales_agent:
        return Outcome.FAIL, (
            f"The film already has a sales agent ({form.history.sales_agent}); this programme "
            "is for films without one."
        )
    return Outcome.PASS, "No sales agent attached."


RULES: dict[str, Rule] = {
    "feature_runtime": feature_runtime,
    "cut_runtime": cut_runtime,
    "genre": genre,
    "production_stage": production_stage,
    "latam_share": latam_share,
    "subtitles": subtitles,
    "screener": screener,
    "no_reentry": no_reentry,
    "no_sales_agent": no_sales_agent,
}


def evaluate(
    form: SubmissionForm,
    rules: EligibilityRules,
    context: EligibilityContext,
    check_no: int = 1,
) -> EligibilityReport:
    """Run every rule the programme enables, in the order the programme schema lists them."""
    results = []
    for rule_id in EligibilityRules.model_fields:
        params: RuleBase | None = getattr(rules, rule_id)
        if params is None:
            continue
        outcome, reason = RULES[rule_id](form, params, context)
        results.append(
            RuleResult(
                rule_id=rule_id, outcome=outcome, reason=reason, source_url=str(params.source.url)
            )
        )
    return EligibilityReport(check_no=check_no, results=results)


def lapse(report: EligibilityReport, deadline: datetime) -> EligibilityReport:
    """What a report becomes when its needs-fix window closes with no correction: each needs-fix
    turns into a fail that says so."""
    closed = f"{deadline.astimezone(UTC):%Y-%m-%d %H:%M}"
    lapsed = [
        r.model_copy(
            update={
                "outcome": Outcome.FAIL,
                "reason": f"Not corrected by {closed} UTC. {r.reason}",
            }
        )
        if r.outcome is Outcome.NEEDS_FIX
        else r
        for r in report.results
    ]
    return EligibilityReport(check_no=report.check_no, results=lapsed)
