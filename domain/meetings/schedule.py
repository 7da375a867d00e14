"""Placing the meetings: `schedule` from scratch (around meetings to keep), `replan` after a
change.

Tables are numbered after the solve, slot by slot, in (film, partner) order. A greedy pass then
places anything still placeable, so a solve cut short by `time_limit` still yields a valid, full
schedule, never an exception or a hang. Same input, same schedule: requests are deduplicated and
sorted before the model is built, and HiGHS is deterministic (only a solve stopped by the time
limit can depend on the machine's speed).

`replan` re-plans only what it must: every earlier meeting still requested and still valid stays
exactly where it was (same slot, same table); only the meetings a change invalidated, new requests
and the previously unplaced are placed again (tests/test_meetings.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from time import monotonic

import numpy as np

from domain.meetings.board import Board, Frame, busy_slots
from domain.meetings.diagnosis import why_unplaced
from domain.meetings.grid import Grid, Meeting, MeetingRequest, Schedule, Unplaced
from domain.meetings.model import solve
from models.meetings import Busy


def schedule(
    requests: Sequence[MeetingRequest],
    grid: Grid,
    busy: Sequence[Busy] = (),
    *,
    keep: Sequence[Meeting] = (),
    time_limit: float = 10.0,
) -> Schedule:
    """Place every request the hard rules allow, spread over the days, earliest first.

    `keep` are meetings fixed in place: each one still valid (on a slot of the grid, on a usable
    table, clear of every Busy, not clashing with a kept meeting before it in time order) is
    returned unchanged and its request counts as placed; a kept meeting is its own request even if
    `requests` omits it. The others are dropped and their requests placed afresh. `time_limit` (s)
    bounds the whole solve."""
    deadline = monotonic() + time_limit
    frame = Frame.of(grid)
    blocked = busy_slots(busy, frame)
    board = Board(frame, grid)
    kept = _honour(keep, grid, frame, blocked, board)

    wanted = sorted({(r.film, r.partner) for r in requests} | {(m.film, m.partner) for m in keep})
    pending = [pair for pair in wanted if pair not in board.placed]
    for (film, partner), s in solve(pending, grid, frame, blocked, board, deadline):
        board.take(film, partner, s)
    # Whatever the solver left (only when cut short by the time limit) is placed first-fit.
    for film, partner in pending:
        if (film, partner) in board.placed:
            continue
        s = next((s for s in range(frame.size) if board.fits(film, partner, s, blocked)), None)
        if s is not None:
            board.take(film, partner, s)

    fresh = sorted((s, film, partner) for (film, partner), s in board.placed.items() if s >= 0)
    meetings = [*kept]
    for s, film, partner in fresh:
        start, end = frame.slots[s]
        table = board.next_table(s)
        meetings.append(Meeting(film=film, partner=partner, start=start, end=end, table=table))
    meetings.sort(key=lambda m: (m.start, m.table))
    unplaced = [
        Unplaced(
            film=film, partner=partner, reason=why_unplaced(film, partner, busy, blocked, board)
        )
        for film, partner in wanted
        if (film, partner) not in board.placed
    ]
    return Schedule(meetings=tuple(meetings), unplaced=tuple(unplaced))


def replan(
    previous: Schedule,
    requests: Sequence[MeetingRequest],
    grid: Grid,
    busy: Sequence[Busy] = (),
    *,
    time_limit: float = 10.0,
) -> Schedule:
    """After a change (a cancellation, an absence, a new match), move only what must move.

    Every meeting of `previous` whose request is still wanted and that is still valid under the new
    `busy` stays exactly where it was; the meetings it invalidated, the new requests and the
    previously unplaced are (re)placed around them; meetings no longer requested are dropped."""
    wanted = {(r.film, r.partner) for r in requests}
    keep = [m for m in previous.meetings if (m.film, m.partner) in wanted]
    return schedule(requests, grid, busy, keep=keep, time_limit=time_limit)


def _honour(
    keep: Sequence[Meeting],
    grid: Grid,
    frame: Frame,
    blocked: dict[str, np.ndarray],
    board: Board,
) -> list[Meeting]:
    """The kept meetings still valid, taken on the board in time order; the rest are dropped."""
    kept: list[Meeting] = []
    for m in sorted(keep, key=lambda m: (m.start, m.table, m.film, m.partner)):
        s = frame.index.get((m.start.timestamp(), m.end.timestamp()))
        if (
            s is None
            or (m.film, m.partner) in board.placed
            or m.table > grid.usable_tables
            or m.table in board.tables[s]
            or not board.fits(m.film, m.partner, s, blocked)
        ):
            continue
        board.take(m.film, m.partner, s, m.table)
        kept.append(m)
    return kept
