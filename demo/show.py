"""What the demo shows at its end, beyond the board: the approved matches and meetings, the
awards, the follow-up and the statistics, and the messages sent."""

from __future__ import annotations

from rich.table import Table
from sqlalchemy import func, select

from cli.common import staff
from cli.followup import followup_list
from cli.partnering import awards_status, render_matching, render_meetings
from cli.stats import stats
from gateway.errors import ActionError
from models.orm import OutboxRow
from readmodels.partnering import matching_view, meetings_view
from settings import Settings


async def partnering_tables(sid: str) -> None:
    """The approved matches and meetings, and the awards' lifecycles, as staff see them."""
    try:
        async with staff() as ctx:
            matching = await matching_view(ctx, sid)
            meetings = await meetings_view(ctx, sid)
    except ActionError:
        return  # the session did not reach its partnering
    render_matching(matching)
    render_meetings(meetings)
    await awards_status.__wrapped__(sid)
    await followup_list.__wrapped__(sid)
    await stats.__wrapped__(sid.split("/")[0])


async def mail_summary(database, sid: str, settings: Settings, say) -> None:
    """What the producers were sent, by stage and language (each message is a file in var/mail)."""
    async with database() as db:
        rows = (
            await db.execute(
                select(OutboxRow.stage, OutboxRow.language, func.count())
                .where(OutboxRow.session_id == sid, OutboxRow.status == "sent")
                .group_by(OutboxRow.stage, OutboxRow.language)
            )
        ).all()
    by_stage: dict[str, dict[str, int]] = {}
    for stage, language, n in rows:
        by_stage.setdefault(stage, {})[language] = n
    table = Table("message", "es", "pt", "fr", "en")
    for stage, counts in sorted(by_stage.items()):
        table.add_row(stage, *(str(counts.get(lang, "")) for lang in ("es", "pt", "fr", "en")))
    say(table)
    where = settings.smtp_host or settings.maildir_path
    say(f"{sum(n for *_, n in rows)} messages to producers, each in their language, in {where}")
