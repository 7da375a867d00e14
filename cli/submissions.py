"""Intake and one film's submission: enter a file, show, fix, withdraw."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer
from pydantic import BaseModel
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from cli.common import (
    CliError,
    JsonFlag,
    app,
    command,
    database,
    emit,
    group,
    out,
    print_rejected,
    read_json,
    update,
)
from intake.batch import read_batch
from intake.opening import target_of
from intake.submit import SubmitReport, submit_batch
from models.messages import FixInput, SubmissionState, WithdrawInput
from models.orm import OutboxRow, ScoreRow
from settings import get_settings
from shared import STAGE, submission_workflow_id
from store import repository
from temporal_client import connect
from workflows.submission import SubmissionWorkflow

submission_app = group("submission", "One film's submission.")


@command(app, "submit")
async def submit(
    session_id: str,
    file: Annotated[Path, typer.Argument(help="One JSON submission, a JSON list, or a CSV")],
    as_json: JsonFlag = False,
) -> None:
    """Enter submissions into a session: each valid row starts its workflow, once."""
    settings = get_settings()
    async with database(settings) as sessions, sessions() as db:
        row = await repository.get_session(db, session_id)
    if row is None:
        raise CliError(f"no session {session_id!r}: open it with `starter.py session open`")
    batch = read_batch(file)
    client = await connect(settings)
    report = await submit_batch(client, settings.temporal_task_queue, target_of(row), batch)
    emit(report, as_json, lambda: render_report(report))
    if report.rejected and not report.accepted and not report.duplicates:
        raise typer.Exit(2)


def render_report(report: SubmitReport) -> None:
    out.print(
        f"[green]{len(report.accepted)} accepted[/green], "
        f"[yellow]{len(report.duplicates)} already submitted[/yellow], "
        f"[red]{len(report.rejected)} rejected[/red]"
    )
    for dup in report.duplicates:
        out.print(f"  row {dup.row}: {dup.title} was already submitted as {dup.submission_id}")
    print_rejected(report.rejected)


# --- one submission ---------------------------------------------------------------------------


def _handle(client: Client, submission_id: str):
    return client.get_workflow_handle_for(
        SubmissionWorkflow.run, submission_workflow_id(submission_id)
    )


async def _rpc_error(client: Client, submission_id: str, exc: RPCError) -> CliError:
    """Say whether the submission does not exist or is already over."""
    if exc.status != RPCStatusCode.NOT_FOUND:
        return CliError(f"{submission_id}: {exc.message}")
    try:
        description = await _handle(client, submission_id).describe()
    except RPCError:
        return CliError(f"no submission {submission_id!r}")
    stage = description.typed_search_attributes.get(STAGE) or "closed"
    return CliError(f"{submission_id} is {stage} and its workflow has ended: nothing can change it")


def render_state(state: SubmissionState) -> None:
    out.print(
        f"[bold]{state.title}[/bold] ({state.submission_id}): [bold]{state.stage.value}"
        f"[/bold], check {state.check_no}"
    )
    if state.fix_deadline:
        out.print(f"fix by {state.fix_deadline:%Y-%m-%d %H:%M} UTC")
    if state.reviewers:
        scores = ", ".join(
            f"{m} {state.scores[m]:g}" if m in state.scores else f"{m} (to score)"
            for m in state.reviewers
        )
        out.print(f"reviewers: {scores}")
    if state.offer_deadline:
        out.print(f"offer to answer by {state.offer_deadline:%Y-%m-%d %H:%M} UTC")
    table = Table("rule", "outcome", "reason")
    colours = {"pass": "green", "fail": "red", "needs_fix": "yellow"}
    for r in state.results:
        table.add_row(r.rule_id, f"[{colours[r.outcome.value]}]{r.outcome.value}[/]", r.reason)
    out.print(table)


class Moment(BaseModel):
    """One line of a film's timeline: a stage it entered, a decision, a score or a message."""

    at: datetime
    kind: Literal["stage", "decision", "score", "message"]
    what: str
    actor: str | None = None
    detail: str | None = None


