"""What every command shares: the typer app and its groups, one-line errors, `--json` output,
durations and moments, and the layer's context (actions/context.py).

Only typer, rich and the standard library are imported here, so that every command module can
be imported for its help screen at once; commands import the layer in their bodies."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from cli.registry import ENTRIES, app
from gateway.errors import ActionError

if TYPE_CHECKING:
    from gateway.context import Context
    from intake.batch import RowError


class Acting:
    """Who this run of the command line acts as (`--as`), for the layer's context, and the
    command it runs, named as typed ("session advance"), for the roles' check."""

    name: str | None = None
    command: str = "starter.py"


@app.callback()
def root(
    acting_as: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Your staff account's e-mail address, as the audit trail records what you do "
            "and your role allows it (default: STAFF_ACTOR; with no staff account yet, any "
            "name, else your login).",
        ),
    ] = None,
) -> None:
    """wipflow's command line for festival staff (a group even before any module registers its
    commands: cli/registry.py lists them)."""
    Acting.name = acting_as.strip() if acting_as and acting_as.strip() else None


def group(name: str, help: str | None = None) -> typer.Typer:
    """A group of commands; its help is the registry's (cli/registry.py), which lists it before
    its module is imported."""
    sub = typer.Typer(name=name, no_args_is_help=True, help=help or ENTRIES[name].help)
    app.add_typer(sub, name=name)
    return sub


# Piped output (CI logs, `| less`) gets a readable width rather than rich's 80 columns.
WIDTH = None if sys.stdout.isatty() else 120
out = Console(width=WIDTH)
err = Console(stderr=True, width=WIDTH)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


class CliError(ActionError):
    """A command line refused before any action ran (a duration, a date, a file that is not
    JSON), explained in one line as the actions' refusals are."""


def command(group: typer.Typer, name: str | None = None):
    """Register an async command whose known failures end as one clear line and exit code 1."""

    def register(fn: Callable[..., Coroutine[Any, Any, None]]):
        typed = " ".join(n for n in (group.info.name, name or fn.__name__.replace("_", "-")) if n)

        @wraps(fn)
        def run(*args, **kwargs) -> None:
            import asyncio  # here: a help screen need not load it

            Acting.command = typed
            try:
                asyncio.run(fn(*args, **kwargs))
            except Exception as exc:
                if not refused(exc):
                    raise
                message = error_text(exc)
                if kwargs.get("as_json"):
                    print(json.dumps({"error": message}))
                err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
                raise typer.Exit(1) from None

        return group.command(name)(run)

    return register


def refused(exc: Exception) -> bool:
    """Whether a failure is a refusal to explain in one line, not a bug to show in full. The
    types are imported here, when a command failed: by then the modules that raise them are."""
    from pydantic import ValidationError

    from intake.batch import IntakeFileError
    from intake.opening import CalendarError, SessionExistsError
    from models.programme import ProgrammeConfigError

    known = (
        ValidationError,  # a request its model refuses, field by field
        ActionError,
        IntakeFileError,
        ProgrammeConfigError,
        SessionExistsError,
        CalendarError,
        LookupError,
        FileNotFoundError,
        TimeoutError,
    )
    return isinstance(exc, known)


def error_text(exc: Exception) -> str:
    """One line for a refusal: a validation error's fields and reasons, else its message."""
    from pydantic import ValidationError

    from intake.batch import field_errors

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


def emit(data: Any, as_json: bool, render: Callable[[], None]) -> None:
    """Print `data` as JSON (a read model, a list of them, or plain values), else `render()`."""
    if as_json:
        print(json.dumps(plain(data), ensure_ascii=False, indent=2, default=str))
    else:
        render()


def plain(data: Any) -> Any:
    """A read model (or a list of them) as JSON values, by its own `model_dump`."""
    if hasattr(data, "model_dump"):
        return data.model_dump(mode="json")
    if isinstance(data, list):
        return [plain(item) for item in data]
    return data


@asynccontextmanager
async def staff() -> AsyncIterator[Context]:
    """The layer's context for one command: its settings, and the database and Temporal client
    it opens only when an action needs them. Before the command acts through it, the staff member
    it acts for is checked (actions/staff.acting_account): once staff accounts exist, an active
    one whose role allows the command, recorded by its address; before, anyone, as today."""
    from actions.staff import acting_account
    from gateway.context import context

    async with context(actor=Acting.name) as ctx:
        if account := await acting_account(ctx, Acting.command):
            ctx.acting_as(account.email)
        yield ctx


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
