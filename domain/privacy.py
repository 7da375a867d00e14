"""When a film's personal data may be erased, and which films a programme's retention erases.

What is personal is data (models/privacy.py); these are the decisions around it, pure: the
facts come from the database and the moment from the caller (the workflow's `workflow.now()`).

A film may be erased only once nobody waits on its producer: while it is being judged, fixed,
reviewed, offered, waitlisted or confirmed, its session still needs the contact to write to and
the screener to watch, and erasing it would leave a workflow writing to "(erased)". Such a film
is withdrawn first (`submission withdraw`), which tells its session; a selected film is erased
once its follow-up has ended and no award of it waits on a next step."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from models.messages import FINAL_STAGES

# Follow-up statuses that still wait on the producer's reports (domain/followup.ENDINGS ends).
FOLLOWING = frozenset({"following", "completed"})


@dataclass(frozen=True)
class ErasureFacts:
    """What the database says of a film when its erasure is asked for."""

    status: str
    followup: str | None  # its follow-up's status, if it was followed
    awards_waiting: int  # award grants of it with a next step still due


def refusal(submission_id: str, facts: ErasureFacts) -> str | None:
    """Why the film cannot be erased yet, in one line naming its stage; None if it can."""
    if facts.status not in FINAL_STAGES:
        return (
            f"{submission_id} is {facts.status}: its session still counts on its producer; "
            "withdraw it first (`starter.py submission withdraw`), then erase it"
        )
    if facts.followup in FOLLOWING:
        return (
            f"{submission_id}'s follow-up is {facts.followup}: it still waits on its producer's "
            "reports; close it first (`starter.py followup close`)"
        )
    if facts.awards_waiting:
        return (
            f"{submission_id} has {facts.awards_waiting} award grant(s) waiting on a next step; "
            "end them first"
        )
    return None


def months_after(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the month's last day when it is shorter)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_sessions(ends: dict[str, datetime], months: int, now: datetime) -> list[str]:
    """The sessions whose event ended at least `months` months before `now`, oldest first."""
    return sorted((s for s, end in ends.items() if months_after(end, months) <= now), key=ends.get)


# Films the retention erases: those the committee passed over, never the selected ones.
RETAINED_UNTIL_ERASED = frozenset({"not_selected"})


def retention_reason(months: int) -> str:
    return f"retention: not selected, {months} months after the session"
