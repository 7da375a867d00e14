"""Post-production follow-up: where each selected film stands, its producer's reports, and
staff's close and reopen.

    followup list SESSION                followup show SUBMISSION
    followup report SUBMISSION FILE      followup milestone SUBMISSION MILESTONE [--done ...]
    followup close SUBMISSION --reason   followup reopen SUBMISSION --reason
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy import func, select
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from actions.context import database
from actions.updates import update
from cli.common import (
    CliError,
    JsonFlag,
    command,
    emit,
    error_text,
    group,
    out,
    read_json,
)
from domain.followup import (
    FollowUpStatus,
    Milestone,
    MilestoneState,
    MilestoneUpdate,
    Report,
)
from models.followup import CloseRequest, FollowUpInput, FollowUpState
from models.orm import AuditRow, AwardGrantRow, FollowUpRow, MilestoneRow, SubmissionRow
from settings import get_settings
from shared import PROGRAMME, SESSION, STAGE, STATUS, Status, followup_workflow_id
from store import repository
from temporal_client import connect
from workflows.followup import FollowUpWorkflow

followup_app = group("followup", "Selected films after their session, until finished.")

Reason = Annotated[str, typer.Option("--reason", help="Kept in the audit log.")]


async def _update(submission_id: str, method, arg) -> FollowUpState:
    client = await connect(get_settings())
    handle = client.get_workflow_handle_for(
        FollowUpWorkflow.run, followup_workflow_id(submission_id)
    )
    try:
        return await update(handle, method, arg, submission_id)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise CliError(f"{submission_id} is not followed (or its follow-up ended)") from None
        raise CliError(f"{submission_id}: {exc.message}") from None


@command(followup_app, "list")
async def followup_list(session_id: str, as_json: JsonFlag = False) -> None:
    """Every followed film of a session: status, reports, the last one, how it ended."""
    async with database(get_settings()) as sessions, sessions() as db:
        rows = (
            await db.execute(
                select(FollowUpRow, SubmissionRow.original_title)
                .join(SubmissionRow, SubmissionRow.id == FollowUpRow.submission_id)
                .where(FollowUpRow.session_id == session_id)
                .order_by(SubmissionRow.original_title)
            )
        ).all()
    data = [
        {
            "submission_id": f.submission_id,
            "title": title,
            "status": f.status,
            "reports": f.reports,
            "last_report_at": f.last_report_at and f.last_report_at.isoformat(),
            "completed_on": f.completed_on and f.completed_on.isoformat(),
            "premiere": f.premiere_festival,
            "ended": f.ended_reason,
        }
        for f, title in rows
    ]

    def render() -> None:
        table = Table("film", "status", "reports", "last report", "finished", "premiere", "ended")
        for d in data:
            table.add_row(
                d["title"],
                d["status"],
                str(d["reports"]),
                (d["last_report_at"] or "")[:10],
                d["completed_on"] or "",
                d["premiere"] or "",
                d["ended"] or "",
            )
        out.print(table)

    emit(data, as_json, render)


@command(followup_app, "show")
async def followup_show(submission_id: str, as_json: JsonFlag = False) -> None:
    """One film's milestones (expected and done), its awards and its follow-up timeline."""
    async with database(get_settings()) as sessions, sessions() as db:
        row = await db.get(FollowUpRow, submission_id)
        if row is None:
            raise CliError(f"{submission_id} is not followed")
        title = (await db.get(SubmissionRow, submission_id)).original_title
        milestones = {
            m.milestone: {
                "expected": m.expected_on and m.expected_on.isoformat(),
                "done": m.done_on and m.done_on.isoformat(),
                "detail": m.detail,
            }
            for m in await db.scalars(
                select(MilestoneRow).where(MilestoneRow.submission_id == submission_id)
            )
        }
        awards = [
            {"award": a.award_id, "step": a.step, "overdue": a.overdue, "due": a.due_at}
            for a in await db.scalars(
                select(AwardGrantRow).where(AwardGrantRow.submission_id == submission_id)
            )
        ]
        trail = [
            {"at": a.at.isoformat(), "actor": a.actor, "action": a.action, "reason": a.reason}
            for a in await repository.audit_trail(db, submission_id)
            if a.action.startswith(("reported", "followup_", "escalated", "award_"))
        ]
    data = {
        "submission_id": submission_id,
        "title": title,
        "status": row.status,
        "reports": row.reports,
        "milestones": milestones,
        "awards": awards,
        "timeline": trail,
    }

    def render() -> None:
        out.print(f"[bold]{title}[/bold]: {row.status}, {row.reports} report(s)")
        table = Table("milestone", "expected", "done", "detail")
        for m in Milestone:
            if (s := milestones.get(m.value)) is not None:
                detail = ", ".join(f"{k} {v}" for k, v in s["detail"].items())
                table.add_row(m.value, s["expected"] or "", s["done"] or "", detail)
        out.print(table)
        for a in awards:
            flag = " [red]overdue[/red]" if a["overdue"] else ""
            out.print(f"award {a['award']}: {a['step']}{flag}")
        for t in trail:
            out.print(
                f"{t['at'][:16]} {t['actor']}: {t['action']} — {t['reason']}", highlight=False
            )

    emit(data, as_json, render)


