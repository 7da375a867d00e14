"""How workers on one task queue shared a session: for each process, the CPU it spent on work and
the workflow tasks, activities and local activities the server's histories credit to it.

The counts come from the histories, not from the workers: every completed workflow task and every
started activity carries the identity of the worker that ran it (the SDK's default, `pid@host`),
and a local activity's marker is recorded by the workflow task just before it. So the split is
read without a counter in the worker, and a killed worker's share is what it finished before it
died (an activity it held is credited to whoever ran its retry)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from temporalio.client import Client

from bench.drill_stack import Stack

LOCAL_ACTIVITY_MARKER = "core_local_activity"  # the marker name sdk-core records


@dataclass
class Share:
    """One worker process's part of a session."""

    pid: int
    killed: bool
    cpu: float  # CPU seconds on work: from polling to its kill, or to the session's end
    workflow_tasks: int
    activities: int
    local_activities: int

    def line(self) -> str:
        fate = "killed" if self.killed else "to the end"
        return (
            f"worker {self.pid} ({fate}): {self.cpu:.2f} s CPU, {self.workflow_tasks} workflow "
            f"tasks, {self.activities} activities, {self.local_activities} local activities"
        )


async def credits(client: Client) -> dict[str, Counter[str]]:
    """By worker identity, what the histories of every workflow on the server credit to it."""
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    async for execution in client.list_workflows():
        handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
        ran_last = ""  # who completed the latest workflow task: it recorded what follows
        for event in (await handle.fetch_history()).events:
            if event.HasField("workflow_task_completed_event_attributes"):
                ran_last = event.workflow_task_completed_event_attributes.identity
                tally[ran_last]["workflow_tasks"] += 1
            elif event.HasField("activity_task_started_event_attributes"):
                tally[event.activity_task_started_event_attributes.identity]["activities"] += 1
            elif (
                event.HasField("marker_recorded_event_attributes")
                and event.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
            ):
                tally[ran_last]["local_activities"] += 1
    return tally


async def shares(s: Stack) -> list[Share]:
    """Each of the stack's workers' part, its current (or last) process's: read at the end, so
    a survivor's CPU runs to the session's end and a killed one's stops at its kill."""
    by_pid = {identity.split("@")[0]: c for identity, c in (await credits(s.client)).items()}
    result = []
    for worker in s.workers:
        counts = by_pid.get(str(worker.pid), Counter())
        result.append(
            Share(
                pid=worker.pid or 0,
                killed=worker.cpu_at_kill is not None,
                cpu=worker.cpu(),
                workflow_tasks=counts["workflow_tasks"],
                activities=counts["activities"],
                local_activities=counts["local_activities"],
            )
        )
    return result
