"""Which staff role may run which command, in one place: the command line asks it before a
command touches anything (cli/common.staff), and README's roles table says the same.

Three abilities, each role holding those below it: `read_only` reads (boards, timelines,
outboxes, lists); `programmer` also steers sessions and submissions (every command that changes
their state); `admin` also manages staff accounts and privacy. A command is named as typed
after `starter.py`, group first: "session advance", "staff add", "stats".

A command not listed as a read is taken to change state: a new command is refused to read-only
accounts until someone lists it here as a read, never the other way round."""

from __future__ import annotations

from enum import IntEnum

from models.staff import Role


class Ability(IntEnum):
    """Ordered: a role that may do one may do every one below it."""

    READ = 1
    STEER = 2
    ADMINISTER = 3


# What each role may do at most.
HIGHEST: dict[Role, Ability] = {
    Role.READ_ONLY: Ability.READ,
    Role.PROGRAMMER: Ability.STEER,
    Role.ADMIN: Ability.ADMINISTER,
}

# The commands that change nothing: they print what the layer reads.
READS = frozenset(
    {
        "audit head",
        "audit verify",
        "awards status",
        "followup list",
        "followup show",
        "matching show",
        "meetings show",
        "notifications outbox",
        "notifications preview",
        "partners list",
        "programmes list",
        "programmes show",
        "review conflicts",
        "review missing",
        "selection status",
        "session status",
        "session watch",
        "staff list",
        "stats",
        "submission show",
    }
)
# The commands that decide who may do what, or what is kept of a person: the admin's alone.
ADMINISTERS = frozenset({"staff add", "staff disable"})
ADMINISTERING_GROUPS = frozenset({"privacy"})  # every `privacy *` command


def needed(command: str) -> Ability:
    """The ability `command` asks for."""
    if command in ADMINISTERS or command.split(" ", 1)[0] in ADMINISTERING_GROUPS:
        return Ability.ADMINISTER
    return Ability.READ if command in READS else Ability.STEER


def may(role: Role, command: str) -> bool:
    return HIGHEST[role] >= needed(command)


# What a refusal says each role may do, in the words of README's table.
SCOPE: dict[Role, str] = {
    Role.READ_ONLY: "read only",
    Role.PROGRAMMER: "read and steer sessions and submissions, not manage staff or privacy",
    Role.ADMIN: "everything",
}


def refusal(email: str, role: Role, command: str) -> str | None:
    """Why `email`, holding `role`, may not run `command`, in one line; None if they may."""
    if may(role, command):
        return None
    allowed = " or ".join(r.value for r in Role if may(r, command))
    return f"{email} is {role.value} ({SCOPE[role]}): `{command}` is for {allowed} only"
