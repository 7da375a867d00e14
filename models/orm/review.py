"""The committee's record: its members, who reviews which film, their scores, and the
conflicts of interest avoided or declared."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.orm.base import Base


class CommitteeMemberRow(Base):
    __tablename__ = "committee_members"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    declared_conflicts: Mapped[list[str]]
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2), default="en")


class ReviewAssignmentRow(Base):
    __tablename__ = "review_assignments"

    submission_id: Mapped[str] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    assigned_at: Mapped[datetime]


class ScoreRow(Base):
    """One member's score for one film; scoring again replaces it."""

    __tablename__ = "scores"

    submission_id: Mapped[str] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    score: Mapped[float]
    comment: Mapped[str | None] = mapped_column(Text)
    scored_at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(200), comment="who gave it: staff or member")


class ReviewConflictRow(Base):
    """A member kept from a film for a conflict of interest: one the assignment avoided (from the
    committee file's declarations, the member's company, a credit) or one the member declared on
    their page, with who and why."""

    __tablename__ = "review_conflicts"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    submission_id: Mapped[str] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(20), comment="assignment|declared")
    relation: Mapped[str | None] = mapped_column(String(20))
    why: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
