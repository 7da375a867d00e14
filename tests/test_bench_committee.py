"""The committee's bench still runs end to end: a few films under review by three members on the
real stack (dev server, PostgreSQL, worker, web app), scored as sheets and then on the members'
pages, two pages each, and every page's score found in the database. Nothing here is timed: the
figures are the bench's to print, the test only checks they were measured."""

from __future__ import annotations

import asyncpg
import pytest

from bench import committee
from tests.conftest import PG_ADMIN_DSN, require

pytestmark = pytest.mark.integration  # PostgreSQL, a dev server and the web app, no fixtures


async def test_the_committee_bench_scores_by_sheets_and_by_pages_and_loses_none() -> None:
    try:
        await (await asyncpg.connect(PG_ADMIN_DSN, timeout=5)).close()
    except (OSError, asyncpg.PostgresError) as exc:
        require(False, f"PostgreSQL is not reachable at {PG_ADMIN_DSN}: {exc}")

    report = await committee.run(films=24, members=3)

    assert report["assignments"] == 24 * 3  # each film to all three: 24 a member, 2 pages
    assert report["sheets"]["scores"] == report["pages"]["scores"] == 72
    assert not report["sheets"]["refused"]
    assert report["pages"]["gets"] == 3 * 2 and report["pages"]["statuses"] == {"303": 72}
    assert report["check"] == {"lost": 0, "wrong": 0, "unassigned_rows": 0}
    assert report["pages"]["unseen"] == 0 and not report["errors"]
    assert report["sheets"]["scores_per_s"] > 0 and report["pages"]["scores_per_s"] > 0
    assert 0 < report["pages"]["get_p50_ms"] <= report["pages"]["get_p99_ms"]
    assert 0 < report["pages"]["post_p50_ms"] <= report["pages"]["post_p99_ms"]
