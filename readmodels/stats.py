"""What became of a programme's films, from the follow-up records: the figures organisers
publish. Only the database is read (no Temporal server is needed), so the figures can be drawn
while the follow-ups run. What each figure counts is defined in `domain.stats`."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.stats import FilmRecord, ProgrammeStats, programme_stats, session_year, to_csv
from gateway.context import Context
from gateway.errors import ActionError
from models.orm import FollowUpRow, ProgrammeRow, SaleRow, SessionRow, SubmissionRow
from readmodels.programmes import programme


@dataclass(frozen=True)
class Figures:
    """The figures of a programme, with what they cover: its name, the sessions chosen (None:
    every session) and the first year kept (None: every year)."""

    name: str
    sessions: list[str] | None
    since: int | None
    stats: ProgrammeStats

    def csv(self) -> str:
        """The figures as one tidy CSV table (domain.stats.to_csv says how it is laid out)."""
        return to_csv(self.stats)


def _followed(programme_id: str, sessions: list[str] | None) -> list:
    """The filter both queries share: the programme's followed films, in the sessions chosen
    (None: every session)."""
    where = [FollowUpRow.programme_id == programme_id]
    if sessions is not None:
        where.append(FollowUpRow.session_id.in_(sessions))
    return where


async def load_records(
    db: AsyncSession, programme_id: str, sessions: list[str] | None, since: int | None
) -> list[FilmRecord]:
    """Every followed film of a programme, with its deals: one query for the films (with their
    submission and session), one for all their sales, whatever the number of films."""
    films = await db.execute(
        select(
            FollowUpRow,
            SubmissionRow.original_title,
            SubmissionRow.erased_at,
            SessionRow.timezone,
            SessionRow.calendar,
        )
        .join(SubmissionRow, SubmissionRow.id == FollowUpRow.submission_id)
        .join(SessionRow, SessionRow.id == FollowUpRow.session_id)
        .where(*_followed(programme_id, sessions))
        .order_by(FollowUpRow.session_id, FollowUpRow.submission_id)
    )
    deals = await db.execute(
        select(SaleRow.submission_id, SaleRow.kind, SaleRow.territory)
        .join(FollowUpRow, FollowUpRow.submission_id == SaleRow.submission_id)
        .where(*_followed(programme_id, sessions))
        .order_by(SaleRow.submission_id, SaleRow.kind, SaleRow.territory)
    )
    territories: dict[str, dict[str, list[str]]] = {}
    for submission_id, kind, territory in deals:
        territories.setdefault(submission_id, {}).setdefault(kind, []).append(territory)

    records = []
    for followup, title, erased_at, timezone, calendar in films:
        year = session_year(followup.session_id, calendar.get("event_start"))
        # --since is applied here: the year is part of the session's id, not a column.
        if since is not None and year < since:
            continue
        records.append(
            FilmRecord(
                submission_id=followup.submission_id,
                title=title,
                session_id=followup.session_id,
                year=year,
                status=followup.status,
                # The date where the session took place, not in UTC: an event ending late on
                # its last evening ended that day.
                started_on=followup.started_at.astimezone(ZoneInfo(timezone)).date(),
                completed_on=followup.completed_on,
                premiere_festival=followup.premiere_festival,
                premiere_on=followup.premiere_on,
                territories=territories.get(followup.submission_id, {}),
                erased=erased_at is not None,
            )
        )
    return records


async def check_scope(
    ctx: Context, db: AsyncSession, programme_id: str, sessions: list[str] | None
) -> tuple[str, list[str] | None]:
    """The programme's name, and the sessions asked for as full ids; a refusal for an unknown
    programme or a session of another programme (a typo would otherwise print zeros)."""
    row = await db.get(ProgrammeRow, programme_id)
    # A programme with a file but no session opened yet is known: it has simply no figures.
    name = row.name if row else programme(ctx.settings, programme_id).name
    if not sessions:
        return name, None
    known = set(
        await db.scalars(select(SessionRow.id).where(SessionRow.programme_id == programme_id))
    )
    # `toulouse-2027` is short for `films-in-progress/toulouse-2027`.
    wanted = [s if "/" in s else f"{programme_id}/{s}" for s in sessions]
    if unknown := [s for s in wanted if s not in known]:
        listed = ", ".join(sorted(known)) or "none opened yet"
        raise ActionError(f"no session {', '.join(unknown)} in {programme_id} (known: {listed})")
    return name, wanted


async def figures(
    ctx: Context, programme_id: str, sessions: list[str] | None, since: int | None
) -> Figures:
    """The programme's figures, over the sessions asked for (short ids allowed) and years."""
    async with ctx.database() as db:
        name, chosen = await check_scope(ctx, db, programme_id, sessions)
        records = await load_records(db, programme_id, chosen, since)
    return Figures(
        name=name, sessions=chosen, since=since, stats=programme_stats(programme_id, records)
    )
