"""What became of a programme's films: the figures organisers publish, from the follow-up records.

    stats films-in-progress                      headline, sessions, premieres, territories
    stats films-in-progress --since 2025 --csv   one figure per row, for a spreadsheet
    stats films-in-progress --session toulouse-2027 --json

Only the database is read (no Temporal server is needed), so the figures can be drawn while the
follow-ups run. What each figure counts is defined in `domain.stats`.
"""

from __future__ import annotations

import sys
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from babel import Locale
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cli.common import CliError, JsonFlag, app, command, database, emit, out, programme_file
from domain.stats import FilmRecord, ProgrammeStats, programme_stats, session_year, to_csv
from models.orm import FollowUpRow, ProgrammeRow, SaleRow, SessionRow, SubmissionRow
from settings import get_settings


def _followed(programme_id: str, sessions: list[str] | None):
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
    for followup, title, timezone, calendar in films:
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
            )
        )
    return records


async def _check_scope(
    db: AsyncSession, programme_id: str, sessions: list[str] | None
) -> tuple[str, list[str] | None]:
    """The programme's name, and the sessions asked for as full ids; a refusal for an unknown
    programme or a session of another programme (a typo would otherwise print zeros)."""
    row = await db.get(ProgrammeRow, programme_id)
    # A programme with a file but no session opened yet is known: it has simply no figures.
    name = row.name if row else programme_file(get_settings(), programme_id).name
    if not sessions:
        return name, None
    known = set(
        await db.scalars(select(SessionRow.id).where(SessionRow.programme_id == programme_id))
    )
    # `toulouse-2027` is short for `films-in-progress/toulouse-2027`.
    wanted = [s if "/" in s else f"{programme_id}/{s}" for s in sessions]
    if unknown := [s for s in wanted if s not in known]:
        listed = ", ".join(sorted(known)) or "none opened yet"
        raise CliError(f"no session {', '.join(unknown)} in {programme_id} (known: {listed})")
    return name, wanted


@command(app, "stats")
async def stats(
    programme_id: str,
    session: Annotated[
        list[str] | None,
        typer.Option(
            "--session", help="Only this session (repeatable); e.g. toulouse-2027 or its full id"
        ),
    ] = None,
    since: Annotated[
        int | None, typer.Option(help="Only sessions of this year or later", min=1900, max=2999)
    ] = None,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print one figure per row, as CSV (section,item,...)")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """What became of a programme's films: finished, time to finish, premieres, distribution."""
    if as_csv and as_json:
        raise CliError("choose --csv or --json, not both")
    async with database(get_settings()) as sessions, sessions() as db:
        name, chosen = await _check_scope(db, programme_id, session)
        records = await load_records(db, programme_id, chosen, since)
    figures = programme_stats(programme_id, records)
    if as_csv:
        sys.stdout.write(to_csv(figures))
        return
    emit(figures, as_json, lambda: render(name, figures, chosen, since))


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def _months(months: float | None) -> str:
    return "–" if months is None else f"{months:.1f}"


def _territory(code: str) -> str:
    if code == "WW":
        return "WW (worldwide)"
    name = Locale("en").territories.get(code)
    return f"{code} ({name})" if name else code


def render(name: str, s: ProgrammeStats, sessions: list[str] | None, since: int | None) -> None:
    scope = "".join(
        [
            f" in {', '.join(sessions)}" if sessions else "",
            f" since {since}" if since is not None else "",
        ]
    )
    if not s.films:
        out.print(f"no film of {name} has been followed yet{scope}", highlight=False)
        return
    median = (
        f", median {_months(s.median_months_to_completion)} months to completion"
        if s.median_months_to_completion is not None
        else ""
    )
    out.print(
        f"[bold]{name}[/bold]{scope}: {s.films} film{'s' * (s.films != 1)} followed across "
        f"{s.sessions} session{'s' * (s.sessions != 1)}; {s.finished} finished "
        f"({_pct(s.completion_rate)}){median}",
        highlight=False,
        soft_wrap=True,  # one line, for whoever copies it into a report
    )
    decided = s.finished + s.stalled + s.closed
    out.print(
        f"  of the {decided} whose outcome is known, {_pct(s.decided_completion_rate)} finished; "
        f"{s.stalled} stalled, {s.closed} closed, {s.still_following} still being finished; "
        f"{s.premiered} premiered",
        highlight=False,
        soft_wrap=True,
    )

    table = Table(
        "session", "films", "finished", "premiered", "following", "stalled", "closed", "months"
    )
    for row in s.by_session:
        table.add_row(
            row.session_id,
            str(row.films),
            f"{row.finished} ({_pct(row.completion_rate)})",
            str(row.premiered),
            str(row.still_following),
            str(row.stalled),
            str(row.closed),
            _months(row.median_months_to_completion),
        )
    out.print(table)

    if s.premieres_by_festival:
        premieres = Table("world premiere at", "films", title="Premieres", title_justify="left")
        for festival, films in s.premieres_by_festival.items():
            premieres.add_row(festival, str(films))
        out.print(premieres)

    if s.distribution_by_territory or s.tv_by_territory:
        out.print(
            f"Deals: {s.with_distribution} film(s) with a distributor, {s.with_tv} with a TV sale, "
            f"{s.with_sales_agent} with a sales agent",
            highlight=False,
            soft_wrap=True,
        )
        deals = Table("territory", "distribution", "tv")
        # Territories with the most distributors first, then those with TV sales only.
        for code in dict.fromkeys([*s.distribution_by_territory, *s.tv_by_territory]):
            deals.add_row(
                _territory(code),
                str(s.distribution_by_territory.get(code, 0)),
                str(s.tv_by_territory.get(code, 0)),
            )
        out.print(deals)
