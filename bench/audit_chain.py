"""What does chaining the audit trail cost a writer? Chained appends against plain inserts.

A fresh PostgreSQL database (dropped after), migrated to head, and beside `audit_log` a table
`audit_plain` with the log's columns before the chain (0008's): a plain insert there is what
every writer did before, `INSERT ... ON CONFLICT (idempotency_key) DO NOTHING`
(`repository.insert_ignore`). A chained append is `repository.audit`, as every activity writes
now: the chain's advisory lock, the key looked up, the head read, the insert.

W writers at once (20), each writing R rows (100), one row per transaction as activities write
them, in four runs per path: every writer on one session (one chain, so the appends queue on
its lock), and each writer on a session of its own (20 chains). Then the bulk writer: B rows
(500, a page of the session's decisions) in one transaction, both ways. Each figure is the best
of `--rounds` (3) runs of the same shape, plain and chained alternating, in this one process;
it prints rows/s for each and the ratio chained ÷ plain (never asserted).

    .venv/bin/python bench/audit_chain.py
    .venv/bin/python bench/audit_chain.py --writers 20 --rows 50 --rounds 2 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker

# Run as a script, the project root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.orm import AuditRow  # noqa: E402
from store import audit as audit_log  # noqa: E402
from store import db as store_db  # noqa: E402
from store import repository  # noqa: E402

PG = os.environ.get("WIPFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
T0 = datetime(2027, 1, 1, tzinfo=UTC)
CHAIN_COLUMNS = {"chain", "seq", "prev_hash", "row_hash"}
# The audit log as it was before the chain: the same columns and key, nothing to link.
PLAIN = sa.Table(
    "audit_plain",
    sa.MetaData(),
    *(
        sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
        for c in AuditRow.__table__.columns
        if c.name not in CHAIN_COLUMNS
    ),
    sa.UniqueConstraint("idempotency_key"),
)


@asynccontextmanager
async def fresh_database() -> AsyncIterator[async_sessionmaker]:
    name = f"wipflow_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG, timeout=5)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = PG.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    engine = store_db.make_engine(f"{url}/{name}")
    try:
        await store_db.upgrade(engine)
        async with engine.begin() as conn:
            await conn.run_sync(PLAIN.metadata.create_all)
        yield store_db.make_sessionmaker(engine)
    finally:
        await engine.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def row(run: str, session: str, w: int, i: int) -> dict:
    return dict(
        idempotency_key=f"{run}:{w}:{i}",
        at=T0 + timedelta(seconds=i),
        actor="wipflow",
        entity_type="submission",
        entity_id=f"films-in-progress/{session}/film-{w}-{i}",
        action="offered",
        from_state="under_review",
        to_state="offered",
        reason="ranked 3 of 6; the offer is open for 7 days",
    )


async def plain_one(db, r: dict) -> None:
    await repository.insert_ignore(db, PLAIN, [r], ["idempotency_key"])


async def chained_one(db, r: dict) -> None:
    fields = {k: v for k, v in r.items() if k != "idempotency_key"}
    await repository.audit(db, key=r["idempotency_key"], **fields)


async def writers(
    database: async_sessionmaker,
    write: Callable[..., Awaitable[None]],
    n_writers: int,
    n_rows: int,
    sessions: int,
) -> float:
    """Rows/s of `n_writers` writers at once, one row per transaction, on `sessions` sessions."""
    run = uuid.uuid4().hex[:8]

    async def writer(w: int) -> None:
        session = f"s{w % sessions}-2027"
        for i in range(n_rows):
            async with database.begin() as db:
                await write(db, row(run, session, w, i))

    start = time.perf_counter()
    await asyncio.gather(*(writer(w) for w in range(n_writers)))
    return n_writers * n_rows / (time.perf_counter() - start)


async def bulk(database: async_sessionmaker, chained: bool, n_rows: int) -> float:
    """Rows/s of one batch of `n_rows` in one transaction (a page of the session's decisions)."""
    rows = [row(uuid.uuid4().hex[:8], "bulk-2027", 0, i) for i in range(n_rows)]
    start = time.perf_counter()
    async with database.begin() as db:
        if chained:
            await audit_log.append(db, rows)
        else:
            await repository.insert_ignore(db, PLAIN, rows, ["idempotency_key"])
    return n_rows / (time.perf_counter() - start)


async def main(args: argparse.Namespace) -> dict:
    w, r = args.writers, args.rows
    shapes = {
        f"{w} writers, one session": lambda db, write: writers(db, write, w, r, 1),
        f"{w} writers, {w} sessions": lambda db, write: writers(db, write, w, r, w),
    }
    results: dict[str, dict[str, float]] = {}
    async with fresh_database() as database:
        # A first run of each path warms the pool and the statement caches.
        await writers(database, plain_one, w, 5, w)
        await writers(database, chained_one, w, 5, w)
        for name, shape in shapes.items():
            best = {"plain": 0.0, "chained": 0.0}
            for _ in range(args.rounds):
                best["plain"] = max(best["plain"], await shape(database, plain_one))
                best["chained"] = max(best["chained"], await shape(database, chained_one))
            results[name] = best
        best = {"plain": 0.0, "chained": 0.0}
        for _ in range(args.rounds):
            best["plain"] = max(best["plain"], await bulk(database, False, args.batch))
            best["chained"] = max(best["chained"], await bulk(database, True, args.batch))
        results[f"one batch of {args.batch} rows"] = best
    for figures in results.values():
        figures["ratio"] = figures["chained"] / figures["plain"]
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--rows", type=int, default=100, help="rows per writer")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(main(args))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{'':32} {'plain rows/s':>13} {'chained rows/s':>15} {'chained/plain':>14}")
        for name, f in results.items():
            print(f"{name:32} {f['plain']:13,.0f} {f['chained']:15,.0f} {f['ratio']:14.2f}")
