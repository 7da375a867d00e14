"""Staff accounts, kept by an admin: add, list, disable."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from cli.common import JsonFlag, command, emit, group, out, staff

staff_app = group("staff")

ROLES = "admin, programmer or read_only"


@command(staff_app, "add")
async def staff_add(
    email: str,
    name: Annotated[str, typer.Option(help="As the audit trail and the pages will name them")],
    role: Annotated[str, typer.Option(help=ROLES)],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """A staff account: its password asked (twice, unseen) or read from standard input, hashed
    with argon2id and never kept."""
    from actions.staff import add_staff
    from models.staff import StaffInput

    account = StaffInput(email=email, name=name, role=role)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    async with staff() as ctx:
        line = await add_staff(ctx, account, password)
    emit(line, as_json, lambda: out.print(f"{line.email}: {line.role.value}, active"))


@command(staff_app, "list")
async def staff_list(as_json: JsonFlag = False) -> None:
    """Every staff account: role, active or disabled, added when and by whom."""
    from readmodels.staff import staff_accounts

    async with staff() as ctx:
        lines = await staff_accounts(ctx)

    def render() -> None:
        table = Table("email", "name", "role", "active", "added", "by")
        for s in lines:
            added = f"{s.created_at:%Y-%m-%d}"
            table.add_row(
                s.email, s.name, s.role.value, "yes" if s.active else "no", added, s.created_by
            )
        out.print(table)

    emit(lines, as_json, render)


@command(staff_app, "disable")
async def staff_disable(
    email: str,
    reason: Annotated[str, typer.Option(help="Why: kept in the audit log")],
    as_json: JsonFlag = False,
) -> None:
    """The account can no longer sign in; its record and its name in the audit trail stay."""
    from actions.staff import disable_staff

    async with staff() as ctx:
        line = await disable_staff(ctx, email, reason)
    emit(line, as_json, lambda: out.print(f"{line.email}: disabled"))
