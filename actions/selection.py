"""The ranking and the offers: pins and exclusions before the offers, the selection run, and the
producers' answers given on their behalf."""

from __future__ import annotations

from pydantic import BaseModel

from actions.calendar import move_to
from gateway.context import Context
from gateway.errors import ActionError
from gateway.handles import session_update
from models.session import AnswerInput, PinInput, SessionStage
from readmodels.board import Board, board
from workflows.session import SessionWorkflow


class Pins(BaseModel):
    pins: dict[str, str]  # film -> why


class Excludes(BaseModel):
    excludes: dict[str, str]  # film -> why


async def run_selection(ctx: Context, session_id: str, reason: str) -> Board:
    """Send the offers now (the session must be in selection)."""
    return await move_to(ctx, session_id, SessionStage.CONFIRMATION, reason)


async def pin(ctx: Context, session_id: str, submission_id: str, reason: str) -> Pins:
    """Rank a film first, whatever its scores (before the offers)."""
    status = await session_update(
        ctx,
        session_id,
        SessionWorkflow.pin,
        PinInput(submission_id=submission_id, reason=reason, actor=ctx.actor),
    )
    return Pins(pins=status.pins)


async def exclude(ctx: Context, session_id: str, submission_id: str, reason: str) -> Excludes:
    """Leave a film out of the ranking (before the offers)."""
    request = PinInput(submission_id=submission_id, reason=reason, actor=ctx.actor)
    status = await session_update(ctx, session_id, SessionWorkflow.exclude, request)
    return Excludes(excludes=status.excludes)


def session_of(submission_id: str) -> str:
    if submission_id.count("/") != 2:
        raise ActionError(f"{submission_id!r} is not a submission id (programme/session/film)")
    return submission_id.rsplit("/", 1)[0]


async def confirm(ctx: Context, submission_id: str) -> Board:
    """Accept the slot offered to a film (before its deadline)."""
    return await _answer(ctx, submission_id, SessionWorkflow.confirm, "")


async def decline(ctx: Context, submission_id: str, reason: str) -> Board:
    """Decline the slot offered to a film; it goes to the next waitlisted film."""
    return await _answer(ctx, submission_id, SessionWorkflow.decline, reason)


async def _answer(ctx: Context, submission_id: str, method, reason: str) -> Board:
    session_id = session_of(submission_id)
    answer = AnswerInput(
        submission_id=submission_id, reason=reason, actor=ctx.on_behalf_of("producer")
    )
    await session_update(ctx, session_id, method, answer)
    return await board(ctx, session_id)
