"""The slots-and-waitlist state machine: examples, and its invariants proved by hypothesis over
random sequences of confirmations, declines, withdrawals and lapses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain import selection
from domain.selection import SelectionError
from models.selection import OfferStatus, Release, SelectionState

T0 = datetime(2027, 3, 1, 12, tzinfo=UTC)
WINDOW = timedelta(days=7)


def films(n: int) -> list[str]:
    return [f"film-{i:02d}" for i in range(n)]


def begin(n: int = 10, slots: int = 6, waitlist: int = 3) -> SelectionState:
    return selection.start(
        films(n),
        slots=slots,
        waitlist_length=waitlist,
        confirm_window=WINDOW,
        now=T0,
        actor="staff",
    )


def offered(state) -> list[str]:
    return [o.submission_id for o in state.offers]


def test_the_first_six_are_offered_the_next_wait_the_rest_are_not_selected():
    state = begin()
    assert offered(state) == films(6)
    assert state.waitlist == ["film-06", "film-07", "film-08"]
    assert state.not_selected == 1
    assert all(o.deadline == T0 + WINDOW for o in state.offers)


def test_a_decline_offers_the_slot_to_the_first_waitlisted_film_at_once():
    later = T0 + timedelta(days=2)
    state = selection.decline(begin(), "film-02", now=later, actor="producer", reason="no")
    assert offered(state) == ["film-00", "film-01", "film-03", "film-04", "film-05", "film-06"]
    promoted = state.offer_of("film-06")
    assert promoted.from_waitlist and promoted.deadline == later + WINDOW
    assert state.released == {"film-02": Release.DECLINED}
    assert [d.action for d in state.log[-2:]] == ["declined", "offered"]


def test_withdrawal_after_confirming_releases_the_slot_too():
    state = selection.confirm(begin(), "film-00", now=T0, actor="producer")
    state = selection.withdraw(state, "film-00", now=T0, actor="producer", reason="funded")
    assert "film-00" not in offered(state) and "film-06" in offered(state)


def test_lapsed_offers_are_released_in_deadline_order_and_refilled():
    state = selection.confirm(begin(), "film-00", now=T0, actor="p")
    state = selection.lapse(state, now=T0 + WINDOW)
    # five unanswered offers lapse; three waitlisted films take three of the slots
    assert offered(state) == ["film-00", "film-06", "film-07", "film-08"]
    assert sum(r is Release.LAPSED for r in state.released.values()) == 5
    assert state.log[-1].action == "waitlist_exhausted"
    assert "2 slot(s) stay open" in state.log[-1].reason


def test_answers_that_the_state_does_not_allow_are_refused_with_a_reason():
    state = begin()
    with pytest.raises(SelectionError, match="no offer"):
        selection.confirm(state, "film-07", now=T0, actor="p")
    with pytest.raises(SelectionError, match="lapsed"):
        selection.confirm(state, "film-00", now=T0 + WINDOW + timedelta(seconds=1), actor="p")
    state = selection.confirm(state, "film-00", now=T0, actor="p")
    with pytest.raises(SelectionError, match="already confirmed"):
        selection.decline(state, "film-00", now=T0, actor="p", reason="x")
    with pytest.raises(SelectionError, match="twice"):
        selection.start(
            ["a", "a"], slots=1, waitlist_length=0, confirm_window=WINDOW, now=T0, actor="s"
        )


def test_fewer_films_than_slots_is_said():
    state = begin(n=4)
    assert len(state.offers) == 4 and state.log[-1].action == "short"


class SelectionMachine(RuleBasedStateMachine):
    """Random sessions: any number of films, slots and waitlist, any sequence of answers."""

    def __init__(self) -> None:
        super().__init__()
        self.state = None
        self.now = T0
        self.promotion_order: list[str] = []

    @rule(n=st.integers(0, 15), slots=st.integers(1, 8), waitlist=st.integers(0, 8))
    @precondition(lambda self: self.state is None)
    def open(self, n, slots, waitlist):
        self.initial_waitlist = films(n)[slots : slots + waitlist]
        self.state = selection.start(
            films(n),
            slots=slots,
            waitlist_length=waitlist,
            confirm_window=WINDOW,
            now=self.now,
            actor="staff",
        )

    def pick(self, data, status=None):
        choices = [
            o.submission_id for o in self.state.offers if status is None or o.status is status
        ]
        return data.draw(st.sampled_from(choices)) if choices else None

    @rule(data=st.data())
    @precondition(lambda self: self.state is not None)
    def producer_confirms(self, data):
        if film := self.pick(data, OfferStatus.OFFERED):
            offer = self.state.offer_of(film)
            if self.now <= offer.deadline:
                self.state = selection.confirm(self.state, film, now=self.now, actor="p")

    @rule(data=st.data())
    @precondition(lambda self: self.state is not None)
    def producer_declines(self, data):
        if film := self.pick(data, OfferStatus.OFFERED):
            self.state = selection.decline(self.state, film, now=self.now, actor="p", reason="r")

    @rule(data=st.data())
    @precondition(lambda self: self.state is not None)
    def producer_withdraws(self, data):
        pool = [o.submission_id for o in self.state.offers] + self.state.waitlist
        if pool:
            film = data.draw(st.sampled_from(pool))
            self.state = selection.withdraw(self.state, film, now=self.now, actor="p", reason="r")

    @rule(days=st.integers(1, 10))
    @precondition(lambda self: self.state is not None)
    def time_passes(self, days):
        self.now += timedelta(days=days)
        self.state = selection.lapse(self.state, now=self.now)

    @invariant()
    def never_more_than_the_slots(self):
        if self.state:
            assert len(self.state.offers) <= self.state.slots

    @invariant()
    def no_open_slot_while_a_film_waits(self):
        if self.state:
            assert self.state.open_slots == 0 or not self.state.waitlist

    @invariant()
    def waitlisted_films_are_offered_in_rank_order(self):
        if self.state:
            promoted = [
                d.submission_id
                for d in self.state.log
                if d.action == "offered" and d.reason.startswith("promoted")
            ]
            expected = [f for f in self.initial_waitlist if f in promoted]
            assert promoted == expected
            # and nobody skipped ahead: every film ranked before a promoted one was promoted or
            # left the waitlist
            if promoted:
                last = self.initial_waitlist.index(promoted[-1])
                for earlier in self.initial_waitlist[:last]:
                    assert earlier in promoted or earlier in self.state.released

    @invariant()
    def a_released_film_never_holds_a_slot_again(self):
        if self.state:
            assert not set(self.state.released) & set(offered(self.state))
            assert len(set(offered(self.state))) == len(self.state.offers)

    @invariant()
    def every_decision_says_who_when_and_why(self):
        if self.state:
            assert all(d.actor and d.reason and d.at for d in self.state.log)

    @invariant()
    def no_unanswered_offer_outlives_its_deadline(self):
        if self.state:
            assert all(
                o.deadline > self.now for o in self.state.offers if o.status is OfferStatus.OFFERED
            )


TestSelectionMachine = SelectionMachine.TestCase


def test_closing_lapses_unanswered_offers_without_refill_and_releases_the_waitlist():
    state = selection.confirm(begin(), "film-00", now=T0, actor="p")
    state, waiting = selection.close(state, now=T0 + timedelta(days=1), actor="wipflow")
    assert offered(state) == ["film-00"]
    assert waiting == ["film-06", "film-07", "film-08"] and state.waitlist == []
    assert state.not_selected == 1 + 3
    assert sum(r is Release.LAPSED for r in state.released.values()) == 5
    assert state.log[-1].reason == "1 film(s) confirmed for 6 slot(s)"
