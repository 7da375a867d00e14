"""Moving a session along its calendar: a milestone's date, the next stage now, its close. Each
answers with the session's board as it stands after."""

from __future__ import annotations

from datetime import datetime

from pydantic import TypeAdapter, ValidationError

from gateway.context import Context
from gateway.errors import ActionError
from gateway.handles import session_update
from models.session import NEXT_STAGE, AdvanceInput, ExtendInput, Milestone, SessionStage
from readmodels.board import Board, board, session_status
from workflows.session import SessionWorkflow


async def extend(ctx: Context, session_id: str, milestone: str, to: datetime, reason: str) -> Board:
    """Move a date of the session's calendar (the workflow checks it is to come, order kept)."""
    try:
        name = TypeAdapter(Milestone).validate_python(milestone)
    except ValidationError:
        raise ActionError(f"{milestone!r} is not a milestone of the calendar") from None
    request = ExtendInput(milestone=name, to=to, reason=reason, actor=ctx.actor)
    await session_update(ctx, session_id, SessionWorkflow.extend, request)
    return await board(ctx, session_id)


async def advance(ctx: Context, session_id: str, reason: str) -> Board:
    """Move the session to its next stage now, ahead of its calendar."""
    stage = (await session_status(ctx, session_id)).stage
    if stage not in NEXT_STAGE:
        raise ActionError(f"{session_id} is {stage}: there is no next stage")
    return await move_to(ctx, session_id, NEXT_STAGE[stage], reason)


async def close(ctx: Context, session_id: str, reason: str) -> Board:
    """Close a session in follow-up."""
    return await move_to(ctx, session_id, SessionStage.CLOSED, reason)


async def move_to(ctx: Context, session_id: str, stage: SessionStage, reason: str) -> Board:
    await session_update(
        ctx,
        session_id,
        SessionWorkflow.advance,
        AdvanceInput(to=stage, reason=reason, actor=ctx.actor),
    )
    return await board(ctx, session_id)
