"""The relational record: programmes, sessions, submissions, eligibility results and the audit log.

Temporal holds each workflow's live state; the database holds what staff and statistics need across
thousands of submissions and many years. Every write an activity makes is keyed so that a retry or
a replay lands on the same row (see `store.repository`). Portable across PostgreSQL and SQLite.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from models.eligibility import RuleResult

Json = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on PostgreSQL and on SQLite alike (SQLite
    keeps no zone and would hand back naive values that cannot be compared with aware ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing a naive datetime {value!r}: give it a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        datetime: UtcDateTime(),
        dict[str, Any]: Json,
        list[dict[str, Any]]: Json,
        list[str]: Json,
    }


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
    """Who did what, when, from which state to which, and why. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id", "at"),)

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
