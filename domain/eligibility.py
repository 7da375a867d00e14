"""Eligibility rules as pure functions: one per rule, each given the form and its programme's
parameters, each returning pass, fail or needs-fix with the reason in words a producer understands.

A reason is a gettext message id marked with `N_` (`make catalogs` extracts it) and its named
parameters: the message is written in English here, for staff and the audit trail, and in the
producer's language where it is sent (notifications.catalogs.explain). Parameters that are words
(a genre, a post-production stage) are message ids of their own.

No I/O and no clock here: the activity gathers the context (earlier entries) and the workflow
decides what a needs-fix means in time. This keeps every rule testable on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from models.eligibility import (
    N_,
    EligibilityContext,
    EligibilityReport,
    Kind,
    Outcome,
    Param,
    RuleResult,
    param,
    phrase,
)
from models.programme import (
    EligibilityRules,
    Genre,
    GenreRule,
    LatamShareRule,
    PostStage,
    ProductionStageRule,
    ReentryRule,
    RuleBase,
    RuntimeRule,
    SalesAgentRule,
    ScreenerRule,
    SubtitlesRule,
)
from models.submission import SubmissionForm

Said = tuple[Outcome, str, dict[str, Param]]
Rule = Callable[[SubmissionForm, Any, EligibilityContext], Said]

GENRES = {
    Genre.FICTION: N_("fiction"),
    Genre.DOCUMENTARY: N_("documentary"),
    Genre.ANIMATION: N_("animation"),
    Genre.HYBRID: N_("hybrid"),
}
POST_STAGES = {
    PostStage.ASSEMBLY: N_("assembly"),
    PostStage.FIRST_CUT: N_("first cut"),
    PostStage.ROUGH_CUT: N_("rough cut"),
    PostStage.FINE_CUT: N_("fine cut"),
    PostStage.PICTURE_LOCK: N_("picture lock"),
}


def number(value: float) -> Param:
    return param(f"{value:g}", kind=Kind.NUMBER)


def feature_runtime(form: SubmissionForm, rule: RuntimeRule, _: EligibilityContext) -> Said:
    minutes = number(form.runtime_expected_min)
    if form.runtime_expected_min < rule.min_minutes:
        return (
            Outcome.FAIL,
            N_(
                "The finished film is expected to run %(minutes)s minutes; this programme takes "
                "feature films of at least %(min)s minutes."
            ),
            {"minutes": minutes, "min": number(rule.min_minutes)},
        )
    if rule.max_minutes is not None and form.runtime_expected_min > rule.max_minutes:
        return (
            Outcome.FAIL,
            N_(
                "The finished film is expected to run %(minutes)s minutes; this programme takes "
                "films of at most %(max)s minutes."
            ),
            {"minutes": minutes, "max": number(rule.max_minutes)},
        )
    return (
        Outcome.PASS,
        N_("Expected runtime of %(minutes)s minutes is within the programme's limits."),
        {"minutes": minutes},
    )


def cut_runtime(form: SubmissionForm, rule: RuntimeRule, _: EligibilityContext) -> Said:
    # A cut that is too short or too long can be replaced by another screener: needs-fix, not fail.
    minutes = number(form.cut_runtime_min)
    if form.cut_runtime_min < rule.min_minutes:
        return (
            Outcome.NEEDS_FIX,
            N_(
                "The cut you sent runs %(minutes)s minutes; please send a cut of at least "
                "%(min)s minutes."
            ),
            {"minutes": minutes, "min": number(rule.min_minutes)},
        )
    if rule.max_minutes is not None and form.cut_runtime_min > rule.max_minutes:
        return (
            Outcome.NEEDS_FIX,
            N_(
                "The cut you sent runs %(minutes)s minutes; please send a cut of at most "
                "%(max)s minutes."
            ),
            {"minutes": minutes, "max": number(rule.max_minutes)},
        )
    return Outcome.PASS, N_("The cut runs %(minutes)s minutes."), {"minutes": minutes}


def genre(form: SubmissionForm, rule: GenreRule, _: EligibilityContext) -> Said:
    this = param(GENRES[form.genre], kind=Kind.WORD)
    if form.genre not in rule.allowed:
        allowed = param(*(GENRES[g] for g in rule.allowed), kind=Kind.WORD, join="or")
        return (
            Outcome.FAIL,
            N_("This programme takes %(allowed)s films; this film is %(genre)s."),
            {"allowed": allowed, "genre": this},
        )
    return Outcome.PASS, N_("Films of this genre are accepted: %(genre)s."), {"genre": this}


def production_stage(
    form: SubmissionForm, rule: ProductionStageRule, _: EligibilityContext
) -> Said:
    if rule.require_shooting_completed and not form.shooting_completed:
        return (
            Outcome.FAIL,
            N_("Shooting must be finished: this programme supports post-production only."),
            {},
        )
    if form.post_stage.rank < rule.min_post_stage.rank:
        return (
            Outcome.FAIL,
            N_(
                "The edit is at the %(stage)s stage; this programme asks for at least a %(wanted)s."
            ),
            {
                "stage": param(POST_STAGES[form.post_stage], kind=Kind.WORD),
                "wanted": param(POST_STAGES[rule.min_post_stage], kind=Kind.WORD),
            },
        )
    return Outcome.PASS, N_("Shooting is finished and the film is in post-production."), {}


def latam_share(form: SubmissionForm, rule: LatamShareRule, _: EligibilityContext) -> Said:
    share = sum(p.share_pct for p in form.producers if p.country in rule.countries)
    said = {"share": number(share), "min": number(rule.min_share_pct)}
    if rule.inclusive and share < rule.min_share_pct:
        return (
            Outcome.FAIL,
            N_(
                "Latin American producers hold %(share)s%% of the film; this programme asks for "
                "at least %(min)s%%."
            ),
            said,
        )
    if not rule.inclusive and share <= rule.min_share_pct:
        return (
            Outcome.FAIL,
            N_(
                "Latin American producers hold %(share)s%% of the film; this programme asks for "
                "more than %(min)s%%."
            ),
            said,
        )
    majority = form.majority_producer
    if rule.majority_producer_latam and majority.country not in rule.countries:
        return (
            Outcome.FAIL,
            N_("The majority producer (%(company)s, %(country)s) must be Latin American."),
            {
                "company": param(majority.company),
                "country": param(majority.country, kind=Kind.COUNTRY),
            },
        )
    return (
        Outcome.PASS,
        N_("Latin American producers hold %(share)s%% of the film."),
        {"share": number(share)},
    )


def subtitles(form: SubmissionForm, rule: SubtitlesRule, _: EligibilityContext) -> Said:
    foreign = [lang for lang in form.dialogue_languages if lang not in rule.exempt_languages]
    if not foreign:
        return Outcome.PASS, N_("The dialogue needs no subtitles for the committee."), {}
    if set(form.screener.subtitles) & set(rule.accepted):
        return Outcome.PASS, N_("The screener carries accepted subtitles."), {}
    return (
        Outcome.NEEDS_FIX,
        N_(
            "The dialogue is in %(languages)s: please send a screener with subtitles in "
            "%(accepted)s."
        ),
        {
            "languages": param(*foreign, kind=Kind.LANGUAGE),
            "accepted": param(*rule.accepted, kind=Kind.LANGUAGE, join="or"),
        },
    )


def screener(form: SubmissionForm, rule: ScreenerRule, _: EligibilityContext) -> Said:
    host = (urlsplit(str(form.screener.url)).hostname or "").removeprefix("www.")

    def on(hosts: list[str]) -> bool:
        return any(host == h or host.endswith("." + h) for h in hosts)

    if on(rule.refused_hosts):
        return (
            Outcome.NEEDS_FIX,
            N_("Download links (%(host)s) are not accepted: please send a private streaming link."),
            {"host": param(host)},
        )
    if not on(rule.streaming_hosts):
        platforms = param(*rule.streaming_hosts)
        return (
            Outcome.NEEDS_FIX,
            N_("%(host)s is not a streaming platform we accept (%(platforms)s)."),
            {"host": param(host), "platforms": platforms},
        )
    if form.screener.access == "public":
        return (
            Outcome.NEEDS_FIX,
            N_("The screener is public: please restrict it with a password or make it unlisted."),
            {},
        )
    return Outcome.PASS, N_("Private streaming link on %(host)s."), {"host": param(host)}


def no_reentry(form: SubmissionForm, rule: ReentryRule, ctx: EligibilityContext) -> Said:
    if ctx.earlier_sessions:
        return (
            Outcome.FAIL,
            N_(
                "This film was already entered in an earlier session of this programme "
                "(%(sessions)s), which does not accept it again."
            ),
            {"sessions": param(*ctx.earlier_sessions)},
        )
    return Outcome.PASS, N_("First entry of this film in this programme."), {}


def no_sales_agent(form: SubmissionForm, rule: SalesAgentRule, _: EligibilityContext) -> Said:
    if form.history.sales_agent:
        return (
            Outcome.FAIL,
            N_(
                "The film already has a sales agent (%(agent)s); this programme is for films "
                "without one."
            ),
            {"agent": param(form.history.sales_agent)},
        )
    return Outcome.PASS, N_("No sales agent attached."), {}


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


def english(message: str) -> str:
    return message


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
        outcome, text, said = RULES[rule_id](form, params, context)
        results.append(
            RuleResult(
                rule_id=rule_id,
                outcome=outcome,
                reason=phrase(text, said, english, "en"),
                source_url=str(params.source.url),
                text=text,
                params=said,
            )
        )
    return EligibilityReport(check_no=check_no, results=results)


def lapse(report: EligibilityReport, deadline: datetime) -> EligibilityReport:
    """What a report becomes when its needs-fix window closes with no correction: each needs-fix
    turns into a fail that says so. (Run in the workflow: no Babel here, which loads its data
    lazily; the deadline is written in the reader's language where the reason is read.)"""
    closed = f"{deadline.astimezone(UTC):%Y-%m-%d %H:%M}"
    lapsed = [
        r.model_copy(
            update={
                "outcome": Outcome.FAIL,
                "reason": f"Not corrected by {closed} UTC. {r.reason}",
                "uncorrected_by": deadline,
            }
        )
        if r.outcome is Outcome.NEEDS_FIX
        else r
        for r in report.results
    ]
    return EligibilityReport(check_no=report.check_no, results=lapsed)
