"""The screening schedule, pure."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.screenings import place, schedule

START = datetime(2027, 3, 25, 9, tzinfo=ZoneInfo("Europe/Paris"))
END = datetime(2027, 3, 26, 19, tzinfo=ZoneInfo("Europe/Paris"))
FILMS = [f"f{i}" for i in range(6)]


def test_six_films_over_two_days_three_a_day_in_slot_order():
    times = schedule(FILMS, START, END, 120)
    assert [t.strftime("%d %H:%M") for t in times.values()] == [
        "25 09:00",
        "25 11:00",
        "25 13:00",
        "26 09:00",
        "26 11:00",
        "26 13:00",
    ]
    assert list(times) == FILMS


def test_fewer_films_fill_the_first_days_first():
    times = schedule(FILMS[:3], START, END, 90)
    assert [t.strftime("%d %H:%M") for t in times.values()] == ["25 09:00", "25 10:30", "26 09:00"]
    assert schedule([], START, END, 90) == {}


def test_a_late_film_takes_a_freed_time_or_follows_the_last():
    times = schedule(FILMS, START, END, 120)
    lineup = [f for f in FILMS if f != "f1"] + ["late"]
    assert place(times, lineup, "late", 120) == times["f1"]
    times["late"] = times["f1"]
    assert place(times, [*lineup, "later"], "later", 120) == max(times.values()) + timedelta(
        hours=2
    )
