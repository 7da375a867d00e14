"""The event's meeting grid (days, hours, slot length, tables and spare tables, time zone) and
the shapes of a schedule: the requests, the meetings placed and the requests left unplaced.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, Field, model_validator


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


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute
