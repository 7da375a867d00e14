"""What became of a programme's films: the figures organisers publish, from the follow-up records.

    stats films-in-progress                      headline, sessions, premieres, territories
    stats films-in-progress --since 2025 --csv   one figure per row, for a spreadsheet
    stats films-in-progress --session toulouse-2027 --json

Only the database is read (no Temporal server is needed), so the figures can be drawn while the
follow-ups run. What each figure counts is defined in `domain.stats`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cli.common import CliError, JsonFlag, app, command, emit, out, staff

if TYPE_CHECKING:
    from readmodels.stats import Figures


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
    from readmodels.stats import figures

    if as_csv and as_json:
        raise CliError("choose --csv or --json, not both")
    async with staff() as ctx:
        found = await figures(ctx, programme_id, session, since)
    if as_csv:
        sys.stdout.write(found.csv())
        return
    emit(found.stats, as_json, lambda: render(found))


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def _months(months: float | None) -> str:
    return "–" if months is None else f"{months:.1f}"


def _territory(code: str) -> str:
    from babel import Locale

    if code == "WW":
        return "WW (worldwide)"
    name = Locale("en").territories.get(code)
    return f"{code} ({name})" if name else code


def render(found: Figures) -> None:
    name, s, sessions, since = found.name, found.stats, found.sessions, found.since
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

    if s.erased:
        out.print(
            f"  {s.erased} of these films' personal data was erased: they are counted, anonymously",
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
