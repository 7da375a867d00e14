"""When each selected film screens: the confirmed lineup, in slot order, spread evenly over the
event's days, one screening every `minutes` from the event's opening hour.

A film confirmed after the schedule went out (promoted when another withdrew) takes the earliest
time a film that left had held, or follows the last screening: nobody else's time moves.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from math import ceil


def schedule(
    lineup: list[str], event_start: datetime, event_end: datetime, minutes: int
) -> dict[str, datetime]:
    if not lineup:
        return {}
    days = (event_end.date() - event_start.date()).days + 1
    per_day = ceil(len(lineup) / days)
    return {
        film: event_start + timedelta(days=i // per_day, minutes=(i % per_day) * minutes)
        for i, film in enumerate(lineup)
    }


def place(times: dict[str, datetime], lineup: list[str], film: str, minutes: int) -> datetime:
    """A time for `film`, joining a lineup whose schedule already went out."""
    freed = sorted(t for f, t in times.items() if f not in lineup)
    taken = {times[f] for f in lineup if f in times}
    for moment in freed:
        if moment not in taken:
            return moment
    return max(taken) + timedelta(minutes=minutes)
