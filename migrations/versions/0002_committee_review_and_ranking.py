"""Committee review (members, assignments, scores) and each film's ranking.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "committee_members",
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("member_id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=True),
        sa.Column("declared_conflicts", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_committee_members_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("session_id", "member_id", name=op.f("pk_committee_members")),
    )
    op.create_table(
        "review_assignments",
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("member_id", sa.String(length=60), nullable=False),
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_review_assignments_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_review_assignments_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "member_id", name=op.f("pk_review_assignments")),
    )
    with op.batch_alter_table("review_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_assignments_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "scores",
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("member_id", sa.String(length=60), nullable=False),
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_scores_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_scores_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "member_id", name=op.f("pk_scores")),
    )
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scores_session_id"), ["session_id"], unique=False)

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "rank_position", sa.Integer(), nullable=True, comment="1 = best, set at selection"
            )
        )
        batch_op.add_column(sa.Column("aggregate_score", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("aggregate_score")
        batch_op.drop_column("rank_position")

    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scores_session_id"))

    op.drop_table("scores")
    with op.batch_alter_table("review_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_assignments_session_id"))

    op.drop_table("review_assignments")
    op.drop_table("committee_members")
