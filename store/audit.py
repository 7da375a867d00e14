"""The one way into the audit log: append rows to their chains.

Every writer (`repository.audit` for one row, the session's decisions in bulk) comes here, so no
row enters the log unlinked. A row is appended to the chain of what it concerns
(`models.audit_chain.chain_of`): number head + 1, linked to the head's hash. Two writers of one
session at once must not both read the same head, so the append takes the chain's lock inside
the writer's own transaction and keeps it until that transaction commits: on PostgreSQL an
advisory transaction lock on the chain's name, on SQLite the database's write lock (SQLite has
one writer at a time; a write that changes nothing takes it before the head is read). The unique
(chain, seq) stays as the last guard: a head read twice would fail the second insert, never fork
the chain.

Activities run at least once: a row whose idempotency key is already in the log is skipped
before numbering, so a retry appends no second link. One lock, one look-up of the keys and one
read of the head serve a whole batch of rows of a chain; a single row (most writes) skips the
look-up and lets its insert skip a known key, so it costs the lock and the head's read more than
a plain insert.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit_chain import GENESIS, chain_of, committed, link_hash
from models.orm import AuditRow
from store.statements import batches, dialect_insert, ignoring

# The class half of the two-key advisory lock, so the chain's locks meet no other lock of the
# database's (the other half is the chain's name, hashed by PostgreSQL's hashtext).
LOCK_CLASS = 0x0A0D17
# Keys looked up per statement: below both databases' limits on a statement's parameters.
KEYS_PER_LOOKUP = 30_000
KEY = "idempotency_key"


async def lock_chain(db: AsyncSession, chain: str) -> None:
    """Hold `chain` against other appenders until the transaction ends."""
    if db.bind.dialect.name == "postgresql":
        await db.execute(
            text("SELECT pg_advisory_xact_lock(:cls, hashtext(:chain))"),
            {"cls": LOCK_CLASS, "chain": chain},
        )
    else:
        table = AuditRow.__table__  # a Core statement: nothing for the ORM to synchronise
        await db.execute(update(table).where(text("1 = 0")).values(seq=table.c.seq))


# Built once, as every append reads it (built per call, its construction cost more than its run).
_HEAD = (
    select(AuditRow.seq, AuditRow.row_hash)
    .where(AuditRow.chain == bindparam("chain"))
    .order_by(AuditRow.seq.desc())
    .limit(1)
)


async def head(db: AsyncSession, chain: str) -> tuple[int, str]:
    """The chain's last number and hash (0 and GENESIS for a chain not yet begun)."""
    row = (await db.execute(_HEAD, {"chain": chain})).first()
    return (row.seq, row.row_hash) if row else (0, GENESIS)


async def _known(db: AsyncSession, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), KEYS_PER_LOOKUP):
        chunk = keys[start : start + KEYS_PER_LOOKUP]
        query = select(AuditRow.idempotency_key).where(AuditRow.idempotency_key.in_(chunk))
        found.update(await db.scalars(query))
    return found


async def append(db: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Append `rows` (the audit log's content fields) to their chains, each key once; returns
    how many were new. Chains are locked in name order, so two batches never wait on each
    other crosswise."""
    unique: dict[str, dict[str, Any]] = {}
    for row in rows:
        unique.setdefault(row["idempotency_key"], row)
    by_chain: dict[str, list[dict[str, Any]]] = {}
    for row in unique.values():
        by_chain.setdefault(chain_of(row["entity_type"], row["entity_id"]), []).append(row)
    insert = dialect_insert(db.bind.dialect.name)
    new = 0
    for chain in sorted(by_chain):
        await lock_chain(db, chain)
        fresh = by_chain[chain]
        if len(fresh) > 1:  # a row skipped mid-batch would leave the next one linked to it
            known = await _known(db, [r["idempotency_key"] for r in fresh])
            fresh = [r for r in fresh if r["idempotency_key"] not in known]
        if not fresh:
            continue
        seq, prev = await head(db, chain)
        linked = []
        for row in fresh:
            seq += 1
            row = committed(row, secrets.token_hex(16))
            row_hash = link_hash(row, prev)
            linked.append(
                {**row, "chain": chain, "seq": seq, "prev_hash": prev, "row_hash": row_hash}
            )
            prev = row_hash
        if len(linked) == 1:
            # One row needs no look-up: if its key is there, the insert skips it, and the number
            # it would have taken stays free. A clash on (chain, seq) is still an error.
            stmt = ignoring(db.bind.dialect.name, AuditRow.__table__, (KEY,))
            result = await db.execute(stmt, linked[0])
            new += result.rowcount
            continue
        for batch in batches(linked):
            await db.execute(insert(AuditRow).values(list(batch)))
        new += len(linked)
    return new
