"""Producer notifications from the staff's side: preview any stage's message in any language."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from cli.common import CliError, JsonFlag, command, database, emit, group, out
from models.orm import SessionRow, SubmissionRow
from notifications.render import render
from notifications.samples import sample
from notifications.stages import Stage
from settings import get_settings
from store import repository

notifications_app = group("notifications", "Messages to producers: preview them.")


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
