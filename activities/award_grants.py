"""Activities of a session's awards: the jury's decision recorded, each granted share's
AwardWorkflow started (by name, once: a retry finds it running), and each step of an award kept.
Who may receive an award and what a share is worth are `domain/awards.py`'s rules."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from activities.partnering_runs import refuse
from domain import awards
from models.choices import AwardStep
from models.orm import AwardGrantRow, SubmissionRow
from models.partnering import AwardInput, GrantSummary
from models.partnering_io import AwardStepInput, GrantInput
from models.submission import SubmissionForm
from shared import Status, WorkflowType, award_workflow_id, session_key
from store import repository
from temporal_client import Tracking, start_tracked


class AwardActivities:
    def __init__(self, database: async_sessionmaker, client: Client) -> None:
        self._database = database
        self._client = client

    @activity.defn
    async def grant_award(self, data: GrantInput) -> list[GrantSummary]:
        """Record the jury's decision and start each granted share's award workflow.

        Refused, with every reason, when the award is not this session's, a film is not in the
        lineup, or a film fails the award's own filters (the workflow has checked the shares)."""
        request, sid = data.request, data.session_id
        async with self._database() as db:
            programme = await repository.load_programme(db, data.programme_id)
            award = next(
                (a for a in programme.awards_for(session_key(sid)) if a.id == request.award_id),
                None,
            )
            if award is None:
                known = ", ".join(a.id for a in programme.awards_for(session_key(sid)))
                raise refuse(
                    f"{sid} has no award {request.award_id!r} (its awards: {known or 'none'})",
                    "UnknownAward",
                )
            rows = {
                r.id: r
                for r in await db.scalars(
                    select(SubmissionRow).where(
                        SubmissionRow.id.in_([f.submission_id for f in request.films])
                    )
                )
            }
            earlier = set(
                await db.scalars(
                    select(AwardGrantRow.submission_id).where(
                        AwardGrantRow.session_id == sid, AwardGrantRow.award_id == award.id
                    )
                )
            )
        films = {
            sid: (row.original_title, SubmissionForm.model_validate(row.form))
            for sid, row in rows.items()
            if sid in data.lineup
        }
        problems = awards.grant_refusals(
            award, programme, [f.submission_id for f in request.films], films, earlier
        )
        if problems:
            raise refuse("; ".join(problems), "AwardRefused")
        grants = []
        for share in request.films:
            value = awards.share_value(award.value, share.share_pct)
            film_key = share.submission_id.rsplit("/", 1)[1]
            grant_id = f"{sid}/{award.id}/{film_key}"
            grants.append(
                GrantSummary(
                    grant_id=grant_id,
                    award_id=award.id,
                    submission_id=share.submission_id,
                    share_pct=share.share_pct,
                    value=value,
                    currency=award.currency,
                    workflow_id=award_workflow_id(grant_id),
                )
            )
        async with self._database.begin() as db:
            await repository.insert_ignore(
                db,
                AwardGrantRow,
                [
                    dict(
                        id=g.grant_id,
                        session_id=sid,
                        award_id=g.award_id,
                        submission_id=g.submission_id,
                        share_pct=g.share_pct,
                        value=g.value,
                        currency=g.currency,
                        step=AwardStep.OFFERED.value,
                        due_at=None,
                        overdue=False,
                        workflow_id=g.workflow_id,
                        granted_at=data.at,
                        actor=request.actor,
                        reason=request.reason,
                    )
                    for g in grants
                ],
                ["id"],
            )
            for g in grants:
                await repository.audit(
                    db,
                    key=f"{g.grant_id}:granted",
                    at=data.at,
                    actor=request.actor,
                    entity_type="submission",
                    entity_id=g.submission_id,
                    action="award_granted",
                    to_state=AwardStep.OFFERED.value,
                    reason=f"{award.name} ({g.share_pct:g}%, {awards.worth(g.value, g.currency)}): "
                    f"{request.reason}",
                )
        for g in grants:
            await start_tracked(
                self._client,
                WorkflowType.AWARD,
                AwardInput(
                    grant_id=g.grant_id,
                    session_id=sid,
                    programme_id=data.programme_id,
                    submission_id=g.submission_id,
                    award=award,
                    share_pct=g.share_pct,
                    value=g.value,
                    currency=g.currency,
                    granted_at=data.at,
                ),
                id=g.workflow_id,
                task_queue=data.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                tracking=Tracking(
                    programme_id=data.programme_id,
                    session_id=sid,
                    stage=AwardStep.OFFERED.value,
                    status=Status.WAITING_PRODUCER,
                    summary=f"{award.name} → {rows[g.submission_id].original_title}",
                    details=(
                        f"**{award.name}** ({award.kind.value}, given by {award.partner}) to "
                        f"**{rows[g.submission_id].original_title}**: {g.share_pct:g}% = "
                        f"{awards.worth(g.value, g.currency)}"
                    ),
                ),
            )
        return grants

    @activity.defn
    async def record_award_step(self, data: AwardStepInput) -> None:
        async with self._database.begin() as db:
            row = await db.get(AwardGrantRow, data.grant_id)
            row.step, row.due_at, row.overdue = data.step, data.due_at, data.overdue
            action = "award_overdue" if data.overdue else f"award_{data.step}"
            await repository.audit(
                db,
                key=f"{data.grant_id}:{data.step}" + (":overdue" if data.overdue else ""),
                at=data.at,
                actor=data.actor,
                entity_type="submission",
                entity_id=row.submission_id,
                action=action,
                to_state=data.step,
                reason=f"{row.award_id}: {data.reason}",
            )

    def all(self) -> list:
        return [self.grant_award, self.record_award_step]
