"""How a film's workflow runs its steps: its database writes and its messages.

Since `LOCAL_STEPS`, both run as local activities, in the worker that runs the film's workflow
task: no activity task goes through the server, and the steps a film takes in a row (its record,
its receipt, its check, its result's message) complete in one workflow task, each a marker in the
history. Each step is idempotent (keyed writes; the outbox sends a message once, holding its row's
lock), so a local activity retried, or run again after a worker dies mid-task, is harmless: that
is what a local activity asks. Runs recorded before the patch keep their regular activities.

A message's step retries for as long as the mail server needs (backoff to 10 minutes, as before);
past a minute between attempts the SDK waits on a durable timer rather than in memory.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

LOCAL_STEPS = "2026-12-local-steps"

_DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
)
# A mail server that is down is retried with backoff for as long as it takes: the message is in
# the outbox and will go out once, when it can.
_MAIL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2,
    maximum_interval=timedelta(minutes=10),
)

DB_ACTIVITY: dict[str, Any] = dict(
    start_to_close_timeout=timedelta(seconds=30), retry_policy=_DB_RETRY
)
MAIL_ACTIVITY: dict[str, Any] = dict(
    start_to_close_timeout=timedelta(minutes=1),
    heartbeat_timeout=timedelta(seconds=10),
    retry_policy=_MAIL_RETRY,
)
_MAIL_LOCAL: dict[str, Any] = dict(
    start_to_close_timeout=timedelta(minutes=1), retry_policy=_MAIL_RETRY
)


async def write(activity: Any, arg: Any, summary: str) -> Any:
    """A database step of the film: one transaction, keyed so that running it again is a no-op."""
    if workflow.patched(LOCAL_STEPS):
        return await workflow.execute_local_activity(activity, arg, summary=summary, **DB_ACTIVITY)
    return await workflow.execute_activity(activity, arg, summary=summary, **DB_ACTIVITY)


async def send(activity: Any, arg: Any, summary: str) -> Any:
    """A message to the producer: written to the outbox, then delivered once."""
    if workflow.patched(LOCAL_STEPS):
        return await workflow.execute_local_activity(activity, arg, summary=summary, **_MAIL_LOCAL)
    return await workflow.execute_activity(activity, arg, summary=summary, **MAIL_ACTIVITY)
