"""Personal data: a film's erased on request, and the programmes' retention schedules.

    privacy erase films-in-progress/toulouse-2027/la-sirga-1a2b3c4d5e --reason "producer's request"
    privacy schedule     # retention/<programme> for every programme whose file sets a retention

More commands join this group (`privacy forget-key SESSION`, the codec's)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cli.common import CliError, JsonFlag, command, emit, group, out, staff

if TYPE_CHECKING:
    from actions.privacy import Erasure, RetentionSchedule

privacy_app = group("privacy")


@command(privacy_app, "erase")
async def privacy_erase(
    submission_id: str,
    reason: Annotated[str, typer.Option(help="Why (a request, a law): the audit trail keeps it")],
    as_json: JsonFlag = False,
) -> None:
    """Erase a film's personal data and keep its anonymous record (stages, scores, statistics)."""
    from actions.privacy import erase

    if not reason.strip():
        raise CliError("--reason must say why the film's personal data is erased")
    async with staff() as ctx:
        done = await erase(ctx, submission_id, reason)
    emit(done, as_json, lambda: render_erasure(done))


def render_erasure(done: Erasure) -> None:
    when = f"{done.erased_at:%Y-%m-%d %H:%M} UTC"
    if done.already:
        out.print(f"{done.submission_id}: already erased on {when}; nothing changed")
    else:
        out.print(f"{done.submission_id}: personal data erased on {when} ({done.reason})")


@command(privacy_app, "schedule")
async def privacy_schedule(as_json: JsonFlag = False) -> None:
    """Create or update each programme's daily retention schedule from its file."""
    from actions.privacy import schedule_retention

    async with staff() as ctx:
        done = await schedule_retention(ctx)
    emit(done, as_json, lambda: render_schedules(done))


def render_schedules(done: list[RetentionSchedule]) -> None:
    if not done:
        out.print("no programme sets a retention: nothing scheduled")
        return
    table = Table("programme", "schedule", "erases films not selected", "")
    for s in done:
        table.add_row(
            s.programme_id,
            s.schedule_id,
            f"{s.not_selected_months} months after the session" if s.not_selected_months else "",
            s.state,
        )
    out.print(table)
