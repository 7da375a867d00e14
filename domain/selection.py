"""The six slots and their waitlist, as a pure state machine.

A session offers its `slots` to the best-ranked films; the next films wait, in rank order. Whenever
a slot is released — a producer declines, withdraws (even after confirming), or lets the
confirmation deadline pass — it is offered at once to the first film still waiting. When the
waitlist runs dry the session goes on with fewer films, and says so.

Every transition is a function from a state to a new state, stamped with who, when and why, so the
session workflow can apply them deterministically and the invariants can be proved on their own
(tests/test_selection.py): never more than `slots` films offered or confirmed, no open slot while
a film waits, waitlisted films offered strictly in rank order.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from models.selection import Decision, Offer, OfferStatus, Release, SelectionState


class SelectionError(ValueError):
    """A transition that the state does not allow; the message says why, for staff or producer."""


def start(
    ranked: list[str],
    *,
    slots: int,
    waitlist_length: int,
    confirm_window: timedelta,
    now: datetime,
    actor: str,
) -> SelectionState:
    """Offer the first `slots` films, waitlist the next `waitlist_length`, count the rest.

    A caller with thousands of films passes only the top `slots + waitlist_length` and adds the
    others to `not_selected` itself: a session's state never carries every film's id."""
    if len(set(ranked)) != len(ranked):
        raise SelectionError("the ranking names a film twice")
    state = SelectionState(
        slots=slots,
        confirm_window=confirm_window,
        waitlist=ranked[slots : slots + waitlist_length],
        not_selected=max(0, len(ranked) - slots - waitlist_length),
    )
    for submission_id in ranked[:slots]:
        state = _offer(state, submission_id, now, actor, from_waitlist=False)
    if len(ranked) < slots:
        state = _note(
            state, now, actor, "short", None, f"only {len(ranked)} films for {slots} slots"
        )
    return state


def confirm(
    state: SelectionState, submission_id: str, *, now: datetime, actor: str
) -> SelectionState:
    offer = _outstanding(state, submission_id)
    if now > offer.deadline:
        raise SelectionError(f"the offer to {submission_id} lapsed at {offer.deadline.isoformat()}")
    offers = [
        o.model_copy(update={"status": OfferStatus.CONFIRMED}) if o is offer else o
        for o in state.offers
    ]
    state = state.model_copy(update={"offers": offers})
    return _note(state, now, actor, "confirmed", submission_id, "the producer accepted the slot")


def decline(
    state: SelectionState, submission_id: str, *, now: datetime, actor: str, reason: str
) -> SelectionState:
    _outstanding(state, submission_id)
    return _release(state, submission_id, Release.DECLINED, now, actor, reason)


def withdraw(
    state: SelectionState, submission_id: str, *, now: datetime, actor: str, reason: str
) -> SelectionState:
    """A film leaves, offered or confirmed; a waitlisted film simply leaves the waitlist."""
    if submission_id in state.waitlist:
        waitlist = [s for s in state.waitlist if s != submission_id]
        released = {**state.released, submission_id: Release.WITHDRAWN}
        state = state.model_copy(update={"waitlist": waitlist, "released": released})
        return _note(state, now, actor, "withdrawn", submission_id, reason)
    if state.offer_of(submission_id) is None:
        raise SelectionError(f"{submission_id} holds no slot and is not on the waitlist")
    return _release(state, submission_id, Release.WITHDRAWN, now, actor, reason)


def lapse(state: SelectionState, *, now: datetime) -> SelectionState:
    """Release every offer whose confirmation deadline has passed unanswered."""
    for offer in sorted(state.offers, key=lambda o: o.deadline):
        current = state.offer_of(offer.submission_id)
        if current and current.status is OfferStatus.OFFERED and current.deadline <= now:
            state = _release(
                state,
                offer.submission_id,
                Release.LAPSED,
                now,
                "wipflow",
                f"no answer by {current.deadline.isoformat()}",
            )
    return state


def close(state: SelectionState, *, now: datetime, actor: str) -> tuple[SelectionState, list[str]]:
    """The confirmation stage closes (the event begins): unanswered offers lapse with no refill,
    and the films still waiting were, in the end, not selected. Returns them with the state."""
    for offer in list(state.offers):
        if offer.status is OfferStatus.OFFERED:
            offers = [o for o in state.offers if o.submission_id != offer.submission_id]
            released = {**state.released, offer.submission_id: Release.LAPSED}
            state = state.model_copy(update={"offers": offers, "released": released})
            state = _note(
                state,
                now,
                actor,
                Release.LAPSED.value,
                offer.submission_id,
                "no answer when the confirmation stage closed",
            )
    waiting = state.waitlist
    state = state.model_copy(
        update={"waitlist": [], "not_selected": state.not_selected + len(waiting)}
    )
    state = _note(
        state,
        now,
        actor,
        "closed",
        None,
        f"{len(state.offers)} film(s) confirmed for {state.slots} slot(s)",
    )
    return state, waiting


def next_deadline(state: SelectionState) -> datetime | None:
    """When the next unanswered offer lapses: the session workflow's next timer."""
    pending = [o.deadline for o in state.offers if o.status is OfferStatus.OFFERED]
    return min(pending, default=None)


def _outstanding(state: SelectionState, submission_id: str) -> Offer:
    offer = state.offer_of(submission_id)
    if offer is None:
        raise SelectionError(f"{submission_id} has no offer to answer")
    if offer.status is not OfferStatus.OFFERED:
        raise SelectionError(f"{submission_id} already confirmed its slot")
    return offer


def _release(
    state: SelectionState,
    submission_id: str,
    why: Release,
    now: datetime,
    actor: str,
    reason: str,
) -> SelectionState:
    offers = [o for o in state.offers if o.submission_id != submission_id]
    released = {**state.released, submission_id: why}
    state = state.model_copy(update={"offers": offers, "released": released})
    state = _note(state, now, actor, why.value, submission_id, reason)
    return _fill(state, now)


def _fill(state: SelectionState, now: datetime) -> SelectionState:
    """Offer every open slot to the first films still waiting, in rank order."""
    while state.open_slots > 0 and state.waitlist:
        head, *rest = state.waitlist
        state = state.model_copy(update={"waitlist": rest})
        state = _offer(state, head, now, "wipflow", from_waitlist=True)
    if state.open_slots > 0 and not state.waitlist:
        state = _note(
            state,
            now,
            "wipflow",
            "waitlist_exhausted",
            None,
            f"{state.open_slots} slot(s) stay open: no film left on the waitlist",
        )
    return state


def _offer(
    state: SelectionState, submission_id: str, now: datetime, actor: str, *, from_waitlist: bool
) -> SelectionState:
    offer = Offer(
        submission_id=submission_id,
        deadline=now + state.confirm_window,
        offered_at=now,
        from_waitlist=from_waitlist,
    )
    state = state.model_copy(update={"offers": [*state.offers, offer]})
    why = "promoted from the waitlist" if from_waitlist else "ranked within the slots"
    return _note(state, now, actor, "offered", submission_id, why)


def _note(
    state: SelectionState,
    now: datetime,
    actor: str,
    action: str,
    submission_id: str | None,
    reason: str,
) -> SelectionState:
    decision = Decision(
        at=now, actor=actor, action=action, submission_id=submission_id, reason=reason
    )
    return state.model_copy(update={"log": [*state.log, decision]})
