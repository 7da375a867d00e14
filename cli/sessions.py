"""A session from the staff's side: open it, watch it, move its calendar; its committee's review;
its selection; and the producers' answers to offers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import TypeAdapter, ValidationError
from rich.console import Console, Group
from rich.table import Table
from sqlalchemy import select
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from cli.common import (
    CliError,
    JsonFlag,
    command,
    database,
    emit,
    group,
    out,
    parse_duration,
    parse_moment,
    print_rejected,
    programme_file,
    update,
)
from cli.submissions import render_state, update_submission, with_recorded_scores
from domain.review import Member
from domain.scoring import split_sheet
from intake.batch import FieldError, RowError
from intake.scores import read_score_sheet
from intake.opening import open_session, session_input, start_session
from models.messages import Stage, WithdrawInput
from models.orm import SubmissionRow
from models.partnering import PartneringStatus
from models.session import (
    NEXT_STAGE,
    AdvanceInput,
    AnswerInput,
    CommitteeInput,
    ExtendInput,
    Milestone,
    PinInput,
    ScoreInput,
    ScoreSheet,
    SessionStage,
    SessionStatus,
)
from settings import get_settings
from shared import partnering_workflow_id, session_workflow_id
from store import repository
from temporal_client import connect
from workflows.partnering import PartneringWorkflow
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow

session_app = group("session", "Sessions of a programme: open, status, calendar, close.")
review_app = group("review", "The selection committee: members, assignments, scores.")
selection_app = group("selection", "The ranking and the offers: pin, exclude, run.")
producer_app = group("producer", "A producer's answers: confirm, decline, withdraw.")

# Films that passed eligibility, whatever happened to them after.
PASSED = {
    Stage.ELIGIBLE,
    Stage.UNDER_REVIEW,
    Stage.OFFERED,
    Stage.WAITLISTED,
    Stage.CONFIRMED,
    Stage.DECLINED,
    Stage.LAPSED,
    Stage.NOT_SELECTED,
    Stage.CLOSED,
}

Reason = Annotated[str, typer.Option(help="Why: kept in the audit log")]


def session_of(submission_id: str) -> str:
    if submission_id.count("/") != 2:
        raise CliError(f"{submission_id!r} is not a submission id (programme/session/film)")
    return submission_id.rsplit("/", 1)[0]


async def session_handle(session_id: str) -> tuple[Client, WorkflowHandle]:
    client = await connect(get_settings())
    handle = client.get_workflow_handle_for(SessionWorkflow.run, session_workflow_id(session_id))
    return client, handle


async def session_update(session_id: str, method, arg=None) -> Any:
    _, handle = await session_handle(session_id)
    try:
        return await update(handle, method, arg, session_id)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise CliError(f"no running session {session_id!r}") from None
        raise CliError(f"{session_id}: {exc.message}") from None


# --- session ----------------------------------------------------------------------------------


@command(session_app, "open")
async def session_open(
    programme_id: str,
    key: Annotated[str, typer.Argument(help="The session's key in the programme, e.g. toulouse")],
    year: Annotated[int, typer.Argument(min=2000, max=2100)],
    deadline: Annotated[str | None, typer.Option(help="Call closes: ISO or +DURATION")] = None,
    review_deadline: Annotated[str | None, typer.Option(help="Scores due")] = None,
    selection_at: Annotated[str | None, typer.Option(help="Offers go out")] = None,
    event_start: Annotated[str | None, typer.Option(help="The screenings begin")] = None,
    event_end: Annotated[str | None, typer.Option(help="The screenings end")] = None,
    fix_window: Annotated[str | None, typer.Option(help="e.g. 10d, 45s")] = None,
    confirm_window: Annotated[str | None, typer.Option(help="to answer an offer")] = None,
    reminder: Annotated[
        str | None, typer.Option(help="reminder before the review deadline")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Open a session and start its workflow; the calendar comes from the programme or is given."""
    settings = get_settings()
    programme = programme_file(settings, programme_id)
    try:
        programme.session_template(key)
    except KeyError as exc:
        raise CliError(exc.args[0]) from None
    now = datetime.now(UTC)
    given = {
        "deadline": deadline,
        "review_deadline": review_deadline,
        "selection_announced": selection_at,
        "event_start": event_start,
        "event_end": event_end,
    }
    calendar = {k: parse_moment(v, now) for k, v in given.items() if v}
    async with database(settings) as sessions:
        row = await open_session(
            sessions,
            programme,
            key,
            year,
            calendar=calendar,
            fix_window=parse_duration(fix_window) if fix_window else None,
        )
    data = session_input(
        row,
        programme,
        confirm_window=parse_duration(confirm_window) if confirm_window else None,
        reminder_lead=parse_duration(reminder) if reminder else None,
    )
    await start_session(await connect(settings), settings.temporal_task_queue, data)
    result = {
        "session_id": row.id,
        "name": row.name,
        "slots": row.slots,
        "fix_window_seconds": row.fix_window_seconds,
        "confirm_window_seconds": int(data.confirm_window.total_seconds()),
        "calendar": row.calendar,
    }
    emit(
        result,
        as_json,
        lambda: out.print(
            f"opened [bold]{row.id}[/bold] ({row.name}): call closes "
            f"{row.deadline:%Y-%m-%d %H:%M %Z}, {row.slots} slots"
        ),
    )


