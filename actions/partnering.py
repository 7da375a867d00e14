"""What staff do with a session's partnering once its lineup is final: import its partners, run,
correct and approve the matching, schedule and approve the meetings, and re-plan around an
absence. Nothing reaches a producer until staff approve.

Each action but the import is an update of the session's PartneringWorkflow, which refuses what
its rules refuse (a stale version, a pair that cannot meet) in one line: an ActionError.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from temporalio.service import RPCError, RPCStatusCode

from gateway.context import Context
from gateway.errors import ActionError
from gateway.updates import update
from intake.partners import PartnerImport, import_partners
from models.choices import OverrideAction
from models.orm import SessionRow
from models.partnering import (
    AbsenceRequest,
    ApproveRequest,
    MatchingRequest,
    OverrideRequest,
    RunSummary,
)
from shared import partnering_workflow_id


async def import_session_partners(ctx: Context, session_id: str, path: Path) -> PartnerImport:
    """Import a session's partners from a file; each bad row is refused with its field and why."""
    async with ctx.database() as db:
        if await db.get(SessionRow, session_id) is None:
            raise ActionError(f"no session {session_id!r}")
    return await import_partners(ctx.database, session_id, path)


async def partnering_update(ctx: Context, session_id: str, method, arg: Any) -> Any:
    """An update of the session's partnering, which opens once the lineup is final."""
    from workflows.partnering import PartneringWorkflow

    client = await ctx.client()
    handle = client.get_workflow_handle_for(
        PartneringWorkflow.run, partnering_workflow_id(session_id)
    )
    try:
        return await update(handle, method, arg, session_id)
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise ActionError(f"{session_id}: {exc.message}") from None
    except ActionError as exc:
        if "not open" not in str(exc):
            raise
    raise ActionError(
        f"{session_id}: partnering opens once every slot is confirmed or the event begins"
    ) from None


async def run_matching(ctx: Context, session_id: str, fairness: bool | None) -> RunSummary:
    """Propose the optimal matching of the lineup with the session's partners (fairness None:
    the programme's setting)."""
    from workflows.partnering import PartneringWorkflow

    return await partnering_update(
        ctx,
        session_id,
        PartneringWorkflow.run_matching,
        MatchingRequest(fairness=fairness, actor=ctx.actor),
    )


async def override_match(
    ctx: Context,
    session_id: str,
    submission_id: str,
    partner_id: str,
    action: OverrideAction,
    reason: str,
) -> RunSummary:
    """Add or remove one pair of the proposal (conflicts and capacities still hold)."""
    from workflows.partnering import PartneringWorkflow

    return await partnering_update(
        ctx,
        session_id,
        PartneringWorkflow.override_match,
        OverrideRequest(
            submission_id=submission_id,
            partner_id=partner_id,
            action=action,
            reason=reason,
            actor=ctx.actor,
        ),
    )


async def approve_matching(
    ctx: Context, session_id: str, reason: str, version: int | None = None
) -> list[str]:
    """Approve the proposal staff read (`version`; None: the latest); returns the films whose
    producers were told their partners."""
    from workflows.partnering import PartneringWorkflow

    return await partnering_update(
        ctx,
        session_id,
        PartneringWorkflow.approve_matching,
        ApproveRequest(reason=reason, version=version, actor=ctx.actor),
    )


async def schedule_meetings(ctx: Context, session_id: str) -> RunSummary:
    """Propose a schedule: one meeting per approved match, never during the film's screening."""
    from workflows.partnering import PartneringWorkflow

    return await partnering_update(
        ctx,
        session_id,
        PartneringWorkflow.schedule_meetings,
        ApproveRequest(reason="schedule", actor=ctx.actor),
    )


async def approve_meetings(
    ctx: Context, session_id: str, reason: str, version: int | None = None
) -> list[str]:
    """Approve the schedule; returns the films whose producers were sent their meetings."""
    from workflows.partnering import PartneringWorkflow

    return await partnering_update(
        ctx,
        session_id,
        PartneringWorkflow.approve_meetings,
        ApproveRequest(reason=reason, version=version, actor=ctx.actor),
    )


async def note_absence(
    ctx: Context, session_id: str, who: str, start: datetime, end: datetime, reason: str
) -> RunSummary | None:
    """A partner or a film's team cannot meet between two times: the new proposal that moves
    only their meetings, or None when there is no schedule yet (the absence is kept for it)."""
    from workflows.partnering import PartneringWorkflow

    return await partnering_update(
        ctx,
        session_id,
        PartneringWorkflow.absent,
        AbsenceRequest(who=who, start=start, end=end, reason=reason, actor=ctx.actor),
    )
