"""Who sits where: the grid's slots indexed as arrays (`Frame`), the slots each `Busy` blocks,
and the occupancy (`Board`) the solver works around and the diagnosis reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from domain.meetings.grid import Grid, slots
from models.meetings import Busy


@dataclass(frozen=True)
class Frame:
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
    def of(cls, grid: Grid) -> Frame:
        every = slots(grid)
        starts = np.array([a.timestamp() for a, _ in every])
        ends = np.array([b.timestamp() for _, b in every])
        order = {d: i for i, d in enumerate(sorted(grid.days))}
        day = np.array([order[a.date()] for a, _ in every], dtype=np.int64)
        index = {(a, b): i for i, (a, b) in enumerate(zip(starts, ends, strict=True))}
        return cls(every, starts, ends, day, len(order), index)


def busy_slots(busy: Iterable[Busy], frame: Frame) -> dict[str, np.ndarray]:
    """For each film or partner with a Busy, the slots it overlaps (touching ends do not)."""
    out: dict[str, np.ndarray] = {}
    for b in busy:
        mask = (frame.starts < b.end.timestamp()) & (b.start.timestamp() < frame.ends)
        out[b.who] = out.get(b.who, np.zeros(frame.size, dtype=bool)) | mask
    return out


@dataclass
class Board:
    """Who sits where: the occupancy the solver works around and the diagnosis reads."""

    frame: Frame
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
