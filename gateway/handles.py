"""Typed handles on a session's and a film's workflows, and their updates with the refusals staff
read: no such session, a film whose workflow has ended."""

from __future__ import annotations

from pydantic import BaseModel
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from gateway.context import Context
from gateway.errors import ActionError
from gateway.updates import update
from shared import STAGE, session_workflow_id, submission_workflow_id
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow


async def session_handle(ctx: Context, session_id: str) -> WorkflowHandle:
    client = await ctx.client()
    return client.get_workflow_handle_for(SessionWorkflow.run, session_workflow_id(session_id))


async def session_update(
    ctx: Context,
    session_id: str,
    method,
    arg: BaseModel | None = None,
    update_id: str | None = None,
):
    handle = await session_handle(ctx, session_id)
    try:
        return await update(handle, method, arg, session_id, update_id)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise ActionError(f"no running session {session_id!r}") from None
        raise ActionError(f"{session_id}: {exc.message}") from None


async def submission_handle(ctx: Context, submission_id: str) -> WorkflowHandle:
    client = await ctx.client()
    return client.get_workflow_handle_for(
        SubmissionWorkflow.run, submission_workflow_id(submission_id)
    )


async def submission_update(
    ctx: Context, submission_id: str, method, arg: BaseModel, update_id: str | None = None
):
    handle = await submission_handle(ctx, submission_id)
    try:
        return await update(handle, method, arg, submission_id, update_id)
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
