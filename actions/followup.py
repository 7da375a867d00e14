"""What producers and staff do with a selected film's follow-up: a progress report (or one
milestone), staff's close, and staff's reopen of a stalled or closed film.

Reports and closes are updates of the film's FollowUpWorkflow, which validates every milestone
before applying any; a reopen starts a new run of it, from the milestones as recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import func, select
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.followup import status_after_reopen
from gateway.context import Context
from gateway.errors import ActionError
from gateway.updates import update
from models.choices import Milestone
from models.followup import (
    CloseRequest,
    FollowUpInput,
    FollowUpState,
    FollowUpStatus,
    MilestoneState,
    Report,
)
from models.orm import AuditRow, FollowUpRow, MilestoneRow, SubmissionRow
from shared import Status, WorkflowType, followup_workflow_id
from store import repository
from temporal_client import Tracking, start_tracked

# Only an ended follow-up reopens; one that premiered is over for good.
REOPENABLE = (FollowUpStatus.STALLED, FollowUpStatus.CLOSED)


class Reopened(BaseModel):
    submission_id: str
    status: FollowUpStatus  # following, or completed if its master was delivered


async def report_progress(ctx: Context, submission_id: str, report: Report) -> FollowUpState:
    """A producer's progress report, entered by staff for them; every milestone is validated
    before any is applied."""
    from workflows.followup import FollowUpWorkflow

    report = report.model_copy(update={"actor": ctx.on_behalf_of("producer")})
    return await _update(ctx, submission_id, FollowUpWorkflow.report, report)


async def report_by_link(
    ctx: Context, submission_id: str, report: Report, update_id: str
) -> FollowUpState:
    """A producer's own report, sent through their signed link under an id made from the link
    and the report: a double click or a reload is one report. Its actor is the report's."""
    from workflows.followup import FollowUpWorkflow

    return await _update(ctx, submission_id, FollowUpWorkflow.report, report, update_id)


async def close_followup(ctx: Context, submission_id: str, reason: str) -> FollowUpState:
    """End a film's follow-up (it can be reopened)."""
    from workflows.followup import FollowUpWorkflow

    return await _update(
        ctx, submission_id, FollowUpWorkflow.close, CloseRequest(reason=reason, actor=ctx.actor)
    )


async def reopen_followup(ctx: Context, submission_id: str, reason: str) -> Reopened:
    """Follow a stalled or closed film again, from its milestones as recorded: a new life of its
    workflow on the settings' task queue (its reminders numbered apart from the earlier lives'),
    a report due a period from now, and the reopen in the audit log."""
    client = await ctx.client()
    now = datetime.now(UTC)
    async with ctx.database.begin() as db:
        row = await db.get(FollowUpRow, submission_id)
        if row is None:
            raise ActionError(f"{submission_id} is not followed")
        if row.status not in REOPENABLE:
            raise ActionError(
                f"{submission_id} is {row.status}: only a stalled or closed one reopens"
            )
        film = await db.get(SubmissionRow, submission_id)
        programme = await repository.load_programme(db, row.programme_id)
        milestones = {
            Milestone(m.milestone): MilestoneState(
                expected=m.expected_on, done=m.done_on, detail=m.detail
            )
            for m in await db.scalars(
                select(MilestoneRow).where(MilestoneRow.submission_id == submission_id)
            )
        }
        reopened = await db.scalar(
            select(func.count())
            .select_from(AuditRow)
            .where(AuditRow.entity_id == submission_id, AuditRow.action == "followup_reopened")
        )
        status = status_after_reopen(milestones)
        try:
            await start_tracked(
                client,
                WorkflowType.FOLLOW_UP,
                FollowUpInput(
                    submission_id=submission_id,
                    session_id=row.session_id,
                    programme_id=row.programme_id,
                    title=film.original_title,
                    cadence=programme.followup,
                    started_at=row.started_at,
                    status=status,
                    milestones=milestones,
                    last_report=now,  # a fresh cycle: the next report is due a period from now
                    reports=row.reports,
                    life=reopened + 2,
                ),
                id=followup_workflow_id(submission_id),
                task_queue=ctx.settings.temporal_task_queue,
                tracking=Tracking(
                    programme_id=row.programme_id,
                    session_id=row.session_id,
                    stage=status.value,
                    status=Status.WAITING_PRODUCER,
                    summary=f"follow-up: {film.original_title} (reopened)",
                    details=(
                        f"**{film.original_title}**, selected for `{row.session_id}`: followed "
                        f"again after it ended ({reason})"
                    ),
                    country=film.country,
                ),
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            raise ActionError(
                f"{submission_id}: its last run is still finishing; reopen it in a moment"
            ) from None
        await repository.audit(
            db,
            key=f"{submission_id}:reopened:{now.isoformat()}",
            at=now,
            actor=ctx.actor,
            entity_type="submission",
            entity_id=submission_id,
            action="followup_reopened",
            from_state=row.status,
            to_state=status.value,
            reason=reason,
        )
        row.status, row.ended_at, row.ended_reason = status.value, None, None
    return Reopened(submission_id=submission_id, status=status)


async def _update(
    ctx: Context, submission_id: str, method, arg: BaseModel, update_id: str | None = None
) -> FollowUpState:
    from workflows.followup import FollowUpWorkflow

    client = await ctx.client()
    handle = client.get_workflow_handle_for(
        FollowUpWorkflow.run, followup_workflow_id(submission_id)
    )
    try:
        return await update(handle, method, arg, submission_id, update_id)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise ActionError(f"{submission_id} is not followed (or its follow-up ended)") from None
        raise ActionError(f"{submission_id}: {exc.message}") from None
