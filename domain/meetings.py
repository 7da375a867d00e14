"""One-to-one meetings at a works-in-progress session: which film meets which matched partner,
in which slot, at which table.

The organiser schedules every meeting (market practice, as b2match advises) and keeps
`spare_tables` free in every slot so a late change never waits for a table. The hard rules: a film
or a partner is never in two meetings in the same slot, never during one of its `Busy` intervals
(the film's own screening, a partner's absence), at most `tables - spare_tables` meetings per slot
each on its own table, and at most `max_per_day` meetings per film per day if set.

The schedule is a mixed-integer programme solved by HiGHS (`scipy.optimize.milp`), one binary per
(request, slot) that the hard rules allow, in two lexicographic stages so that no weighting can
trade a meeting for a nicer timetable:

1. place as many requests as possible;
2. keeping that many, spread each film's meetings over the days: minimise, summed over films and
   days, the square of the film's meetings that day. For a fixed number of meetings the square sum
   is lowest exactly when a film's days differ by at most one meeting (4 meetings over 2 days go
   2 + 2, 10 over 3 days go 4 + 3 + 3); unlike the bare largest day per film, it also tells
   4 + 3 + 3 from 4 + 4 + 2, and, summed over films, it spreads a shortage of tables over the
   films instead of on one. It is linear through one continuous variable per (film, day, k-th
   meeting) costing 2k - 1, the marginal square, which the solver fills in order as costs rise.
   A tie-break worth less than one unit of spread prefers earlier slots and, between otherwise
   equal schedules, the requests first in (film, partner) order: they take the earlier slots
   and, when some request must stay out, stay in.

Tables are numbered after the solve, slot by slot, in (film, partner) order. A greedy pass then
places anything still placeable, so a solve cut short by `time_limit` still yields a valid, full
schedule, never an exception or a hang. Same input, same schedule: requests are deduplicated and
sorted before the model is built, and HiGHS is deterministic (only a solve stopped by the time
limit can depend on the machine's speed).

A request nobody can place is returned in `unplaced` with the reason in words, e.g. "Deluxe has no
free slot outside its absence on 2027-03-26 and its 4 other meetings".

`replan` re-plans only what it must: every earlier meeting still requested and still valid stays
exactly where it was (same slot, same table); only the meetings a change invalidated, new requests
and the previously unplaced are placed again (tests/test_meetings.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from pydantic import AwareDatetime, BaseModel, Field, model_validator

from models.meetings import Busy


class MeetingRequest(BaseModel, frozen=True):
    """A matched (film, partner) pair that needs one meeting; ids, not names."""

    film: str
    partner: str


class Grid(BaseModel, frozen=True):
    """The event's meeting slots: the same hours every day, local to `timezone`."""

    days: tuple[date, ...]
    day_start: time = time(9, 30)
    day_end: time = time(13, 0)
    slot_minutes: int = Field(30, ge=1, description="one meeting = one slot")
    tables: int = Field(6, ge=1)
    spare_tables: int = Field(1, ge=0, description="kept free in every slot for late changes")
    timezone: str = "Europe/Paris"
    max_per_day: int | None = Field(None, ge=1, description="per film; None = no limit")

    @model_validator(mode="after")
    def _coherent(self) -> Grid:
        if not self.days:
            raise ValueError("Grid.days is empty: the event needs at least one day")
        twice = sorted(d for d, n in Counter(self.days).items() if n > 1)
        if twice:
            raise ValueError(f"Grid.days lists {twice[0].isoformat()} more than once")
        if self.day_start.tzinfo is not None or self.day_end.tzinfo is not None:
            raise ValueError(
                "Grid.day_start and Grid.day_end are local times without tzinfo: "
                "the zone is Grid.timezone"
            )
        if self.day_end <= self.day_start:
            raise ValueError(
                f"Grid.day_end ({self.day_end:%H:%M}) must be after "
                f"Grid.day_start ({self.day_start:%H:%M})"
            )
        length = _minutes(self.day_end) - _minutes(self.day_start)
        if self.slot_minutes > length:
            raise ValueError(
                f"Grid.slot_minutes ({self.slot_minutes}) is longer than the day "
                f"({length} minutes from {self.day_start:%H:%M} to {self.day_end:%H:%M})"
            )
        if self.spare_tables >= self.tables:
            raise ValueError(
                f"Grid.spare_tables ({self.spare_tables}) must be fewer than "
                f"Grid.tables ({self.tables}): no table would be left for meetings"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"Grid.timezone {self.timezone!r} is not a known IANA time zone "
                "(e.g. 'Europe/Paris')"
            ) from None
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def usable_tables(self) -> int:
        """Tables 1..usable_tables take meetings; the spare ones stay free."""
        return self.tables - self.spare_tables


