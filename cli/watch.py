"""`session watch`: the board, refreshed live, with a progress bar for each part of the session
that moves on its own: the call being judged, the committee's scores, the slots being confirmed,
the messages going out, and the clock of the current stage."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table

from cli.board import board_view
from cli.common import JsonFlag, command, out, staff
from cli.sessions import session_app

if TYPE_CHECKING:
    from readmodels.board import Board
    from readmodels.progress import Bar


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
    import asyncio
    import signal

    from models.session import SessionStage
    from readmodels.board import board
    from readmodels.progress import progress

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)

    async with staff() as ctx:

        async def frame() -> tuple[Board, Group]:
            now = datetime.now(UTC)
            data = await board(ctx, session_id)
            found = await progress(ctx, data, now)
            if as_json:
                line = {
                    "at": now.isoformat(),
                    "board": data.model_dump(mode="json"),
                    "progress": [b.model_dump() for b in found],
                }
                print(json.dumps(line, ensure_ascii=False, default=str), flush=True)
            return data, Group(board_view(data), bars_view(found, now))

        data, view = await frame()
        live = None if as_json else Live(view, console=out, auto_refresh=False)
        with live or contextlib.nullcontext():
            refreshes = 1
            while data.stage != SessionStage.CLOSED and (count == 0 or refreshes < count):
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
