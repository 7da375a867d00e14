"""The board of a session as staff read it on a terminal: stage and counts, the slots with the
waitlist under them, the releases and partnering. `session status` prints it, `session watch`
refreshes it, and the commands that move a session print it after."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.table import Table

from cli.common import out, staff

if TYPE_CHECKING:
    from readmodels.board import Board


async def board(session_id: str) -> Board:
    """The board of one session, read on a context of its own (the demo reads it so)."""
    from readmodels.board import board as read_board

    async with staff() as ctx:
        return await read_board(ctx, session_id)


def board_view(data: Board) -> Group:
    c = data.counts
    summary = Table(
        "stage",
        "slots",
        "submitted",
        "eligible",
        "ineligible",
        "need a fix",
        "withdrawn",
        "being checked",
        title=f"[bold]{data.name}[/bold] ({data.session_id})",
        title_justify="left",
    )
    summary.add_row(
        f"[bold]{data.stage.value}[/bold]",
        str(data.slots),
        str(c.submitted),
        f"[green]{c.eligible}[/]",
        f"[red]{c.ineligible}[/]",
        f"[yellow]{c.needs_fix}[/]",
        str(c.withdrawn),
        str(c.received),
    )
    parts: list[Any] = [summary]
    if data.offers:
        table = Table("slot", "film", "status", "answer by (UTC)")
        for i, o in enumerate(data.offers, start=1):
            colour = "green" if o.status == "confirmed" else "yellow"
            promoted = " (from waitlist)" if o.from_waitlist else ""
            table.add_row(
                str(i),
                f"{o.title}{promoted}",
                f"[{colour}]{o.status.value}[/]",
                o.deadline[:16].replace("T", " ") if o.status == "offered" else "",
            )
        for w in data.waitlisted:
            table.add_row(f"w{w.position}", w.title, "[cyan]waitlisted[/]", "")
        parts.append(table)
        parts += [f"released: {d.title} ({d.why.value})" for d in data.declined]
        parts.append(f"not selected: {data.not_selected}")
    if p := data.partnering:
        shares = sum(len(films) for films in p.grants.values())
        parts.append(
            f"partnering: matching {p.matching.value} (v{p.matching_version}), meetings "
            f"{p.meetings.value} (v{p.meetings_version}), {shares} award share(s) granted"
        )
    elif data.ranking:
        parts.append(
            "provisional ranking: "
            + ", ".join(f"{i}. {r.title}" for i, r in enumerate(data.ranking, start=1))
        )
    return Group(*parts)


def render_board(data: Board, console: Console = out) -> None:
    console.print(board_view(data))