class Meeting(BaseModel, frozen=True):
    film: str
    partner: str
    start: AwareDatetime
    end: AwareDatetime
    table: int = Field(ge=1, description="numbered from 1")


class Unplaced(BaseModel, frozen=True):
    film: str
    partner: str
    reason: str


class Schedule(BaseModel, frozen=True):
    meetings: tuple[Meeting, ...]
    unplaced: tuple[Unplaced, ...]


def slots(grid: Grid) -> list[tuple[datetime, datetime]]:
    """Every slot of every day, in time order, as aware datetimes in the grid's zone."""
    zone = grid.zone
    step = timedelta(minutes=grid.slot_minutes)
    out: list[tuple[datetime, datetime]] = []
    for day in sorted(grid.days):
        # Wall-clock arithmetic, then the zone: a slot is 09:30 local whatever the UTC offset.
        start, end = datetime.combine(day, grid.day_start), datetime.combine(day, grid.day_end)
        while start + step <= end:
            out.append((start.replace(tzinfo=zone), (start + step).replace(tzinfo=zone)))
            start += step
    return out


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
    frame = _Frame.of(grid)
    blocked = _blocked(busy, frame)
    board = _Board(frame, grid)
    kept = _honour(keep, grid, frame, blocked, board)

    wanted = sorted({(r.film, r.partner) for r in requests} | {(m.film, m.partner) for m in keep})
    pending = [pair for pair in wanted if pair not in board.placed]
    for (film, partner), s in _solve(pending, grid, frame, blocked, board, deadline):
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
        Unplaced(film=film, partner=partner, reason=_why(film, partner, busy, blocked, board))
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


# --- internals -----------------------------------------------------------------------------------


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@dataclass(frozen=True)
class _Frame:
    """The grid's slots, indexed: timestamps for vectorised overlap tests, day of each slot."""

    slots: list[tuple[datetime, datetime]]
    starts: np.ndarray
    ends: np.ndarray
    day: np.ndarray
    days: int
    index: dict[tuple[float, float], int]

    @property
    def size(self) -> int:
        return len(self.slots)

    @classmethod
    def of(cls, grid: Grid) -> _Frame:
        every = slots(grid)
        starts = np.array([a.timestamp() for a, _ in every])
        ends = np.array([b.timestamp() for _, b in every])
        order = {d: i for i, d in enumerate(sorted(grid.days))}
        day = np.array([order[a.date()] for a, _ in every], dtype=np.int64)
        index = {(a, b): i for i, (a, b) in enumerate(zip(starts, ends, strict=True))}
        return cls(every, starts, ends, day, len(order), index)


def _blocked(busy: Iterable[Busy], frame: _Frame) -> dict[str, np.ndarray]:
    """For each film or partner with a Busy, the slots it overlaps (touching ends do not)."""
    out: dict[str, np.ndarray] = {}
    for b in busy:
        mask = (frame.starts < b.end.timestamp()) & (b.start.timestamp() < frame.ends)
        out[b.who] = out.get(b.who, np.zeros(frame.size, dtype=bool)) | mask
    return out


