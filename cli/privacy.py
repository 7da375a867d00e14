"""Personal data: a film's erased on request, and the programmes' retention schedules.

privacy erase films-in-progress/toulouse-2027/la-sirga-1a2b3c4d5e --reason "producer's request"
privacy schedule     # retention/<programme> for every programme whose file sets a retention
privacy forget-key films-in-progress/toulouse-2027 --reason "closed two years ago"
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cli.common import CliError, JsonFlag, command, emit, group, out, staff

if TYPE_CHECKING:
    from actions.privacy import Erasure, RetentionSchedule
    from models.session_keys import ForgottenKey

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


@command(privacy_app, "forget-key")
async def privacy_forget_key(
    session_id: str,
    reason: Annotated[str, typer.Option(help="Why (a retention, a request): the audit keeps it")],
    as_json: JsonFlag = False,
) -> None:
    """Forget a closed session's data key: what it sealed in Temporal can no longer be read."""
    from actions.session_keys import forget_session_key

    async with staff() as ctx:
        done = await forget_session_key(ctx, session_id, reason)
    emit(done, as_json, lambda: render_forgotten(done))


def render_forgotten(done: ForgottenKey) -> None:
    when = f"{done.at:%Y-%m-%d %H:%M} UTC"
    if done.keys:
        out.print(
            f"{done.session_id}: data key forgotten on {when}; its payloads in Temporal can no "
            "longer be read (its board, films and figures still can)"
        )
    else:
        out.print(f"{done.session_id}: data key already forgotten on {when}; nothing changed")
