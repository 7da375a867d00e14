"""The audit trail chained: every row numbered within its chain (its session, or staff) and
carrying the hash of its content and of the row before it, its actor and reason covered through
salted commitments (so an erasure can clear them and the chain still hold); the seqs an
erasure's row redacted. The rows written before are chained here, in the order they were written
(at, then id), with the same hash the writers use.

Revision ID: 0009
Revises: 0008
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.audit_chain import GENESIS, WRITTEN, chain_of, committed, link_hash
from models.orm.base import Json, UtcDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("chain", sa.String(length=130), "the session's id, or staff"),
    ("seq", sa.Integer(), "1, 2, 3 ... within the chain"),
    ("prev_hash", sa.String(length=64), "the previous row's row_hash"),
    ("row_hash", sa.String(length=64), "SHA-256 of content and prev_hash"),
    ("actor_commit", sa.String(length=64), "SHA-256 of salt and actor"),
    ("reason_commit", sa.String(length=64), "SHA-256 of salt and reason"),
)
# Empty on a redacted row, or on a row that redacted nothing.
OPTIONAL = (
    ("salt", sa.String(length=32), "the commitments' salt; NULL once an erasure redacted the row"),
    ("redacts", Json, "an erasure's row: the seqs of the chain's rows it redacted"),
)


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        for name, type_, comment in COLUMNS + OPTIONAL:
            batch_op.add_column(sa.Column(name, type_, nullable=True, comment=comment))
    _chain_existing_rows()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        for name, type_, comment in COLUMNS:
            batch_op.alter_column(name, existing_type=type_, nullable=False, comment=comment)
        batch_op.create_unique_constraint(op.f("uq_audit_log_chain_seq"), ["chain", "seq"])


def _chain_existing_rows() -> None:
    audit = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        *(
            sa.column(name, UtcDateTime() if name == "at" else sa.String())
            for name in WRITTEN
            if name != "redacts"
        ),
        *(sa.column(name, type_) for name, type_, _ in COLUMNS + OPTIONAL),
    )
    conn = op.get_bind()
    heads: dict[str, tuple[int, str]] = {}
    links = []
    for row in conn.execute(sa.select(audit).order_by(audit.c.at, audit.c.id)).mappings():
        chain = chain_of(row["entity_type"], row["entity_id"])
        seq, prev = heads.get(chain, (0, GENESIS))
        linked = committed(dict(row), secrets.token_hex(16))
        row_hash = link_hash(linked, prev)
        heads[chain] = (seq + 1, row_hash)
        links.append(
            {
                "row_id": row["id"],
                "c": chain,
                "s": seq + 1,
                "p": prev,
                "h": row_hash,
                "salt_": linked["salt"],
                "ac": linked["actor_commit"],
                "rc": linked["reason_commit"],
            }
        )
    if links:
        conn.execute(
            audit.update()
            .where(audit.c.id == sa.bindparam("row_id"))
            .values(
                chain=sa.bindparam("c"),
                seq=sa.bindparam("s"),
                prev_hash=sa.bindparam("p"),
                row_hash=sa.bindparam("h"),
                salt=sa.bindparam("salt_"),
                actor_commit=sa.bindparam("ac"),
                reason_commit=sa.bindparam("rc"),
            ),
            links,
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_audit_log_chain_seq"), type_="unique")
        for name, _, _ in reversed(COLUMNS + OPTIONAL):
            batch_op.drop_column(name)
