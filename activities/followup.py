"""Activities of post-production follow-up: start each selected film's follow-up when its session's
event ends, and record its reports and its ending.

Every write is keyed: a follow-up row per film, a milestone row per (film, milestone), a sale per
(film, territory, kind), audit rows by the report's key. A retried activity changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from models.choices import Milestone
from models.followup import EndingRecord, FollowUpInput, ReportRecord
from models.orm import FollowUpRow, MilestoneRow, SaleRow, SubmissionRow
from models.starts import StartFollowUps
from shared import Status, WorkflowType, followup_workflow_id
from store import repository
from temporal_client import Tracking, start_tracked


class FollowUpActivities:
    def __init__(self, database: async_sessionmaker, client: Client) -> None:
        self._database = database
        self._client = client

    @activity.defn
    async def start_followups(self, data: StartFollowUps) -> list[str]:
        """One follow-up per confirmed film, started once: a retry finds them started."""
        async with self._database.begin() as db:
            programme = await repository.load_programme(db, data.programme_id)
            films = (
                await db.scalars(select(SubmissionRow).where(SubmissionRow.id.in_(data.lineup)))
            ).all()
            await repository.insert_ignore(
                db,
                FollowUpRow,
                [
                    dict(
                        submission_id=f.id,
                        session_id=data.session_id,
                        programme_id=data.programme_id,
                        workflow_id=followup_workflow_id(f.id),
                        status="following",
                        started_at=data.at,
                        reports=0,
                    )
                    for f in films
                ],
                ["submission_id"],
            )
        started = []
        for film in films:
            try:
                await start_tracked(
                    self._client,
                    WorkflowType.FOLLOW_UP,
                    FollowUpInput(
                        submission_id=film.id,
                        session_id=data.session_id,
                        programme_id=data.programme_id,
                        title=film.original_title,
                        cadence=programme.followup,
                        started_at=data.at,
                    ),
                    id=followup_workflow_id(film.id),
                    task_queue=data.task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    tracking=Tracking(
                        programme_id=data.programme_id,
                        session_id=data.session_id,
                        stage="following",
                        status=Status.WAITING_PRODUCER,
                        country=film.country,
                        summary=f"follow-up: {film.original_title}",
                        details=(
                            f"**{film.original_title}** ({film.country}), selected for "
                            f"`{data.session_id}`: followed until finished and premiered"
                        ),
                    ),
                )
                started.append(film.id)
            except WorkflowAlreadyStartedError:
                pass
            activity.heartbeat(film.id)
        return started

    @activity.defn
    async def record_progress(self, data: ReportRecord) -> None:
        async with self._database.begin() as db:
            row = await db.get(FollowUpRow, data.submission_id)
            if not await repository.audit(
                db,
                key=data.key,
                at=data.at,
                actor=data.actor,
                entity_type="submission",
                entity_id=data.submission_id,
                action="reported",
                from_state=row.status,
                to_state=data.status.value,
                reason=_summary(data),
            ):
                return  # recorded by an earlier attempt
            for milestone in data.changed:
                state = data.milestones[milestone]
                current = await db.get(MilestoneRow, (data.submission_id, milestone.value))
                if current is None:
                    current = MilestoneRow(
                        submission_id=data.submission_id, milestone=milestone.value
                    )
                    db.add(current)
                current.expected_on, current.done_on = state.expected, state.done
                current.detail, current.updated_at = state.detail, data.at
            await repository.insert_ignore(
                db,
                SaleRow,
                [
                    dict(
                        submission_id=data.submission_id,
                        kind=kind,
                        territory=territory,
                        company=company,
                        signed_on=signed,
                    )
                    for kind, territory, company, signed in data.sales
                ],
                ["submission_id", "territory", "kind"],
            )
            row.status, row.last_report_at, row.reports = (
                data.status.value,
                data.at,
                row.reports + 1,
            )
            if (master := data.milestones.get(Milestone.MASTER)) and master.done:
                row.completed_on = master.done
            if (premiere := data.milestones.get(Milestone.PREMIERE)) and premiere.done:
                row.premiere_on = premiere.done
                row.premiere_festival = premiere.detail.get("festival")
                row.premiere_section = premiere.detail.get("section")

    @activity.defn
    async def record_followup_end(self, data: EndingRecord) -> None:
        async with self._database.begin() as db:
            row = await db.get(FollowUpRow, data.submission_id)
            if await repository.audit(
                db,
                key=data.key,
                at=data.at,
                actor=data.actor,
                entity_type="submission",
                entity_id=data.submission_id,
                action=f"followup_{data.status.value}",
                from_state=row.status,
                to_state=data.status.value,
                reason=data.reason,
            ):
                row.status, row.ended_at, row.ended_reason = (
                    data.status.value,
                    data.at,
                    data.reason,
                )

    def all(self) -> list:
        return [self.start_followups, self.record_progress, self.record_followup_end]


def _summary(data: ReportRecord) -> str:
    parts = []
    for m in data.changed:
        s = data.milestones[m]
        parts.append(
            f"{m.value}: "
            + (f"done {s.done}" if s.done else f"expected {s.expected}")
            + "".join(f", {k} {v}" for k, v in s.detail.items())
        )
    return "; ".join(parts + ([data.note] if data.note else [])) or "report without changes"
