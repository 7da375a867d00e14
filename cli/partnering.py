"""Partners, matching, one-to-one meetings and awards: what staff do once a lineup is final.

    partners import FILE --session S      partners list S
    matching run|show|approve|override S  meetings schedule|show|approve|absent S
    awards grant S AWARD FILM[=SHARE]...  awards status S   awards record|decline GRANT

Nothing reaches a producer until staff approve; `show` prints what would be sent. The commands
parse and render; what they read and do is the layer's (readmodels/, actions/), imported when a
command runs so that a help screen answers at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from cli.common import (
    CliError,
    JsonFlag,
    command,
    emit,
    error_text,
    group,
    out,
    parse_moment,
    print_rejected,
    staff,
)
from models.choices import AwardStep, OverrideAction

if TYPE_CHECKING:
    from intake.partners import PartnerImport
    from models.partnering import GrantShare
    from readmodels.partnering import MatchingView, MeetingsView

partners_app = group("partners", "A session's partners: post houses, sales, distribution, TV.")
matching_app = group("matching", "Which partners each selected film should meet, and why.")
meetings_app = group("meetings", "The one-to-one meetings of the event.")
awards_app = group("awards", "Awards: the jury's decisions and each award's lifecycle.")

Reason = Annotated[str, typer.Option("--reason", help="Kept in the audit log.")]
Seen = Annotated[
    int | None,
    typer.Option("--version", help="The version you reviewed: refused if a newer one came"),
]


# --- partners ---------------------------------------------------------------------------------


@command(partners_app, "import")
async def partners_import(
    file: Annotated[Path, typer.Argument(help="A JSON list of partners, or a CSV")],
    session_id: Annotated[str, typer.Option("--session", help="The session they attend")],
    as_json: JsonFlag = False,
) -> None:
    """Import a session's partners; each bad row is refused with its field and reason."""
    from actions.partnering import import_session_partners

    async with staff() as ctx:
        report = await import_session_partners(ctx, session_id, file)
    emit(report, as_json, lambda: render_import(report))
    if report.rejected and not report.imported and not report.unchanged:
        raise typer.Exit(2)


def render_import(report: PartnerImport) -> None:
    out.print(
        f"[green]{len(report.imported)} imported[/green], "
        f"{len(report.unchanged)} unchanged, [red]{len(report.rejected)} rejected[/red]"
    )
    print_rejected(report.rejected)


@command(partners_app, "list")
async def partners_list(session_id: str, as_json: JsonFlag = False) -> None:
    """The session's partners, their kind, capacity and what they offer."""
    from readmodels.partnering import partners

    async with staff() as ctx:
        listed = await partners(ctx, session_id)

    def render() -> None:
        table = Table("id", "name", "kind", "capacity", "offers")
        for p in listed:
            offers = ", ".join(p.services or p.territories[:8])
            table.add_row(p.id, p.name, p.kind.value, str(p.capacity), offers)
        out.print(table)

    emit([p.model_dump(mode="json") for p in listed], as_json, render)


# --- matching ---------------------------------------------------------------------------------


