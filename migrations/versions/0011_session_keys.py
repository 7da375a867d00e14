"""The sessions' data keys: what seals each session's payloads in Temporal, itself sealed under
a master key; emptied when the session's key is forgotten (crypto-shredding).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "session_keys",
        sa.Column("session_id", sa.String(length=200), nullable=False),
        sa.Column("master_key_id", sa.String(length=40), nullable=False),
        sa.Column(
            "wrapped",
            sa.LargeBinary(),
            nullable=True,
            comment="nonce + AES-256-GCM of the data key; NULL once forgotten",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("session_id", "master_key_id", name=op.f("pk_session_keys")),
    )


def downgrade() -> None:
    op.drop_table("session_keys")
