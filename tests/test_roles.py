"""Who may run which command (domain/roles.py), without Temporal or a database: read_only reads,
programmer also steers, admin also manages staff and privacy; a command not known to be a read
is refused to read-only accounts."""

from __future__ import annotations

import importlib

import pytest
import typer.main

from cli.registry import ENTRIES, app
from domain.roles import READS, Ability, may, needed, refusal
from models.staff import Role


def commands() -> set[str]:
    """Every command `starter.py` registers, named group first as it is typed."""
    for entry in ENTRIES.values():
        for module in entry.modules:
            importlib.import_module(module)
    root = typer.main.get_group(app)
    names = set()
    for name, command in root.commands.items():
        subs = getattr(command, "commands", None)
        names |= {f"{name} {sub}" for sub in subs} if subs else {name}
    return names


@pytest.mark.parametrize(
    ("command", "read_only", "programmer", "admin"),
    [
        ("session status", True, True, True),
        ("submission show", True, True, True),
        ("staff list", True, True, True),
        ("session advance", False, True, True),
        ("submit", False, True, True),
        ("producer confirm", False, True, True),
        ("staff add", False, False, True),
        ("staff disable", False, False, True),
        ("privacy erase", False, False, True),
        ("a command written tomorrow", False, True, True),
    ],
)
def test_each_role_may_what_its_table_says(command, read_only, programmer, admin):
    assert [may(role, command) for role in Role] == [admin, programmer, read_only]


def test_every_listed_read_is_a_real_command_and_every_other_one_steers_or_administers():
    known = commands()
    assert READS - known == set()
    assert {needed(c) for c in known - READS} <= {Ability.STEER, Ability.ADMINISTER}
    assert {c for c in known if needed(c) == Ability.ADMINISTER} == {
        "staff add",
        "staff disable",
        "privacy erase",
        "privacy schedule",
        "privacy forget-key",
    }
    assert {"audit verify", "audit head"} <= READS


def test_a_refusal_names_the_account_its_role_and_the_command():
    said = refusal("lea@festival.example", Role.READ_ONLY, "session advance")
    assert said == (
        "lea@festival.example is read_only (read only): `session advance` is for admin or "
        "programmer only"
    )
    assert "`staff add` is for admin only" in refusal("p@f.example", Role.PROGRAMMER, "staff add")
    assert refusal("a@f.example", Role.ADMIN, "staff add") is None
