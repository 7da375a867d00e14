"""What every command shares: the typer app and its groups, one-line errors, `--json` output,
durations and moments, and the connections to the database and to Temporal."""

from __future__ import annotations

import asyncio
import json
import re
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from intake.batch import IntakeFileError, RowError, field_errors
from intake.opening import CalendarError, SessionExistsError
from models.programme import Programme, ProgrammeConfigError, load_programme
from settings import Settings
from store import db as store_db
from temporal_client import TemporalUnavailable

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="wipflow's command line for festival staff."
)


def group(name: str, help: str) -> typer.Typer:
    sub = typer.Typer(no_args_is_help=True, help=help)
    app.add_typer(sub, name=name)
    return sub


# Piped output (CI logs, `| less`) gets a readable width rather than rich's 80 columns.
WIDTH = None if sys.stdout.isatty() else 120
out = Console(width=WIDTH)
err = Console(stderr=True, width=WIDTH)

# A dropped update is sent again every 2 s for about a minute (see `update`).
UPDATE_TRIES = 30

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
                ValidationError,  # a request its model refuses, field by field
                CliError,
                TemporalUnavailable,
                IntakeFileError,
                ProgrammeConfigError,
                SessionExistsError,
                CalendarError,
                LookupError,
                FileNotFoundError,
                TimeoutError,
            ) as exc:
                message = error_text(exc)
                if kwargs.get("as_json"):
                    print(json.dumps({"error": message}))
                err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
                raise typer.Exit(1) from None

        return group.command(name)(run)

    return register


def error_text(exc: Exception) -> str:
    """One line for a refusal: a validation error's fields and reasons, else its message."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{e.field}: {e.message}" for e in field_errors(exc))
    return exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)


def print_rejected(rejected: list[RowError]) -> None:
    """A file's refused rows, a line per field: row, title, field and why."""
    for rej in rejected:
        for e in rej.errors:
            out.print(
                f"  row {rej.row}{f' ({rej.title})' if rej.title else ''}: "
                f"[bold]{e.field}[/bold]: {e.message}",
                highlight=False,
            )


def emit(data: BaseModel | dict | list, as_json: bool, render: Callable[[], None]) -> None:
    if as_json:
        payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        render()


def read_json(path: Path) -> Any:
    """A JSON file a person wrote; anything unreadable (missing, not UTF-8, not JSON, nested past
    Python's stack) is one line naming the file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except RecursionError:
        raise CliError(f"{path}: nested too deeply") from None
    except (OSError, ValueError) as exc:
        raise CliError(f"{path}: {exc}") from None


_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$", re.ASCII)
# Windows and calendar moves are days or months; past ten years a duration is a typo, and one
# large enough would overflow the workflows' date arithmetic (`now + fix_window`) and fail them.
MAX_DURATION = timedelta(days=3660)
# A session's dates lie within its century (years 2000-2100); year 9999 would overflow too.
MOMENT_RANGE = timedelta(days=36525)


def parse_duration(text: str) -> timedelta:
    """`10d`, `36h`, `1h30m`, `45s`."""
    match = _DURATION.match(text.strip())
    if not text.strip() or not match:
        raise CliError(f"{text!r} is not a duration (examples: 10d, 36h, 1h30m, 45s)")
    d, h, m, s = (int(g or 0) for g in match.groups())
    try:
        duration = timedelta(days=d, hours=h, minutes=m, seconds=s)
    except OverflowError:
        duration = MAX_DURATION * 2
    if duration <= timedelta(0):
        raise CliError(f"{text!r}: a duration must be positive")
    if duration > MAX_DURATION:
        raise CliError(f"{text!r}: a duration is at most {MAX_DURATION.days} days")
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
    if not now - MOMENT_RANGE <= moment <= now + MOMENT_RANGE:
        raise CliError(f"{text!r} is more than a century from now")
    return moment


def programme_file(settings: Settings, programme_id: str) -> Programme:
    path = settings.programmes_dir / f"{programme_id}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in settings.programmes_dir.glob("*.toml")))
        raise CliError(f"no programme {programme_id!r} (known: {known})")
    return load_programme(path)


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[async_sessionmaker]:
    engine = store_db.make_engine(settings.database_url)
    try:
        yield store_db.make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def update(handle: WorkflowHandle, method, arg: BaseModel | None, what: str) -> Any:
    """Run a workflow update; a validator's refusal becomes one line naming `what`.

    An update the server dropped because the worker died holding it (UnprocessedUpdate, or the
    WorkflowNotReady of a lost workflow task), or a server briefly unavailable, is sent again
    for up to a minute under the same update id: the workflow applies one update id once, so
    staff never see an error for a command that did nothing, nor a command applied twice (the
    fault drills restart workers under staff's feet).
    """
    args = [] if arg is None else [arg]
    update_id = f"cli-{uuid.uuid4()}"
    for attempt in range(UPDATE_TRIES):
        try:
            return await handle.execute_update(method, *args, id=update_id)
        except WorkflowUpdateFailedError as exc:
            if "UnprocessedUpdate" in str(exc.cause) and attempt < UPDATE_TRIES - 1:
                await asyncio.sleep(2)
                continue
            cause = exc.cause
            while getattr(cause, "cause", None) is not None:  # an activity's refusal, under it
                cause = cause.cause
            raise CliError(f"{what}: {getattr(cause, 'message', cause)}") from None
        except RPCError as exc:
            # The server unavailable for a moment, or the workflow task that carried the update
            # lost with its worker (WorkflowNotReady): nothing was applied.
            lost = exc.status == RPCStatusCode.FAILED_PRECONDITION and "task failure" in str(exc)
            if not (lost or exc.status == RPCStatusCode.UNAVAILABLE) or attempt == UPDATE_TRIES - 1:
                raise
            await asyncio.sleep(2)
    raise AssertionError("unreachable: the last attempt returns or raises")
