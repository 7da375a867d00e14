"""Each session's data key for what goes to Temporal (codec/), wrapped under a master key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.orm.base import Base


class SessionKeyRow(Base):
    """A session's data key under one master key: 32 random bytes, kept only sealed by that
    master key (AES-256-GCM, the session and master key ids bound in). One row per master key
    the session's payloads were sealed under; forgetting the session's key (crypto-shredding)
    empties `wrapped` in every row and keeps the rows as the record that it was done."""

    __tablename__ = "session_keys"

    session_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    master_key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    wrapped: Mapped[bytes | None] = mapped_column(
        LargeBinary, comment="nonce + AES-256-GCM of the data key; NULL once forgotten"
    )
    created_at: Mapped[datetime]
    forgotten_at: Mapped[datetime | None]
