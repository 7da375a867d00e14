"""Activities of a session's partnering as a whole: opening it once the lineup is final, and
approving a proposal (matches or meetings), which names the films whose plan changed.

The proposals themselves are computed in `match_runs` and `meeting_runs`, the awards granted in
`award_grants`; all of them share the reads and versioned runs of `partnering_runs`.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from activities.partnering_runs import plan_by_film
from models.orm import PartneringRunRow
from models.partnering import PartneringInput, RunStatus
from models.partnering_io import ApproveInput
from models.starts import OpenInput
from shared import Status, WorkflowType, partnering_workflow_id, session_key
from store import repository
from temporal_client import Tracking, start_tracked


class PartneringActivities:
    def __init__(self, database: async_sessionmaker, client: Client) -> None:
        self._database = database
        self._client = client

    @activity.defn
    async def open_partnering(self, data: OpenInput) -> str:
        """Start the session's partnering workflow (once: a retry finds it running)."""
        async with self._database() as db:
            programme = await repository.load_programme(db, data.programme_id)
        awards = [a.id for a in programme.awards_for(session_key(data.session_id))]
        handle = await start_tracked(
            self._client,
            WorkflowType.PARTNERING,
            PartneringInput(
                session_id=data.session_id,
                programme_id=data.programme_id,
                name=data.name,
                lineup=data.lineup,
                screenings=data.screenings,
                screening_minutes=data.screening_minutes,
                award_ids=awards,
            ),
            id=partnering_workflow_id(data.session_id),
            task_queue=data.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            tracking=Tracking(
                programme_id=data.programme_id,
                session_id=data.session_id,
                stage="matching none, meetings none",
                status=Status.WAITING_STAFF,
                summary=f"{data.name}: partners, meetings and awards",
                details=(
                    f"**{data.name}** (`{data.session_id}`): the final lineup of "
                    f"{len(data.lineup)} films matched with the session's partners, their "
                    f"one-to-one meetings, and the jury's awards ({', '.join(awards) or 'none'})"
                ),
            ),
        )
        return handle.id

    @activity.defn
    async def approve_run(self, data: ApproveInput) -> list[str]:
        """Approve a proposal; returns the films whose matches or meetings it changed, who are
        the ones to tell (all of them the first time)."""
        async with self._database.begin() as db:
            run = await db.get(PartneringRunRow, (data.session_id, data.kind, data.version))
            if run.status != RunStatus.APPROVED:
                run.status, run.approved_at, run.approved_by = "approved", data.at, data.actor
                summary = dict(run.summary, status="approved")
                run.summary = summary
                await db.execute(
                    update(PartneringRunRow)
                    .where(
                        PartneringRunRow.session_id == data.session_id,
                        PartneringRunRow.kind == data.kind,
                        PartneringRunRow.version != data.version,
                        PartneringRunRow.status.in_(["approved", "proposed"]),
                    )
                    .values(status="superseded")
                )
                await repository.audit(
                    db,
                    key=f"{data.session_id}:{data.kind}:{data.version}:approved",
                    at=data.at,
                    actor=data.actor,
                    entity_type="session",
                    entity_id=data.session_id,
                    action=f"{data.kind}_approved",
                    reason=f"version {data.version}: {data.reason}",
                )
            now = await plan_by_film(db, data.session_id, data.kind, data.version)
            before = (
                {}
                if data.previous is None
                else await plan_by_film(db, data.session_id, data.kind, data.previous)
            )
        return sorted(f for f in set(now) | set(before) if now.get(f) != before.get(f))

    def all(self) -> list:
        return [self.open_partnering, self.approve_run]
