"""Staff accounts, as an admin keeps them from the command line: add one, disable one. Each is in
the audit trail with the admin who did it; a password is hashed with argon2id (argon2-cffi, its
salt in the hash) and never kept, printed or logged. An account is disabled, never deleted: the
names in the audit trail keep their account."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.roles import refusal
from gateway.context import Context
from gateway.errors import ActionError
from models.orm import StaffRow
from models.staff import PASSWORD_MAX, PASSWORD_MIN, Role, StaffInput, StaffLine
from readmodels.staff import line_of
from store import repository

# argon2-cffi's defaults: argon2id, RFC 9106's low-memory profile (64 MiB, 3 passes).
HASHER = PasswordHasher()


def check_password(password: str) -> None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ActionError(
            f"password: {PASSWORD_MIN} to {PASSWORD_MAX} characters, not {len(password)}"
        )
    if password.strip() != password:
        raise ActionError("password: no space at its start or end (a copy and paste's mark)")


async def add_staff(ctx: Context, account: StaffInput, password: str) -> StaffLine:
    """A new staff account, active; refused if the address has one (active or not)."""
    check_password(password)
    email = account.email.lower()
    now = datetime.now(UTC)
    async with ctx.database.begin() as db:
        if await db.get(StaffRow, email) is not None:
            raise ActionError(f"{email} already has a staff account (staff list shows it)")
        if (
            account.role is not Role.ADMIN
            and await db.scalar(select(StaffRow.email).limit(1)) is None
        ):
            raise ActionError(
                f"role: the first staff account must be an admin, not {account.role.value} "
                "(from it on, only an admin adds accounts)"
            )
        row = StaffRow(
            email=email,
            name=account.name,
            role=account.role.value,
            password_hash=HASHER.hash(password),
            active=True,
            created_at=now,
            created_by=ctx.actor,
        )
        db.add(row)
        await repository.audit(
            db,
            key=f"staff:{email}:added",
            at=now,
            actor=ctx.actor,
            entity_type="staff",
            entity_id=email,
            action="staff_added",
            to_state=account.role.value,
            reason=f"{account.name}, {account.role.value}",
        )
    return line_of(row)


async def disable_staff(ctx: Context, email: str, reason: str) -> StaffLine:
    """The account can no longer sign in; its record stays. Disabling it again changes
    nothing."""
    now = datetime.now(UTC)
    async with ctx.database.begin() as db:
        row = await db.get(StaffRow, email.lower())
        if row is None:
            raise ActionError(f"no staff account for {email.lower()}")
        if row.active and row.role == Role.ADMIN and await active_admins(db) == 1:
            raise ActionError(
                f"{row.email} is the last active admin: add another admin first, or nobody "
                "could manage staff accounts again"
            )
        if row.active:
            row.active, row.disabled_at = False, now
            await repository.audit(
                db,
                key=f"staff:{row.email}:disabled:{now.isoformat()}",
                at=now,
                actor=ctx.actor,
                entity_type="staff",
                entity_id=row.email,
                action="staff_disabled",
                from_state=row.role,
                reason=reason,
            )
    return line_of(row)


async def active_admins(db: AsyncSession) -> int:
    query = select(func.count()).where(StaffRow.active, StaffRow.role == Role.ADMIN.value)
    return await db.scalar(query) or 0


class SignInRefused(ActionError):
    """An address and password that open no account: unknown, disabled or wrong, alike (the
    page says which of them nobody)."""

    def __init__(self) -> None:
        super().__init__("wrong address or password")


# Checked against when the address has no account, so that an unknown address takes as long
# to refuse as a wrong password (the time tells nothing).
_NOBODY = HASHER.hash("no account has this password")


async def sign_in(ctx: Context, email: str, password: str) -> StaffLine:
    """The active account the address and password open, or SignInRefused."""
    async with ctx.database() as db:
        row = await db.get(StaffRow, email.strip().lower())
    try:
        HASHER.verify(row.password_hash if row else _NOBODY, password)
    except VerificationError:
        raise SignInRefused() from None
    if row is None or not row.active:
        raise SignInRefused()
    return line_of(row)


async def acting_account(ctx: Context, command: str) -> StaffLine | None:
    """The staff account a command line acts for, checked before `command` touches anything.

    Once a staff account exists, the context must name one (`--as` or STAFF_ACTOR, by its
    address), active, whose role may run `command` (domain/roles.py); else a refusal that says
    who, which role and which command. With no account at all (a fresh install, the demo, a
    database not yet migrated to have accounts) there is nobody to check against: None, and the
    command runs as it always did. Accounts are disabled, never deleted, and the last active
    admin cannot be disabled: once the first account is made, the command line stays closed."""
    named = (ctx.named or "").strip().lower()
    async with ctx.database() as db:
        schema = await db.connection()
        if not await schema.run_sync(lambda c: inspect(c).has_table(StaffRow.__tablename__)):
            return None
        anyone = await db.scalar(select(StaffRow.email).limit(1))
        row = await db.get(StaffRow, named) if anyone and named else None
    if anyone is None:
        return None
    if not named:
        raise ActionError(
            f"`{command}` refused: staff accounts exist, so say which is yours with "
            "--as EMAIL (or STAFF_ACTOR)"
        )
    if row is None:
        raise ActionError(
            f"`{command}` refused: {named!r} has no staff account (--as or STAFF_ACTOR names "
            "yours by its e-mail address; staff list shows them)"
        )
    if not row.active:
        raise ActionError(f"`{command}` refused: the staff account {row.email} is disabled")
    if why := refusal(row.email, Role(row.role), command):
        raise ActionError(why)
    return line_of(row)
