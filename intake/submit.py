"""Start one SubmissionWorkflow per valid row, idempotently.

The workflow id is the film's stable key within its session, and Temporal refuses a second start
of that id: entering the same film twice (in one file, in two files, or after a crash halfway
through a batch) never makes a second workflow or row. Re-running a file is therefore safe: what was
accepted before comes back as a duplicate, what was not is accepted now.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from intake.batch import Batch, FieldError, RowError
from models.messages import FilmStage, SubmissionInput
from models.session import SessionStage
from shared import Status, WorkflowType, submission_workflow_id
from temporal_client import Tracking, start_tracked


class SessionTarget(BaseModel):
    """What intake needs to know of the session a batch is entered into."""

    session_id: str
    programme_id: str
    deadline: datetime
    fix_window: timedelta
    stage: SessionStage = SessionStage.CALL_OPEN  # staff may close the call before its deadline


class Entry(BaseModel):
    row: int
    submission_id: str
    title: str
    workflow_id: str


class SubmitReport(BaseModel):
    accepted: list[Entry] = []
    rejected: list[RowError] = []
    duplicates: list[Entry] = []


def call_closed(target: SessionTarget, now: datetime) -> str | None:
    """Why the session takes no more films, if it does not: its deadline passed, or staff moved
    it past its call (`session advance`), so that a late film is never left unreviewed."""
    if target.stage is not SessionStage.CALL_OPEN:
        stage = target.stage.value.replace("_", " ")
        return f"the call for {target.session_id} was closed by staff (the session is in {stage})"
    if now > target.deadline:
        return f"the call for {target.session_id} closed at {target.deadline.isoformat()}"
    return None


async def submit_batch(
    client: Client,
    task_queue: str,
    target: SessionTarget,
    batch: Batch,
    *,
    now: datetime | None = None,
    concurrency: int = 50,
) -> SubmitReport:
    now = now or datetime.now(UTC)
    report = SubmitReport(rejected=list(batch.rejected))
    closed = call_closed(target, now)
    if closed:
        report.rejected += [
            RowError(
                row=v.row,
                title=v.form.original_title,
                errors=[FieldError(field="session", message=closed)],
            )
            for v in batch.valid
        ]
        report.rejected.sort(key=lambda e: e.row)
        return report

    seen: set[str] = set()
    limit = asyncio.Semaphore(concurrency)

    async def start(row: int, submission: SubmissionInput) -> None:
        workflow_id = submission_workflow_id(submission.submission_id)
        entry = Entry(
            row=row,
            submission_id=submission.submission_id,
            title=submission.form.original_title,
            workflow_id=workflow_id,
        )
        if submission.submission_id in seen:
            report.duplicates.append(entry)
            return
        seen.add(submission.submission_id)
        async with limit:
            try:
                await start_tracked(
                    client,
                    WorkflowType.SUBMISSION,
                    submission,
                    id=workflow_id,
                    task_queue=task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                    tracking=Tracking(
                        programme_id=target.programme_id,
                        session_id=target.session_id,
                        stage=FilmStage.RECEIVED.value,
                        status=Status.WORKING,
                        country=submission.form.country,
                        summary=_summary(submission),
                        details=_details(submission),
                    ),
                )
            except WorkflowAlreadyStartedError:
                report.duplicates.append(entry)
                return
        report.accepted.append(entry)

    await asyncio.gather(
        *(
            start(
                v.row,
                SubmissionInput(
                    submission_id=f"{target.session_id}/{v.form.film_key()}",
                    programme_id=target.programme_id,
                    session_id=target.session_id,
                    film_key=v.form.film_key(),
                    form=v.form,
                    fix_window=target.fix_window,
                    submitted_at=now,
                ),
            )
            for v in batch.valid
        )
    )
    for entries in (report.accepted, report.duplicates, report.rejected):
        entries.sort(key=lambda e: e.row)
    return report


def _summary(submission: SubmissionInput) -> str:
    form = submission.form
    directors = ", ".join(d.name for d in form.directors)
    return f"{form.original_title} — {directors} ({form.country})"


def _details(submission: SubmissionInput) -> str:
    form = submission.form
    producers = "\n".join(f"- {p.company} ({p.country}, {p.share_pct:g}%)" for p in form.producers)
    return (
        f"**{form.original_title}**"
        + (f" ({form.english_title})" if form.english_title else "")
        + f"\n\nSession: `{submission.session_id}`  \n"
        f"Genre: {form.genre.value}, cut {form.cut_runtime_min} min, "
        f"expected {form.runtime_expected_min} min, {form.post_stage.value.replace('_', ' ')}\n\n"
        f"Directors: {', '.join(d.name for d in form.directors)}\n\nProducers:\n{producers}\n\n"
        f"Contact: {form.contact.name} ({form.contact.language})"
    )
