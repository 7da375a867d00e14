"""Staff accounts from the command line: real `starter.py` processes against PostgreSQL. An admin
adds an account (the password read from standard input, hashed with argon2id, never printed),
lists the accounts, disables one; each change is in the audit trail with the admin's name; a bad
address, role or password is refused by its field and writes nothing."""

from __future__ import annotations

import json
import os

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from models.orm import AuditRow, StaffRow
from tests.test_cli import starter

pytestmark = pytest.mark.integration

PASSWORD = "a long pass phrase of ours"


def env(pg_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": pg_url, "STAFF_ACTOR": "Marta Ruiz"}


async def add(pg_url: str, email: str, role: str = "programmer", password: str = PASSWORD):
    return await starter(
        env(pg_url),
        *["staff", "add", email, "--name", "Iván Giroud", "--role", role],
        *["--password-stdin", "--json"],
        stdin=password + "\n",
    )


async def rows(pg_sessions, email: str) -> tuple[StaffRow | None, list[AuditRow]]:
    async with pg_sessions() as db:
        account = await db.get(StaffRow, email)
        trail = (await db.scalars(select(AuditRow).where(AuditRow.entity_id == email))).all()
    return account, list(trail)


async def test_an_admin_adds_lists_and_disables_an_account(pg_url, pg_sessions):
    code, out, err = await add(pg_url, "Ivan@Cinelatino.example")
    assert code == 0, err
    assert json.loads(out)["email"] == "ivan@cinelatino.example"
    assert PASSWORD not in out + err
    account, trail = await rows(pg_sessions, "ivan@cinelatino.example")
    assert account.active and account.role == "programmer" and PASSWORD not in account.password_hash
    assert account.password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(account.password_hash, PASSWORD)
    assert [(a.action, a.actor) for a in trail] == [("staff_added", "Marta Ruiz (staff)")]

    code, out, _ = await starter(env(pg_url), "staff", "list", "--json")
    listed = {s["email"]: s for s in json.loads(out)}
    assert code == 0 and listed["ivan@cinelatino.example"]["role"] == "programmer"
    assert "password_hash" not in listed["ivan@cinelatino.example"]

    for _ in range(2):  # disabling again changes nothing more
        code, out, err = await starter(
            env(pg_url), "staff", "disable", "IVAN@cinelatino.example", "--reason", "left", "--json"
        )
        assert code == 0 and json.loads(out)["active"] is False, err
    account, trail = await rows(pg_sessions, "ivan@cinelatino.example")
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
async def test_a_bad_field_is_refused_by_name_and_writes_nothing(
    pg_url, pg_sessions, email, role, password, said
):
    code, _, err = await add(pg_url, email, role, password)
    assert code == 1 and said in err and len(err.strip().splitlines()) == 1, err
    assert (await rows(pg_sessions, email.lower()))[0] is None


async def test_an_address_has_one_account_whatever_its_case(pg_url):
    assert (await add(pg_url, "luis@cinelatino.example"))[0] == 0
    code, _, err = await add(pg_url, "LUIS@cinelatino.example", "admin")
    assert code == 1 and "luis@cinelatino.example already has a staff account" in err
