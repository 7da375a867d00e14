"""Staff accounts from the command line: real `starter.py` processes against PostgreSQL (a
database of this module's own: the accounts here decide who may run commands). On a fresh
install anyone runs anything; the first admin is added so. From then on every command names an
active account (`--as` or STAFF_ACTOR, by address) whose role allows it, and the audit trail
records that address. An admin adds an account (the password read from standard input, hashed
with argon2id, never printed), lists the accounts, disables one; a bad address, role or password
is refused by its field and writes nothing; a role that may not run a command is refused in its
words, with nothing changed."""

from __future__ import annotations

import json
import os

import pytest
import pytest_asyncio
from argon2 import PasswordHasher
from sqlalchemy import select

from models.orm import AuditRow, StaffRow
from tests.conftest import fresh_database
from tests.test_cli import starter

pytestmark = pytest.mark.integration

PASSWORD = "a long pass phrase of ours"
ADMIN = "marta@cinelatino.example"


def env(url: str, actor: str = ADMIN) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "STAFF_ACTOR": actor}


async def add(url: str, email: str, role: str = "programmer", password: str = PASSWORD, **kw):
    return await starter(
        env(url, **kw),
        *["staff", "add", email, "--name", "Iván Giroud", "--role", role],
        *["--password-stdin", "--json"],
        stdin=password + "\n",
    )


async def rows(database, email: str) -> tuple[StaffRow | None, list[AuditRow]]:
    async with database() as db:
        account = await db.get(StaffRow, email)
        trail = (await db.scalars(select(AuditRow).where(AuditRow.entity_id == email))).all()
    return account, list(trail)


@pytest_asyncio.fixture(scope="module")
async def db(own_pg):
    """The first account, an admin, added on a fresh install as anyone may (its adder named as
    STAFF_ACTOR said, no account being there to check against)."""
    code, _, err = await add(own_pg.url, "Marta@Cinelatino.example", "admin", actor="Marta Ruiz")
    assert code == 0, err
    _, trail = await rows(own_pg.sessions, ADMIN)
    assert [(a.action, a.actor) for a in trail] == [("staff_added", "Marta Ruiz (staff)")]
    return own_pg


async def test_an_admin_adds_lists_and_disables_an_account(db):
    code, out, err = await add(db.url, "Ivan@Cinelatino.example", actor="MARTA@cinelatino.example")
    assert code == 0, err
    assert json.loads(out)["email"] == "ivan@cinelatino.example"
    assert PASSWORD not in out + err
    account, trail = await rows(db.sessions, "ivan@cinelatino.example")
    assert account.active and account.role == "programmer" and PASSWORD not in account.password_hash
    assert account.password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(account.password_hash, PASSWORD)
    # The account's address is recorded, whatever case it was typed in.
    assert [(a.action, a.actor) for a in trail] == [("staff_added", f"{ADMIN} (staff)")]

    code, out, _ = await starter(env(db.url), "staff", "list", "--json")
    listed = {s["email"]: s for s in json.loads(out)}
    assert code == 0 and listed["ivan@cinelatino.example"]["role"] == "programmer"
    assert "password_hash" not in listed["ivan@cinelatino.example"]

    for _ in range(2):  # disabling again changes nothing more
        code, out, err = await starter(
            env(db.url), "staff", "disable", "IVAN@cinelatino.example", "--reason", "left", "--json"
        )
        assert code == 0 and json.loads(out)["active"] is False, err
    account, trail = await rows(db.sessions, "ivan@cinelatino.example")
    assert not account.active and account.disabled_at is not None
    assert [a.action for a in trail] == ["staff_added", "staff_disabled"]


@pytest.mark.parametrize(
    ("email", "role", "password", "said"),
    [
        ("not an address", "admin", PASSWORD, "email:"),
        ("ana@cinelatino.example", "boss", PASSWORD, "role:"),
        ("ana@cinelatino.example", "admin", "short", "password: 12 to 200 characters, not 5"),
        ("ana@cinelatino.example", "admin", f" {PASSWORD}", "password: no space at its start"),
    ],
)
async def test_a_bad_field_is_refused_by_name_and_writes_nothing(db, email, role, password, said):
    code, _, err = await add(db.url, email, role, password)
    assert code == 1 and said in err and len(err.strip().splitlines()) == 1, err
    assert (await rows(db.sessions, email.lower()))[0] is None


async def test_an_address_has_one_account_whatever_its_case(db):
    assert (await add(db.url, "luis@cinelatino.example"))[0] == 0
    code, _, err = await add(db.url, "LUIS@cinelatino.example", "admin")
    assert code == 1 and "luis@cinelatino.example already has a staff account" in err


async def test_each_role_runs_only_what_it_may_and_a_refusal_changes_nothing(db):
    assert (await add(db.url, "lea@cinelatino.example", "read_only"))[0] == 0
    assert (await add(db.url, "pablo@cinelatino.example", "programmer"))[0] == 0
    lea, pablo = env(db.url, "lea@cinelatino.example"), env(db.url, "pablo@cinelatino.example")

    code, out, err = await starter(lea, "staff", "list", "--json")  # every role reads
    assert code == 0 and "lea@cinelatino.example" in out, err
    code, _, err = await starter(lea, "session", "advance", "x/y-2027", "--reason", "early")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert (
        "lea@cinelatino.example is read_only (read only): `session advance` is for admin or "
        "programmer only"
    ) in err
    code, _, err = await starter(
        pablo, "staff", "disable", "lea@cinelatino.example", "--reason", "no"
    )
    assert code == 1 and "pablo@cinelatino.example is programmer" in err
    assert "`staff disable` is for admin only" in err
    account, trail = await rows(db.sessions, "lea@cinelatino.example")
    assert account.active and [a.action for a in trail] == ["staff_added"]

    # `--as` names the account on the command line, ahead of STAFF_ACTOR.
    code, _, err = await starter(
        lea, "--as", ADMIN, "staff", "disable", "pablo@cinelatino.example", "--reason", "left"
    )
    assert code == 0, err
    _, trail = await rows(db.sessions, "pablo@cinelatino.example")
    assert [(a.action, a.actor) for a in trail][-1] == ("staff_disabled", f"{ADMIN} (staff)")


@pytest.mark.parametrize(
    ("actor", "said"),
    [
        ("", "staff accounts exist, so say which is yours with --as EMAIL (or STAFF_ACTOR)"),
        ("Marta Ruiz", "'marta ruiz' has no staff account"),
        ("ivan@cinelatino.example", "the staff account ivan@cinelatino.example is disabled"),
    ],
)
async def test_once_accounts_exist_a_command_names_an_active_one(db, actor, said):
    code, _, err = await starter(env(db.url, actor), "staff", "list")
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert "`staff list` refused: " in err and said in err


async def test_the_last_active_admin_cannot_be_disabled(db):
    code, _, err = await starter(env(db.url), "staff", "disable", ADMIN, "--reason", "leaving")
    assert code == 1 and f"{ADMIN} is the last active admin: add another admin first" in err
    account, _ = await rows(db.sessions, ADMIN)
    assert account.active


async def test_the_first_account_of_a_fresh_install_is_an_admin():
    async with fresh_database() as url:
        code, _, err = await add(url, "nadie@cinelatino.example", "programmer", actor="Nadie")
        assert code == 1
        assert "role: the first staff account must be an admin, not programmer" in err
        assert (await starter(env(url, "Nadie"), "staff", "list", "--json"))[0] == 0  # still open
