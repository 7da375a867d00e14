"""A session from the staff's side: open it, read its board, move its calendar and its stages.
The committee's commands are in cli/review.py, the selection's and producers' in
cli/selection.py, `session watch` in cli/watch.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from cli.board import render_board
from cli.common import JsonFlag, command, emit, group, out, parse_duration, parse_moment, staff

session_app = group("session")

Reason = Annotated[str, typer.Option(help="Why: kept in the audit log")]


@command(session_app, "open")
async def session_open(
    programme_id: str,
    key: Annotated[str, typer.Argument(help="The session's key in the programme, e.g. toulouse")],
    year: Annotated[int, typer.Argument(min=2000, max=2100)],
    deadline: Annotated[str | None, typer.Option(help="Call closes: ISO or +DURATION")] = None,
    review_deadline: Annotated[str | None, typer.Option(help="Scores due")] = None,
    selection_at: Annotated[str | None, typer.Option(help="Offers go out")] = None,
    event_start: Annotated[str | None, typer.Option(help="The screenings begin")] = None,
    event_end: Annotated[str | None, typer.Option(help="The screenings end")] = None,
    fix_window: Annotated[str | None, typer.Option(help="e.g. 10d, 45s")] = None,
    confirm_window: Annotated[str | None, typer.Option(help="to answer an offer")] = None,
    reminder: Annotated[
        str | None, typer.Option(help="reminder before the review deadline")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Open a session and start its workflow; the calendar comes from the programme or is given."""
    from actions.opening import open_session

    now = datetime.now(UTC)
    given = {
        "deadline": deadline,
        "review_deadline": review_deadline,
        "selection_announced": selection_at,
        "event_start": event_start,
        "event_end": event_end,
    }
    async with staff() as ctx:
        opened = await open_session(
            ctx,
            programme_id,
            key,
            year,
            calendar={k: parse_moment(v, now) for k, v in given.items() if v},
            fix_window=parse_duration(fix_window) if fix_window else None,
            confirm_window=parse_duration(confirm_window) if confirm_window else None,
            reminder_lead=parse_duration(reminder) if reminder else None,
        )
    emit(
        opened,
        as_json,
        lambda: out.print(
            f"opened [bold]{opened.session_id}[/bold] ({opened.name}): call closes "
            f"{opened.deadline:%Y-%m-%d %H:%M %Z}, {opened.slots} slots"
        ),
    )


@command(session_app, "status")
async def session_status(session_id: str, as_json: JsonFlag = False) -> None:
    """Stage, counts, offers, waitlist and releases of a session."""
    from readmodels.board import board

    async with staff() as ctx:
        data = await board(ctx, session_id)
    emit(data, as_json, lambda: render_board(data))


@command(session_app, "extend")
async def session_extend(
    session_id: str,
    milestone: Annotated[
        str,
        typer.Argument(
            help="deadline, review_deadline, selection_announced, event_start or event_end"
        ),
    ],
    to: Annotated[str, typer.Argument(help="ISO date-time or +DURATION from now")],
    reason: Reason,
    as_json: JsonFlag = False,
) -> None:
    """Move a date of the session's calendar (validated: still to come, order kept)."""
    from actions.calendar import extend

    async with staff() as ctx:
        data = await extend(ctx, session_id, milestone, parse_moment(to, datetime.now(UTC)), reason)
    moved = data.model_dump(mode="json")["calendar"][milestone]
    emit(data, as_json, lambda: out.print(f"{milestone} of {session_id} is now {moved}"))


@command(session_app, "advance")
async def session_advance(session_id: str, reason: Reason, as_json: JsonFlag = False) -> None:
    """Move the session to its next stage now, ahead of its calendar."""
    from actions.calendar import advance

    async with staff() as ctx:
        data = await advance(ctx, session_id, reason)
    emit(data, as_json, lambda: render_board(data))


@command(session_app, "close")
async def session_close(session_id: str, reason: Reason, as_json: JsonFlag = False) -> None:
    """Close a session in follow-up."""
    from actions.calendar import close

    async with staff() as ctx:
        data = await close(ctx, session_id, reason)
    emit(data, as_json, lambda: render_board(data))