@command(matching_app, "run")
async def matching_run(
    session_id: str,
    fairness: Annotated[
        bool | None,
        typer.Option("--fairness/--no-fairness", help="Raise the worst-off film first."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Propose the optimal matching of the lineup with the session's partners."""
    from actions.partnering import run_matching
    from readmodels.partnering import matching_view

    async with staff() as ctx:
        summary = await run_matching(ctx, session_id, fairness)
        data = await matching_view(ctx, session_id, summary.version)
    emit(data, as_json, lambda: render_matching(data))


@command(matching_app, "show")
async def matching_show(
    session_id: str,
    version: Annotated[int | None, typer.Option(help="Default: the latest")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Each film's partners with the reasons they were chosen, and the alternates."""
    from readmodels.partnering import matching_view

    async with staff() as ctx:
        data = await matching_view(ctx, session_id, version)
    emit(data, as_json, lambda: render_matching(data))


@command(matching_app, "override")
async def matching_override(
    session_id: str,
    submission_id: str,
    partner_id: str,
    action: Annotated[OverrideAction, typer.Option(help="add or remove the pair")],
    reason: Reason,
    as_json: JsonFlag = False,
) -> None:
    """Add or remove one pair of the proposal (conflicts and capacities still hold)."""
    from actions.partnering import override_match
    from readmodels.partnering import matching_view

    async with staff() as ctx:
        summary = await override_match(ctx, session_id, submission_id, partner_id, action, reason)
        data = await matching_view(ctx, session_id, summary.version)
    emit(data, as_json, lambda: render_matching(data))


@command(matching_app, "approve")
async def matching_approve(
    session_id: str,
    reason: Reason = "approved by staff",
    version: Seen = None,
    as_json: JsonFlag = False,
) -> None:
    """Approve the proposal: each film's producer is told its partners."""
    from actions.partnering import approve_matching

    async with staff() as ctx:
        told = await approve_matching(ctx, session_id, reason, version)
    emit({"told": told}, as_json, lambda: out.print(f"approved; {len(told)} producer(s) told"))


def render_matching(data: MatchingView) -> None:
    s = data.summary
    out.print(
        f"[bold]{data.session_id}[/bold] matching v{data.version} ({data.status}): "
        f"total affinity {s.objective:.2f}, solver bound {s.bound:.2f} (gap {data.gap:.2%}), "
        f"{'optimal' if s.optimal else 'not proven optimal'}, worst film "
        f"{s.worst_film or 0:.2f}",
        highlight=False,
    )
    for w in s.warnings:
        out.print(f"[yellow]warning:[/yellow] {w}", highlight=False)
    for film in data.films:
        table = Table("partner", "affinity", "why", title=film.title, title_justify="left")
        for m in film.match:
            table.add_row(m.partner, f"{m.affinity:.2f}", "; ".join(m.reasons))
        for m in film.alternate:
            table.add_row(f"[dim]alternate: {m.partner}[/dim]", f"{m.affinity:.2f}", m.why_not)
        for m in film.removed:
            table.add_row(f"[red]removed: {m.partner}[/red]", "", m.why_not)
        out.print(table)


# --- meetings ---------------------------------------------------------------------------------


@command(meetings_app, "schedule")
async def meetings_schedule(session_id: str, as_json: JsonFlag = False) -> None:
    """Propose a schedule: one meeting per approved match, never during the film's screening."""
    from actions.partnering import schedule_meetings
    from readmodels.partnering import meetings_view

    async with staff() as ctx:
        summary = await schedule_meetings(ctx, session_id)
        data = await meetings_view(ctx, session_id, summary.version)
    emit(data, as_json, lambda: render_meetings(data))


@command(meetings_app, "show")
async def meetings_show(
    session_id: str,
    version: Annotated[int | None, typer.Option(help="Default: the latest")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The schedule, by time, with its tables; and any pair it could not place, with why."""
    from readmodels.partnering import meetings_view

    async with staff() as ctx:
        data = await meetings_view(ctx, session_id, version)
    emit(data, as_json, lambda: render_meetings(data))


@command(meetings_app, "approve")
async def meetings_approve(
    session_id: str,
    reason: Reason = "approved by staff",
    version: Seen = None,
    as_json: JsonFlag = False,
) -> None:
    """Approve the schedule: producers whose meetings changed are sent theirs."""
    from actions.partnering import approve_meetings

    async with staff() as ctx:
        told = await approve_meetings(ctx, session_id, reason, version)
    emit({"told": told}, as_json, lambda: out.print(f"approved; {len(told)} producer(s) told"))


@command(meetings_app, "absent")
async def meetings_absent(
    session_id: str,
    who: Annotated[str, typer.Argument(help="A partner id or a submission id")],
    start: Annotated[str, typer.Option("--from", help="ISO date-time with zone, or +DURATION")],
    end: Annotated[str, typer.Option("--to", help="ISO date-time with zone, or +DURATION")],
    reason: Reason,
    as_json: JsonFlag = False,
) -> None:
    """Someone cannot meet between two times: a new proposal moves only their meetings."""
    from actions.partnering import note_absence
    from readmodels.partnering import meetings_view

    now = datetime.now(UTC)
    start_at, end_at = parse_moment(start, now), parse_moment(end, now)
    async with staff() as ctx:
        summary = await note_absence(ctx, session_id, who, start_at, end_at, reason)
        data = None if summary is None else await meetings_view(ctx, session_id, summary.version)
    if data is None:
        emit({"absence": who}, as_json, lambda: out.print("absence noted for the schedule"))
        return
    emit(data, as_json, lambda: render_meetings(data))


def render_meetings(data: MeetingsView) -> None:
    tz = ZoneInfo(data.timezone)
    placed = data.placed
    out.print(
        f"[bold]{data.session_id}[/bold] meetings v{data.version} ({data.status}): "
        f"{len(placed)} scheduled, {len(data.meetings) - len(placed)} unplaced",
        highlight=False,
    )
    table = Table("when", "table", "film", "partner")
    for m in placed:
        table.add_row(
            f"{m.starts_at.astimezone(tz):%a %d %b %H:%M}", str(m.table), m.film, m.partner
        )
    out.print(table)
    for m in data.meetings:
        if m.status != "scheduled":
            out.print(f"[red]unplaced:[/red] {m.film} / {m.partner}: {m.reason}")


# --- awards -----------------------------------------------------------------------------------


def _share(text: str) -> GrantShare:
    """`FILM` or `FILM=SHARE` (percent) of the command line."""
    from pydantic import ValidationError

    from models.partnering import GrantShare

    film, _, share = text.partition("=")
    try:
        return GrantShare(submission_id=film, share_pct=float(share) if share else 100)
    except ValidationError as exc:
        raise CliError(f"{text!r}: {error_text(exc)}") from None
    except ValueError:
        raise CliError(f"{text!r}: a film id, optionally =SHARE in percent") from None


@command(awards_app, "grant")
async def awards_grant(
    session_id: str,
    award_id: str,
    films: Annotated[list[str], typer.Argument(help="FILM or FILM=SHARE% for a split award")],
    reason: Reason = "jury decision",
    as_json: JsonFlag = False,
) -> None:
    """Record the jury's decision; each film's producer hears of it, and its lifecycle starts."""
    from actions.awards import grant_award

    shares = [_share(f) for f in films]
    async with staff() as ctx:
        grants = await grant_award(ctx, session_id, award_id, shares, reason)
    data = [g.model_dump(mode="json") for g in grants]
    emit(data, as_json, lambda: [out.print(f"granted {g.grant_id}") for g in grants])


@command(awards_app, "status")
async def awards_status(session_id: str, as_json: JsonFlag = False) -> None:
    """Every award granted in the session, where its lifecycle stands and what is overdue."""
    from readmodels.awards import grants

    async with staff() as ctx:
        granted = await grants(ctx, session_id)

    def render() -> None:
        table = Table("award", "film", "share", "value", "step", "next due")
        for g in granted:
            value = "in kind" if g.value is None else f"{g.value} {g.currency}"
            due = (g.due_at.isoformat() if g.due_at else "")[:10]
            due += " [red]overdue[/red]" if g.overdue else ""
            table.add_row(g.award, g.film, f"{g.share_pct:g}%", value, g.step, due)
        out.print(table)

    emit([g.model_dump(mode="json") for g in granted], as_json, render)


@command(awards_app, "record")
async def awards_record(
    grant_id: Annotated[str, typer.Argument(help="session/award/film key, from awards status")],
    step: AwardStep,
    note: Annotated[str, typer.Option(help="e.g. the contract's reference")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Record the next step of a granted award (accepted, contract signed, delivered...)."""
    from actions.awards import record_award_step

    async with staff() as ctx:
        state = await record_award_step(ctx, grant_id, step, note)
    emit(state, as_json, lambda: out.print(f"{grant_id}: {state.step.value}"))


@command(awards_app, "decline")
async def awards_decline(grant_id: str, reason: Reason, as_json: JsonFlag = False) -> None:
    """The producer declines a granted award (before its contract is signed)."""
    from actions.awards import decline_award

    async with staff() as ctx:
        state = await decline_award(ctx, grant_id, reason)
    emit(state, as_json, lambda: out.print(f"{grant_id}: declined"))
