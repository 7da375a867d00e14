"""The follow-up of a selected film: its state, its milestones, its sales."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.orm.base import Base


class FollowUpRow(Base):
    """A selected film followed after its session until it is finished, premiered or stalled."""

    __tablename__ = "followups"

    submission_id: Mapped[str] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"), index=True)
    workflow_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(
        String(12), comment="following|completed|premiered|stalled|closed"
    )
    started_at: Mapped[datetime]
    last_report_at: Mapped[datetime | None]
    reports: Mapped[int] = mapped_column(Integer, default=0)
    completed_on: Mapped[date | None] = mapped_column(comment="master delivered")
    premiere_festival: Mapped[str | None] = mapped_column(String(200))
    premiere_section: Mapped[str | None] = mapped_column(String(200))
    premiere_on: Mapped[date | None]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(Text)


class MilestoneRow(Base):
    """Where one milestone of a followed film stands: the date the producer expects, the date it
    was done, and what it was (a premiere's festival, a sale's company)."""

    __tablename__ = "milestones"

    submission_id: Mapped[str] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    milestone: Mapped[str] = mapped_column(String(20), primary_key=True)
    expected_on: Mapped[date | None]
    done_on: Mapped[date | None]
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class SaleRow(Base):
    """A territory where a followed film found a distributor, a TV buyer or a sales agent."""

    __tablename__ = "sales"

    submission_id: Mapped[str] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    territory: Mapped[str] = mapped_column(String(2), primary_key=True, comment="ISO 3166; WW")
    kind: Mapped[str] = mapped_column(String(12), primary_key=True, comment="distribution|tv|sales")
    company: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date | None]
