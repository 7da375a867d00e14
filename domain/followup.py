"""A selected film's post-production follow-up, as pure rules: its milestones, what a producer's
report may change, when the next report is due, and how the follow-up ends.

Organisers publish what became of their films (106 of 113 finished in the first ten years) but
track it by hand; these rules make the tracking durable. Nothing here reads a clock: every
function takes `now` or a date, so the workflow's timers and the tests' skipped months agree.

A report is due every `report_every_days` after the last one (or after the follow-up began); the
producer is reminded when it falls due and again `remind_again_days` later, staff are alerted
`escalate_after_days` after it fell due, and a film with no report for `stalled_after_days` is
declared stalled. A finished film (master delivered) reports less often, until its premiere, or
until `premiere_wait_days` have passed, when its follow-up concludes as completed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from models.choices import Milestone
from models.followup import Cadence, FollowUpStatus, MilestoneState, MilestoneUpdate, Report, Step

# What a milestone's `detail` must name when it is done.
REQUIRED_DETAIL: dict[Milestone, tuple[str, ...]] = {
    Milestone.PREMIERE: ("festival",),
    Milestone.DISTRIBUTION: ("territory", "company"),
    Milestone.TV_SALE: ("territory", "company"),
    Milestone.SALES_AGENT: ("company",),
}
# Milestones a film may reach more than once (one deal per territory).
REPEATABLE = {Milestone.DISTRIBUTION, Milestone.TV_SALE}


ENDINGS = {FollowUpStatus.PREMIERED, FollowUpStatus.STALLED, FollowUpStatus.CLOSED}


class ReportError(ValueError):
    """A report refused as a whole: nothing in it is applied, and the message says which field."""


class Problem(NamedTuple):
    """A refused field of a report: where (`premiere.detail.festival`, or the milestone's name
    for the whole row), why (a code a page says in its reader's language) and the values its
    message names."""

    field: str
    code: str
    values: dict[str, str]

    @property
    def text(self) -> str:
        return f"{self.field}: {PROBLEMS[self.code].format(**self.values)}"


# What each problem says in English (staff's CLI, the workflow's refusals).
PROBLEMS = {
    "empty": "give an expected date or the date it was done",
    "future": "{done} is in the future (today is {today})",
    "required": "required when the {milestone} is done",
    "territory": "{territory!r} is not an ISO country code",
    "earlier": "{expected} is earlier than {current}; say why (reason)",
    "changed": "already done on {current}; say why it changes (reason)",
}


def problems_of(
    current: MilestoneState | None, update: MilestoneUpdate, today: date
) -> list[Problem]:
    """Why `update` may not be applied to a milestone in `current` state (empty: it may)."""
    name, problems = update.milestone.value, []
    if update.expected is None and update.done is None:
        problems.append(Problem(name, "empty", {}))
    if update.done is not None and update.done > today:
        problems.append(
            Problem(f"{name}.done", "future", {"done": str(update.done), "today": str(today)})
        )
    for field in [f for f in REQUIRED_DETAIL.get(update.milestone, ()) if update.done]:
        if not update.detail.get(field, "").strip():
            problems.append(Problem(f"{name}.detail.{field}", "required", {"milestone": name}))
    if (territory := update.detail.get("territory")) is not None and not (
        len(territory) == 2 and territory.isalpha() and territory.isupper()
    ):
        problems.append(Problem(f"{name}.detail.territory", "territory", {"territory": territory}))
    if current is None or update.reason:
        return problems
    if update.expected and current.expected and update.expected < current.expected:
        problems.append(
            Problem(
                f"{name}.expected",
                "earlier",
                {"expected": str(update.expected), "current": str(current.expected)},
            )
        )
    repeat = update.milestone in REPEATABLE and update.detail.get("territory") not in (
        None,
        current.detail.get("territory"),
    )
    if update.done and current.done and update.done != current.done and not repeat:
        problems.append(Problem(f"{name}.done", "changed", {"current": str(current.done)}))
    return problems


def check_update(current: MilestoneState | None, update: MilestoneUpdate, today: date) -> list[str]:
    """Why `update` may not be applied, in English (empty: it may)."""
    return [p.text for p in problems_of(current, update, today)]


def apply_report(
    milestones: dict[Milestone, MilestoneState], report: Report, today: date
) -> dict[Milestone, MilestoneState]:
    """The milestones after a report, or ReportError listing every refused field."""
    problems = [
        p for u in report.milestones for p in check_update(milestones.get(u.milestone), u, today)
    ]
    if problems:
        raise ReportError("; ".join(problems))
    after = {m: s.model_copy(deep=True) for m, s in milestones.items()}
    for u in report.milestones:
        state = after.setdefault(u.milestone, MilestoneState())
        if u.expected is not None:
            state.expected = u.expected
        if u.done is not None:
            first = state.done is None or u.milestone not in REPEATABLE
            state.done = u.done if first else min(state.done, u.done)
            if first or not state.detail:
                state.detail = dict(u.detail)
    return after


def status_after(
    status: FollowUpStatus, milestones: dict[Milestone, MilestoneState]
) -> FollowUpStatus:
    """A premiere ends the follow-up; a delivered master makes a following film completed."""
    if status in ENDINGS:
        return status
    if (premiere := milestones.get(Milestone.PREMIERE)) and premiere.done:
        return FollowUpStatus.PREMIERED
    if (master := milestones.get(Milestone.MASTER)) and master.done:
        return FollowUpStatus.COMPLETED
    return status


def next_step(
    cadence: Cadence,
    status: FollowUpStatus,
    last_report: datetime,
    done_steps: set[Step],
    finished: datetime | None = None,
) -> tuple[Step, datetime] | None:
    """The next thing to happen if no report arrives, and when; None once the follow-up ended."""
    if status in ENDINGS:
        return None
    completed = status is FollowUpStatus.COMPLETED
    every = cadence.finished_report_every_days if completed else cadence.report_every_days
    due = last_report + timedelta(days=every)
    plan = [
        (Step.DUE, due),
        (Step.REMIND, due + timedelta(days=cadence.remind_again_days)),
        (Step.ESCALATE, due + timedelta(days=cadence.escalate_after_days)),
    ]
    if not completed:  # a finished film is not declared stalled for going quiet
        plan.append((Step.STALL, last_report + timedelta(days=cadence.stalled_after_days)))
    elif finished is not None:
        plan.append((Step.CONCLUDE, finished + timedelta(days=cadence.premiere_wait_days)))
    pending = sorted((at, step) for step, at in plan if step not in done_steps)
    return (pending[0][1], pending[0][0]) if pending else None


def status_after_reopen(milestones: dict[Milestone, MilestoneState]) -> FollowUpStatus:
    """A stalled or closed film that staff reopen is followed again from its milestones as
    recorded: completed (reporting less often, until its premiere) if its master was delivered,
    else following. Never an ending, even if its premiere was recorded: staff reopened it."""
    master = milestones.get(Milestone.MASTER)
    return FollowUpStatus.COMPLETED if master and master.done else FollowUpStatus.FOLLOWING
