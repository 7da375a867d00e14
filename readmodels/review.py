"""The committee's work still to do, and the conflicts of interest that keep members from films."""

from __future__ import annotations

from gateway.context import Context
from models.committee import ConflictLine, ConflictSource, Relation
from store import repository


async def missing_scores(ctx: Context, session_id: str) -> dict[str, int]:
    """How many assigned films each committee member has still to score."""
    async with ctx.database() as db:
        return await repository.missing_scores(db, session_id)


async def conflicts(ctx: Context, session_id: str) -> list[ConflictLine]:
    """Every member kept from a film, by film then member: the conflicts the assignment avoided
    and those members declared, with who recorded each, when and why."""
    async with ctx.database() as db:
        rows = await repository.session_conflicts(db, session_id)
    return [
        ConflictLine(
            member_id=row.member_id,
            submission_id=row.submission_id,
            title=title,
            source=ConflictSource(row.source),
            relation=Relation(row.relation) if row.relation else None,
            why=row.why,
            actor=row.actor,
            at=row.at,
        )
        for row, title in rows
    ]
