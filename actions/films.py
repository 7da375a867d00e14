"""A film's submission from the staff's side: entering a batch, a producer's fix, a withdrawal."""

from __future__ import annotations

from gateway.context import Context
from gateway.errors import ActionError
from gateway.handles import submission_update
from intake.batch import Batch
from intake.opening import target_of
from intake.submit import SessionTarget, SubmitReport, submit_batch
from models.messages import FixInput, SubmissionState, WithdrawInput
from store import repository
from workflows.submission import SubmissionWorkflow


async def session_target(ctx: Context, session_id: str) -> SessionTarget:
    """The open session a batch is entered into, or a refusal saying how to open it."""
    async with ctx.database() as db:
        row = await repository.get_session(db, session_id)
    if row is None:
        raise ActionError(f"no session {session_id!r}: open it with `starter.py session open`")
    return target_of(row)


async def submit(ctx: Context, target: SessionTarget, batch: Batch) -> SubmitReport:
    """Each valid row starts its film's workflow, once: a film entered again is a duplicate."""
    return await submit_batch(await ctx.client(), ctx.settings.temporal_task_queue, target, batch)


async def fix(
    ctx: Context, submission_id: str, changes: dict, actor: str | None = None
) -> SubmissionState:
    """A producer's correction, entered by staff for them unless `actor` says otherwise;
    answers with the new eligibility outcome."""
    request = FixInput(changes=changes, actor=actor or ctx.on_behalf_of("producer"))
    return await submission_update(ctx, submission_id, SubmissionWorkflow.submit_fix, request)


async def withdraw(
    ctx: Context, submission_id: str, reason: str, actor: str | None = None
) -> SubmissionState:
    """Withdraw a film, at any stage up to the event (a held slot goes to the next film)."""
    request = WithdrawInput(reason=reason, actor=actor or ctx.on_behalf_of("producer"))
    return await submission_update(ctx, submission_id, SubmissionWorkflow.withdraw, request)
