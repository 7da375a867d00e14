"""An activity failure too large for Temporal's blob limit is cut, not turned into a workflow's
end: on the real dev server, a retryable error with a 3 MB message is retried and the workflow
completes (left whole, the server replaces it with a non-retryable "failure exceeds size limit",
and the workflow fails: the 20,000-film benchmark lost its session to it)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from temporalio import activity, workflow
from temporalio.client import WorkflowFailureError
from temporalio.common import RetryPolicy
from temporalio.worker import Worker

from activities.failures import MESSAGE_LIMIT, BoundedFailures
from settings import Settings
from worker import build_worker

HUGE = 3_000_000  # characters: past the dev server's 2 MB blob limit


@activity.defn
async def fails_once_at_length() -> int:
    """Fails its first attempt with a database-sized message, as a 146,000-parameter INSERT
    did; succeeds on the retry."""
    if activity.info().attempt == 1:
        raise RuntimeError("INSERT INTO review_assignments VALUES " + "($1, $2), " * (HUGE // 10))
    return activity.info().attempt


@workflow.defn(sandboxed=False)
class RetriesAfterAHugeFailure:
    @workflow.run
    async def run(self) -> int:
        return await workflow.execute_activity(
            fails_once_at_length,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100)),
        )


async def run_with(local_env, interceptors) -> int:
    queue = f"failures-{uuid.uuid4().hex[:8]}"
    async with Worker(
        local_env.client,
        task_queue=queue,
        workflows=[RetriesAfterAHugeFailure],
        activities=[fails_once_at_length],
        interceptors=interceptors,
    ):
        return await local_env.client.execute_workflow(
            RetriesAfterAHugeFailure.run,
            id=f"failures/{queue}",
            task_queue=queue,
            execution_timeout=timedelta(seconds=60),
        )


async def test_a_huge_failure_is_cut_and_the_activity_retried(local_env):
    assert await run_with(local_env, [BoundedFailures()]) == 2


async def test_left_whole_the_server_ends_the_workflow(local_env):
    """What the interceptor is for: without it the same retryable error ends the workflow."""
    with pytest.raises(WorkflowFailureError) as failed:
        await run_with(local_env, [])
    assert "exceeds size limit" in str(failed.value.cause.cause)


async def test_the_production_worker_cuts_failures(local_env, pg_sessions):
    worker = build_worker(local_env.client, Settings(temporal_task_queue="unused"), pg_sessions)
    assert any(isinstance(i, BoundedFailures) for i in worker.config()["interceptors"])
    assert MESSAGE_LIMIT < 512 * 1024  # under even the server's warning limit
