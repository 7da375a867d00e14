"""Staff accounts: who may sign in to the staff's side, with which role; the password kept as
its argon2 hash only.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("email", sa.String(length=254), nullable=False, comment="lower case"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role", sa.String(length=20), nullable=False, comment="admin|programmer|read_only"
        ),
        sa.Column(
            "password_hash",
            sa.String(length=200),
            nullable=False,
            comment="argon2id, with its salt",
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_staff")),
    )


def downgrade() -> None:
    op.drop_table("staff")
