"""What the capacity benchmark measures, from outside the code it measures: when each film was
submitted and judged and how many activities each workflow ran (a client and worker interceptor),
the CPU of the worker, the dev server and PostgreSQL's backends, peak memory, history lengths."""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from temporalio import activity
from temporalio import client as temporal_client
from temporalio import worker as temporal_worker
from temporalio.client import Client, WorkflowExecutionStatus


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
    step_peaks: dict[str, float] = field(default_factory=dict)  # MiB

    @property
    def rate(self) -> float:
        return self.submissions / self.seconds

    def cpu_ms(self, part: str | None = None) -> float:
        """CPU time per submission of one part (worker, server, database) or of all three:
        steadier than wall time on a machine shared with other jobs."""
        seconds = self.cpu_seconds[part] if part else sum(self.cpu_seconds.values())
        return 1000 * seconds / self.submissions


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


def percentile(values: list[float], q: float) -> float:
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, round(q * (len(ranked) - 1)))]
