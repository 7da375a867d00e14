"""The capacity benchmark still runs end to end: a tiny call through the real pipeline and its
bare-workflow ceiling on the dev server and PostgreSQL, with figures that make sense. Nothing here
is timed: the figures are the benchmark's to print, the test only checks they were measured."""

from __future__ import annotations

import asyncpg
import pytest

from bench import pipeline
from tests.conftest import PG_ADMIN_DSN, require

pytestmark = pytest.mark.integration  # PostgreSQL and a dev server, without their fixtures


async def test_the_benchmark_measures_both_phases_at_a_tiny_n() -> None:
    try:
        await (await asyncpg.connect(PG_ADMIN_DSN, timeout=5)).close()
    except (OSError, asyncpg.PostgresError) as exc:
        require(False, f"PostgreSQL is not reachable at {PG_ADMIN_DSN}: {exc}")

    report = await pipeline.run(10, year=2091)

    assert report.judged == 10, "every submission reached its eligibility result"
    assert report.pipeline.rate > 0 and report.ceiling.rate > 0
    assert report.ceiling.submissions == 10
    assert report.ceiling.activities == report.pipeline.activities >= 10 * 4
    assert 0 < report.latency_p50 <= report.latency_p99
    assert 0 < report.largest_history <= pipeline.HISTORY_LIMIT
    assert report.messages_sent >= 10 * 2  # received, then a verdict, at the least
    assert report.pipeline.peak_mib > 0 and report.ceiling.peak_mib > 0
    # The peak of each step, the phase's being the highest of them.
    assert list(report.pipeline.step_peaks) == list(report.pipeline.steps)
    assert report.pipeline.peak_mib == max(report.pipeline.step_peaks.values())
    # Where the CPU went: the worker, the dev server it started, and the database's backends
    # (the bare workflows touch no database).
    assert all(report.pipeline.cpu_seconds[part] > 0 for part in ("worker", "server", "database"))
    assert report.ceiling.cpu_seconds["server"] > 0
    assert report.ceiling.cpu_seconds["database"] < report.pipeline.cpu_seconds["database"]
    # A film's steps are local activities, a marker each, where its bare twin's are activity
    # tasks (scheduled, started, completed): its history is the shorter, decisions and all.
    assert 0 < report.pipeline.histories.per_film < report.ceiling.histories.per_film


async def test_the_pipeline_alone_is_measured_and_printed_without_a_ratio(capsys) -> None:
    """`--pipeline-only`, for the 20,000-film run: the pipeline's figures, and no ratio made up."""
    try:
        await (await asyncpg.connect(PG_ADMIN_DSN, timeout=5)).close()
    except (OSError, asyncpg.PostgresError) as exc:
        require(False, f"PostgreSQL is not reachable at {PG_ADMIN_DSN}: {exc}")

    report = await pipeline.run(4, year=2092, ceiling=False)

    assert report.ceiling is None and report.ratio is None
    assert report.judged == 4 and report.pipeline.rate > 0
    pipeline.print_report(report)
    printed = capsys.readouterr().out
    assert "not measured (--pipeline-only)" in printed and "ceiling" not in printed.split("\n")[1]
    assert "peak memory by step (MiB): intake + eligibility " in printed
