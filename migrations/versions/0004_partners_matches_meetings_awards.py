"""Partners, their matches with films, one-to-one meetings, and granted awards.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "partnering_runs",
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False, comment="matching|meetings"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status", sa.String(length=12), nullable=False, comment="proposed|approved|superseded"
        ),
        sa.Column("summary", JSON, nullable=False, comment="objective, bound, counts, options"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_partnering_runs_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("session_id", "kind", "version", name=op.f("pk_partnering_runs")),
    )
    op.create_table(
        "partners",
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("form", JSON, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_partners_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("session_id", "id", name=op.f("pk_partners")),
    )
    op.create_table(
        "award_grants",
        sa.Column("id", sa.String(length=300), nullable=False, comment="session/award/film"),
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("award_id", sa.String(length=60), nullable=False),
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("share_pct", sa.Double(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column(
            "due_at", sa.DateTime(timezone=True), nullable=True, comment="deadline of the next step"
        ),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("workflow_id", sa.String(length=255), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_award_grants_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_award_grants_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_grants")),
    )
    with op.batch_alter_table("award_grants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_grants_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "matches",
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.String(length=60), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False, comment="match|alternate|removed"),
        sa.Column("affinity", sa.Double(), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("why_not", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_matches_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_matches_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "session_id", "version", "submission_id", "partner_id", name=op.f("pk_matches")
        ),
    )
    op.create_table(
        "meetings",
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False, comment="scheduled|unplaced"),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("table_no", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_meetings_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_meetings_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "session_id", "version", "submission_id", "partner_id", name=op.f("pk_meetings")
        ),
    )


def downgrade() -> None:

    op.drop_table("meetings")
    op.drop_table("matches")
    with op.batch_alter_table("award_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_grants_session_id"))

    op.drop_table("award_grants")
    op.drop_table("partners")
    op.drop_table("partnering_runs")