@dataclass
class _Board:
    """Who sits where: the occupancy the solver works around and the diagnosis reads."""

    frame: _Frame
    grid: Grid
    placed: dict[tuple[str, str], int] = field(default_factory=dict)  # -1: kept
    film_at: dict[str, np.ndarray] = field(default_factory=dict)
    partner_at: dict[str, np.ndarray] = field(default_factory=dict)
    tables: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    count: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.count = np.zeros(self.frame.size, dtype=np.int64)

    def empty(self) -> np.ndarray:
        return np.zeros(self.frame.size, dtype=bool)

    def film_mask(self, film: str) -> np.ndarray:
        return self.film_at.get(film, self.empty())

    def partner_mask(self, partner: str) -> np.ndarray:
        return self.partner_at.get(partner, self.empty())

    def film_day(self, film: str) -> np.ndarray:
        """The film's meetings on each day."""
        return np.bincount(self.frame.day[self.film_mask(film)], minlength=self.frame.days)

    def fits(self, film: str, partner: str, s: int, blocked: dict[str, np.ndarray]) -> bool:
        cap = self.grid.max_per_day
        return not (
            self.film_mask(film)[s]
            or self.partner_mask(partner)[s]
            or blocked.get(film, self.empty())[s]
            or blocked.get(partner, self.empty())[s]
            or self.count[s] >= self.grid.usable_tables
            or (cap is not None and self.film_day(film)[self.frame.day[s]] >= cap)
        )

    def take(self, film: str, partner: str, s: int, table: int | None = None) -> None:
        self.placed[(film, partner)] = s if table is None else -1
        self.film_at[film] = self.film_mask(film).copy()
        self.film_at[film][s] = True
        self.partner_at[partner] = self.partner_mask(partner).copy()
        self.partner_at[partner][s] = True
        self.count[s] += 1
        if table is not None:
            self.tables[s].add(table)

    def next_table(self, s: int) -> int:
        table = next(t for t in range(1, self.grid.usable_tables + 1) if t not in self.tables[s])
        self.tables[s].add(table)
        return table


