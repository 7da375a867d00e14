"""The jury's awards and each granted award's lifecycle: the grant is an update of the session's
partnering (it checks who may receive the award and that shares add up), and each film's share
then has its own AwardWorkflow, which takes its steps in order or the producer's decline."""

from __future__ import annotations

from typing import Any

from temporalio.service import RPCError, RPCStatusCode

from actions.partnering import partnering_update
from gateway.context import Context
from gateway.errors import ActionError
from gateway.updates import update
from models.choices import AwardStep
from models.partnering import (
    AwardState,
    DeclineRequest,
    GrantRequest,
    GrantShare,
    GrantSummary,
    StepRequest,
)
from shared import award_workflow_id


async def grant_award(
    ctx: Context, session_id: str, award_id: str, films: list[GrantShare], reason: str
) -> list[GrantSummary]:
    """Record the jury's decision; each film's producer hears of it, and its lifecycle starts."""
    from workflows.partnering import PartneringWorkflow

    return await partnering_update(
        ctx,
        session_id,
        PartneringWorkflow.grant_award,
        GrantRequest(award_id=award_id, films=films, reason=reason, actor=ctx.on_behalf_of("jury")),
    )


async def record_award_step(
    ctx: Context, grant_id: str, step: AwardStep, note: str = ""
) -> AwardState:
    """Record the next step of a granted award (accepted, contract signed, delivered...)."""
    from workflows.award import AwardWorkflow

    return await _award_update(
        ctx, grant_id, AwardWorkflow.record_step, StepRequest(step=step, note=note, actor=ctx.actor)
    )


async def decline_award(ctx: Context, grant_id: str, reason: str) -> AwardState:
    """The producer declines a granted award (before its contract is signed)."""
    from workflows.award import AwardWorkflow

    return await _award_update(
        ctx,
        grant_id,
        AwardWorkflow.decline,
        DeclineRequest(reason=reason, actor=ctx.on_behalf_of("producer")),
    )


async def _award_update(ctx: Context, grant_id: str, method, arg: Any) -> AwardState:
    from workflows.award import AwardWorkflow

    client = await ctx.client()
    handle = client.get_workflow_handle_for(AwardWorkflow.run, award_workflow_id(grant_id))
    try:
        return await update(handle, method, arg, grant_id)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise ActionError(f"{grant_id}: not open ({exc.message})") from None
        raise ActionError(f"{grant_id}: {exc.message}") from None
