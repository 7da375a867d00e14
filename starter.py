"""wipflow's command line for festival staff.

    python starter.py --help
    python starter.py session open films-in-progress toulouse 2027
    python starter.py submit films-in-progress/toulouse-2027 entries.csv --json
    python starter.py submission show films-in-progress/toulouse-2027/la-sirga-82004e8dcb

Every command takes `--json` for scripts. An error is one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from intake.batch import IntakeFileError, read_batch
from intake.sessions import SessionExistsError, open_session, target_of
from intake.submit import SubmitReport, submit_batch
from models.messages import FixInput, SubmissionState, WithdrawInput
from models.programme import Programme, ProgrammeConfigError, load_programme, load_programmes
from settings import Settings, get_settings
from shared import STAGE, submission_workflow_id
from store import db as store_db
from store import repository
from temporal_client import TemporalUnavailable, connect
from workflows.submission import SubmissionWorkflow

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__.split("\n")[0])
db_app = typer.Typer(no_args_is_help=True, help="The database schema.")
programmes_app = typer.Typer(no_args_is_help=True, help="Programmes: rules, calendars, slots.")
session_app = typer.Typer(no_args_is_help=True, help="Sessions of a programme.")
submission_app = typer.Typer(no_args_is_help=True, help="One film's submission.")
dev_app = typer.Typer(no_args_is_help=True, help="The embedded dev stack (server + worker).")
app.add_typer(db_app, name="db")
app.add_typer(programmes_app, name="programmes")
app.add_typer(session_app, name="session")
app.add_typer(submission_app, name="submission")
app.add_typer(dev_app, name="dev")

# Piped output (CI logs, `| less`) gets a readable width rather than rich's 80 columns.
_WIDTH = None if sys.stdout.isatty() else 120
out = Console(width=_WIDTH)
err = Console(stderr=True, width=_WIDTH)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


class CliError(Exception):
    """A refusal to explain in one line."""


def command(group: typer.Typer, name: str | None = None):
    """Register an async command whose known failures end as one clear line and exit code 1."""

    def register(fn: Callable[..., Coroutine[Any, Any, None]]):
        @wraps(fn)
        def run(*args, **kwargs) -> None:
            try:
                asyncio.run(fn(*args, **kwargs))
            except (
                CliError,
                TemporalUnavailable,
                IntakeFileError,
                ProgrammeConfigError,
                SessionExistsError,
                LookupError,
                FileNotFoundError,
                TimeoutError,
            ) as exc:
                message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
                if kwargs.get("as_json"):
                    print(json.dumps({"error": message}))
                err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
                raise typer.Exit(1) from None

        return group.command(name)(run)

    return register


def emit(data: BaseModel | dict | list, as_json: bool, render: Callable[[], None]) -> None:
    if as_json:
        payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        render()


_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(text: str) -> timedelta:
    """`10d`, `36h`, `1h30m`, `45s`."""
    match = _DURATION.match(text.strip())
    if not text.strip() or not match:
        raise CliError(f"{text!r} is not a duration (examples: 10d, 36h, 1h30m, 45s)")
    d, h, m, s = (int(g or 0) for g in match.groups())
    duration = timedelta(days=d, hours=h, minutes=m, seconds=s)
    if duration <= timedelta(0):
        raise CliError(f"{text!r}: a duration must be positive")
    return duration


def parse_moment(text: str, now: datetime) -> datetime:
    """An ISO 8601 date-time with its zone, or `+DURATION` from now."""
    if text.startswith("+"):
        return now + parse_duration(text[1:])
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"{text!r} is neither an ISO date-time nor +DURATION") from None
    if moment.tzinfo is None:
        raise CliError(f"{text!r} needs a time zone, e.g. 2027-01-20T23:59:00+01:00")
    return moment


def _programme(settings: Settings, programme_id: str) -> Programme:
    path = settings.programmes_dir / f"{programme_id}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in settings.programmes_dir.glob("*.toml")))
        raise CliError(f"no programme {programme_id!r} (known: {known})")
    return load_programme(path)


async def _database(settings: Settings):
    engine = store_db.make_engine(settings.database_url)
    return engine, store_db.make_sessionmaker(engine)


# --- db -------------------------------------------------------------------------------------


@command(db_app, "upgrade")
async def db_upgrade(as_json: JsonFlag = False) -> None:
    """Create or migrate the schema to the latest revision (idempotent)."""
    settings = get_settings()
    engine = store_db.make_engine(settings.database_url)
    try:
        await store_db.upgrade(engine)
    finally:
        await engine.dispose()
    emit({"database": "at head"}, as_json, lambda: out.print("database schema is up to date"))


# --- programmes -------------------------------------------------------------------------------


@command(programmes_app, "list")
async def programmes_list(as_json: JsonFlag = False) -> None:
    """The programmes wipflow knows, from programmes/*.toml (validated)."""
    programmes = load_programmes(get_settings().programmes_dir)
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "slots": p.slots,
            "sessions": [s.key for s in p.sessions],
            "rules": [r for r, v in p.eligibility if v is not None],
        }
        for p in programmes.values()
    ]

    def render() -> None:
        table = Table("id", "name", "slots", "sessions", "rules")
        for r in rows:
            table.add_row(
                r["id"], r["name"], str(r["slots"]), ", ".join(r["sessions"]), ", ".join(r["rules"])
            )
        out.print(table)

    emit(rows, as_json, render)


@command(programmes_app, "show")
async def programmes_show(programme_id: str, as_json: JsonFlag = False) -> None:
    """One programme's rules with their sources, and its session calendars."""
    programme = _programme(get_settings(), programme_id)

    def render() -> None:
        out.print(
            f"[bold]{programme.name}[/bold] ({programme.id}), {programme.slots} slots, "
            f"fix window {programme.fix_window_days} days"
        )
        table = Table("rule", "parameters", "source")
        for rule_id, rule in programme.eligibility:
            if rule is None:
                continue
            params = rule.model_dump(mode="json", exclude={"source"})
            confirmed = "" if rule.source.confirmed else " [yellow](unconfirmed)[/yellow]"
            table.add_row(
                rule_id, json.dumps(params, ensure_ascii=False), f"{rule.source.url}{confirmed}"
            )
        out.print(table)

    emit(programme, as_json, render)


# --- sessions ---------------------------------------------------------------------------------


@command(session_app, "open")
async def session_open(
    programme_id: str,
    key: Annotated[str, typer.Argument(help="The session's key in the programme, e.g. toulouse")],
    year: Annotated[int, typer.Argument(min=2000, max=2100)],
    deadline: Annotated[str | None, typer.Option(help="ISO date-time or +DURATION")] = None,
    fix_window: Annotated[str | None, typer.Option(help="e.g. 10d, 45s")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Open a session: its calendar comes from the programme, or is given here."""
    settings = get_settings()
    programme = _programme(settings, programme_id)
    try:
        programme.session_template(key)
    except KeyError as exc:
        raise CliError(exc.args[0]) from None
    now = datetime.now(UTC)
    engine, sessions = await _database(settings)
    try:
        row = await open_session(
            sessions,
            programme,
            key,
            year,
            deadline=parse_moment(deadline, now) if deadline else None,
            fix_window=parse_duration(fix_window) if fix_window else None,
        )
    finally:
        await engine.dispose()
    data = {
        "session_id": row.id,
        "name": row.name,
        "deadline": row.deadline.isoformat(),
        "slots": row.slots,
        "fix_window_seconds": row.fix_window_seconds,
        "calendar": row.calendar,
    }
    emit(
        data,
        as_json,
        lambda: out.print(
            f"opened [bold]{row.id}[/bold] ({row.name}): "
            f"call closes {row.deadline:%Y-%m-%d %H:%M %Z}, "
            f"{row.slots} slots"
        ),
    )


# --- intake -----------------------------------------------------------------------------------


@command(app, "submit")
async def submit(
    session_id: str,
    file: Annotated[Path, typer.Argument(help="One JSON submission, a JSON list, or a CSV")],
    as_json: JsonFlag = False,
) -> None:
    """Enter submissions into a session: each valid row starts its workflow, once."""
    settings = get_settings()
    engine, sessions = await _database(settings)
    try:
        async with sessions() as db:
            row = await repository.get_session(db, session_id)
    finally:
        await engine.dispose()
    if row is None:
        raise CliError(f"no session {session_id!r}: open it with `starter.py session open`")
    batch = read_batch(file)
    client = await connect(settings)
    report = await submit_batch(client, settings.temporal_task_queue, target_of(row), batch)
    emit(report, as_json, lambda: render_report(report))
    if report.rejected and not report.accepted and not report.duplicates:
        raise typer.Exit(2)


def render_report(report: SubmitReport) -> None:
    out.print(
        f"[green]{len(report.accepted)} accepted[/green], "
        f"[yellow]{len(report.duplicates)} already submitted[/yellow], "
        f"[red]{len(report.rejected)} rejected[/red]"
    )
    for dup in report.duplicates:
        out.print(f"  row {dup.row}: {dup.title} was already submitted as {dup.submission_id}")
    for rej in report.rejected:
        for e in rej.errors:
            out.print(
                f"  row {rej.row}{f' ({rej.title})' if rej.title else ''}: "
                f"[bold]{e.field}[/bold]: {e.message}",
                highlight=False,
            )


# --- one submission ---------------------------------------------------------------------------


def _handle(client: Client, submission_id: str):
    return client.get_workflow_handle_for(
        SubmissionWorkflow.run, submission_workflow_id(submission_id)
    )


async def _rpc_error(client: Client, submission_id: str, exc: RPCError) -> CliError:
    """Say whether the submission does not exist or is already over."""
    if exc.status != RPCStatusCode.NOT_FOUND:
        return CliError(f"{submission_id}: {exc.message}")
    try:
        description = await _handle(client, submission_id).describe()
    except RPCError:
        return CliError(f"no submission {submission_id!r}")
    stage = description.typed_search_attributes.get(STAGE) or "closed"
    return CliError(f"{submission_id} is {stage} and its workflow has ended: nothing can change it")


def render_state(state: SubmissionState) -> None:
    out.print(
        f"[bold]{state.title}[/bold] ({state.submission_id}): [bold]{state.stage.value}"
        f"[/bold], check {state.check_no}"
    )
    if state.fix_deadline:
        out.print(f"fix by {state.fix_deadline:%Y-%m-%d %H:%M} UTC")
    table = Table("rule", "outcome", "reason")
    colours = {"pass": "green", "fail": "red", "needs_fix": "yellow"}
    for r in state.results:
        table.add_row(r.rule_id, f"[{colours[r.outcome.value]}]{r.outcome.value}[/]", r.reason)
    out.print(table)


@command(submission_app, "show")
async def submission_show(submission_id: str, as_json: JsonFlag = False) -> None:
    """Where one film stands: stage, each rule's outcome and reason."""
    client = await connect(get_settings())
    try:
        state = await _handle(client, submission_id).query(SubmissionWorkflow.state)
    except RPCError as exc:
        raise await _rpc_error(client, submission_id, exc) from None
    emit(state, as_json, lambda: render_state(state))


async def _update(submission_id: str, method, arg: BaseModel) -> SubmissionState:
    client = await connect(get_settings())
    try:
        return await _handle(client, submission_id).execute_update(method, arg)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        raise CliError(f"{submission_id}: {getattr(cause, 'message', cause)}") from None
    except RPCError as exc:
        raise await _rpc_error(client, submission_id, exc) from None


@command(submission_app, "fix")
async def submission_fix(
    submission_id: str,
    file: Annotated[Path, typer.Argument(help='JSON of corrected fields: {"screener": {...}}')],
    actor: str = "producer",
    as_json: JsonFlag = False,
) -> None:
    """Send a producer's correction; answers with the new eligibility outcome."""
    try:
        changes = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CliError(f"{file}: {exc}") from None
    if not isinstance(changes, dict) or not changes:
        raise CliError(f"{file}: expected a JSON object of corrected fields")
    state = await _update(
        submission_id, SubmissionWorkflow.submit_fix, FixInput(changes=changes, actor=actor)
    )
    emit(state, as_json, lambda: render_state(state))


@command(submission_app, "withdraw")
async def submission_withdraw(
    submission_id: str,
    reason: Annotated[str, typer.Option(help="Why the film is withdrawn")],
    actor: str = "producer",
    as_json: JsonFlag = False,
) -> None:
    """Withdraw a film from its session."""
    if not reason.strip():
        raise CliError("--reason must say why the film is withdrawn")
    state = await _update(
        submission_id, SubmissionWorkflow.withdraw, WithdrawInput(reason=reason, actor=actor)
    )
    emit(state, as_json, lambda: render_state(state))


# --- the embedded dev stack and the demo ------------------------------------------------------


@command(dev_app, "up")
async def dev_up(as_json: JsonFlag = False) -> None:
    """Start (or reuse) the Temporal dev server and a worker in the background."""
    import devserver

    settings = get_settings()
    lines = [devserver.ensure_server(settings), devserver.ensure_worker()]
    emit({"status": lines}, as_json, lambda: [out.print(line) for line in lines])


@command(dev_app, "down")
async def dev_down(as_json: JsonFlag = False) -> None:
    """Stop the worker and dev server that `dev up` or the demo started."""
    import devserver

    stopped = devserver.stop_all()
    emit(
        {"stopped": stopped},
        as_json,
        lambda: out.print(f"stopped {', '.join(stopped)}" if stopped else "nothing was running"),
    )


@command(app, "demo")
async def demo(
    count: Annotated[int, typer.Option(min=1, max=20000)] = 60,
    year: int = 2027,
    fix_window: str = "40s",
    as_json: JsonFlag = False,
) -> None:
    """Run the main job on embedded defaults: a Toulouse session and a generated call."""
    from demo import run_demo

    summary = await run_demo(
        get_settings(),
        count=count,
        year=year,
        fix_window=parse_duration(fix_window),
        console=Console(quiet=as_json, width=_WIDTH),
    )
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
    sys.exit(0)
