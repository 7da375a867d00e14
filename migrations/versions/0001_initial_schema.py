"""Initial schema: programmes, sessions, submissions, eligibility results, audit log.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("entity_type", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("from_state", sa.String(length=30), nullable=True),
        sa.Column("to_state", sa.String(length=30), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_audit_log_idempotency_key")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_log_entity", ["entity_type", "entity_id", "at"], unique=False
        )

    op.create_table(
        "programmes",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("config", JSON, nullable=False, comment="the validated programme file"),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(length=130), nullable=False, comment="programme/key-year"),
        sa.Column("programme_id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("calendar", JSON, nullable=False, comment="resolved dates of every stage"),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=False),
        sa.Column("fix_window_seconds", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_sessions_programme_id_programmes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sessions_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "submissions",
        sa.Column("id", sa.String(length=200), nullable=False, comment="session/film_key"),
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("programme_id", sa.String(length=60), nullable=False),
        sa.Column("film_key", sa.String(length=60), nullable=False),
        sa.Column("workflow_id", sa.String(length=255), nullable=False),
        sa.Column("original_title", sa.String(length=200), nullable=False),
        sa.Column("english_title", sa.String(length=200), nullable=True),
        sa.Column("genre", sa.String(length=20), nullable=False),
        sa.Column(
            "country",
            sa.String(length=2),
            nullable=False,
            comment="the majority producer's country",
        ),
        sa.Column("runtime_expected_min", sa.Integer(), nullable=False),
        sa.Column("cut_runtime_min", sa.Integer(), nullable=False),
        sa.Column("post_stage", sa.String(length=20), nullable=False),
        sa.Column("directors", JSON, nullable=False),
        sa.Column("producers", JSON, nullable=False, comment="with country and share"),
        sa.Column("screener", JSON, nullable=False),
        sa.Column("finance", JSON, nullable=False),
        sa.Column("post_needs", JSON, nullable=False),
        sa.Column("history", JSON, nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_language", sa.String(length=2), nullable=False),
        sa.Column("form", JSON, nullable=False, comment="the form as last submitted or fixed"),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_submissions_programme_id_programmes")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_submissions_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint(
            "session_id", "film_key", name=op.f("uq_submissions_session_id_film_key")
        ),
        sa.UniqueConstraint("workflow_id", name=op.f("uq_submissions_workflow_id")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_film_key"), ["film_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_status"), ["status"], unique=False)

    op.create_table(
        "eligibility_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column(
            "check_no",
            sa.Integer(),
            nullable=False,
            comment="1 for the first check, +1 after each fix",
        ),
        sa.Column("rule_id", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_eligibility_results_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_results")),
        sa.UniqueConstraint(
            "submission_id",
            "check_no",
            "rule_id",
            name=op.f("uq_eligibility_results_submission_id_check_no_rule_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("eligibility_results")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_status"))
        batch_op.drop_index(batch_op.f("ix_submissions_session_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_film_key"))

    op.drop_table("submissions")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_programme_id"))

    op.drop_table("sessions")
    op.drop_table("programmes")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")

    op.drop_table("audit_log")