async def timeline(db: AsyncSession, submission_id: str) -> list[Moment]:
    """The film's story, oldest first, from the audit log, its scores and its outbox: what an
    operator asks when a film seems stuck, without opening the database."""
    moments, stage = [], None
    for a in await repository.audit_trail(db, submission_id):
        # Its awards and its follow-up write under the film's id too: their states are theirs.
        own = not a.action.startswith(("award_", "followup_", "reported"))
        moved = own and a.to_state is not None and a.to_state != stage
        moments.append(
            Moment(
                at=a.at,
                kind="stage" if moved else "decision",
                what=f"{stage or 'new'} → {a.to_state}"
                if moved
                else a.action + (f" → {a.to_state}" if not own and a.to_state else ""),
                actor=a.actor,
                detail="; ".join(x for x in (a.action if moved else None, a.reason) if x),
            )
        )
        stage = a.to_state if moved else stage
    scores = await db.scalars(select(ScoreRow).where(ScoreRow.submission_id == submission_id))
    moments += [
        Moment(
            at=s.scored_at,
            kind="score",
            what=f"scored {s.score:g}",
            actor=s.member_id,
            detail=s.comment,
        )
        for s in scores
    ]
    sent = await db.scalars(select(OutboxRow).where(OutboxRow.submission_id == submission_id))
    moments += [
        Moment(
            at=m.sent_at or m.created_at,
            kind="message",
            what=f"{m.stage} ({m.language}) {m.status}",
            actor="wipflow",
            detail=f"to {m.recipient}: {m.subject}"
            + (f" — {m.last_error}" if m.status == "failed" and m.last_error else ""),
        )
        for m in sent
    ]
    return sorted(moments, key=lambda m: m.at)


def render_timeline(moments: list[Moment]) -> None:
    table = Table("when (UTC)", "", "what", "who", "detail", title="timeline")
    colours = {"stage": "bold", "decision": "cyan", "score": "magenta", "message": "dim"}
    for m in moments:
        table.add_row(
            f"{m.at.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
            m.kind,
            f"[{colours[m.kind]}]{m.what}[/]",
            m.actor or "",
            m.detail or "",
        )
    out.print(table)


async def with_recorded_scores(db: AsyncSession, state: SubmissionState) -> SubmissionState:
    """The film's state with its scores as recorded, whether given on its own workflow or on a
    member's sheet sent to the session."""
    given = select(ScoreRow.member_id, ScoreRow.score).where(
        ScoreRow.submission_id == state.submission_id
    )
    return state.model_copy(update={"scores": dict((await db.execute(given)).all())})


@command(submission_app, "show")
async def submission_show(submission_id: str, as_json: JsonFlag = False) -> None:
    """Where one film stands (stage, each rule's outcome and reason) and its timeline: stages,
    decisions, scores and messages, with dates."""
    settings = get_settings()
    client = await connect(settings)
    try:
        state = await _handle(client, submission_id).query(SubmissionWorkflow.state)
    except RPCError as exc:
        raise await _rpc_error(client, submission_id, exc) from None
    async with database(settings) as sessions, sessions() as db:
        moments = await timeline(db, submission_id)
        state = await with_recorded_scores(db, state)
    data = {
        **state.model_dump(mode="json"),
        "timeline": [m.model_dump(mode="json") for m in moments],
    }

    def render() -> None:
        render_state(state)
        render_timeline(moments)

    emit(data, as_json, render)


async def update_submission(submission_id: str, method, arg: BaseModel):
    client = await connect(get_settings())
    try:
        return await update(_handle(client, submission_id), method, arg, submission_id)
    except RPCError as exc:
        raise await _rpc_error(client, submission_id, exc) from None


@command(submission_app, "fix")
async def submission_fix(
    submission_id: str,
    file: Annotated[Path, typer.Argument(help='JSON of corrected fields: {"screener": {...}}')],
    actor: str = "producer",
    as_json: JsonFlag = False,
) -> None:
    """Send a producer's correction; answers with the new eligibility outcome."""
    changes = read_json(file)
    if not isinstance(changes, dict) or not changes:
        raise CliError(f"{file}: expected a JSON object of corrected fields")
    state = await update_submission(
        submission_id, SubmissionWorkflow.submit_fix, FixInput(changes=changes, actor=actor)
    )
    emit(state, as_json, lambda: render_state(state))


@command(submission_app, "withdraw")
async def submission_withdraw(
    submission_id: str,
    reason: Annotated[str, typer.Option(help="Why the film is withdrawn")],
    actor: str = "producer",
    as_json: JsonFlag = False,
) -> None:
    """Withdraw a film from its session."""
    if not reason.strip():
        raise CliError("--reason must say why the film is withdrawn")
    state = await update_submission(
        submission_id, SubmissionWorkflow.withdraw, WithdrawInput(reason=reason, actor=actor)
    )
    emit(state, as_json, lambda: render_state(state))
