"""Activities of the submission workflow: every database write it makes, each one idempotent.

Each activity does its writes in one transaction, keyed so that a retry, or a replay after a worker
crash, finds the rows already there and leaves them as they are.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity

from domain.eligibility import evaluate
from models.eligibility import EligibilityContext, EligibilityReport
from models.messages import (
    STAGE_FOR_OUTCOME,
    CheckInput,
    FilmStage,
    RecordReportInput,
    RecordScoreInput,
    RegisterInput,
    TransitionInput,
)
from store import eligibility_records, repository


class SubmissionActivities:
    def __init__(self, database: async_sessionmaker) -> None:
        self._database = database

    @activity.defn
    async def register_submission(self, data: RegisterInput) -> bool:
        """Write the submission's row and its "submitted" audit entry; False if already there."""
        sub = data.submission
        form = sub.form
        row = dict(
            id=sub.submission_id,
            session_id=sub.session_id,
            programme_id=sub.programme_id,
            film_key=sub.film_key,
            workflow_id=data.workflow_id,
            original_title=form.original_title,
            english_title=form.english_title,
            genre=form.genre.value,
            country=form.country,
            runtime_expected_min=form.runtime_expected_min,
            cut_runtime_min=form.cut_runtime_min,
            post_stage=form.post_stage.value,
            directors=[d.model_dump(mode="json") for d in form.directors],
            producers=[p.model_dump(mode="json") for p in form.producers],
            screener=form.screener.model_dump(mode="json"),
            finance=form.finance.model_dump(mode="json"),
            post_needs=[n.value for n in form.post_needs],
            history=form.history.model_dump(mode="json"),
            contact_name=form.contact.name,
            contact_email=form.contact.email,
            contact_language=form.contact.language,
            form=form.model_dump(mode="json"),
            status=FilmStage.RECEIVED.value,
            submitted_at=sub.submitted_at,
        )
        async with self._database.begin() as db:
            created = await repository.insert_submission(db, row)
            await repository.audit(
                db,
                key=f"{data.workflow_id}:submitted",
                at=sub.submitted_at,
                actor=form.contact.email,
                entity_type="submission",
                entity_id=sub.submission_id,
                action="submitted",
                to_state=FilmStage.RECEIVED.value,
            )
        return created

    @activity.defn
    async def evaluate_eligibility(self, data: CheckInput) -> EligibilityReport:
        """Judge the form by the programme's rules as stored, and record the result per rule."""
        async with self._database.begin() as db:
            programme, earlier = await eligibility_records.eligibility_facts(
                db, data.programme_id, data.film_key, data.session_id
            )
            context = EligibilityContext(earlier_sessions=earlier)
            report = evaluate(data.form, programme.eligibility, context, data.check_no)
            stage = STAGE_FOR_OUTCOME[report.outcome]
            now = data.at
            await eligibility_records.insert_eligibility(db, data.submission_id, report, now)
            await repository.set_submission_status(
                db,
                data.submission_id,
                stage.value,
                now,
                form=data.form.model_dump(mode="json") if data.check_no > 1 else None,
            )
            failing = report.with_outcome(report.outcome)
            await repository.audit(
                db,
                key=f"{data.submission_id}:eligibility:{data.check_no}",
                at=now,
                actor=data.actor,
                entity_type="submission",
                entity_id=data.submission_id,
                action=f"eligibility check {data.check_no}",
                to_state=stage.value,
                reason="; ".join(r.reason for r in failing)
                if stage != FilmStage.ELIGIBLE
                else None,
            )
        return report

    @activity.defn
    async def record_report(self, data: RecordReportInput) -> None:
        now = data.at
        async with self._database.begin() as db:
            await eligibility_records.insert_eligibility(db, data.submission_id, data.report, now)
            await repository.set_submission_status(db, data.submission_id, data.to_stage.value, now)
            await repository.audit(
                db,
                key=f"{data.submission_id}:eligibility:{data.report.check_no}",
                at=now,
                actor="wipflow",
                entity_type="submission",
                entity_id=data.submission_id,
                action=f"eligibility check {data.report.check_no}",
                from_state=data.from_stage.value,
                to_state=data.to_stage.value,
                reason=data.reason,
            )

    @activity.defn
    async def record_transition(self, data: TransitionInput) -> None:
        async with self._database.begin() as db:
            await repository.set_submission_status(
                db, data.submission_id, data.to_stage.value, data.at
            )
            await repository.audit(
                db,
                key=data.key,
                at=data.at,
                actor=data.actor,
                entity_type="submission",
                entity_id=data.submission_id,
                action=data.action,
                from_state=data.from_stage.value,
                to_state=data.to_stage.value,
                reason=data.reason,
            )

    @activity.defn
    async def record_score(self, data: RecordScoreInput) -> None:
        async with self._database.begin() as db:
            await repository.upsert_score(
                db,
                dict(
                    submission_id=data.submission_id,
                    member_id=data.member_id,
                    session_id=data.session_id,
                    score=data.score,
                    comment=data.comment,
                    scored_at=data.at,
                    actor=data.actor,
                ),
            )

    def all(self) -> list:
        return [
            self.register_submission,
            self.evaluate_eligibility,
            self.record_report,
            self.record_transition,
            self.record_score,
        ]
