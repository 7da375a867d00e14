"""Intake and one film's submission: enter a file, show, fix, withdraw."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cli.common import (
    CliError,
    JsonFlag,
    app,
    command,
    emit,
    group,
    out,
    print_rejected,
    read_json,
    staff,
)

if TYPE_CHECKING:
    from intake.submit import SubmitReport
    from models.messages import SubmissionState
    from readmodels.films import Moment

submission_app = group("submission")


@command(app, "submit")
async def submit(
    session_id: str,
    file: Annotated[Path, typer.Argument(help="One JSON submission, a JSON list, or a CSV")],
    as_json: JsonFlag = False,
) -> None:
    """Enter submissions into a session: each valid row starts its workflow, once."""
    from actions.films import session_target
    from actions.films import submit as submit_batch
    from intake.batch import read_batch

    async with staff() as ctx:
        target = await session_target(ctx, session_id)
        report = await submit_batch(ctx, target, read_batch(file))
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


@command(submission_app, "show")
async def submission_show(submission_id: str, as_json: JsonFlag = False) -> None:
    """Where one film stands (stage, each rule's outcome and reason) and its timeline: stages,
    decisions, scores and messages, with dates."""
    from readmodels.films import film

    async with staff() as ctx:
        view = await film(ctx, submission_id)

    def render() -> None:
        render_state(view)
        if view.erased_at:
            out.print(f"personal data erased on {view.erased_at.astimezone(UTC):%Y-%m-%d}")
        render_timeline(view.timeline)

    emit(view, as_json, render)


Actor = Annotated[
    str | None,
    typer.Option(help="Who the audit trail names (default: you, for the producer)"),
]


@command(submission_app, "fix")
async def submission_fix(
    submission_id: str,
    file: Annotated[Path, typer.Argument(help='JSON of corrected fields: {"screener": {...}}')],
    actor: Actor = None,
    as_json: JsonFlag = False,
) -> None:
    """Send a producer's correction; answers with the new eligibility outcome."""
    from actions.films import fix

    changes = read_json(file)
    if not isinstance(changes, dict) or not changes:
        raise CliError(f"{file}: expected a JSON object of corrected fields")
    async with staff() as ctx:
        state = await fix(ctx, submission_id, changes, actor)
    emit(state, as_json, lambda: render_state(state))


@command(submission_app, "withdraw")
async def submission_withdraw(
    submission_id: str,
    reason: Annotated[str, typer.Option(help="Why the film is withdrawn")],
    actor: Actor = None,
    as_json: JsonFlag = False,
) -> None:
    """Withdraw a film from its session."""
    from actions.films import withdraw

    if not reason.strip():
        raise CliError("--reason must say why the film is withdrawn")
    async with staff() as ctx:
        state = await withdraw(ctx, submission_id, reason, actor)
    emit(state, as_json, lambda: render_state(state))
