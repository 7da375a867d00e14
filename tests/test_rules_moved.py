"""The rules that left activities and workflows for domain/: award shares and refusals, the
checks of a matching override, the offer reminder, the order of a moved calendar. Unit tests:
pure functions, no server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.awards import grant_refusals, share_value, split_refusal, worth
from domain.calendar import misordered
from domain.offers import reminder_at
from domain.overrides import Refusal, add_refusal, quota_warnings, remove_refusal
from models.matching import FilmNeeds, PartnerKind, PartnerOffer
from models.partnering import GrantRequest
from models.partnering_config import Quota
from models.programme import AwardConfig, SessionCalendar
from models.submission import SubmissionForm
from tests.forms import form_dict

AWARD = AwardConfig.model_validate(
    dict(
        id="a", name="The Award", kind="cash", partner="P", value=1000, currency="EUR",
        source={"url": "https://example.org"}, filters={"genres": ["documentary"]},
    )
)  # fmt: skip


def test_a_share_is_worth_its_part_of_the_award_to_the_cent():
    assert share_value(Decimal("1000"), 60) == Decimal("600.00")
    assert share_value(Decimal("1000"), 33.335) == Decimal("333.35")  # half up
    assert share_value(None, 50) is None
    assert worth(Decimal("600.00"), "EUR") == "600.00 EUR"
    assert worth(None, "EUR") == "in kind"


def test_a_grant_is_refused_for_every_reason_at_once(programmes):
    programme = programmes["films-in-progress"]
    fiction = SubmissionForm.model_validate(form_dict())
    films = {"s/a": ("Tarde", fiction)}
    problems = grant_refusals(AWARD, programme, ["s/a", "s/b"], films, earlier={"s/a"})
    assert problems[0] == "s/a was already granted The Award"
    assert "Tarde: a fiction film" in problems[1] and "for documentary" in problems[1]
    assert problems[2] == "s/b is not in the session's lineup"
    docs = AWARD.model_copy(update={"filters": AWARD.filters.model_copy(update={"genres": []})})
    assert grant_refusals(docs, programme, ["s/a"], films, earlier=set()) == []


def test_a_split_must_name_a_known_award_films_of_the_lineup_once_and_at_most_100_percent():
    def ask(*shares: tuple[str, float], award: str = "a") -> GrantRequest:
        films = [{"submission_id": sid, "share_pct": pct} for sid, pct in shares]
        return GrantRequest(award_id=award, films=films)

    lineup = ["s/a", "s/b", "s/c"]
    assert split_refusal(ask(("s/a", 60)), "s", ["a"], lineup, {}) is None
    assert "has no award 'z' (its awards: a)" in split_refusal(
        ask(("s/a", 60), award="z"), "s", ["a"], lineup, {}
    )
    assert "appears twice" in split_refusal(ask(("s/a", 50), ("s/a", 50)), "s", ["a"], lineup, {})
    assert (
        split_refusal(ask(("s/x", 10)), "s", ["a"], lineup, {})
        == "s/x is not in the session's lineup"
    )
    assert (
        split_refusal(ask(("s/a", 10)), "s", ["a"], lineup, {"s/a": 60})
        == "s/a already holds 60% of a"
    )
    assert "shares would add up to 110% (60% already granted)" in split_refusal(
        ask(("s/b", 50)), "s", ["a"], lineup, {"s/a": 60}
    )


FILM = FilmNeeds(
    id="s/a", title="Tarde", needs=frozenset({"grading"}), genre="fiction",
    languages=frozenset({"es"}), unsold=frozenset({"ES"}), max_partners=2,
)  # fmt: skip
PARTNER = PartnerOffer(id="p", name="Post House", kind=PartnerKind.POST_HOUSE, capacity=2)


def test_an_added_pair_keeps_conflicts_and_capacities():
    assert add_refusal(FILM, PARTNER, [("s/b", "p")]) is None
    opted = FILM.model_copy(update={"opt_outs": frozenset({"p"})})
    assert add_refusal(opted, PARTNER, []).kind == "Conflict"
    full = add_refusal(FILM, PARTNER, [("s/b", "p"), ("s/c", "p")])
    assert full == Refusal(
        "Post House is at capacity (2 films): remove one of its films first", "Capacity"
    )
    busy = add_refusal(FILM, PARTNER, [("s/a", "q"), ("s/a", "r")])
    assert busy == Refusal("Tarde already has 2 partners, its maximum", "Capacity")


def test_only_a_matched_pair_can_be_removed():
    assert remove_refusal("Tarde", "Post House", "match") is None
    for role in (None, "alternate"):
        assert remove_refusal("Tarde", "Post House", role) == Refusal(
            "Post House is not matched with Tarde", "NotMatched"
        )


def test_an_override_warns_of_the_quotas_it_leaves_unmet():
    post = Quota(label="post houses", kinds=[PartnerKind.POST_HOUSE], min=1, max=1)
    assert quota_warnings("Tarde", [PartnerKind.POST_HOUSE], [post]) == []
    assert quota_warnings("Tarde", [], [post]) == ["Tarde now has 0 of post houses (at least 1)"]
    two = [PartnerKind.POST_HOUSE, PartnerKind.POST_HOUSE]
    assert quota_warnings("Tarde", two, [post]) == ["Tarde now has 2 of post houses (at most 1)"]


def test_an_offer_is_recalled_two_thirds_into_its_window():
    offered = datetime(2027, 3, 1, 12, tzinfo=UTC)
    assert reminder_at(offered, offered + timedelta(days=3)) == offered + timedelta(days=2)


def test_a_moved_date_must_keep_the_calendar_in_order():
    day = datetime(2027, 1, 1, tzinfo=UTC)
    calendar = SessionCalendar(
        call_opens=day, deadline=day + timedelta(days=10), review_deadline=day + timedelta(20),
        selection_announced=day + timedelta(30), event_start=day + timedelta(40),
        event_end=day + timedelta(42), timezone="Europe/Paris",
    )  # fmt: skip
    assert misordered(calendar) is None
    late = calendar.model_copy(update={"review_deadline": day + timedelta(days=35)})
    assert misordered(late) == (
        "review_deadline would fall after selection_announced (2027-02-05 00:00 > 2027-01-31 00:00)"
    )
