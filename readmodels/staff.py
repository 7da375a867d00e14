"""Staff accounts as an admin reads them: who, which role, active or not, since when and added
by whom; never a password's hash."""

from __future__ import annotations

from sqlalchemy import select

from gateway.context import Context
from models.orm import StaffRow
from models.staff import Role, StaffLine


def line_of(row: StaffRow) -> StaffLine:
    return StaffLine(
        email=row.email,
        name=row.name,
        role=Role(row.role),
        active=row.active,
        created_at=row.created_at,
        created_by=row.created_by,
        disabled_at=row.disabled_at,
    )


async def staff_accounts(ctx: Context) -> list[StaffLine]:
    async with ctx.database() as db:
        rows = await db.scalars(select(StaffRow).order_by(StaffRow.email))
        return [line_of(r) for r in rows]


async def active_account(ctx: Context, email: str) -> StaffLine | None:
    """The account of a signed-in address, if it is still active: a disabled account's cookie
    opens nothing from its next request on."""
    async with ctx.database() as db:
        row = await db.get(StaffRow, email)
    return line_of(row) if row is not None and row.active else None
