"""The committee's work still to do."""

from __future__ import annotations

from gateway.context import Context
from store import repository


async def missing_scores(ctx: Context, session_id: str) -> dict[str, int]:
    """How many assigned films each committee member has still to score."""
    async with ctx.database() as db:
        return await repository.missing_scores(db, session_id)
