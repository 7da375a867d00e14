"""Partners, matching, one-to-one meetings and awards: what staff do once a lineup is final.

    partners import FILE --session S      partners list S
    matching run|show|approve|override S  meetings schedule|show|approve|absent S
    awards grant S AWARD FILM[=SHARE]...  awards status S   awards record|decline GRANT

Nothing reaches a producer until staff approve; `show` prints what would be sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy import select
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from actions.context import database
from actions.updates import update
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
)
from intake.partners import PartnerImport, import_partners
from models.orm import (
    AwardGrantRow,
    MatchRow,
    MeetingRow,
    PartneringRunRow,
    PartnerRow,
    SessionRow,
    SubmissionRow,
)
from models.partnering import (
    AbsenceRequest,
    ApproveRequest,
    DeclineRequest,
    GrantRequest,
    GrantShare,
    MatchingRequest,
    OverrideAction,
    OverrideRequest,
    RunSummary,
    StepRequest,
)
from models.programme import AwardStep
from settings import get_settings
from shared import award_workflow_id, partnering_workflow_id
from temporal_client import connect
from workflows.award import AwardWorkflow
from workflows.partnering import PartneringWorkflow

partners_app = group("partners", "A session's partners: post houses, sales, distribution, TV.")
matching_app = group("matching", "Which partners each selected film should meet, and why.")
meetings_app = group("meetings", "The one-to-one meetings of the event.")
awards_app = group("awards", "Awards: the jury's decisions and each award's lifecycle.")

Reason = Annotated[str, typer.Option("--reason", help="Kept in the audit log.")]
Seen = Annotated[
    int | None,
    typer.Option("--version", help="The version you reviewed: refused if a newer one came"),
]


async def _call(workflow_id: str, method, arg, what: str) -> Any:
    client: Client = await connect(get_settings())
    handle: WorkflowHandle = client.get_workflow_handle(workflow_id)
    try:
        return await update(handle, method, arg, what)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise CliError(f"{what}: not open ({exc.message})") from None
        raise CliError(f"{what}: {exc.message}") from None


async def partnering(session_id: str, method, arg) -> Any:
    """An update of the session's partnering, which opens once the lineup is final."""
    try:
        return await _call(partnering_workflow_id(session_id), method, arg, session_id)
    except CliError as exc:
        if "not open" in str(exc):
            raise CliError(
                f"{session_id}: partnering opens once every slot is confirmed or the event begins"
            ) from None
        raise


# --- partners ---------------------------------------------------------------------------------


@command(partners_app, "import")
async def partners_import(
    file: Annotated[Path, typer.Argument(help="A JSON list of partners, or a CSV")],
    session_id: Annotated[str, typer.Option("--session", help="The session they attend")],
    as_json: JsonFlag = False,
) -> None:
    """Import a session's partners; each bad row is refused with its field and reason."""
    async with database(get_settings()) as sessions:
        async with sessions() as db:
            if await db.get(SessionRow, session_id) is None:
                raise CliError(f"no session {session_id!r}")
        report = await import_partners(sessions, session_id, file)
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
    async with database(get_settings()) as sessions, sessions() as db:
        rows = (
            await db.scalars(
                select(PartnerRow)
                .where(PartnerRow.session_id == session_id)
                .order_by(PartnerRow.id)
            )
        ).all()
    data = [row.form for row in rows]

    def render() -> None:
        table = Table("id", "name", "kind", "capacity", "offers")
        for p in data:
            offers = ", ".join(p["services"] or p["territories"][:8])
            table.add_row(p["id"], p["name"], p["kind"], str(p["capacity"]), offers)
        out.print(table)

    emit(data, as_json, render)


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
    summary = await partnering(
        session_id, PartneringWorkflow.run_matching, MatchingRequest(fairness=fairness)
    )
    data = await matching_view(session_id, summary.version)
    emit(data, as_json, lambda: render_matching(data))


