"""Programme statistics: the pure figures on a hand-made programme whose answers are worked out
below, the same figures read from PostgreSQL, and `starter.py stats` as staff run it."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.stats import (
    DAYS_PER_MONTH,
    FilmRecord,
    ProgrammeStats,
    programme_stats,
    session_year,
    to_csv,
)
from models.orm import FollowUpRow, MilestoneRow, SaleRow, SubmissionRow
from readmodels.stats import load_records
from settings import PROJECT_ROOT
from tests.conftest import new_session
from tests.test_store import submission_row

FIP = "films-in-progress"
TOULOUSE, DONOSTIA = f"{FIP}/toulouse-2026", f"{FIP}/san-sebastian-2027"
T0, D0 = date(2026, 3, 27), date(2027, 9, 28)  # the day each follow-up began


def film(key: str, session: str, status: str, *, done_after: int | None = None, **more):
    year, start = (2026, T0) if session == TOULOUSE else (2027, D0)
    return FilmRecord(
        submission_id=f"{session}/{key}",
        title=key.title(),
        session_id=session,
        year=year,
        status=status,
        started_on=start,
        completed_on=None if done_after is None else start + timedelta(days=done_after),
        **more,
    )


# Listed out of session order: the per-session rows must come out oldest first anyway.
RECORDS = [
    film(
        "b1",
        DONOSTIA,
        "premiered",
        done_after=304,
        premiere_festival="Cannes",
        premiere_on=date(2028, 5, 20),
        territories={"distribution": ["FR", "WW"], "tv": ["DE"], "sales": ["WW"]},
    ),
    # Finished whatever its status: its master was delivered before staff closed it.
    film("b2", DONOSTIA, "closed", done_after=91, premiere_festival="Berlinale"),
    film("b3", DONOSTIA, "following"),
    film("b4", DONOSTIA, "closed"),
    film(
        "a1",
        TOULOUSE,
        "premiered",
        done_after=183,
        premiere_festival="Cannes",
        premiere_on=date(2027, 5, 18),
        territories={"distribution": ["ES", "FR"], "tv": ["FR"]},
    ),
    film("a2", TOULOUSE, "completed", done_after=365, territories={"distribution": ["FR"]}),
    film("a3", TOULOUSE, "stalled"),
    # Premiered with no master date reported: a premiered film is finished.
    film("a4", TOULOUSE, "premiered", premiere_festival="San Sebastián"),
]


def months(*days: float) -> float:
    return sum(days) / len(days) / DAYS_PER_MONTH


def test_the_published_figures_of_a_hand_made_programme():
    stats = programme_stats(FIP, RECORDS)
    assert (stats.films, stats.sessions) == (8, 2)
    # finished: a1 a2 a4 b1 b2; stalled a3; closed b4 (b2 is finished); following b3.
    assert (stats.finished, stats.stalled, stats.closed, stats.still_following) == (5, 1, 1, 1)
    assert stats.completion_rate == 5 / 8
    assert stats.decided_completion_rate == 5 / 7
    # Days to the master: 91, 183, 304, 365 (a4 has none): an even count, so the mean of the
    # two middle values.
    assert stats.median_months_to_completion == pytest.approx(months(183, 304))
    assert stats.premiered == 4
    assert list(stats.premieres_by_festival.items()) == [
        ("Cannes", 2),
        ("Berlinale", 1),
        ("San Sebastián", 1),
    ]
    assert list(stats.distribution_by_territory.items()) == [("FR", 3), ("ES", 1), ("WW", 1)]
    assert list(stats.tv_by_territory.items()) == [("DE", 1), ("FR", 1)]
    assert (stats.with_distribution, stats.with_tv, stats.with_sales_agent) == (3, 2, 1)

    toulouse, donostia = stats.by_session
    assert (toulouse.session_id, toulouse.year) == (TOULOUSE, 2026)
    assert (toulouse.films, toulouse.finished, toulouse.premiered) == (4, 3, 2)
    assert (toulouse.stalled, toulouse.closed, toulouse.still_following) == (1, 0, 0)
    assert toulouse.completion_rate == 3 / 4 and toulouse.decided_completion_rate == 3 / 4
    assert toulouse.median_months_to_completion == pytest.approx(months(183, 365))
    assert (donostia.session_id, donostia.year) == (DONOSTIA, 2027)
    assert (donostia.films, donostia.finished, donostia.premiered) == (4, 2, 2)
    assert (donostia.stalled, donostia.closed, donostia.still_following) == (0, 1, 1)
    assert donostia.completion_rate == 2 / 4 and donostia.decided_completion_rate == 2 / 3
    assert donostia.median_months_to_completion == pytest.approx(months(91, 304))


def test_no_film_gives_zeros_and_no_rates():
    stats = programme_stats(FIP, [])
    assert (stats.films, stats.sessions, stats.finished, stats.premiered) == (0, 0, 0, 0)
    assert stats.completion_rate is None and stats.decided_completion_rate is None
    assert stats.median_months_to_completion is None
    assert stats.by_session == [] and stats.premieres_by_festival == {}
    rows = list(csv.reader(io.StringIO(to_csv(stats))))
    assert rows[0] == ["section", "item", "metric", "value"]
    assert ["programme", FIP, "completion_rate", ""] in rows


def test_only_films_whose_outcome_is_open_have_no_decided_rate():
    stats = programme_stats(FIP, [film("x", TOULOUSE, "following")])
    assert stats.completion_rate == 0 and stats.decided_completion_rate is None


def test_a_master_delivered_before_the_follow_up_began_took_no_time():
    early = film("x", TOULOUSE, "completed", done_after=-5)
    assert programme_stats(FIP, [early]).median_months_to_completion == 0


def test_a_session_year_is_its_id_suffix_or_its_event_year():
    assert session_year(TOULOUSE) == 2026
    assert session_year(f"{FIP}/special", "2031-03-25T09:00:00+01:00") == 2031
    with pytest.raises(ValueError, match="no year"):
        session_year(f"{FIP}/special")


def figures(text: str) -> dict[tuple[str, str, str], str]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "item", "metric", "value"]
    assert all(len(row) == 4 for row in rows)
    table = {(s, i, m): v for s, i, m, v in rows[1:]}
    assert len(table) == len(rows) - 1  # one row per figure
    return table


def assert_csv_holds_every_figure(stats: ProgrammeStats, text: str) -> None:
    table = figures(text)

    def same(key: tuple[str, str, str], value: float | None) -> None:
        assert table.pop(key) == ("" if value is None else str(value)), key

    summary = stats.model_dump(exclude={"programme_id", "by_session"})
    for metric, value in summary.items():
        if isinstance(value, dict):
            section = {
                "premieres_by_festival": "premiere",
                "distribution_by_territory": "distribution",
                "tv_by_territory": "tv",
            }[metric]
            for item, films in value.items():
                same((section, item, "films"), films)
        else:
            same(("programme", stats.programme_id, metric), value)
    for session in stats.by_session:
        for metric, value in session.model_dump(exclude={"session_id"}).items():
            same(("session", session.session_id, metric), value)
    assert table == {}, "a row that is no figure of the statistics"


def test_the_csv_holds_every_figure_and_reads_back():
    stats = programme_stats(FIP, RECORDS)
    text = to_csv(stats)
    assert_csv_holds_every_figure(stats, text)
    table = figures(text)
    assert float(table["programme", FIP, "completion_rate"]) == 0.625
    assert float(table["programme", FIP, "median_months_to_completion"]) == pytest.approx(
        months(183, 304)
    )
    assert table["session", TOULOUSE, "finished"] == "3"
    assert table["premiere", "Cannes", "films"] == "2"
    assert table["distribution", "FR", "films"] == "3"
    assert table["tv", "DE", "films"] == "1"


# --- on PostgreSQL ----------------------------------------------------------------------------


async def followed_programme(pg_sessions, programmes) -> tuple[list, date]:
    """Three sessions of Films in Progress: two with followed films, one whose film (and its
    German sale) must stay out of any figure restricted to the first two."""
    fip = programmes[FIP]
    first, second, other = [await new_session(pg_sessions, fip) for _ in range(3)]
    # The follow-up starts when the event ends: this is the first session's day, where it is.
    start = datetime.fromisoformat(first.calendar["event_end"]).date()
    films = {
        # key: (session, status, days to master, premiere festival, deals)
        "uno": (first, "premiered", 100, "Cannes", [("distribution", "FR"), ("tv", "FR")]),
        "dos": (first, "stalled", None, None, []),
        "tres": (
            second,
            "premiered",
            200,
            "Cannes",
            [("distribution", "FR"), ("distribution", "ES")],
        ),
        "cuatro": (second, "following", None, None, []),
        "cinco": (other, "completed", 10, None, [("distribution", "DE")]),
    }
    async with pg_sessions.begin() as db:
        # A submission that was not selected has no follow-up and counts nowhere.
        db.add(SubmissionRow(**submission_row(first, "not-selected")))
        for key, (session, *_) in films.items():
            db.add(SubmissionRow(**submission_row(session, key, original_title=key.title())))
        await db.flush()
        for key, (session, status, days, festival, deals) in films.items():
            sid = f"{session.id}/{key}"
            event_end = datetime.fromisoformat(session.calendar["event_end"])
            db.add(
                FollowUpRow(
                    submission_id=sid,
                    session_id=session.id,
                    programme_id=FIP,
                    workflow_id=f"followup-{sid}",
                    status=status,
                    started_at=event_end.astimezone(UTC),
                    completed_on=None if days is None else event_end.date() + timedelta(days),
                    premiere_festival=festival,
                    premiere_on=event_end.date() + timedelta(400) if festival else None,
                )
            )
            for kind, territory in deals:
                db.add(
                    SaleRow(submission_id=sid, territory=territory, kind=kind, company="Distrib")
                )
            if days is not None:  # milestones are the detail; the follow-up row has the date
                db.add(
                    MilestoneRow(
                        submission_id=sid,
                        milestone="master",
                        done_on=event_end.date() + timedelta(days),
                        updated_at=event_end,
                    )
                )
    return [first, second, other], start


def assert_expected(stats: ProgrammeStats, first, second) -> None:
    assert (stats.films, stats.sessions, stats.finished) == (4, 2, 2)
    assert (stats.stalled, stats.closed, stats.still_following) == (1, 0, 1)
    assert stats.completion_rate == 0.5 and stats.decided_completion_rate == 2 / 3
    assert stats.median_months_to_completion == pytest.approx(months(100, 200))
    assert stats.premieres_by_festival == {"Cannes": 2}
    assert stats.distribution_by_territory == {"FR": 2, "ES": 1}
    assert stats.tv_by_territory == {"FR": 1}
    # new_session counts years down: the second session is the earlier year.
    assert [(s.session_id, s.films, s.finished) for s in stats.by_session] == [
        (second.id, 2, 1),
        (first.id, 2, 1),
    ]


async def test_records_and_figures_read_from_postgresql(pg_sessions, programmes):
    (first, second, other), start = await followed_programme(pg_sessions, programmes)
    async with pg_sessions() as db:
        records = await load_records(db, FIP, [first.id, second.id], None)
        # By session id, then film: the second session has the lower year.
        assert [r.title for r in records] == ["Cuatro", "Tres", "Dos", "Uno"]
        uno = records[3]
        assert uno.year == int(first.id[-4:]) and uno.started_on == start
        assert uno.completed_on == start + timedelta(100)
        assert uno.territories == {"distribution": ["FR"], "tv": ["FR"]}
        assert_expected(programme_stats(FIP, records), first, second)

        # --since keeps the sessions of that year and later: `first` only.
        since = await load_records(db, FIP, [first.id, second.id], int(first.id[-4:]))
        assert {r.session_id for r in since} == {first.id}
        # Without a session filter, the third session's film (and its sale) is there too.
        everything = await load_records(db, FIP, None, None)
        assert {r.submission_id for r in everything} >= {f"{other.id}/cinco"}
        assert programme_stats(FIP, everything).distribution_by_territory.get("DE", 0) >= 1


async def stats_command(pg_url: str, *args: str) -> tuple[int, str, str]:
    """`starter.py stats ...` in its own process, on the test database (no Temporal needed)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        # Until starter.py imports cli.stats itself; importing it twice is harmless.
        "import cli.stats, starter; starter.main()",
        "stats",
        *args,
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": pg_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_staff_draw_the_figures_from_the_command_line(pg_url, pg_sessions, programmes):
    (first, second, _), _ = await followed_programme(pg_sessions, programmes)
    empty = await new_session(pg_sessions, programmes[FIP])
    chosen = ["--session", first.id, "--session", second.id.removeprefix(f"{FIP}/")]
    as_json, as_csv, human, nothing, unknown, stranger = await asyncio.gather(
        stats_command(pg_url, FIP, *chosen, "--json"),
        stats_command(pg_url, FIP, *chosen, "--csv"),
        stats_command(pg_url, FIP, *chosen),
        stats_command(pg_url, FIP, "--session", empty.id),
        stats_command(pg_url, "no-such-programme"),
        stats_command(pg_url, FIP, "--session", "toulouse-1900"),
    )
    code, out, err = as_json
    assert code == 0, err
    stats = ProgrammeStats.model_validate(json.loads(out))
    assert_expected(stats, first, second)

    code, out, err = as_csv
    assert code == 0, err
    assert_csv_holds_every_figure(stats, out)

    code, out, err = human
    assert code == 0, err
    assert (
        "Films in Progress" in out
        and "4 films followed across 2 sessions; 2 finished (50%)" in out
        and f"median {months(100, 200):.1f} months to completion" in out
        and "Cannes" in out
        and "FR (France)" in out
    ), out

    code, out, err = nothing
    assert code == 0, err
    assert f"no film of Films in Progress has been followed yet in {empty.id}" in out

    for code, _, err in (unknown, stranger):
        assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert "no programme 'no-such-programme' (known: " in unknown[2]
    assert f"no session {FIP}/toulouse-1900 in {FIP}" in stranger[2]
