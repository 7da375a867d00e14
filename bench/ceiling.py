"""The ceiling of bench/pipeline.py: a submission reduced to its activities, doing no work.

A module of its own, as small as a workflow module in production. The sandbox imports a
workflow's module afresh for every run; left in bench/pipeline.py, run as a script (`__main__`,
which Python never caches as bytecode), every bare workflow compiled and executed that whole
727-line benchmark, and the ceiling paid for it (a profile put it near half the ceiling's worker
CPU). Imported by name, this module's bytecode is cached like any other.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy


@activity.defn
async def bare_step(step: int) -> int:
    """No work at all: what is left is Temporal's own cost of an activity."""
    return step


@workflow.defn
class BareSubmissionWorkflow:
    """A submission reduced to its activities: as many as a real one ran, in sequence."""

    @workflow.run
    async def run(self, activities: int) -> int:
        for step in range(activities):
            await workflow.execute_activity(
                bare_step,
                step,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1)),
            )
        return activities
