"""What a drill's session ended as, and how it compares: each film's stage, the picks and the
outbox against an undisturbed reference run and the domain's rules, and every message the SMTP
server received against the outbox."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from bench.drill_retry import clock, persist
from bench.drill_session import Plan
from bench.drill_stack import Stack
from demo.cast import COMMITTEE
from models.messages import FilmStage
from models.orm import OutboxRow, SubmissionRow
from shared import session_workflow_id
from workflows.session import SessionWorkflow


class FinalState(BaseModel):
    """A session's final state, with its id taken out so two sessions compare."""

    films: dict[str, str]  # film key → stage
    picks: dict[str, Any]
    # film key (or member:<id>) | stage | occurrence | recipient → status
    outbox: dict[str, str]


async def outcome(s: Stack, session_id: str) -> FinalState:
    async with s.database() as db:
        films = (
            await db.execute(
                select(SubmissionRow.id, SubmissionRow.status).where(
                    SubmissionRow.session_id == session_id
                )
            )
        ).all()
        rows = (await db.scalars(select(OutboxRow).where(OutboxRow.session_id == session_id))).all()
    handle = s.client.get_workflow_handle_for(SessionWorkflow.run, session_workflow_id(session_id))
    picks = (await handle.query(SessionWorkflow.status)).picks

    def key(sid: str) -> str:
        return sid.removeprefix(session_id + "/")

    def about(row: OutboxRow) -> str:
        """A message's film, or the committee member it was written to."""
        return key(row.submission_id) if row.submission_id else f"member:{row.member_id}"

    return FinalState(
        films={key(sid): status for sid, status in films},
        picks={
            "offers": [
                (key(o.submission_id), o.status.value, o.from_waitlist) for o in picks.offers
            ],
            "waitlist": [key(sid) for sid in picks.waitlist],
            "released": {key(sid): why.value for sid, why in picks.released.items()},
            "not_selected": picks.not_selected,
        },
        outbox={f"{about(r)}|{r.stage}|{r.occurrence}|{r.recipient}": r.status for r in rows},
    )


async def settled(s: Stack, session_id: str, quiet: float = 3, within: float = 300) -> FinalState:
    """The final state once nothing has changed for `quiet` seconds and no message waits."""
    last, since = None, time.monotonic()
    deadline = time.monotonic() + within
    while True:
        now = await persist(lambda: outcome(s, session_id))
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet and "pending" not in now.outbox.values():
            return now
        if time.monotonic() > deadline:
            raise TimeoutError(f"the session did not settle: {now.outbox}")
        await asyncio.sleep(0.5)


async def reached(
    s: Stack, session_id: str, expected: FinalState, within: float = 400
) -> FinalState:
    """The final state once it equals `expected`, or as it stands after `within` seconds (a
    worker killed inside an activity leaves it to its start-to-close timeout: two minutes for
    the session's records, five for the partnering solver)."""
    deadline = time.monotonic() + within
    while True:
        now = await persist(lambda: outcome(s, session_id))
        if now == expected or time.monotonic() > deadline:
            return now
        await s.worker.revive()
        await asyncio.sleep(1)


# A message the mail server has accepted is recorded sent in the same transaction, a few
# milliseconds later (activities/notify.py). A worker killed in between leaves it pending and its
# retry sends it again: SMTP offers no way to ask whether a message arrived, so no sender can
# close that window; the message's stable Message-ID lets the receiving side drop the copy. A
# second copy is "in the window" when its first was accepted at most this long before a kill.
SMTP_WINDOW = 1.0


class Delivery(BaseModel):
    """The SMTP server's count against the outbox."""

    sent: int  # outbox rows marked sent
    received: int  # messages the SMTP server accepted
    duplicates: dict[str, str]  # Message-ID → its row and when it arrived, if more than once
    # (and its first copy was not accepted in the SMTP window before a kill)
    in_window: dict[str, str]  # the same, for the copies the window explains
    lost: list[str]  # outbox rows sent (or pending) that never arrived
    strays: list[str]  # messages with no outbox row of the session
    misaddressed: list[str]  # messages not to the outbox row's recipient

    @property
    def exactly_once(self) -> bool:
        """Every message once, but for copies the SMTP window explains."""
        return not (self.duplicates or self.lost or self.strays or self.misaddressed)

    @property
    def window_copies(self) -> int:
        return sum(story.count(",") for story in self.in_window.values())