@command(followup_app, "report")
async def followup_report(
    submission_id: str,
    file: Annotated[Path, typer.Argument(help='JSON: {"note": ..., "milestones": [...]}')],
    as_json: JsonFlag = False,
) -> None:
    """A producer's progress report; every milestone is validated before any is applied."""
    try:
        report = Report.model_validate(read_json(file))
    except ValidationError as exc:
        raise CliError(f"{file}: {error_text(exc)}") from None
    state = await _update(submission_id, FollowUpWorkflow.report, report)
    emit(state, as_json, lambda: _render_state(state))


@command(followup_app, "milestone")
async def followup_milestone(
    submission_id: str,
    milestone: Milestone,
    expected: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    done: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    festival: Annotated[str | None, typer.Option(help="premiere")] = None,
    section: Annotated[str | None, typer.Option(help="premiere")] = None,
    territory: Annotated[str | None, typer.Option(help="distribution, tv_sale: ISO code")] = None,
    company: Annotated[str | None, typer.Option(help="distribution, tv_sale, sales_agent")] = None,
    reason: Annotated[str | None, typer.Option(help="why a date moves back")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Set or revise one milestone's expected date, or record it done."""
    detail = {
        k: v
        for k, v in dict(
            festival=festival, section=section, territory=territory, company=company
        ).items()
        if v
    }
    try:
        change = MilestoneUpdate(
            milestone=milestone,
            expected=_date(expected),
            done=_date(done),
            detail=detail,
            reason=reason,
        )
    except ValidationError as exc:
        raise CliError(error_text(exc)) from None
    state = await _update(submission_id, FollowUpWorkflow.report, Report(milestones=[change]))
    emit(state, as_json, lambda: _render_state(state))


@command(followup_app, "close")
async def followup_close(submission_id: str, reason: Reason, as_json: JsonFlag = False) -> None:
    """End a film's follow-up (it can be reopened)."""
    state = await _update(
        submission_id, FollowUpWorkflow.close, CloseRequest(reason=reason, actor="staff")
    )
    emit(state, as_json, lambda: _render_state(state))


@command(followup_app, "reopen")
async def followup_reopen(submission_id: str, reason: Reason, as_json: JsonFlag = False) -> None:
    """Follow a stalled or closed film again, from its milestones as recorded."""
    settings = get_settings()
    client = await connect(settings)
    async with database(settings) as sessions:
        data = await reopen(client, sessions, submission_id, reason, settings.temporal_task_queue)
    emit(data, as_json, lambda: out.print(f"{submission_id}: following again"))


async def reopen(
    client: Client, sessions, submission_id: str, reason: str, task_queue: str
) -> dict[str, Any]:
    now = datetime.now(UTC)
    async with sessions.begin() as db:
        row = await db.get(FollowUpRow, submission_id)
        if row is None:
            raise CliError(f"{submission_id} is not followed")
        if row.status not in (FollowUpStatus.STALLED, FollowUpStatus.CLOSED):
            raise CliError(f"{submission_id} is {row.status}: only a stalled or closed one reopens")
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
        master = milestones.get(Milestone.MASTER)
        status = FollowUpStatus.COMPLETED if master and master.done else FollowUpStatus.FOLLOWING
        try:
            await client.start_workflow(
                FollowUpWorkflow.run,
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
                task_queue=task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(PROGRAMME, row.programme_id),
                        SearchAttributePair(SESSION, row.session_id),
                        SearchAttributePair(STAGE, status.value),
                        SearchAttributePair(STATUS, Status.WAITING_PRODUCER.value),
                    ]
                ),
                static_summary=f"follow-up: {film.original_title} (reopened)"[:200],
                static_details=(
                    f"**{film.original_title}**, selected for `{row.session_id}`: followed again "
                    f"after it ended ({reason})"
                ),
            )
        except WorkflowAlreadyStartedError:
            raise CliError(
                f"{submission_id}: its last run is still finishing; reopen it in a moment"
            ) from None
        await repository.audit(
            db,
            key=f"{submission_id}:reopened:{now.isoformat()}",
            at=now,
            actor="staff",
            entity_type="submission",
            entity_id=submission_id,
            action="followup_reopened",
            from_state=row.status,
            to_state=status.value,
            reason=reason,
        )
        row.status, row.ended_at, row.ended_reason = status.value, None, None
    return {"submission_id": submission_id, "status": status.value}


def _render_state(state: FollowUpState) -> None:
    out.print(f"[bold]{state.title}[/bold]: {state.status.value}, {state.reports} report(s)")
    if state.next_step is not None:
        out.print(f"next: {state.next_step.value} on {state.next_at:%Y-%m-%d}")
    if state.ending:
        out.print(f"ended: {state.ending}")


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{text!r} is not a date (YYYY-MM-DD)") from None
