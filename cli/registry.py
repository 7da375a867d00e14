"""Which module holds each of `starter.py`'s top-level groups and commands, and the typer group
that imports a module only when one of its commands is asked for.

`starter.py --help` lists every group from this table alone, and `starter.py session --help`
imports only the modules of `session`: a help screen, or a command refused for a wrong argument,
answers before Temporal, SQLAlchemy and the models would have loaded (bench/cli_startup.py).
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup


class Entry(NamedTuple):
    modules: tuple[str, ...]  # imported in this order; each registers its commands
    help: str  # what `starter.py --help` says of it, before its modules are imported
    is_group: bool = True


# In the order `starter.py --help` lists them (typer's: commands, then groups).
ENTRIES: dict[str, Entry] = {
    "demo": Entry(
        ("demo.command",),
        "Run a whole session on embedded defaults, its calendar compressed to seconds.",
        is_group=False,
    ),
    "web": Entry(
        ("web.command",),
        "Serve the producers' pages (the links in their messages point at PUBLIC_URL).",
        is_group=False,
    ),
    "submit": Entry(
        ("cli.submissions",),
        "Enter submissions into a session: each valid row starts its workflow, once.",
        is_group=False,
    ),
    "stats": Entry(
        ("cli.stats",),
        "What became of a programme's films: finished, time to finish, premieres, distribution.",
        is_group=False,
    ),
    "db": Entry(("cli.admin",), "The database schema."),
    "programmes": Entry(("cli.admin",), "Programmes: rules, calendars, slots."),
    "dev": Entry(("cli.admin",), "The embedded dev stack (server + worker)."),
    "followup": Entry(("cli.followup",), "Selected films after their session, until finished."),
    "notifications": Entry(
        ("cli.notifications",), "Messages to producers: preview, outbox, embargo."
    ),
    "partners": Entry(
        ("cli.partnering",), "A session's partners: post houses, sales, distribution, TV."
    ),
    "matching": Entry(
        ("cli.partnering",), "Which partners each selected film should meet, and why."
    ),
    "meetings": Entry(("cli.partnering",), "The one-to-one meetings of the event."),
    "awards": Entry(
        ("cli.partnering",), "Awards: the jury's decisions and each award's lifecycle."
    ),
    "submission": Entry(("cli.submissions",), "One film's submission."),
    "session": Entry(
        ("cli.sessions", "cli.watch"), "Sessions of a programme: open, status, calendar, close."
    ),
    "review": Entry(("cli.review",), "The selection committee: members, assignments, scores."),
    "selection": Entry(("cli.selection",), "The ranking and the offers: pin, exclude, run."),
    "producer": Entry(("cli.selection",), "A producer's answers: confirm, decline, withdraw."),
    "staff": Entry(("cli.staff",), "Staff accounts: who may sign in, with which role."),
    "privacy": Entry(
        ("cli.privacy",), "Personal data: erase a film's, and the programmes' retention."
    ),
    "audit": Entry(("cli.audit",), "The audit trail: is a session's chain intact, its head."),
}


class LazyGroup(TyperGroup):
    """The root group: lists every entry, and imports an entry's modules when it is run (or its
    own help is asked for). A module already imported (by a test, by the demo) is simply there."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*ENTRIES, *(name for name in self.commands if name not in ENTRIES)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name in self.commands or cmd_name not in ENTRIES:
            return self.commands.get(cmd_name)
        entry = ENTRIES[cmd_name]  # listed in a help screen: a stand-in, nothing imported
        stand_in = TyperGroup if entry.is_group else TyperCommand
        return stand_in(name=cmd_name, help=entry.help)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        if args and args[0] in ENTRIES and args[0] not in self.commands:
            self.commands[args[0]] = load(args[0])
        return super().resolve_command(ctx, args)


def load(name: str) -> _click.Command:
    """Import the entry's modules, then build its click command as typer would have."""
    import typer.main

    for module in ENTRIES[name].modules:
        importlib.import_module(module)
    built = typer.main.get_group(app)
    return built.commands[name]


app = typer.Typer(
    cls=LazyGroup,
    no_args_is_help=True,
    add_completion=False,
    help="wipflow's command line for festival staff.",
)
