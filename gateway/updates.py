"""The workflow update that staff never see fail for a worker's restart. It imports no workflow
module: whoever calls it passes the handle and the update method."""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Any

from pydantic import BaseModel
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from gateway.errors import ActionError

# A dropped update is sent again every 2 s for about a minute (see `update`).
UPDATE_TRIES = 30


async def update(
    handle: WorkflowHandle, method, arg: BaseModel | None, what: str, update_id: str | None = None
) -> Any:
    """Run a workflow update; a validator's refusal becomes one line naming `what`.

    An update the server dropped because the worker died holding it (UnprocessedUpdate, or the
    WorkflowNotReady of a lost workflow task), or a server briefly unavailable, is sent again
    for up to a minute under the same update id: the workflow applies one update id once, so
    staff never see an error for a command that did nothing, nor a command applied twice (the
    fault drills restart workers under staff's feet). A workflow at its limit of updates in
    flight is asked again the same way, a moment later.

    `update_id` names the update when the caller knows what makes two requests one (a producer's
    signed link and answer: a double click or a reload is then one update); else each call is one.
    """
    args = [] if arg is None else [arg]
    update_id = update_id or f"cli-{uuid.uuid4()}"
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
            # The workflow holding its limit of updates in flight (Temporal's
            # history.maxInFlightUpdates, 10 by default: fifty producers answering one session
            # at once meet it): nothing was applied, so the same update id goes again shortly.
            if exc.status == RPCStatusCode.RESOURCE_EXHAUSTED and attempt < UPDATE_TRIES - 1:
                await asyncio.sleep(random.uniform(0.2, 1.0))
                continue
            # The server unavailable for a moment, or the workflow task that carried the update
            # lost with its worker (WorkflowNotReady): nothing was applied.
            lost = exc.status == RPCStatusCode.FAILED_PRECONDITION and "task failure" in str(exc)
            if not (lost or exc.status == RPCStatusCode.UNAVAILABLE) or attempt == UPDATE_TRIES - 1:
                raise
            await asyncio.sleep(2)
    raise AssertionError("unreachable: the last attempt returns or raises")
