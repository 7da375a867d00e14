"""The outbox of every message wipflow sends, and the stages staff hold under embargo."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.orm.base import Base


class OutboxRow(Base):
    """A message to one recipient, written before it is sent: the row is the promise to send it,
    and its key makes a second promise of the same message impossible."""

    __tablename__ = "outbox"

    key: Mapped[str] = mapped_column(
        String(64), primary_key=True, comment="sha256 of (submission, stage, recipient, occurrence)"
    )
    submission_id: Mapped[str | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"),
        comment="the film it is about; none for a message to a committee member",
    )
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    member_id: Mapped[str | None] = mapped_column(
        String(60), comment="the committee member written to, if any"
    )
    stage: Mapped[str] = mapped_column(String(40))
    occurrence: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(2))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), index=True, comment="pending|held|sent|failed")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class EmbargoRow(Base):
    """A stage whose messages in a session are held until staff release them."""

    __tablename__ = "embargoes"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(40), primary_key=True)
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
