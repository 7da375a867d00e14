"""The one-to-one meeting scheduler, pure: hand-checked examples, then its hard rules proved by
hypothesis on random instances (checked by `check`, which reads times, not the solver's indices,
and against brute force on tiny ones), then replanning after a change."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.meetings.check import check
from domain.meetings.grid import Grid, Meeting, MeetingRequest, Schedule, Unplaced, slots
from domain.meetings.schedule import replan, schedule
from models.meetings import Busy

PARIS = ZoneInfo("Europe/Paris")
DAY1, DAY2, DAY3 = date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 27)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def ask(*pairs: str) -> list[MeetingRequest]:
    """`ask("A-X", "B-Y")`: film A meets partner X, film B meets partner Y."""
    return [MeetingRequest(film=p.split("-")[0], partner=p.split("-")[1]) for p in pairs]


def every(films: list[str], partners: list[str]) -> list[MeetingRequest]:
    return [MeetingRequest(film=f, partner=p) for f in films for p in partners]


def rows(result: Schedule) -> list[tuple[str, str, str, int]]:
    return [(m.film, m.partner, f"{m.start:%d %H:%M}", m.table) for m in result.meetings]


def per_day(result: Schedule, film: str) -> list[int]:
    days = Counter(m.start.astimezone(PARIS).date() for m in result.meetings if m.film == film)
    return [days[d] for d in sorted(days)]


def accounted(result: Schedule) -> Counter[tuple[str, str]]:
    return Counter(
        [(m.film, m.partner) for m in result.meetings]
        + [(u.film, u.partner) for u in result.unplaced]
    )


# --- examples ----------------------------------------------------------------------------------


def test_two_films_two_partners_two_slots_two_tables_by_hand():
    # Each film meets each partner once in two slots: a 2×2 Latin square, so A-X shares a slot
    # with B-Y and A-Y with B-X. Both squares tie on count, spread and slot times; the tie-break
    # gives the first request, A-X, the first slot. Tables go in (film, partner) order.
    grid = Grid(days=(DAY1,), day_start=time(9, 30), day_end=time(10, 30), tables=2, spare_tables=0)
    result = schedule(ask("A-X", "A-Y", "B-X", "B-Y"), grid)
    assert rows(result) == [
        ("A", "X", "25 09:30", 1),
        ("B", "Y", "25 09:30", 2),
        ("A", "Y", "25 10:00", 1),
        ("B", "X", "25 10:00", 2),
    ]
    assert result.unplaced == ()
    assert all(m.end - m.start == timedelta(minutes=30) for m in result.meetings)
    assert check(result, grid) == []


def test_the_spare_table_stays_free_and_the_overflow_says_no_table_is_free():
    grid = Grid(days=(DAY1,), day_start=time(9), day_end=time(9, 30), tables=3, spare_tables=1)
    result = schedule(ask("A-X", "B-Y", "C-Z"), grid)
    assert rows(result) == [("A", "X", "25 09:00", 1), ("B", "Y", "25 09:00", 2)]
    assert result.unplaced == (
        Unplaced(film="C", partner="Z", reason="no table free in the slots both C and Z are free"),
    )


def test_one_film_four_partners_over_two_days_meets_two_a_day():
    grid = Grid(days=(DAY1, DAY2))  # 7 slots a day: the tie-break alone would fill day one
    result = schedule(every(["A"], ["W", "X", "Y", "Z"]), grid)
    assert per_day(result, "A") == [2, 2]
    # ... and within each day, the earliest slots.
    assert [f"{m.start:%d %H:%M}" for m in result.meetings] == [
        "25 09:30",
        "25 10:00",
        "26 09:30",
        "26 10:00",
    ]


def test_six_films_ten_partners_three_days_all_placed_each_film_four_three_three():
    grid = Grid(days=(DAY1, DAY2, DAY3))
    screenings = [
        Busy(
            who=f"film-{i}",
            start=at(DAY1 + timedelta(days=i // 2), 10 + i % 2),
            end=at(DAY1 + timedelta(days=i // 2), 11 + i % 2, 30),
            reason="screening",
        )
        for i in range(6)
    ]
    films, partners = [f"film-{i}" for i in range(6)], [f"partner-{j}" for j in range(10)]
    result = schedule(every(films, partners), grid, screenings)
    assert len(result.meetings) == 60 and result.unplaced == ()
    assert check(result, grid, screenings) == []
    assert all(sorted(per_day(result, f)) == [3, 3, 4] for f in films)
    assert max(m.table for m in result.meetings) <= grid.tables - grid.spare_tables


def test_a_films_screening_is_never_overlapped_and_the_overflow_says_why():
    grid = Grid(days=(DAY1,))  # 09:30–13:00: seven slots
    screening = Busy(who="A", start=at(DAY1, 10), end=at(DAY1, 11, 30), reason="screening")
    result = schedule(every(["A"], ["P", "Q", "R", "S", "T"]), grid, [screening])
    times = [f"{m.start:%H:%M}" for m in result.meetings]
    assert times == ["09:30", "11:30", "12:00", "12:30"]  # 10:00–11:30 is the screening
    assert result.unplaced == (
        Unplaced(
            film="A",
            partner="T",
            reason="A has no free slot outside its screening and its 4 other meetings",
        ),
    )
    assert check(result, grid, [screening]) == []


def test_a_reason_that_already_says_its_is_quoted_as_it_is():
    grid = Grid(days=(DAY1,), day_start=time(9), day_end=time(10))
    busy = [
        Busy(who="A", start=at(DAY1, 9), end=at(DAY1, 9, 30), reason="its screening"),
        Busy(who="A", start=at(DAY1, 9, 30), end=at(DAY1, 10), reason="press junket"),
    ]
    result = schedule(ask("A-X"), grid, busy)
    assert [u.reason for u in result.unplaced] == [
        "A has no free slot outside its screening and its press junket"
    ]


def test_a_busy_interval_touching_a_slot_does_not_block_it():
    grid = Grid(days=(DAY1,), day_start=time(9), day_end=time(10))
    ends_at_nine_thirty = Busy(who="A", start=at(DAY1, 8), end=at(DAY1, 9, 30), reason="travel")
    result = schedule(ask("A-X"), grid, [ends_at_nine_thirty])
    assert rows(result) == [("A", "X", "25 09:30", 1)]


def test_a_film_and_a_partner_never_free_together():
    grid = Grid(days=(DAY1,), day_start=time(9), day_end=time(10))
    busy = [
        Busy(who="A", start=at(DAY1, 9), end=at(DAY1, 9, 30), reason="screening"),
        Busy(who="X", start=at(DAY1, 9, 30), end=at(DAY1, 10), reason="other market"),
    ]
    result = schedule(ask("A-X"), grid, busy)
    assert result.unplaced == (
        Unplaced(film="A", partner="X", reason="A and X are never free in the same slot"),
    )


def test_max_per_day_caps_a_film_and_says_so():
    grid = Grid(days=(DAY1, DAY2), max_per_day=2)
    result = schedule(every(["A"], ["P", "Q", "R", "S", "T"]), grid)
    assert per_day(result, "A") == [2, 2]
    assert [u.reason for u in result.unplaced] == [
        "A already has max_per_day (2) meetings on every day both it and T are free"
    ]
    assert check(result, grid) == []


def test_duplicates_are_scheduled_once_and_order_does_not_matter():
    grid = Grid(days=(DAY1, DAY2))
    requests = every(["A", "B", "C"], ["P", "Q", "R"])
    once = schedule(requests, grid)
    again = schedule([*reversed(requests), *requests[:4]], grid)
    assert again == once
    assert accounted(once) == Counter({(r.film, r.partner): 1 for r in requests})


def test_no_time_to_solve_still_gives_a_valid_schedule():
    grid = Grid(days=(DAY1, DAY2))
    requests = every(["A", "B", "C"], ["P", "Q", "R", "S"])
    result = schedule(requests, grid, time_limit=0)  # first-fit only: never a hang
    assert len(result.meetings) == 12 and check(result, grid) == []


def test_slots_are_local_aware_and_never_run_past_the_day():
    grid = Grid(days=(DAY2, DAY1), slot_minutes=45)  # 09:30–13:00 holds four 45-minute slots
    every_slot = slots(grid)
    assert [f"{a:%d %H:%M}" for a, _ in every_slot[:5]] == [
        "25 09:30",
        "25 10:15",
        "25 11:00",
        "25 11:45",
        "26 09:30",
    ]
    assert len(every_slot) == 8
    assert all(a.tzinfo == PARIS and b - a == timedelta(minutes=45) for a, b in every_slot)
    # Summer time starts on 28 March 2027: the slot is still 09:30 in Paris.
    dst = slots(Grid(days=(date(2027, 3, 27), date(2027, 3, 28))))
    assert [a.utcoffset() for a in (dst[0][0], dst[-1][0])] == [
        timedelta(hours=1),
        timedelta(hours=2),
    ]


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"days": ()}, "Grid.days is empty"),
        ({"days": (DAY1, DAY1)}, "Grid.days lists 2027-03-25 more than once"),
        ({"day_start": time(13), "day_end": time(9, 30)}, r"Grid.day_end \(09:30\) must be after"),
        ({"day_start": time(9), "day_end": time(9)}, "Grid.day_end"),
        ({"slot_minutes": 240}, r"Grid.slot_minutes \(240\) is longer than the day \(210 minutes"),
        ({"tables": 4, "spare_tables": 4}, r"Grid.spare_tables \(4\) must be fewer than"),
        ({"timezone": "Mars/Olympus"}, "Grid.timezone 'Mars/Olympus' is not a known"),
        ({"timezone": ""}, "Grid.timezone '' is not a known"),
        ({"slot_minutes": 0}, "slot_minutes"),
        ({"max_per_day": 0}, "max_per_day"),
    ],
)
def test_an_impossible_grid_is_refused_with_the_field_and_why(fields, message):
    with pytest.raises(ValueError, match=message):
        Grid(**{"days": (DAY1,), **fields})


def test_busy_needs_an_aware_interval_that_ends_after_it_starts():
    with pytest.raises(ValueError, match="Busy.end must be after Busy.start"):
        Busy(who="A", start=at(DAY1, 10), end=at(DAY1, 10), reason="screening")
    with pytest.raises(ValueError, match="timezone"):
        Busy(who="A", start=datetime(2027, 3, 25, 9), end=at(DAY1, 10), reason="screening")


def test_check_names_every_broken_rule():
    grid = Grid(days=(DAY1,), tables=3, spare_tables=1, max_per_day=1)

    def meet(film: str, partner: str, hour: int, minute: int, table: int) -> Meeting:
        start = at(DAY1, hour, minute)
        return Meeting(
            film=film, partner=partner, start=start, end=start + timedelta(minutes=30), table=table
        )

    bad = Schedule(
        meetings=(
            meet("A", "X", 9, 30, 1),
            meet("A", "Y", 9, 30, 2),  # A twice at once, and twice that day
            meet("B", "Y", 10, 0, 3),  # Y during its absence, at the spare table
            meet("C", "Z", 10, 10, 1),  # off the grid; C–Z also unplaced
        ),
        unplaced=(Unplaced(film="C", partner="Z", reason="?"),),
    )
    absence = Busy(who="Y", start=at(DAY1, 10), end=at(DAY1, 11), reason="absence")
    problems = check(bad, grid, [absence])
    assert problems == [
        "B–Y at 2027-03-25 10:00 is at table 3: only tables 1–2 take meetings (1 kept spare)",
        "B–Y at 2027-03-25 10:00 falls in a busy time of Y (absence)",
        "C–Z at 2027-03-25 10:10 is not on a slot of the grid",
        "A is in two meetings at once: A–X at 2027-03-25 09:30, A–Y at 2027-03-25 09:30",
        "A has 2 meetings on 2027-03-25, more than max_per_day (1)",
        "C–Z appears 2 times: a request is scheduled once",
    ]
    partner_twice = Schedule(
        meetings=(meet("A", "X", 9, 30, 1), meet("B", "X", 9, 30, 1)), unplaced=()
    )
    assert check(partner_twice, grid) == [
        "X is in two meetings at once: A–X at 2027-03-25 09:30, B–X at 2027-03-25 09:30",
        "table 1 holds two meetings: A–X at 2027-03-25 09:30, B–X at 2027-03-25 09:30",
    ]


# --- properties --------------------------------------------------------------------------------


@st.composite
def instances(draw, *, max_requests: int = 14, max_slots: int = 4, with_busy: bool = True):
    """A random grid (1–3 days of 1–`max_slots` half-hour slots), requests with duplicates, and
    Busy intervals on a quarter-hour grid so they can cut slots in half."""
    days = tuple(DAY1 + timedelta(days=i) for i in range(draw(st.integers(1, 3))))
    per_day = draw(st.integers(1, max_slots))
    tables = draw(st.integers(1, 4))
    grid = Grid(
        days=days,
        day_start=time(9),
        day_end=(datetime(2000, 1, 1, 9) + timedelta(minutes=30 * per_day)).time(),
        tables=tables,
        spare_tables=draw(st.integers(0, tables - 1)),
        max_per_day=draw(st.none() | st.integers(1, 3)),
    )
    films = [f"f{i}" for i in range(draw(st.integers(1, 4)))]
    partners = [f"p{i}" for i in range(draw(st.integers(1, 4)))]
    pairs = st.builds(
        MeetingRequest, film=st.sampled_from(films), partner=st.sampled_from(partners)
    )
    requests = draw(st.lists(pairs, max_size=max_requests))
    busy = []
    if with_busy:
        for _ in range(draw(st.integers(0, 4))):
            day = draw(st.sampled_from(days))
            start = at(day, 9) + timedelta(minutes=15 * draw(st.integers(-2, 2 * per_day)))
            busy.append(
                Busy(
                    who=draw(st.sampled_from(films + partners)),
                    start=start,
                    end=start + timedelta(minutes=15 * draw(st.integers(1, 8))),
                    reason="busy",
                )
            )
    return grid, requests, busy


@settings(max_examples=100, deadline=None)
@given(instances())
def test_every_schedule_keeps_the_hard_rules_and_accounts_for_every_request_once(instance):
    grid, requests, busy = instance
    result = schedule(requests, grid, busy)
    assert check(result, grid, busy) == []
    assert accounted(result) == Counter({(r.film, r.partner) for r in requests})
    assert all(u.reason for u in result.unplaced)
    assert schedule(list(reversed(requests)), grid, busy) == result


@settings(max_examples=50, deadline=None)
@given(instances(max_requests=20, max_slots=8, with_busy=False))
def test_with_a_slot_for_every_request_nothing_is_unplaced(instance):
    grid, requests, _ = instance
    grid = grid.model_copy(update={"max_per_day": None})
    wanted = len({(r.film, r.partner) for r in requests})
    if len(slots(grid)) < wanted:
        grid = grid.model_copy(update={"days": (DAY1,), "day_end": time(19)})  # 20 slots
    result = schedule(requests, grid)
    assert result.unplaced == ()
    assert check(result, grid) == []


def most_placeable(requests, grid, busy) -> int:
    """Brute force: the largest number of distinct requests a valid schedule can hold."""
    pairs = sorted({(r.film, r.partner) for r in requests})
    every_slot = slots(grid)
    for n in range(len(pairs), 0, -1):
        for chosen in itertools.combinations(pairs, n):
            for where in itertools.product(every_slot, repeat=n):
                by_slot = Counter(where)
                if max(by_slot.values()) > grid.tables - grid.spare_tables:
                    continue
                meetings = tuple(
                    Meeting(
                        film=f,
                        partner=p,
                        start=a,
                        end=b,
                        table=1 + sum(1 for w in where[:i] if w == (a, b)),
                    )
                    for i, ((f, p), (a, b)) in enumerate(zip(chosen, where, strict=True))
                )
                if not check(Schedule(meetings=meetings, unplaced=()), grid, busy):
                    return n
    return 0


@settings(max_examples=40, deadline=None)
@given(instances(max_requests=4, max_slots=2))
def test_no_valid_schedule_places_more_than_the_solver(instance):
    grid, requests, busy = instance
    grid = grid.model_copy(update={"days": grid.days[:1]})  # at most 2 slots: brute force
    result = schedule(requests, grid, busy)
    assert len(result.meetings) == most_placeable(requests, grid, busy)


# --- replanning --------------------------------------------------------------------------------


def test_a_partner_absent_on_one_day_moves_only_its_meetings_that_day():
    grid = Grid(days=(DAY1, DAY2), day_start=time(9, 30), day_end=time(11, 30))  # 4 slots a day
    requests = every(["A", "B", "C"], ["deluxe", "Q", "R", "S"])
    before = schedule(requests, grid)
    assert before.unplaced == ()
    day = next(m.start.date() for m in before.meetings if m.partner == "deluxe")
    absence = Busy(
        who="deluxe",
        start=at(day, 0),
        end=at(day + timedelta(days=1), 0),
        reason=f"absence on {day.isoformat()}",
    )
    after = replan(before, requests, grid, [absence])
    assert check(after, grid, [absence]) == []
    assert accounted(after) == accounted(before)

    hit = [m for m in before.meetings if m.partner == "deluxe" and m.start.date() == day]
    assert hit
    untouched = [m for m in before.meetings if m not in hit]
    assert set(untouched) <= set(after.meetings)  # same start, same table, same everything
    for m in hit:
        moved = [n for n in after.meetings if (n.film, n.partner) == (m.film, m.partner)]
        unplaced = [u for u in after.unplaced if (u.film, u.partner) == (m.film, m.partner)]
        assert (len(moved), len(unplaced)) in [(1, 0), (0, 1)]
        assert all(n.start.date() != day for n in moved)
        assert all("deluxe" in u.reason for u in unplaced)


def test_a_partner_with_no_room_left_after_an_absence_is_unplaced_with_the_reason():
    # Deluxe meets four films in the four slots of two days; absent on day two, it keeps day one.
    grid = Grid(days=(DAY1, DAY2), day_start=time(9, 30), day_end=time(10, 30))
    requests = every(["A", "B", "C", "D"], ["Deluxe"])
    before = schedule(requests, grid)
    assert len(before.meetings) == 4
    absence = Busy(who="Deluxe", start=at(DAY2, 0), end=at(DAY3, 0), reason="absence on 2027-03-26")
    after = replan(before, requests, grid, [absence])
    assert after.meetings == tuple(m for m in before.meetings if m.start.date() == DAY1)
    assert [u.reason for u in after.unplaced] == [
        "Deluxe has no free slot outside its absence on 2027-03-26 and its 2 other meetings"
    ] * 2


def test_removing_a_request_drops_only_that_meeting_and_a_new_one_moves_nothing():
    grid = Grid(days=(DAY1, DAY2))
    requests = every(["A", "B", "C"], ["P", "Q", "R"])
    before = schedule(requests, grid)
    gone = before.meetings[3]
    fewer = [r for r in requests if (r.film, r.partner) != (gone.film, gone.partner)]
    after = replan(before, fewer, grid)
    assert after.meetings == tuple(m for m in before.meetings if m != gone)
    assert after.unplaced == ()

    more = replan(before, [*requests, MeetingRequest(film="A", partner="Z")], grid)
    assert set(before.meetings) < set(more.meetings) and len(more.meetings) == 10


def test_kept_meetings_stay_put_unless_they_broke_a_rule():
    grid = Grid(days=(DAY1,), tables=3, spare_tables=1)
    late = Meeting(film="A", partner="X", start=at(DAY1, 12, 30), end=at(DAY1, 13), table=2)
    spare = Meeting(film="B", partner="Y", start=at(DAY1, 12, 30), end=at(DAY1, 13), table=3)
    result = schedule(ask("A-X", "B-Y"), grid, keep=[late, spare])
    assert late in result.meetings  # honoured, table and all
    assert spare not in result.meetings  # on the spare table: placed afresh
    assert rows(result) == [("B", "Y", "25 09:30", 1), ("A", "X", "25 12:30", 2)]


@settings(max_examples=50, deadline=None)
@given(instances(), st.data())
def test_a_replan_keeps_every_meeting_still_requested_and_still_valid(instance, data):
    grid, requests, busy = instance
    before = schedule(requests, grid, busy)
    # Then a change: a new absence of a film or partner, and some requests withdrawn.
    names = sorted({r.film for r in requests} | {r.partner for r in requests} | {"p0"})
    start = data.draw(st.sampled_from([a for a, _ in slots(grid)]))
    absence = Busy(
        who=data.draw(st.sampled_from(names)),
        start=start,
        end=start + timedelta(minutes=30 * data.draw(st.integers(1, 4))),
        reason="absence",
    )
    still = data.draw(st.lists(st.sampled_from(requests), unique=True)) if requests else []
    after = replan(before, still, grid, [*busy, absence])
    assert check(after, grid, [*busy, absence]) == []
    assert accounted(after) == Counter({(r.film, r.partner) for r in still})
    wanted = {(r.film, r.partner) for r in still}
    stays = [
        m
        for m in before.meetings
        if (m.film, m.partner) in wanted
        and not (absence.who in (m.film, m.partner) and m.start < absence.end and start < m.end)
    ]
    assert set(stays) <= set(after.meetings)