async def delivery(s: Stack, session_id: str) -> Delivery:
    async with s.database() as db:
        rows = (await db.scalars(select(OutboxRow).where(OutboxRow.session_id == session_id))).all()
    by_id = {f"<{r.key}@wipflow>": r for r in rows}
    received = s.smtp.inbox.received()
    counts = Counter(mid for mid, _, _ in received)
    first = {mid: min(at for m, _, at in received if m == mid) for mid in counts}

    def in_window(mid: str) -> bool:
        return any(0 <= kill - first[mid] <= SMTP_WINDOW for kill in s.kills)

    stories = {
        mid: f"{by_id[mid].stage} of {by_id[mid].submission_id} (attempts "
        f"{by_id[mid].attempts}) received at "
        + ", ".join(clock(at) for m, _, at in received if m == mid)
        for mid, n in counts.items()
        if n > 1 and mid in by_id
    }
    return Delivery(
        sent=sum(r.status == "sent" for r in rows),
        received=len(received),
        duplicates={mid: story for mid, story in stories.items() if not in_window(mid)},
        in_window={mid: story for mid, story in stories.items() if in_window(mid)},
        lost=[
            f"{r.submission_id} {r.stage} {r.status}" for mid, r in by_id.items() if not counts[mid]
        ],
        strays=[mid for mid in counts if mid not in by_id],
        misaddressed=[
            mid for mid, to, _ in received if mid in by_id and by_id[mid].recipient != to
        ],
    )


def differences(expected: FinalState, got: FinalState) -> list[str]:
    """What differs, line by line, for a report a person can read."""
    lines = []
    for part in ("films", "outbox"):
        want, have = getattr(expected, part), getattr(got, part)
        for k in sorted(set(want) | set(have)):
            if want.get(k) != have.get(k):
                lines.append(f"{part} {k}: expected {want.get(k)}, got {have.get(k)}")
    if expected.picks != got.picks:
        lines.append(f"picks: expected {expected.picks}, got {got.picks}")
    return lines


def sanity(the_plan: Plan, reference: FinalState) -> list[str]:
    """What the domain's rules say of a session run as planned, whatever the run: the eligible
    films are those planned; the offers went by quality, the declined and withdrawn films were
    replaced from the waitlist in rank order; everyone sent a message was sent it."""
    problems = []
    reviewable = sorted(
        k
        for k, stage in reference.films.items()
        if stage not in ("ineligible", "needs_fix", "received") and k not in the_plan.withdrawals
    )
    if reviewable != the_plan.expected_eligible:
        problems.append(f"eligible {reviewable} != planned {the_plan.expected_eligible}")
    ranked = sorted(the_plan.expected_eligible, key=lambda k: -the_plan.quality[k])
    offers = [k for k, _, _ in reference.picks["offers"]]
    declined, withdrawn = ranked[4], ranked[5]
    if offers != [*ranked[:4], *ranked[6:8]]:
        problems.append(f"lineup {offers} != {[*ranked[:4], *ranked[6:8]]}")
    if reference.picks["released"] != {declined: "declined", withdrawn: "withdrawn"}:
        problems.append(f"released {reference.picks['released']}")
    for k in ranked[8:]:
        if reference.films.get(k) != FilmStage.NOT_SELECTED.value:
            problems.append(f"{k} is {reference.films.get(k)}, not not_selected")
    for k in the_plan.withdrawals:
        if reference.films.get(k) != FilmStage.WITHDRAWN.value:
            problems.append(f"{k} is {reference.films.get(k)}, not withdrawn")
    messages = {tuple(k.split("|")[:2]) for k in reference.outbox}
    if messages != expected_messages(the_plan):
        problems.append(f"messages differ by {sorted(messages ^ expected_messages(the_plan))}")
    if set(reference.outbox.values()) != {"sent"}:
        problems.append(f"outbox statuses {Counter(reference.outbox.values())}")
    return problems


def expected_messages(the_plan: Plan) -> set[tuple[str, str]]:
    """(film key, stage) of every message the plan implies: each film is acknowledged; a flagged
    film hears what to fix; a judged film its verdict; offers, the waitlist and its promotions,
    "not selected" below the lineup; the lineup its screening, partners and meetings. A decline,
    a withdrawal or a confirmation asks nothing more of the producer, so it sends nothing. Each
    committee member is invited to their page when the review starts (the drill's reminder never
    falls: staff close the review early)."""
    ranked = sorted(the_plan.expected_eligible, key=lambda k: -the_plan.quality[k])
    lineup = [*ranked[:4], *ranked[6:8]]
    stages = {
        "submission_received": list(the_plan.quality),
        "needs_fix": the_plan.flagged,
        "eligible": the_plan.expected_eligible,
        "ineligible": the_plan.failed,
        "offer": ranked[:6],
        "waitlisted": ranked[6:12],
        "promoted": ranked[6:8],
        "not_selected": ranked[8:],
        "event_logistics": lineup,
        "partner_matches": lineup,
        "meeting_schedule": lineup,
    }
    invited = {(f"member:{m.id}", "review_invitation") for m in COMMITTEE}
    return invited | {(key, stage) for stage, keys in stages.items() for key in keys}
