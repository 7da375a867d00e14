"""The schedule as a mixed-integer programme solved by HiGHS (`scipy.optimize.milp`), one
binary per (request, slot) that the hard rules allow, in two lexicographic stages so that no
weighting can trade a meeting for a nicer timetable:

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
"""

from __future__ import annotations

from time import monotonic

import numpy as np

from domain.meetings.board import Board, Frame
from domain.meetings.grid import Grid


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row of each variable and the distinct keys: one constraint row per distinct key."""
    uniq, rows = np.unique(keys, return_inverse=True)
    return rows.reshape(-1), uniq


def solve(
    pending: list[tuple[str, str]],
    grid: Grid,
    frame: Frame,
    blocked: dict[str, np.ndarray],
    board: Board,
    deadline: float,
) -> list[tuple[tuple[str, str], int]]:
    """The (request, slot) pairs of the best placement the solver finds before `deadline`."""
    # Imported here: scipy.optimize takes half a second to import, paid only by a process that
    # solves, not by every importer of the scheduler.
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
