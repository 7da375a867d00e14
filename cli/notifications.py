"""Producer messages from the staff's side: preview any stage in any language, read the outbox,
hold a stage under embargo and release it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy import delete, select

from activities.notify import deliver
from cli.common import CliError, JsonFlag, command, database, emit, group, out
from models.message_kinds import MessageKind as Stage
from models.orm import EmbargoRow, OutboxRow, SessionRow, SubmissionRow
from notifications.mailer import mailer_for
from notifications.render import render
from notifications.samples import sample
from settings import get_settings
from store import repository

notifications_app = group("notifications", "Messages to producers: preview, outbox, embargo.")


async def _fields_of(stage: Stage, submission_id: str) -> tuple[dict, str]:
    """A real submission's names, session and language over the stage's sample values; its
    eligibility reasons, when the stage speaks of them and it has any."""
    async with database(get_settings()) as sessions, sessions() as db:
        row = await db.get(SubmissionRow, submission_id)
        if row is None:
            raise CliError(f"no submission {submission_id!r}")
        session = await db.get(SessionRow, row.session_id)
        results = await repository.eligibility_results(db, submission_id)
    fields = {
        **sample(stage),
        "recipient_name": row.contact_name,
        "film": row.original_title,
        "programme": session.name.split(" — ")[0],
        "session": session.name,
        "timezone": session.timezone,
    }
    last_check = max((r.check_no for r in results), default=0)
    reasons = [r.reason for r in results if r.check_no == last_check and r.outcome != "pass"]
    if "reasons" in fields and reasons:
        fields["reasons"] = reasons
    return fields, row.contact_language


@command(notifications_app, "preview")
async def notifications_preview(
    stage: Annotated[Stage, typer.Argument(help="The stage's message")],
    lang: Annotated[str | None, typer.Option(help="es, pt, fr or en; else the producer's")] = None,
    submission: Annotated[str | None, typer.Option(help="A submission id for real names")] = None,
    html: Annotated[bool, typer.Option("--html", help="Print the HTML part")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Render a stage's message as the producer would receive it (nothing is sent)."""
    if submission:
        fields, language = await _fields_of(stage, submission)
    else:
        fields, language = sample(stage), "en"
    try:
        message = render(stage, lang or language, fields)
    except ValidationError as exc:
        raise CliError(
            f"{stage.value}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}"
        ) from None
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
    """What was sent to producers, what waits, and what failed (and why)."""
    if status not in (None, "pending", "held", "sent", "failed"):
        raise CliError(f"--status {status!r}: one of pending, held, sent, failed")
    query = select(OutboxRow).where(OutboxRow.session_id == session_id)
    if status:
        query = query.where(OutboxRow.status == status)
    async with database(get_settings()) as sessions, sessions() as db:
        rows = (await db.scalars(query.order_by(OutboxRow.created_at))).all()
    data = [
        {
            "submission_id": r.submission_id,
            "stage": r.stage,
            "language": r.language,
            "recipient": r.recipient,
            "subject": r.subject,
            "status": r.status,
            "attempts": r.attempts,
            "last_error": r.last_error,
            "sent_at": r.sent_at.isoformat() if r.sent_at else None,
        }
        for r in rows
    ]

    def render_rows() -> None:
        table = Table("film", "stage", "lang", "status", "attempts", "error")
        for r in data:
            table.add_row(
                r["submission_id"].rsplit("/", 1)[1],
                r["stage"],
                r["language"],
                r["status"],
                str(r["attempts"]),
                r["last_error"] or "",
            )
        out.print(table)
        out.print(f"{len(data)} message(s)")

    emit(data, as_json, render_rows)


@command(notifications_app, "embargo")
async def notifications_embargo(
    session_id: str,
    stage: Stage,
    reason: Annotated[str, typer.Option(help="Why the stage waits")],
    as_json: JsonFlag = False,
) -> None:
    """Hold a stage's messages in a session until `release`."""
    async with database(get_settings()) as sessions, sessions.begin() as db:
        if await db.get(SessionRow, session_id) is None:
            raise CliError(f"no session {session_id!r}")
        await repository.insert_ignore(
            db,
            EmbargoRow,
            [
                dict(
                    session_id=session_id,
                    stage=stage.value,
                    actor="staff",
                    reason=reason,
                    created_at=datetime.now(UTC),
                )
            ],
            ["session_id", "stage"],
        )
    emit(
        {"session_id": session_id, "stage": stage.value, "embargo": True},
        as_json,
        lambda: out.print(f"{stage.value} messages of {session_id} are held"),
    )


@command(notifications_app, "release")
async def notifications_release(session_id: str, stage: Stage, as_json: JsonFlag = False):
    """Lift a stage's embargo and send the messages it held, each once."""
    settings = get_settings()
    async with database(settings) as sessions:
        async with sessions.begin() as db:
            await db.execute(
                delete(EmbargoRow).where(
                    EmbargoRow.session_id == session_id, EmbargoRow.stage == stage.value
                )
            )
            keys = (
                await db.scalars(
                    select(OutboxRow.key).where(
                        OutboxRow.session_id == session_id,
                        OutboxRow.stage == stage.value,
                        OutboxRow.status == "held",
                    )
                )
            ).all()
        mailer = mailer_for(settings)
        results = [await deliver(sessions, mailer, settings.mail_from, key) for key in keys]
    summary = {status: results.count(status) for status in set(results)}
    emit(
        {"released": len(keys), "results": summary},
        as_json,
        lambda: out.print(f"released {len(keys)} held message(s): {summary or 'none held'}"),
    )
