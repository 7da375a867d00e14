"""The event's partnering: partners, matching runs and their matches, meetings, award grants."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.orm.base import Base


class PartnerRow(Base):
    """A partner attending one session, as last imported (the validated row of its file)."""

    __tablename__ = "partners"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    form: Mapped[dict[str, Any]]
    imported_at: Mapped[datetime]


class PartneringRunRow(Base):
    """One proposal of matches or of a meeting schedule; staff approve it before anyone hears."""

    __tablename__ = "partnering_runs"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True, comment="matching|meetings")
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(12), comment="proposed|approved|superseded")
    summary: Mapped[dict[str, Any]] = mapped_column(comment="objective, bound, counts, options")
    created_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(200))


class MatchRow(Base):
    """A film-partner pair of one matching version: chosen, listed as an alternate, or removed
    by staff; with the reasons it was (or was not) chosen."""

    __tablename__ = "matches"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    role: Mapped[str] = mapped_column(String(10), comment="match|alternate|removed")
    affinity: Mapped[float]
    reasons: Mapped[list[str]]
    why_not: Mapped[str | None] = mapped_column(Text)


class MeetingRow(Base):
    """A one-to-one meeting of one schedule version, or a pair it could not place, and why."""

    __tablename__ = "meetings"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), comment="scheduled|unplaced")
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    table_no: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)


class AwardGrantRow(Base):
    """An award granted to a film (a split award: one row per film, with its share), and where
    its lifecycle stands; its workflow keeps the row current."""

    __tablename__ = "award_grants"

    id: Mapped[str] = mapped_column(String(300), primary_key=True, comment="session/award/film")
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    award_id: Mapped[str] = mapped_column(String(60))
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    share_pct: Mapped[float]
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    step: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime | None] = mapped_column(comment="deadline of the next step")
    overdue: Mapped[bool] = mapped_column(default=False)
    workflow_id: Mapped[str] = mapped_column(String(255))
    granted_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
