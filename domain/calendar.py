"""The order of a session's calendar, as staff move its dates.

The calendar's own validator (models/programme.py) refuses a calendar out of order when it is
read; the session workflow asks this first, so that a move that would break the order is refused
with the two dates it would swap, before the update is accepted.
"""

from __future__ import annotations

from models.programme import SessionCalendar

# The milestones staff can move, in the order they must keep.
MILESTONES = ["deadline", "review_deadline", "selection_announced", "event_start", "event_end"]


def misordered(calendar: SessionCalendar) -> str | None:
    """The first pair of milestones out of order, said for staff; None: in order."""
    for earlier, later in zip(MILESTONES, MILESTONES[1:], strict=False):
        if getattr(calendar, earlier) > getattr(calendar, later):
            return (
                f"{earlier} would fall after {later} "
                f"({getattr(calendar, earlier):%Y-%m-%d %H:%M} > "
                f"{getattr(calendar, later):%Y-%m-%d %H:%M})"
            )
    return None
