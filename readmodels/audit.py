"""A session's audit trail, checked: its chain walked from the first row to the head.

Only the database is read. `starter.py audit verify SESSION` prints what this finds;
`audit head SESSION` prints the head's number and hash, to be kept elsewhere (a later head that
no longer descends from a kept one is a chain rewritten from that point on).
"""

from __future__ import annotations

from sqlalchemy import select

from domain.audit_chain import verify
from gateway.context import Context
from models.audit_chain import STAFF_CHAIN, ChainReport, Link
from models.orm import AuditRow
from store import repository


async def audit_chain(ctx: Context, chain: str, kept: tuple[int, str] | None = None) -> ChainReport:
    """The chain of session `chain` (or of the staff accounts, `staff`), walked; and checked
    against `kept`, a head printed earlier (its number and hash), if given."""
    async with ctx.database() as db:
        if chain != STAFF_CHAIN and await repository.get_session(db, chain) is None:
            raise LookupError(
                f"no session {chain!r}: give its full id (<programme>/<session>) or staff"
            )
        rows = await db.scalars(
            select(AuditRow).where(AuditRow.chain == chain).order_by(AuditRow.seq)
        )
        links = [Link.model_validate(row, from_attributes=True) for row in rows]
    return verify(chain, links, kept)