async def board(session_id: str) -> dict[str, Any]:
    """The session's status as staff read it: the workflow's state plus counts and titles."""
    client, handle = await session_handle(session_id)
    try:
        status: SessionStatus = await handle.query(SessionWorkflow.status)
    except RPCError as exc:
        raise CliError(f"no session {session_id!r} ({exc.message})") from None
    partnering = await partnering_status(client, session_id)
    async with database(get_settings()) as sessions, sessions() as db:
        counts = await repository.status_counts(db, session_id)
        picks = status.picks
        named = set(status.provisional)
        if picks:
            named |= {o.submission_id for o in picks.offers}
            named |= set(picks.released) | set(picks.waitlist)
        titles = dict(
            (
                await db.execute(
                    select(SubmissionRow.id, SubmissionRow.original_title).where(
                        SubmissionRow.id.in_(named)
                    )
                )
            ).all()
        )
    return {
        "session_id": status.session_id,
        "programme": status.programme_id,
        "name": status.name,
        "stage": status.stage.value,
        "slots": status.slots,
        "counts": {
            "submitted": sum(counts.values()),
            "eligible": sum(n for s, n in counts.items() if Stage(s) in PASSED),
            "ineligible": counts.get(Stage.INELIGIBLE.value, 0),
            "needs_fix": counts.get(Stage.NEEDS_FIX.value, 0),
            "withdrawn": counts.get(Stage.WITHDRAWN.value, 0),
            "received": counts.get(Stage.RECEIVED.value, 0),
        },
        "calendar": status.calendar.model_dump(mode="json"),
        "committee": status.committee,
        "ranking": [{"submission_id": s, "title": titles.get(s)} for s in status.provisional]
        if not picks
        else [],
        "offers": [
            {
                "submission_id": o.submission_id,
                "title": titles.get(o.submission_id),
                "status": o.status.value,
                "deadline": o.deadline.isoformat(),
                "from_waitlist": o.from_waitlist,
            }
            for o in picks.offers
        ]
        if picks
        else [],
        "waitlist": picks.waitlist if picks else [],
        "waitlisted": [
            {"submission_id": s, "title": titles.get(s), "position": i}
            for i, s in enumerate(picks.waitlist if picks else [], start=1)
        ],
        "declined": [
            {"submission_id": s, "title": titles.get(s), "why": why.value}
            for s, why in picks.released.items()
        ]
        if picks
        else [],
        "not_selected": picks.not_selected if picks else 0,
        "pins": status.pins,
        "excludes": status.excludes,
        "log": [d.model_dump(mode="json") for d in picks.log] if picks else [],
        "partnering": partnering and partnering.model_dump(mode="json"),
    }


