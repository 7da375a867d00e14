"""Producer messages from the staff's side: preview any stage in any language, read the outbox,
hold a stage under embargo and release it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cli.common import CliError, JsonFlag, command, emit, group, out, staff
from models.message_kinds import MessageKind

notifications_app = group("notifications")

STATUSES = ("pending", "held", "sent", "failed")


@command(notifications_app, "preview")
async def notifications_preview(
    stage: Annotated[MessageKind, typer.Argument(help="The stage's message")],
    lang: Annotated[str | None, typer.Option(help="es, pt, fr or en; else the producer's")] = None,
    submission: Annotated[str | None, typer.Option(help="A submission id for real names")] = None,
    html: Annotated[bool, typer.Option("--html", help="Print the HTML part")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Render a stage's message as the producer would receive it (nothing is sent)."""
    from readmodels.outbox import preview

    async with staff() as ctx:
        message = await preview(ctx, stage, lang, submission)
    emit(
        message,
        as_json,
        lambda: out.print(
            message.html if html else f"Subject: {message.subject}\n\n{message.text}",
            highlight=False,
            markup=False,
        ),
    )


@command(notifications_app, "outbox")
async def notifications_outbox(
    session_id: str,
    status: Annotated[str | None, typer.Option(help="pending, held, sent or failed")] = None,
    as_json: JsonFlag = False,
) -> None:
    """What was sent to producers and committee members, what waits, and what failed (and
    why)."""
    from readmodels.outbox import outbox

    if status not in (None, *STATUSES):
        raise CliError(f"--status {status!r}: one of {', '.join(STATUSES)}")
    async with staff() as ctx:
        lines = await outbox(ctx, session_id, status)

    def render_rows() -> None:
        table = Table("film (or member)", "stage", "lang", "status", "attempts", "error")
        for r in lines:
            table.add_row(
                r.submission_id.rsplit("/", 1)[1] if r.submission_id else f"member {r.member_id}",
                r.stage,
                r.language,
                r.status,
                str(r.attempts),
                r.last_error or "",
            )
        out.print(table)
        out.print(f"{len(lines)} message(s)")

    emit(lines, as_json, render_rows)


@command(notifications_app, "embargo")
async def notifications_embargo(
    session_id: str,
    stage: MessageKind,
    reason: Annotated[str, typer.Option(help="Why the stage waits")],
    as_json: JsonFlag = False,
) -> None:
    """Hold a stage's messages in a session until `release`."""
    from actions.messages import embargo

    async with staff() as ctx:
        held = await embargo(ctx, session_id, stage, reason)
    emit(held, as_json, lambda: out.print(f"{stage.value} messages of {session_id} are held"))


@command(notifications_app, "release")
async def notifications_release(session_id: str, stage: MessageKind, as_json: JsonFlag = False):
    """Lift a stage's embargo and send the messages it held, each once."""
    from actions.messages import release

    async with staff() as ctx:
        done = await release(ctx, session_id, stage)
    emit(
        done,
        as_json,
        lambda: out.print(
            f"released {done.released} held message(s): {done.results or 'none held'}"
        ),
    )
