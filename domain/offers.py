"""When an unanswered offer of a slot is recalled to its producer."""

from __future__ import annotations

from datetime import datetime


def reminder_at(offered_at: datetime, deadline: datetime) -> datetime:
    """Two thirds into the offer's window: late enough to be needed, early enough to act on."""
    return offered_at + (deadline - offered_at) * 2 / 3