def _honour(
    keep: Sequence[Meeting],
    grid: Grid,
    frame: _Frame,
    blocked: dict[str, np.ndarray],
    board: _Board,
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


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row of each variable and the distinct keys: one constraint row per distinct key."""
    uniq, rows = np.unique(keys, return_inverse=True)
    return rows.reshape(-1), uniq


def _solve(
    pending: list[tuple[str, str]],
    grid: Grid,
    frame: _Frame,
    blocked: dict[str, np.ndarray],
    board: _Board,
    deadline: float,
) -> list[tuple[tuple[str, str], int]]:
    """The (request, slot) pairs of the best placement the solver finds before `deadline`."""
    # Imported here: scipy.optimize takes half a second to import, and workflows and models import
    # this module only for its pydantic models.
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array, csr_array, vstack

    if not pending:
        return []
    S, D = frame.size, frame.days
    films = sorted({f for f, _ in pending})
    partners = sorted({p for _, p in pending})
    film_no = {f: i for i, f in enumerate(films)}
    partner_no = {p: i for i, p in enumerate(partners)}
    fi = np.array([film_no[f] for f, _ in pending])
    pi = np.array([partner_no[p] for _, p in pending])
    none = np.zeros(S, dtype=bool)
    film_off = np.array([blocked.get(f, none) | board.film_mask(f) for f in films])
    partner_off = np.array([blocked.get(p, none) | board.partner_mask(p) for p in partners])
    room = grid.usable_tables - board.count
    cap = grid.max_per_day if grid.max_per_day is not None else S
    day_room = cap - np.array([board.film_day(f) for f in films])  # films × days

    allowed = ~film_off[fi] & ~partner_off[pi] & (room > 0) & (day_room[fi][:, frame.day] > 0)
    r, s = np.nonzero(allowed)
    n = len(r)
    if n == 0:
        return []
    f, d = fi[r], frame.day[s]

    # Hard rules, one block of rows each: a request once; a film, a partner once per slot;
    # the slot's free tables; the film's day allowance.
    blocks = [(r, np.ones(len(pending)))]
    for keys in (f * S + s, pi[r] * S + s):
        rows, uniq = _groups(keys)
        blocks.append((rows, np.ones(len(uniq))))
    rows, uniq = _groups(s)
    blocks.append((rows, room[uniq]))
    if grid.max_per_day is not None:
        rows, uniq = _groups(f * D + d)
        blocks.append((rows, day_room.reshape(-1)[uniq]))
    parts, ub = [], []
    for rows, bound in blocks:
        parts.append(coo_array((np.ones(n), (rows, np.arange(n))), shape=(len(bound), n)))
        ub.append(bound)
    hard = csr_array(vstack(parts))
    hard_ub = np.concatenate(ub).astype(float)

    def run(c, A, lb, ub, integrality) -> np.ndarray | None:
        left = deadline - monotonic()
        if left <= 0:
            return None
        res = milp(
            c,
            integrality=integrality,
            bounds=Bounds(0, 1),
            constraints=LinearConstraint(A, lb, ub),
            options={"time_limit": left, "mip_rel_gap": 0.0},
        )
        return res.x

    # Stage 1: as many meetings as possible.
    x = run(-np.ones(n), hard, -np.inf, hard_ub, np.ones(n))
    if x is None:
        return []
    best = int(round(x.sum()))

    # Stage 2: that many, spread over the days. Film-day (f, d) with `base` meetings kept gets
    # variables y_k, k = base+1.., costing 2k - 1; sum_k y_k equals its new meetings.
    fd_rows, fd = _groups(f * D + d)
    slots_in = np.bincount(_groups(fd_rows * S + s)[1] // S, minlength=len(fd))
    per_film = np.bincount(fi, minlength=len(films))
    base = np.array([board.film_day(films[key // D])[key % D] for key in fd])
    depth = np.minimum(np.minimum(slots_in, per_film[fd // D]), cap - base)
    m = int(depth.sum())
    y_row = np.repeat(np.arange(len(fd)), depth)
    k = base[y_row] + np.arange(m) - np.repeat(np.cumsum(depth) - depth, depth) + 1
    spread = csr_array(
        (
            np.concatenate([np.ones(n), -np.ones(m)]),
            (np.concatenate([fd_rows, y_row]), np.arange(n + m)),
        ),
        shape=(len(fd), n + m),
    )
    # Tie-break, worth less than one unit of spread in total: earlier slots, and among equal
    # slots the requests first in (film, partner) order (a convex weight, so a swap is not a
    # tie). Negative, so that when a request must stay out it is one of the last, not the first.
    R = len(pending)
    tie = (s - S) * (1 + ((R - r) / R) ** 2) / (2 * R * S + 1)
    A = vstack(
        [
            csr_array((hard.data, hard.indices, hard.indptr), shape=(hard.shape[0], n + m)),
            spread,
            csr_array(np.concatenate([np.ones(n), np.zeros(m)])[None, :]),
        ]
    )
    lb = np.concatenate([np.full(hard.shape[0], -np.inf), np.zeros(len(fd)), [best]])
    ub = np.concatenate([hard_ub, np.zeros(len(fd)), [np.inf]])
    c = np.concatenate([tie, 2.0 * k - 1])
    integrality = np.concatenate([np.ones(n), np.zeros(m)])
    spread_x = run(c, csr_array(A), lb, ub, integrality) if best > 0 else None
    chosen = (spread_x if spread_x is not None else x)[:n] > 0.5
    return [(pending[i], int(j)) for i, j in zip(r[chosen], s[chosen], strict=True)]


def _why(
    film: str,
    partner: str,
    busy: Sequence[Busy],
    blocked: dict[str, np.ndarray],
    board: _Board,
) -> str:
    """Why (film, partner) could not be placed, read off the final board: the most specific
    obstacle first."""
    frame, grid = board.frame, board.grid
    none = np.zeros(frame.size, dtype=bool)

    def free(who: str, taken: np.ndarray) -> np.ndarray:
        return ~blocked.get(who, none) & ~taken

    def no_free_slot(who: str, taken: np.ndarray) -> str:
        # Its Busy reasons that touch the grid, in time order, then its meetings. A reason may
        # already say "its screening"; "its" is added only where it is missing.
        mine = sorted((b for b in busy if b.who == who), key=lambda b: (b.start, b.reason))
        reasons = [
            r if r.lower().startswith(("its ", "their ")) else f"its {r}"
            for r in dict.fromkeys(b.reason for b in mine if _blocked([b], frame)[who].any())
        ]
        others = int(taken.sum())
        if others:
            reasons.append(f"its {others} other meeting{'s' if others > 1 else ''}")
        # Never empty: a film or partner without a free slot is busy or booked somewhere.
        return f"{who} has no free slot outside {' and '.join(reasons)}"

    film_free = free(film, board.film_mask(film))
    partner_free = free(partner, board.partner_mask(partner))
    if not film_free.any():
        return no_free_slot(film, board.film_mask(film))
    if not partner_free.any():
        return no_free_slot(partner, board.partner_mask(partner))
    both = film_free & partner_free
    if not both.any():
        return f"{film} and {partner} are never free in the same slot"
    if grid.max_per_day is not None:
        both &= board.film_day(film)[frame.day] < grid.max_per_day
        if not both.any():
            return (
                f"{film} already has max_per_day ({grid.max_per_day}) meetings "
                f"on every day both it and {partner} are free"
            )
    # The greedy pass placed anything with a free table, so only tables can be missing here.
    return f"no table free in the slots both {film} and {partner} are free"
