"""What the session workflow tells its films, worked out from its selection: pure, so the
workflow's steps (workflows/session_steps.py) only decide when to tell and run the telling."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.selection import OfferStatus, Release, SelectionState
    from models.session import DecisionKind, FilmDecision
    from models.session_io import Tell

RELEASE_KIND = {Release.DECLINED: DecisionKind.DECLINED, Release.LAPSED: DecisionKind.LAPSED}


def told(submission_id: str, kind: DecisionKind, at: datetime, reason: str, **more: Any) -> Tell:
    """One film's decision: its kind, when, why, and what else it carries (a deadline...)."""
    return Tell(
        submission_id=submission_id,
        decision=FilmDecision(kind=kind, at=at, reason=reason, **more),
    )


def confirmed_films(picks: SelectionState | None) -> list[str]:
    """The films that confirmed their slot, in the selection's order."""
    if picks is None:
        return []
    return [o.submission_id for o in picks.offers if o.status is OfferStatus.CONFIRMED]


def first_offers(picks: SelectionState, now: datetime) -> tuple[list[Tell], list[Tell]]:
    """The opening of the confirmation stage: the offers, then the waitlist with its places."""
    offers = [
        told(
            o.submission_id,
            DecisionKind.OFFERED,
            now,
            "ranked within the slots: please confirm by the deadline",
            deadline=o.deadline,
        )
        for o in picks.offers
    ]
    waitlist = [
        told(sid, DecisionKind.WAITLISTED, now, f"waitlisted at position {i}", position=i)
        for i, sid in enumerate(picks.waitlist, start=1)
    ]
    return offers, waitlist


def changes(before: SelectionState, after: SelectionState, now: datetime) -> list[Tell]:
    """Every film whose situation the move from `before` to `after` changed: released (declined
    or lapsed, with the selection's own reason), newly offered a slot, or confirmed."""
    tells = []
    for sid, why in after.released.items():
        if sid not in before.released and why in RELEASE_KIND:
            reason = next(
                d.reason
                for d in reversed(after.log)
                if d.submission_id == sid and d.action == why.value
            )
            tells.append(told(sid, RELEASE_KIND[why], now, reason))
    for offer in after.offers:
        earlier = before.offer_of(offer.submission_id)
        if earlier is None:
            tells.append(
                told(
                    offer.submission_id,
                    DecisionKind.OFFERED,
                    now,
                    "a slot opened: promoted from the waitlist",
                    deadline=offer.deadline,
                )
            )
        elif offer.status is OfferStatus.CONFIRMED and earlier.status is OfferStatus.OFFERED:
            tells.append(told(offer.submission_id, DecisionKind.CONFIRMED, now, "slot confirmed"))
    return tells


def screenings_of(films: list[str], screenings: dict[str, datetime], now: datetime) -> list[Tell]:
    """When each of `films` screens."""
    return [
        told(
            sid,
            DecisionKind.SCREENING,
            now,
            f"screens on {screenings[sid]:%Y-%m-%d %H:%M %Z}",
            screening_at=screenings[sid],
        )
        for sid in films
    ]