async def partnering_status(client: Client, session_id: str) -> PartneringStatus | None:
    """Where the session's partnering stands, once its lineup opened it."""
    handle = client.get_workflow_handle_for(
        PartneringWorkflow.run, partnering_workflow_id(session_id)
    )
    try:
        return await handle.query(PartneringWorkflow.status)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise CliError(f"{session_id} partnering: {exc.message}") from None


def board_view(data: dict[str, Any]) -> Group:
    """The board as staff read it: stage and counts, the slots with the waitlist under them,
    the releases and partnering; `session status` prints it, `session watch` refreshes it."""
    c = data["counts"]
    summary = Table(
        "stage",
        "slots",
        "submitted",
        "eligible",
        "ineligible",
        "need a fix",
        "withdrawn",
        "being checked",
        title=f"[bold]{data['name']}[/bold] ({data['session_id']})",
        title_justify="left",
    )
    summary.add_row(
        f"[bold]{data['stage']}[/bold]",
        str(data["slots"]),
        str(c["submitted"]),
        f"[green]{c['eligible']}[/]",
        f"[red]{c['ineligible']}[/]",
        f"[yellow]{c['needs_fix']}[/]",
        str(c["withdrawn"]),
        str(c["received"]),
    )
    parts: list[Any] = [summary]
    if data["offers"]:
        table = Table("slot", "film", "status", "answer by (UTC)")
        for i, o in enumerate(data["offers"], start=1):
            colour = "green" if o["status"] == "confirmed" else "yellow"
            promoted = " (from waitlist)" if o["from_waitlist"] else ""
            table.add_row(
                str(i),
                f"{o['title']}{promoted}",
                f"[{colour}]{o['status']}[/]",
                o["deadline"][:16].replace("T", " ") if o["status"] == "offered" else "",
            )
        for w in data["waitlisted"]:
            table.add_row(f"w{w['position']}", w["title"], "[cyan]waitlisted[/]", "")
        parts.append(table)
        parts += [f"released: {d['title']} ({d['why']})" for d in data["declined"]]
        parts.append(f"not selected: {data['not_selected']}")
    if p := data.get("partnering"):
        shares = sum(len(films) for films in p["grants"].values())
        parts.append(
            f"partnering: matching {p['matching']} (v{p['matching_version']}), meetings "
            f"{p['meetings']} (v{p['meetings_version']}), {shares} award share(s) granted"
        )
    elif data["ranking"]:
        parts.append(
            "provisional ranking: "
            + ", ".join(f"{i}. {r['title']}" for i, r in enumerate(data["ranking"], start=1))
        )
    return Group(*parts)


def render_board(data: dict[str, Any], console: Console = out) -> None:
    console.print(board_view(data))


@command(session_app, "status")
async def session_status(session_id: str, as_json: JsonFlag = False) -> None:
    """Stage, counts, offers, waitlist and releases of a session."""
    data = await board(session_id)
    emit(data, as_json, lambda: render_board(data))


@command(session_app, "extend")
async def session_extend(
    session_id: str,
    milestone: Annotated[
        str,
        typer.Argument(
            help="deadline, review_deadline, selection_announced, event_start or event_end"
        ),
    ],
    to: Annotated[str, typer.Argument(help="ISO date-time or +DURATION from now")],
    reason: Reason,
    as_json: JsonFlag = False,
) -> None:
    """Move a date of the session's calendar (validated: still to come, order kept)."""
    try:
        name = TypeAdapter(Milestone).validate_python(milestone)
    except ValidationError:
        raise CliError(f"{milestone!r} is not a milestone of the calendar") from None
    request = ExtendInput(milestone=name, to=parse_moment(to, datetime.now(UTC)), reason=reason)
    await session_update(session_id, SessionWorkflow.extend, request)
    data = await board(session_id)
    emit(
        data,
        as_json,
        lambda: out.print(f"{milestone} of {session_id} is now {data['calendar'][milestone]}"),
    )


