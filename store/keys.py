"""The sessions' sealed data keys (models/orm/keys.py): read, kept once, forgotten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.orm import SessionKeyRow
from store.repository import insert_ignore


@dataclass(frozen=True)
class SealedKey:
    wrapped: bytes | None  # None: forgotten
    forgotten_at: datetime | None


async def sealed_key(db: AsyncSession, session_id: str, master_key_id: str) -> SealedKey | None:
    """The session's data key as sealed under `master_key_id`; None if never made under it."""
    row = (
        await db.execute(
            select(SessionKeyRow.wrapped, SessionKeyRow.forgotten_at).where(
                SessionKeyRow.session_id == session_id,
                SessionKeyRow.master_key_id == master_key_id,
            )
        )
    ).one_or_none()
    return None if row is None else SealedKey(row.wrapped, row.forgotten_at)


async def forgotten_on(db: AsyncSession, session_id: str) -> datetime | None:
    """When the session's data keys were forgotten, if they were."""
    return (
        await db.execute(
            select(SessionKeyRow.forgotten_at)
            .where(SessionKeyRow.session_id == session_id)
            .where(SessionKeyRow.forgotten_at.is_not(None))
            .limit(1)
        )
    ).scalar_one_or_none()


async def keep_sealed(
    db: AsyncSession, session_id: str, master_key_id: str, wrapped: bytes, at: datetime
) -> None:
    """Keep a new data key unless one was kept first (two processes making the session's key at
    the same moment: the first one stays, and both read it back)."""
    row = dict(session_id=session_id, master_key_id=master_key_id, wrapped=wrapped, created_at=at)
    await insert_ignore(db, SessionKeyRow, [row], ["session_id", "master_key_id"])


async def forget(db: AsyncSession, session_id: str, at: datetime) -> int:
    """Empty every sealed data key of the session; returns how many were still there. The rows
    stay, so a later payload of the session is refused instead of sealed under a new key."""
    result = await db.execute(
        update(SessionKeyRow)
        .where(SessionKeyRow.session_id == session_id, SessionKeyRow.wrapped.is_not(None))
        .values(wrapped=None, forgotten_at=at)
    )
    return result.rowcount
