"""An eligibility result keeps its reason as every catalog can say it (the message id and its
parameters) and, for a needs-fix left uncorrected, when its window closed: the fix form and the
message preview say it in the producer's language. Older rows keep their English only.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("eligibility_results") as table:
        table.add_column(sa.Column("text", sa.Text(), nullable=False, server_default=""))
        table.add_column(sa.Column("params", JSON, nullable=True))
        table.add_column(sa.Column("uncorrected_by", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("eligibility_results") as table:
        table.drop_column("uncorrected_by")
        table.drop_column("params")
        table.drop_column("text")
