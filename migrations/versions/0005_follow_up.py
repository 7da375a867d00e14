"""Follow-up: each selected film after its session, its milestones, and its sales.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "followups",
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("programme_id", sa.String(length=60), nullable=False),
        sa.Column("workflow_id", sa.String(length=255), nullable=False),
        sa.Column(
            "status",
            sa.String(length=12),
            nullable=False,
            comment="following|completed|premiered|stalled|closed",
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_report_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True, comment="master delivered"),
        sa.Column("premiere_festival", sa.String(length=200), nullable=True),
        sa.Column("premiere_section", sa.String(length=200), nullable=True),
        sa.Column("premiere_on", sa.Date(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_followups_programme_id_programmes")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_followups_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_followups_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_followups")),
    )
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_followups_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_followups_session_id"), ["session_id"], unique=False)

    op.create_table(
        "milestones",
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("milestone", sa.String(length=20), nullable=False),
        sa.Column("expected_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("detail", JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_milestones_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "milestone", name=op.f("pk_milestones")),
    )
    op.create_table(
        "sales",
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("territory", sa.String(length=2), nullable=False, comment="ISO 3166; WW"),
        sa.Column("kind", sa.String(length=12), nullable=False, comment="distribution|tv|sales"),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_sales_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "territory", "kind", name=op.f("pk_sales")),
    )


def downgrade() -> None:
    op.drop_table("sales")
    op.drop_table("milestones")
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followups_session_id"))
        batch_op.drop_index(batch_op.f("ix_followups_programme_id"))

    op.drop_table("followups")