@command(matching_app, "show")
async def matching_show(
    session_id: str,
    version: Annotated[int | None, typer.Option(help="Default: the latest")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Each film's partners with the reasons they were chosen, and the alternates."""
    data = await matching_view(session_id, version)
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
    summary = await partnering(
        session_id,
        PartneringWorkflow.override_match,
        OverrideRequest(
            submission_id=submission_id, partner_id=partner_id, action=action, reason=reason
        ),
    )
    data = await matching_view(session_id, summary.version)
    emit(data, as_json, lambda: render_matching(data))


@command(matching_app, "approve")
async def matching_approve(
    session_id: str,
    reason: Reason = "approved by staff",
    version: Seen = None,
    as_json: JsonFlag = False,
) -> None:
    """Approve the proposal: each film's producer is told its partners."""
    told = await partnering(
        session_id,
        PartneringWorkflow.approve_matching,
        ApproveRequest(reason=reason, version=version),
    )
    emit({"told": told}, as_json, lambda: out.print(f"approved; {len(told)} producer(s) told"))


async def _run_row(db, session_id: str, kind: str, version: int | None) -> PartneringRunRow:
    query = select(PartneringRunRow).where(
        PartneringRunRow.session_id == session_id, PartneringRunRow.kind == kind
    )
    if version is not None:
        query = query.where(PartneringRunRow.version == version)
    row = await db.scalar(query.order_by(PartneringRunRow.version.desc()).limit(1))
    if row is None:
        raise CliError(f"{session_id} has no {kind} yet" + (f" v{version}" if version else ""))
    return row


async def matching_view(session_id: str, version: int | None) -> dict[str, Any]:
    async with database(get_settings()) as sessions, sessions() as db:
        run = await _run_row(db, session_id, "matching", version)
        rows = (
            await db.scalars(
                select(MatchRow)
                .where(MatchRow.session_id == session_id, MatchRow.version == run.version)
                .order_by(MatchRow.submission_id, MatchRow.role, MatchRow.affinity.desc())
            )
        ).all()
        titles = await _titles(db, session_id)
        names = await _partner_names(db, session_id)
    films: dict[str, dict[str, Any]] = {}
    for r in rows:
        film = films.setdefault(
            r.submission_id,
            {"submission_id": r.submission_id, "title": titles.get(r.submission_id, "?")}
            | {"match": [], "alternate": [], "removed": []},
        )
        film[r.role].append(
            {
                "partner_id": r.partner_id,
                "partner": names.get(r.partner_id, r.partner_id),
                "affinity": round(r.affinity, 2),
                "reasons": r.reasons,
                "why_not": r.why_not,
            }
        )
    summary = RunSummary.model_validate(run.summary)
    return {
        "session_id": session_id,
        "version": run.version,
        "status": run.status,
        "summary": summary.model_dump(mode="json"),
        "films": list(films.values()),
    }


def render_matching(data: dict[str, Any]) -> None:
    s = data["summary"]
    gap = (s["bound"] - s["objective"]) / max(s["bound"], 1e-9) if s["bound"] else 0.0
    out.print(
        f"[bold]{data['session_id']}[/bold] matching v{data['version']} ({data['status']}): "
        f"total affinity {s['objective']:.2f}, solver bound {s['bound']:.2f} (gap {gap:.2%}), "
        f"{'optimal' if s['optimal'] else 'not proven optimal'}, worst film "
        f"{s['worst_film'] or 0:.2f}",
        highlight=False,
    )
    for w in s["warnings"]:
        out.print(f"[yellow]warning:[/yellow] {w}", highlight=False)
    for film in data["films"]:
        table = Table("partner", "affinity", "why", title=film["title"], title_justify="left")
        for m in film["match"]:
            table.add_row(m["partner"], f"{m['affinity']:.2f}", "; ".join(m["reasons"]))
        for m in film["alternate"]:
            table.add_row(
                f"[dim]alternate: {m['partner']}[/dim]", f"{m['affinity']:.2f}", m["why_not"]
            )
        for m in film["removed"]:
            table.add_row(f"[red]removed: {m['partner']}[/red]", "", m["why_not"])
        out.print(table)


# --- meetings ---------------------------------------------------------------------------------


@command(meetings_app, "schedule")
async def meetings_schedule(session_id: str, as_json: JsonFlag = False) -> None:
    """Propose a schedule: one meeting per approved match, never during the film's screening."""
    summary = await partnering(
        session_id, PartneringWorkflow.schedule_meetings, ApproveRequest(reason="schedule")
    )
    data = await meetings_view(session_id, summary.version)
    emit(data, as_json, lambda: render_meetings(data))


@command(meetings_app, "show")
async def meetings_show(
    session_id: str,
    version: Annotated[int | None, typer.Option(help="Default: the latest")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The schedule, by time, with its tables; and any pair it could not place, with why."""
    data = await meetings_view(session_id, version)
    emit(data, as_json, lambda: render_meetings(data))


@command(meetings_app, "approve")
async def meetings_approve(
    session_id: str,
    reason: Reason = "approved by staff",
    version: Seen = None,
    as_json: JsonFlag = False,
) -> None:
    """Approve the schedule: producers whose meetings changed are sent theirs."""
    told = await partnering(
        session_id,
        PartneringWorkflow.approve_meetings,
        ApproveRequest(reason=reason, version=version),
    )
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
    now = datetime.now(UTC)
    summary = await partnering(
        session_id,
        PartneringWorkflow.absent,
        AbsenceRequest(
            who=who, start=parse_moment(start, now), end=parse_moment(end, now), reason=reason
        ),
    )
    if summary is None:
        emit({"absence": who}, as_json, lambda: out.print("absence noted for the schedule"))
        return
    data = await meetings_view(session_id, summary.version)
    emit(data, as_json, lambda: render_meetings(data))


async def meetings_view(session_id: str, version: int | None) -> dict[str, Any]:
    async with database(get_settings()) as sessions, sessions() as db:
        run = await _run_row(db, session_id, "meetings", version)
        rows = (
            await db.scalars(
                select(MeetingRow)
                .where(MeetingRow.session_id == session_id, MeetingRow.version == run.version)
                .order_by(MeetingRow.starts_at, MeetingRow.table_no, MeetingRow.submission_id)
            )
        ).all()
        titles = await _titles(db, session_id)
        names = await _partner_names(db, session_id)
        tz = (await db.get(SessionRow, session_id)).timezone
    return {
        "session_id": session_id,
        "version": run.version,
        "status": run.status,
        "timezone": tz,
        "meetings": [
            {
                "submission_id": r.submission_id,
                "film": titles.get(r.submission_id, "?"),
                "partner_id": r.partner_id,
                "partner": names.get(r.partner_id, r.partner_id),
                "status": r.status,
                "starts_at": r.starts_at.isoformat() if r.starts_at else None,
                "table": r.table_no,
                "reason": r.reason
                and r.reason.replace(r.submission_id, titles.get(r.submission_id, "?")).replace(
                    r.partner_id, names.get(r.partner_id, r.partner_id)
                ),
            }
            for r in rows
        ],
    }


def render_meetings(data: dict[str, Any]) -> None:
    tz = ZoneInfo(data["timezone"])
    placed = [m for m in data["meetings"] if m["status"] == "scheduled"]
    out.print(
        f"[bold]{data['session_id']}[/bold] meetings v{data['version']} ({data['status']}): "
        f"{len(placed)} scheduled, {len(data['meetings']) - len(placed)} unplaced",
        highlight=False,
    )
    table = Table("when", "table", "film", "partner")
    for m in placed:
        when = datetime.fromisoformat(m["starts_at"]).astimezone(tz)
        table.add_row(f"{when:%a %d %b %H:%M}", str(m["table"]), m["film"], m["partner"])
    out.print(table)
    for m in data["meetings"]:
        if m["status"] != "scheduled":
            out.print(f"[red]unplaced:[/red] {m['film']} / {m['partner']}: {m['reason']}")


# --- awards -----------------------------------------------------------------------------------


def _share(text: str) -> GrantShare:
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
    grants = await partnering(
        session_id,
        PartneringWorkflow.grant_award,
        GrantRequest(award_id=award_id, films=[_share(f) for f in films], reason=reason),
    )
    data = [g.model_dump(mode="json") for g in grants]
    emit(data, as_json, lambda: [out.print(f"granted {g['grant_id']}") for g in data])


@command(awards_app, "status")
async def awards_status(session_id: str, as_json: JsonFlag = False) -> None:
    """Every award granted in the session, where its lifecycle stands and what is overdue."""
    async with database(get_settings()) as sessions, sessions() as db:
        rows = (
            await db.scalars(
                select(AwardGrantRow)
                .where(AwardGrantRow.session_id == session_id)
                .order_by(AwardGrantRow.award_id, AwardGrantRow.submission_id)
            )
        ).all()
        titles = await _titles(db, session_id)
    data = [
        {
            "grant_id": r.id,
            "award": r.award_id,
            "film": titles.get(r.submission_id, "?"),
            "share_pct": r.share_pct,
            "value": None if r.value is None else str(r.value),
            "currency": r.currency,
            "step": r.step,
            "due_at": r.due_at.isoformat() if r.due_at else None,
            "overdue": r.overdue,
        }
        for r in rows
    ]

    def render() -> None:
        table = Table("award", "film", "share", "value", "step", "next due")
        for g in data:
            value = "in kind" if g["value"] is None else f"{g['value']} {g['currency']}"
            due = (g["due_at"] or "")[:10] + (" [red]overdue[/red]" if g["overdue"] else "")
            table.add_row(g["award"], g["film"], f"{g['share_pct']:g}%", value, g["step"], due)
        out.print(table)

    emit(data, as_json, render)


@command(awards_app, "record")
async def awards_record(
    grant_id: Annotated[str, typer.Argument(help="session/award/film key, from awards status")],
    step: AwardStep,
    note: Annotated[str, typer.Option(help="e.g. the contract's reference")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Record the next step of a granted award (accepted, contract signed, delivered...)."""
    state = await _call(
        award_workflow_id(grant_id),
        AwardWorkflow.record_step,
        StepRequest(step=step, note=note),
        grant_id,
    )
    emit(state, as_json, lambda: out.print(f"{grant_id}: {state.step.value}"))


@command(awards_app, "decline")
async def awards_decline(grant_id: str, reason: Reason, as_json: JsonFlag = False) -> None:
    """The producer declines a granted award (before its contract is signed)."""
    state = await _call(
        award_workflow_id(grant_id),
        AwardWorkflow.decline,
        DeclineRequest(reason=reason),
        grant_id,
    )
    emit(state, as_json, lambda: out.print(f"{grant_id}: declined"))


async def _titles(db, session_id: str) -> dict[str, str]:
    rows = await db.execute(
        select(SubmissionRow.id, SubmissionRow.original_title).where(
            SubmissionRow.session_id == session_id
        )
    )
    return dict(rows.tuples().all())


async def _partner_names(db, session_id: str) -> dict[str, str]:
    rows = await db.execute(
        select(PartnerRow.id, PartnerRow.name).where(PartnerRow.session_id == session_id)
    )
    return dict(rows.tuples().all())
