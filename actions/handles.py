"""Typed handles on a session's and a film's workflows, and the update that staff never see fail
for a worker's restart."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from pydantic import BaseModel
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from actions.context import Context
from actions.errors import ActionError
from shared import STAGE, session_workflow_id, submission_workflow_id
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow

# A dropped update is sent again every 2 s for about a minute (see `update`).
UPDATE_TRIES = 30


async def update(handle: WorkflowHandle, method, arg: BaseModel | None, what: str) -> Any:
    """Run a workflow update; a validator's refusal becomes one line naming `what`.

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


async def session_handle(ctx: Context, session_id: str) -> WorkflowHandle:
    client = await ctx.client()
    return client.get_workflow_handle_for(SessionWorkflow.run, session_workflow_id(session_id))


async def session_update(ctx: Context, session_id: str, method, arg: BaseModel | None = None):
    handle = await session_handle(ctx, session_id)
    try:
        return await update(handle, method, arg, session_id)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise ActionError(f"no running session {session_id!r}") from None
        raise ActionError(f"{session_id}: {exc.message}") from None


async def submission_handle(ctx: Context, submission_id: str) -> WorkflowHandle:
    client = await ctx.client()
    return client.get_workflow_handle_for(
        SubmissionWorkflow.run, submission_workflow_id(submission_id)
    )


async def submission_update(ctx: Context, submission_id: str, method, arg: BaseModel):
    handle = await submission_handle(ctx, submission_id)
    try:
        return await update(handle, method, arg, submission_id)
    except RPCError as exc:
        raise await not_reachable(ctx, submission_id, exc) from None


async def not_reachable(ctx: Context, submission_id: str, exc: RPCError) -> ActionError:
    """Say whether the submission does not exist or is already over."""
    if exc.status != RPCStatusCode.NOT_FOUND:
        return ActionError(f"{submission_id}: {exc.message}")
    try:
        description = await (await submission_handle(ctx, submission_id)).describe()
    except RPCError:
        return ActionError(f"no submission {submission_id!r}")
    stage = description.typed_search_attributes.get(STAGE) or "closed"
    return ActionError(
        f"{submission_id} is {stage} and its workflow has ended: nothing can change it"
    )
