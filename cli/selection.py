"""The ranking and the offers from the staff's side, and the producers' answers to offers."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.board import render_board
from cli.common import JsonFlag, command, emit, group, out, staff
from cli.submissions import render_state

selection_app = group("selection")
producer_app = group("producer")

Reason = Annotated[str, typer.Option(help="Why: kept in the audit log")]

# What `selection status --json` shows of the board.
SELECTION_FIELDS = {
    "session_id",
    "stage",
    "ranking",
    "offers",
    "waitlist",
    "declined",
    "not_selected",
    "pins",
    "excludes",
    "log",
}


@command(selection_app, "status")
async def selection_status(session_id: str, as_json: JsonFlag = False) -> None:
    """The provisional ranking before offers, the offers and waitlist after."""
    from readmodels.board import board

    async with staff() as ctx:
        data = await board(ctx, session_id)
    emit(
        data.model_dump(mode="json", include=SELECTION_FIELDS), as_json, lambda: render_board(data)
    )


@command(selection_app, "run")
async def selection_run(
    session_id: str, reason: Reason = "staff ran the selection", as_json: JsonFlag = False
) -> None:
    """Send the offers now (the session must be in selection)."""
    from actions.selection import run_selection

    async with staff() as ctx:
        data = await run_selection(ctx, session_id, reason)
    emit(data, as_json, lambda: render_board(data))


@command(selection_app, "pin")
async def selection_pin(
    session_id: str, submission_id: str, reason: Reason, as_json: JsonFlag = False
) -> None:
    """Rank a film first, whatever its scores (before the offers)."""
    from actions.selection import pin

    async with staff() as ctx:
        pins = await pin(ctx, session_id, submission_id, reason)
    emit(pins, as_json, lambda: out.print(f"pinned {submission_id}"))


@command(selection_app, "exclude")
async def selection_exclude(
    session_id: str, submission_id: str, reason: Reason, as_json: JsonFlag = False
) -> None:
    """Leave a film out of the ranking (before the offers)."""
    from actions.selection import exclude

    async with staff() as ctx:
        excludes = await exclude(ctx, session_id, submission_id, reason)
    emit(excludes, as_json, lambda: out.print(f"excluded {submission_id}"))


@command(producer_app, "confirm")
async def producer_confirm(submission_id: str, as_json: JsonFlag = False) -> None:
    """Accept the slot offered to a film (before its deadline)."""
    from actions.selection import confirm

    async with staff() as ctx:
        data = await confirm(ctx, submission_id)
    emit(data, as_json, lambda: render_board(data))


@command(producer_app, "decline")
async def producer_decline(
    submission_id: str, reason: Reason = "the producer declined", as_json: JsonFlag = False
) -> None:
    """Decline the slot offered to a film; it goes to the next waitlisted film."""
    from actions.selection import decline

    async with staff() as ctx:
        data = await decline(ctx, submission_id, reason)
    emit(data, as_json, lambda: render_board(data))


@command(producer_app, "withdraw")
async def producer_withdraw(submission_id: str, reason: Reason, as_json: JsonFlag = False):
    """Withdraw a film, at any stage up to the event (a held slot goes to the next film)."""
    from actions.films import withdraw

    async with staff() as ctx:
        state = await withdraw(ctx, submission_id, reason)
    emit(state, as_json, lambda: render_state(state))