@command(session_app, "advance")
async def session_advance(session_id: str, reason: Reason, as_json: JsonFlag = False) -> None:
    """Move the session to its next stage now, ahead of its calendar."""
    _, handle = await session_handle(session_id)
    try:
        stage = (await handle.query(SessionWorkflow.status)).stage
    except RPCError as exc:
        raise CliError(f"no session {session_id!r} ({exc.message})") from None
    if stage not in NEXT_STAGE:
        raise CliError(f"{session_id} is {stage}: there is no next stage")
    await session_update(
        session_id, SessionWorkflow.advance, AdvanceInput(to=NEXT_STAGE[stage], reason=reason)
    )
    data = await board(session_id)
    emit(data, as_json, lambda: render_board(data))


@command(session_app, "close")
async def session_close(session_id: str, reason: Reason, as_json: JsonFlag = False) -> None:
    """Close a session in follow-up."""
    await session_update(
        session_id, SessionWorkflow.advance, AdvanceInput(to=SessionStage.CLOSED, reason=reason)
    )
    data = await board(session_id)
    emit(data, as_json, lambda: render_board(data))


# --- review -----------------------------------------------------------------------------------


@command(review_app, "members")
async def review_members(
    session_id: str,
    file: Annotated[
        Path, typer.Argument(help='JSON list: [{"id", "name", "company", "declared_conflicts"}]')
    ],
    as_json: JsonFlag = False,
) -> None:
    """Set the session's committee (while the call is open)."""
    try:
        members = TypeAdapter(list[Member]).validate_json(file.read_bytes())
    except OSError as exc:
        raise CliError(f"{file}: {exc.strerror}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CliError(f"{file}: {problems}") from None
    status = await session_update(
        session_id, SessionWorkflow.set_committee, CommitteeInput(members=members)
    )
    emit(
        {"committee": status.committee},
        as_json,
        lambda: out.print(f"committee of {session_id}: {', '.join(status.committee)}"),
    )


@command(review_app, "assign")
async def review_assign(session_id: str, as_json: JsonFlag = False) -> None:
    """Assign the films that became eligible since the last assignment (during review)."""
    result = await session_update(session_id, SessionWorkflow.assign_reviews)
    emit(
        result,
        as_json,
        lambda: out.print(
            f"{result.assigned} film(s) assigned; {len(result.short)} short of reviewers; "
            f"{result.conflicts_avoided} conflict(s) of interest avoided"
        ),
    )


@command(review_app, "score")
async def review_score(
    submission_id: str,
    member: Annotated[str, typer.Argument(help="The committee member's id")],
    score: float,
    comment: str | None = None,
    as_json: JsonFlag = False,
) -> None:
    """A committee member's score for a film (scoring again replaces it)."""
    state = await update_submission(
        submission_id,
        SubmissionWorkflow.score,
        ScoreInput(member_id=member, score=score, comment=comment),
    )
    async with database(get_settings()) as sessions, sessions() as db:
        state = await with_recorded_scores(db, state)
    emit(state, as_json, lambda: out.print(f"{state.title}: scores {json.dumps(state.scores)}"))


@command(review_app, "sheet")
async def review_sheet(
    session_id: str,
    member: Annotated[str, typer.Argument(help="The committee member's id")],
    file: Annotated[
        Path, typer.Argument(help="CSV or JSON: submission_id, score, comment (title ignored)")
    ],
    as_json: JsonFlag = False,
) -> None:
    """A member's scores for many films from one file, as a committee scores a large call. Each
    row is recorded or refused on its own, with why; scoring again replaces."""
    sheet = read_score_sheet(file)
    rejected, recorded, start = list(sheet.rejected), 0, 0
    for part in split_sheet(sheet.scores):
        result = await session_update(
            session_id, SessionWorkflow.score_sheet, ScoreSheet(member_id=member, scores=part)
        )
        recorded += result.recorded
        rejected += [
            RowError(
                row=sheet.rows[start + r.index],
                title=r.submission_id,
                errors=[FieldError(field=r.field, message=r.reason)],
            )
            for r in result.refused
        ]
        start += len(part)
    rejected.sort(key=lambda r: r.row)

    def render() -> None:
        out.print(
            f"{member}: [green]{recorded} score(s) recorded[/green], "
            f"[red]{len(rejected)} row(s) refused[/red]"
        )
        print_rejected(rejected)

    emit({"recorded": recorded, "refused": [r.model_dump() for r in rejected]}, as_json, render)


@command(review_app, "missing")
async def review_missing(session_id: str, as_json: JsonFlag = False) -> None:
    """How many films each committee member has still to score."""
    async with database(get_settings()) as sessions, sessions() as db:
        missing = await repository.missing_scores(db, session_id)
    emit(
        missing,
        as_json,
        lambda: out.print(
            "\n".join(f"{m}: {n} film(s) to score" for m, n in missing.items())
            or "every assigned film is scored"
        ),
    )


# --- selection --------------------------------------------------------------------------------


@command(selection_app, "status")
async def selection_status(session_id: str, as_json: JsonFlag = False) -> None:
    """The provisional ranking before offers, the offers and waitlist after."""
    data = await board(session_id)
    emit(
        {
            k: data[k]
            for k in (
                "session_id",
                "stage",
                "ranking",
                "offers",
                "waitlist",
                "declined",
                "not_selected",
                "pins",
                "excludes",
                "log",
            )
        },
        as_json,
        lambda: render_board(data),
    )


@command(selection_app, "run")
async def selection_run(
    session_id: str, reason: Reason = "staff ran the selection", as_json: JsonFlag = False
) -> None:
    """Send the offers now (the session must be in selection)."""
    await session_update(
        session_id,
        SessionWorkflow.advance,
        AdvanceInput(to=SessionStage.CONFIRMATION, reason=reason),
    )
    data = await board(session_id)
    emit(data, as_json, lambda: render_board(data))


@command(selection_app, "pin")
async def selection_pin(
    session_id: str, submission_id: str, reason: Reason, as_json: JsonFlag = False
) -> None:
    """Rank a film first, whatever its scores (before the offers)."""
    status = await session_update(
        session_id, SessionWorkflow.pin, PinInput(submission_id=submission_id, reason=reason)
    )
    emit({"pins": status.pins}, as_json, lambda: out.print(f"pinned {submission_id}"))


@command(selection_app, "exclude")
async def selection_exclude(
    session_id: str, submission_id: str, reason: Reason, as_json: JsonFlag = False
) -> None:
    """Leave a film out of the ranking (before the offers)."""
    status = await session_update(
        session_id, SessionWorkflow.exclude, PinInput(submission_id=submission_id, reason=reason)
    )
    emit({"excludes": status.excludes}, as_json, lambda: out.print(f"excluded {submission_id}"))


# --- producers --------------------------------------------------------------------------------


async def _answer(submission_id: str, method, reason: str, as_json: bool) -> None:
    session_id = session_of(submission_id)
    await session_update(
        session_id, method, AnswerInput(submission_id=submission_id, reason=reason)
    )
    data = await board(session_id)
    emit(data, as_json, lambda: render_board(data))


@command(producer_app, "confirm")
async def producer_confirm(submission_id: str, as_json: JsonFlag = False) -> None:
    """Accept the slot offered to a film (before its deadline)."""
    await _answer(submission_id, SessionWorkflow.confirm, "", as_json)


@command(producer_app, "decline")
async def producer_decline(
    submission_id: str, reason: Reason = "the producer declined", as_json: JsonFlag = False
) -> None:
    """Decline the slot offered to a film; it goes to the next waitlisted film."""
    await _answer(submission_id, SessionWorkflow.decline, reason, as_json)


@command(producer_app, "withdraw")
async def producer_withdraw(submission_id: str, reason: Reason, as_json: JsonFlag = False):
    """Withdraw a film, at any stage up to the event (a held slot goes to the next film)."""
    state = await update_submission(
        submission_id, SubmissionWorkflow.withdraw, WithdrawInput(reason=reason, actor="producer")
    )
    emit(state, as_json, lambda: render_state(state))
