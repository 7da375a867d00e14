"""The one error type the layer raises for a refusal staff can act on, and the workflow update
whose refusals become it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from pydantic import BaseModel
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

# A dropped update is sent again every 2 s for about a minute (see `update`).
UPDATE_TRIES = 30


class ActionError(Exception):
    """A refusal to explain in one line (no session of that id, a milestone the calendar does not
    have, a workflow that has ended): the command line prints it on stderr, the web pages show it
    next to the form."""


async def update(handle: WorkflowHandle, method, arg: BaseModel | None, what: str) -> Any:
    """Run a workflow update; a validator's or an activity's refusal becomes an ActionError
    naming `what`. Any other RPC error (a workflow not running: NOT_FOUND) is raised, for the
    caller to explain in its own terms.

    An update the server dropped because the worker died holding it (UnprocessedUpdate, or the
    WorkflowNotReady of a lost workflow task), or a server briefly unavailable, is sent again
    for up to a minute under the same update id: the workflow applies one update id once, so
    staff never see an error for a command that did nothing, nor a command applied twice (the
    fault drills restart workers under staff's feet).
    """
    args = [] if arg is None else [arg]
    update_id = f"cli-{uuid.uuid4()}"
    for attempt in range(UPDATE_TRIES):
        try:
            return await handle.execute_update(method, *args, id=update_id)
        except WorkflowUpdateFailedError as exc:
            if "UnprocessedUpdate" in str(exc.cause) and attempt < UPDATE_TRIES - 1:
                await asyncio.sleep(2)
                continue
            cause = exc.cause
            while getattr(cause, "cause", None) is not None:  # an activity's refusal, under it
                cause = cause.cause
            raise ActionError(f"{what}: {getattr(cause, 'message', cause)}") from None
        except RPCError as exc:
            # The server unavailable for a moment, or the workflow task that carried the update
            # lost with its worker (WorkflowNotReady): nothing was applied.
            lost = exc.status == RPCStatusCode.FAILED_PRECONDITION and "task failure" in str(exc)
            if not (lost or exc.status == RPCStatusCode.UNAVAILABLE) or attempt == UPDATE_TRIES - 1:
                raise
            await asyncio.sleep(2)
    raise AssertionError("unreachable: the last attempt returns or raises")
