"""Activity failures small enough for Temporal to keep as they are.

Temporal keeps an activity's failure in the workflow's history, and the server refuses one over
its blob limit (2 MB by default): it records "failure exceeds size limit" in its place, as a
non-retryable failure, and the workflow waiting on the activity fails with it. An error message
is usually a line, but a database error quotes its statement: a 146,000-parameter INSERT made a
3.4 MB message in the 20,000-film benchmark, and the session's workflow failed for good over a
retryable error. Cut to a few kilobytes, the failure keeps its type and its retryability, and
the activity is retried as its policy says; the worker's log keeps the whole message.
"""

from __future__ import annotations

from typing import Any

from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

MESSAGE_LIMIT = 4_000  # characters: a statement's opening and the error are in the first lines


class BoundedFailures(Interceptor):
    """Worker interceptor: every activity's failure message stays under `MESSAGE_LIMIT`."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _Bounded(next)


class _Bounded(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except Exception as exc:
            message = str(exc)
            if len(message) <= MESSAGE_LIMIT:
                raise
            cut = len(message) - MESSAGE_LIMIT
            raise ApplicationError(
                f"{message[:MESSAGE_LIMIT]} … ({cut:,} more characters in the worker's log)",
                type=getattr(exc, "type", None) or type(exc).__name__,
                non_retryable=getattr(exc, "non_retryable", False),
            ) from None
