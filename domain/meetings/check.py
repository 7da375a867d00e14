"""Every broken hard rule of a schedule, in words. Independent of the solver (it compares
times, not slot indices), so tests can trust it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from domain.meetings.grid import Grid, Meeting, Schedule, slots
from models.meetings import Busy


def check(schedule: Schedule, grid: Grid, busy: Sequence[Busy] = ()) -> list[str]:
    """Every broken hard rule of `schedule`, in words; an empty list means it is valid.

    Independent of the solver (it compares times, not slot indices), so tests can trust it."""
    problems: list[str] = []
    zone, usable = grid.zone, grid.usable_tables
    grid_slots = {(a.timestamp(), b.timestamp()) for a, b in slots(grid)}
    meetings = sorted(schedule.meetings, key=lambda m: (m.start, m.table, m.film, m.partner))

    def label(m: Meeting) -> str:
        return f"{m.film}–{m.partner} at {m.start.astimezone(zone):%Y-%m-%d %H:%M}"

    for m in meetings:
        if (m.start.timestamp(), m.end.timestamp()) not in grid_slots:
            problems.append(f"{label(m)} is not on a slot of the grid")
        if m.table > usable:
            problems.append(
                f"{label(m)} is at table {m.table}: only tables 1–{usable} take meetings "
                f"({grid.spare_tables} kept spare)"
            )
        for b in busy:
            if b.who in (m.film, m.partner) and m.start < b.end and b.start < m.end:
                problems.append(f"{label(m)} falls in a busy time of {b.who} ({b.reason})")
    for i, a in enumerate(meetings):
        for b in meetings[i + 1 :]:
            if not (a.start < b.end and b.start < a.end):
                continue
            if a.film == b.film:
                problems.append(f"{a.film} is in two meetings at once: {label(a)}, {label(b)}")
            if a.partner == b.partner:
                problems.append(f"{a.partner} is in two meetings at once: {label(a)}, {label(b)}")
            if a.table == b.table:
                problems.append(f"table {a.table} holds two meetings: {label(a)}, {label(b)}")
    if grid.max_per_day is not None:
        per_day = Counter((m.film, m.start.astimezone(zone).date()) for m in meetings)
        for (film, day), n in sorted(per_day.items()):
            if n > grid.max_per_day:
                problems.append(
                    f"{film} has {n} meetings on {day.isoformat()}, "
                    f"more than max_per_day ({grid.max_per_day})"
                )
    seen = Counter(
        [(m.film, m.partner) for m in meetings] + [(u.film, u.partner) for u in schedule.unplaced]
    )
    for (film, partner), n in sorted(seen.items()):
        if n > 1:
            problems.append(f"{film}–{partner} appears {n} times: a request is scheduled once")
    return problems
