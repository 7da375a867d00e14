"""`session watch`: the board, refreshed live, with a progress bar for each part of the session
that moves on its own: the call being judged, the committee's scores, the slots being confirmed,
the messages going out, and the clock of the current stage."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from sqlalchemy import func, select

from cli.common import JsonFlag, command, database, out
from cli.sessions import board, board_view, session_app
from models.orm import OutboxRow, ReviewAssignmentRow, ScoreRow
from models.session import STAGE_ENDS, SessionStage
from settings import get_settings

# The milestone each stage starts from: the clock of a stage runs from it to its STAGE_ENDS.
STAGE_STARTS = {
    SessionStage.CALL_OPEN: "call_opens",
    SessionStage.REVIEW: "deadline",
    SessionStage.SELECTION: "review_deadline",
    SessionStage.CONFIRMATION: "selection_announced",
    SessionStage.EVENT: "event_start",
}


class Bar(BaseModel):
    label: str
    done: int | float
    total: int | float
    note: str = ""
    clock: bool = False  # a share of a stage's time, not a count


async def bars(data: dict[str, Any], now: datetime) -> list[Bar]:
    """What has moved, out of what must: counted in the database, the board's figures."""
    session_id, c = data["session_id"], data["counts"]
    async with database(get_settings()) as sessions, sessions() as db:
        assigned = await db.scalar(
            select(func.count()).where(ReviewAssignmentRow.session_id == session_id)
        )
        scored = await db.scalar(select(func.count()).where(ScoreRow.session_id == session_id))
        mail = dict(
            (
                await db.execute(
                    select(OutboxRow.status, func.count())
                    .where(OutboxRow.session_id == session_id)
                    .group_by(OutboxRow.status)
                )
            ).all()
        )
    confirmed = sum(o["status"] == "confirmed" for o in data["offers"])
    found = [
        Bar(label="call judged", done=c["submitted"] - c["received"], total=c["submitted"]),
        Bar(label="reviews scored", done=scored or 0, total=assigned or 0),
        Bar(
            label="slots confirmed",
            done=confirmed,
            total=data["slots"],
            note=f"{len(data['waitlist'])} waitlisted" if data["offers"] else "",
        ),
        Bar(
            label="messages sent",
            done=mail.get("sent", 0),
            total=sum(mail.values()),
            note=", ".join(f"{n} {s}" for s, n in sorted(mail.items()) if s != "sent"),
        ),
    ]
    stage = SessionStage(data["stage"])
    if stage in STAGE_ENDS:
        start = datetime.fromisoformat(data["calendar"][STAGE_STARTS[stage]])
        end = datetime.fromisoformat(data["calendar"][STAGE_ENDS[stage]])
        span = max((end - start).total_seconds(), 1)
        elapsed = min(max((now - start).total_seconds(), 0), span)
        found.append(
            Bar(
                label=f"{stage.value} clock",
                done=round(elapsed),
                total=round(span),
                note=f"until {end.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({STAGE_ENDS[stage]})",
                clock=True,
            )
        )
    return found


def bars_view(found: list[Bar], now: datetime) -> Table:
    table = Table("progress", "", "", "", title=f"at {now:%H:%M:%S} UTC", title_justify="left")
    for bar in found:
        share = f"{bar.done / max(bar.total, 1):.0%}" if bar.clock else f"{bar.done}/{bar.total}"
        bar_view = ProgressBar(total=max(bar.total, 1), completed=bar.done, width=30)
        table.add_row(bar.label, bar_view, share, bar.note)
    return table


@command(session_app, "watch")
async def session_watch(
    session_id: str,
    every: Annotated[float, typer.Option(help="Seconds between refreshes", min=0.1)] = 2.0,
    count: Annotated[
        int,
        typer.Option(help="Stop after this many refreshes (0: until the session closes)", min=0),
    ] = 0,
    as_json: JsonFlag = False,
) -> None:
    """The session's board, refreshed live with progress bars, until it closes or Ctrl-C.

    With --json, one line of JSON per refresh: {"at", "board", "progress"}."""
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)

    async def frame() -> tuple[dict[str, Any], Group]:
        now = datetime.now(UTC)
        data = await board(session_id)
        found = await bars(data, now)
        if as_json:
            line = {
                "at": now.isoformat(),
                "board": data,
                "progress": [b.model_dump() for b in found],
            }
            print(json.dumps(line, ensure_ascii=False, default=str), flush=True)
        return data, Group(board_view(data), bars_view(found, now))

    data, view = await frame()
    live = None if as_json else Live(view, console=out, auto_refresh=False)
    with live or contextlib.nullcontext():
        refreshes = 1
        while data["stage"] != SessionStage.CLOSED and (count == 0 or refreshes < count):
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
                break
            except TimeoutError:
                pass
            data, view = await frame()
            refreshes += 1
            if live is not None:
                live.update(view, refresh=True)
    if stop.is_set() and not as_json:
        out.print("stopped watching; the session goes on")
