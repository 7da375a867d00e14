"""The committee's door: a member has an address and a language; a score says who gave it (staff
or the member on their page); the conflicts of interest the assignment avoided or a member
declared are kept with who and why; and the outbox carries messages to members, which are about
no one film.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("committee_members") as table:
        table.add_column(sa.Column("email", sa.String(254), nullable=True))
        table.add_column(sa.Column("language", sa.String(2), nullable=False, server_default="en"))
    with op.batch_alter_table("scores") as table:
        table.add_column(
            sa.Column(
                "actor", sa.String(200), nullable=True, comment="who gave it: staff or member"
            )
        )
    with op.batch_alter_table("outbox") as table:
        table.alter_column(
            "submission_id",
            existing_type=sa.String(length=200),
            nullable=True,
            comment="the film it is about; none for a message to a committee member",
        )
        table.add_column(
            sa.Column(
                "member_id",
                sa.String(60),
                nullable=True,
                comment="the committee member written to, if any",
            )
        )
    op.create_table(
        "review_conflicts",
        sa.Column("session_id", sa.String(length=130), nullable=False),
        sa.Column("member_id", sa.String(length=60), nullable=False),
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False, comment="assignment|declared"),
        sa.Column("relation", sa.String(length=20), nullable=True),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_review_conflicts_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_review_conflicts_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "session_id", "member_id", "submission_id", name=op.f("pk_review_conflicts")
        ),
    )


def downgrade() -> None:
    op.drop_table("review_conflicts")
    with op.batch_alter_table("outbox") as table:
        table.drop_column("member_id")
        table.alter_column("submission_id", existing_type=sa.String(length=200), nullable=False)
    with op.batch_alter_table("scores") as table:
        table.drop_column("actor")
    with op.batch_alter_table("committee_members") as table:
        table.drop_column("language")
        table.drop_column("email")
