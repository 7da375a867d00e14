"""Staff and producers retry what a person would retry while a drill's faults go on: a server
restarting, no worker yet to answer a query, a database connection cut under the query."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

T = TypeVar("T")


TRANSIENT_RPC = {
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.UNKNOWN,
    RPCStatusCode.INTERNAL,
    RPCStatusCode.RESOURCE_EXHAUSTED,
    RPCStatusCode.ABORTED,
}


def clock(at: float) -> str:
    """A wall-clock time to the millisecond, to line up faults with what the servers saw."""
    return time.strftime("%H:%M:%S", time.localtime(at)) + f".{int(at % 1 * 1000):03d}"


async def until(probe: Callable[[], Awaitable[bool]], what: str, within: float = 120) -> None:
    deadline = time.monotonic() + within
    while not await probe():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not after {within:.0f}s")
        await asyncio.sleep(0.3)


def update_task_lost(exc: RPCError) -> bool:
    """The workflow task carrying an update was lost with its worker (the server's
    WorkflowNotReady): nothing was applied, and the same update id may be sent again."""
    return exc.status == RPCStatusCode.FAILED_PRECONDITION and "workflow task failure" in str(exc)


def transient(exc: BaseException) -> bool:
    """An error a person would answer by trying again: the server restarting, no worker yet to
    answer a query, a database connection cut under the query."""
    if isinstance(exc, RPCError):
        return exc.status in TRANSIENT_RPC or update_task_lost(exc)
    if isinstance(exc, WorkflowUpdateFailedError):
        # The server dropped an update the worker never took (it was killed holding the task):
        # nothing was applied, and the same update id may be sent again.
        return "UnprocessedUpdate" in str(exc.cause)
    return isinstance(exc, WorkflowUpdateRPCTimeoutOrCancelledError | DBAPIError | OSError)


async def persist(
    call: Callable[[], Awaitable[T]], within: float = 180, tally: Counter[str] | None = None
) -> T:
    """Retry what staff or a producer would retry, counting in `tally` what had to be retried.
    Updates carry an id of their own, so a retry of one that went through is answered with its
    result, never applied twice."""
    deadline = time.monotonic() + within
    while True:
        try:
            return await call()
        except Exception as exc:
            if not transient(exc) or time.monotonic() > deadline:
                raise
            if tally is not None:
                tally[retry_kind(exc)] += 1
        await asyncio.sleep(0.5)


def retry_kind(exc: Exception) -> str:
    if isinstance(exc, RPCError):
        return f"RPC {exc.status.name}"
    if isinstance(exc, WorkflowUpdateFailedError):
        return "update UnprocessedUpdate"
    return type(exc).__name__
