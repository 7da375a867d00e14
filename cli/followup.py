"""Post-production follow-up: where each selected film stands, its producer's reports, and
staff's close and reopen.

    followup list SESSION                followup show SUBMISSION
    followup report SUBMISSION FILE      followup milestone SUBMISSION MILESTONE [--done ...]
    followup close SUBMISSION --reason   followup reopen SUBMISSION --reason

The commands parse and render; what they read and do is the layer's (readmodels/followup.py,
actions/followup.py), imported when a command runs so that a help screen answers at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cli.common import CliError, JsonFlag, command, emit, error_text, group, out, read_json, staff
from models.choices import Milestone

if TYPE_CHECKING:
    from models.followup import FollowUpState

followup_app = group("followup", "Selected films after their session, until finished.")

Reason = Annotated[str, typer.Option("--reason", help="Kept in the audit log.")]


@command(followup_app, "list")
async def followup_list(session_id: str, as_json: JsonFlag = False) -> None:
    """Every followed film of a session: status, reports, the last one, how it ended."""
    from readmodels.followup import followed_films

    async with staff() as ctx:
        films = await followed_films(ctx, session_id)

    def render() -> None:
        table = Table("film", "status", "reports", "last report", "finished", "premiere", "ended")
        for f in films:
            table.add_row(
                f.title,
                f.status.value,
                str(f.reports),
                f"{f.last_report_at:%Y-%m-%d}" if f.last_report_at else "",
                f.completed_on.isoformat() if f.completed_on else "",
                f.premiere or "",
                f.ended or "",
            )
        out.print(table)

    emit([f.model_dump(mode="json") for f in films], as_json, render)


@command(followup_app, "show")
async def followup_show(submission_id: str, as_json: JsonFlag = False) -> None:
    """One film's milestones (expected and done), its awards and its follow-up timeline."""
    from readmodels.followup import followup_view

    async with staff() as ctx:
        view = await followup_view(ctx, submission_id)

    def render() -> None:
        out.print(f"[bold]{view.title}[/bold]: {view.status.value}, {view.reports} report(s)")
        table = Table("milestone", "expected", "done", "detail")
        for m in Milestone:
            if (s := view.milestones.get(m.value)) is not None:
                detail = ", ".join(f"{k} {v}" for k, v in s.detail.items())
                table.add_row(m.value, _day(s.expected), _day(s.done), detail)
        out.print(table)
        for a in view.awards:
            flag = " [red]overdue[/red]" if a.overdue else ""
            out.print(f"award {a.award}: {a.step}{flag}")
        for t in view.timeline:
            out.print(
                f"{t.at.isoformat()[:16]} {t.actor}: {t.action} — {t.reason}", highlight=False
            )

    emit(view, as_json, render)


@command(followup_app, "report")
async def followup_report(
    submission_id: str,
    file: Annotated[Path, typer.Argument(help='JSON: {"note": ..., "milestones": [...]}')],
    as_json: JsonFlag = False,
) -> None:
    """A producer's progress report; every milestone is validated before any is applied."""
    from pydantic import ValidationError

    from actions.followup import report_progress
    from models.followup import Report

    try:
        report = Report.model_validate(read_json(file))
    except ValidationError as exc:
        raise CliError(f"{file}: {error_text(exc)}") from None
    async with staff() as ctx:
        state = await report_progress(ctx, submission_id, report)
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
    from pydantic import ValidationError

    from actions.followup import report_progress
    from models.followup import MilestoneUpdate, Report

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
    async with staff() as ctx:
        state = await report_progress(ctx, submission_id, Report(milestones=[change]))
    emit(state, as_json, lambda: _render_state(state))


@command(followup_app, "close")
async def followup_close(submission_id: str, reason: Reason, as_json: JsonFlag = False) -> None:
    """End a film's follow-up (it can be reopened)."""
    from actions.followup import close_followup

    async with staff() as ctx:
        state = await close_followup(ctx, submission_id, reason)
    emit(state, as_json, lambda: _render_state(state))


@command(followup_app, "reopen")
async def followup_reopen(submission_id: str, reason: Reason, as_json: JsonFlag = False) -> None:
    """Follow a stalled or closed film again, from its milestones as recorded."""
    from actions.followup import reopen_followup

    async with staff() as ctx:
        reopened = await reopen_followup(ctx, submission_id, reason)
    emit(reopened, as_json, lambda: out.print(f"{submission_id}: following again"))


def _render_state(state: FollowUpState) -> None:
    out.print(f"[bold]{state.title}[/bold]: {state.status.value}, {state.reports} report(s)")
    if state.next_step is not None:
        out.print(f"next: {state.next_step.value} on {state.next_at:%Y-%m-%d}")
    if state.ending:
        out.print(f"ended: {state.ending}")


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{text!r} is not a date (YYYY-MM-DD)") from None
