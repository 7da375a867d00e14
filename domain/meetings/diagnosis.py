"""Why a request could not be placed, read off the final board, in words staff can act on,
e.g. "Deluxe has no free slot outside its absence on 2027-03-26 and its 4 other meetings".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from domain.meetings.board import Board, busy_slots
from models.meetings import Busy


def why_unplaced(
    film: str,
    partner: str,
    busy: Sequence[Busy],
    blocked: dict[str, np.ndarray],
    board: Board,
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
            for r in dict.fromkeys(b.reason for b in mine if busy_slots([b], frame)[who].any())
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
