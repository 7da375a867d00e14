"""Programmes, sessions, submissions, their eligibility results, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.eligibility import RuleResult
from models.orm.base import Base, Json


class ProgrammeRow(Base):
    __tablename__ = "programmes"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    config: Mapped[dict[str, Any]] = mapped_column(comment="the validated programme file")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(130), primary_key=True, comment="programme/key-year")
    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    calendar: Mapped[dict[str, Any]] = mapped_column(comment="resolved dates of every stage")
    deadline: Mapped[datetime]
    slots: Mapped[int] = mapped_column(Integer)
    fix_window_seconds: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(30), default="call_open")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class SubmissionRow(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("session_id", "film_key"),)

    id: Mapped[str] = mapped_column(String(200), primary_key=True, comment="session/film_key")
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"))
    film_key: Mapped[str] = mapped_column(String(60), index=True)
    workflow_id: Mapped[str] = mapped_column(String(255), unique=True)
    original_title: Mapped[str] = mapped_column(String(200))
    english_title: Mapped[str | None] = mapped_column(String(200))
    genre: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), comment="the majority producer's country")
    runtime_expected_min: Mapped[int]
    cut_runtime_min: Mapped[int]
    post_stage: Mapped[str] = mapped_column(String(20))
    directors: Mapped[list[dict[str, Any]]]
    producers: Mapped[list[dict[str, Any]]] = mapped_column(comment="with country and share")
    screener: Mapped[dict[str, Any]]
    finance: Mapped[dict[str, Any]]
    post_needs: Mapped[list[str]]
    history: Mapped[dict[str, Any]]
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_language: Mapped[str] = mapped_column(String(2))
    form: Mapped[dict[str, Any]] = mapped_column(comment="the form as last submitted or fixed")
    status: Mapped[str] = mapped_column(String(30), index=True)
    rank_position: Mapped[int | None] = mapped_column(comment="1 = best, set at selection")
    aggregate_score: Mapped[float | None]
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    erased_at: Mapped[datetime | None] = mapped_column(
        comment="when its personal data was erased; none while it is kept"
    )


class EligibilityResultRow(Base):
    __tablename__ = "eligibility_results"
    __table_args__ = (UniqueConstraint("submission_id", "check_no", "rule_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    check_no: Mapped[int] = mapped_column(comment="1 for the first check, +1 after each fix")
    rule_id: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)  # in English
    source_url: Mapped[str] = mapped_column(String(500))
    evaluated_at: Mapped[datetime]
    # The reason as every catalog says it ("" and NULL on rows older than that), and when a
    # needs-fix left uncorrected was due.
    text: Mapped[str] = mapped_column(Text, server_default="")
    params: Mapped[dict | None] = mapped_column(Json)
    uncorrected_by: Mapped[datetime | None]

    def result(self) -> RuleResult:
        """The row as the rule gave it, to be said in any language."""
        return RuleResult(
            rule_id=self.rule_id,
            outcome=self.outcome,
            reason=self.reason,
            source_url=self.source_url,
            text=self.text,
            params=self.params or {},
            uncorrected_by=self.uncorrected_by,
        )


class AuditRow(Base):
    """Who did what, when, from which state to which, and why. Append-only, and chained: each row
    is number `seq` of its `chain` (its session, or `staff`) and carries the hash of its content
    and of the row before it (`models.audit_chain`), so an edit made afterwards shows."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity_type", "entity_id", "at"),
        UniqueConstraint("chain", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    entity_type: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    chain: Mapped[str] = mapped_column(String(130), comment="the session's id, or staff")
    seq: Mapped[int] = mapped_column(Integer, comment="1, 2, 3 ... within the chain")
    prev_hash: Mapped[str] = mapped_column(String(64), comment="the previous row's row_hash")
    row_hash: Mapped[str] = mapped_column(String(64), comment="SHA-256 of content and prev_hash")
    salt: Mapped[str | None] = mapped_column(
        String(32), comment="the commitments' salt; NULL once an erasure redacted the row"
    )
    actor_commit: Mapped[str] = mapped_column(String(64), comment="SHA-256 of salt and actor")
    reason_commit: Mapped[str] = mapped_column(String(64), comment="SHA-256 of salt and reason")
    redacts: Mapped[list[int] | None] = mapped_column(
        comment="an erasure's row: the seqs of the chain's rows it redacted"
    )
