"""The audit trail's chain on the real databases: many writers of one session at once leave one
chain numbered without a gap that verifies; a retried write appends no second link; the rows
written before the chain existed are chained by the migration in the order they were written;
and after a real session's flow, `starter.py audit verify` says the chain is intact, then names
the row an UPDATE changed and the row a DELETE removed, with exit code 1."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy import select, text

from domain.audit_chain import verify
from gateway.context import Context
from models.audit_chain import STAFF_CHAIN, ChainReport, Link
from models.orm import AuditRow
from readmodels.audit import audit_chain
from settings import Settings
from store import audit as audit_log
from store import db as store_db
from store import repository
from tests.conftest import PG_ADMIN_DSN, cli_year, new_session, running_worker
from tests.forms import committee
from tests.test_cli import starter
from tests.test_cli_sessions import enter_films, ok

pytestmark = pytest.mark.integration

T0 = datetime(2027, 1, 1, tzinfo=UTC)


def content(key: str, entity_type: str, entity_id: str, i: int) -> dict:
    return dict(
        idempotency_key=key,
        at=T0 + timedelta(seconds=i),
        actor="wipflow",
        entity_type=entity_type,
        entity_id=entity_id,
        action="offered",
        from_state=None,
        to_state="offered",
        reason=f"row {i}",
    )


async def walk(database, chain: str) -> ChainReport:
    """The chain walked as `audit verify` walks it (the read model also asks that the session
    exist, which these rows' sessions need not)."""
    async with database() as db:
        rows = await db.scalars(
            select(AuditRow).where(AuditRow.chain == chain).order_by(AuditRow.seq)
        )
        return verify(chain, [Link.model_validate(r, from_attributes=True) for r in rows])


async def seqs(database, chain: str) -> list[int]:
    async with database() as db:
        query = select(AuditRow.seq).where(AuditRow.chain == chain).order_by(AuditRow.seq)
        return list(await db.scalars(query))


async def test_many_writers_at_once_leave_one_chain_with_no_gap(pg_sessions, programmes):
    """40 writers on two sessions and the staff's chain, one row or a batch per transaction,
    each writing some keys twice (a retried activity): every key once, each chain 1..n, intact."""
    fip = programmes["films-in-progress"]
    sessions = [(await new_session(pg_sessions, fip)).id for _ in range(2)]
    rng = random.Random(7)

    async def writer(w: int) -> set[str]:
        sid = sessions[w % 2]
        keys: set[str] = set()
        for i in range(15):
            n = i % 10  # the rows of i = 10..14 are those of 0..4 again: retries
            if w % 5 == 0:  # a batch, as the session's decisions are written
                rows = [
                    content(f"{sid}:w{w}:{n}:{j}", "submission", f"{sid}/f{j}", i) for j in range(8)
                ]
            elif w % 7 == 0:
                rows = [content(f"staff:{sid}:w{w}:{n}", "staff", "a@b.org", i)]
            else:
                rows = [content(f"{sid}:w{w}:{n}", "session", sid, i)]
            async with pg_sessions.begin() as db:
                if len(rows) > 1:
                    await audit_log.append(db, rows)
                else:
                    await repository.audit(db, **_one(rows[0]))
            keys.update(r["idempotency_key"] for r in rows)
            await asyncio.sleep(rng.random() / 200)
        return keys

    written = set().union(*await asyncio.gather(*(writer(w) for w in range(40))))
    ctx = Context(Settings(), database=pg_sessions)
    rows = 0
    for chain in [*sessions, STAFF_CHAIN]:
        report = await audit_chain(ctx, chain)
        assert report.broken is None, report.broken
        assert await seqs(pg_sessions, chain) == list(range(1, report.rows + 1))
        rows += report.rows
    # The staff's chain is the whole run's: other tests' staff rows are in it too.
    ours = {k for k in written if not k.startswith("staff:")}
    assert rows - (await walk(pg_sessions, STAFF_CHAIN)).rows == len(ours)
    async with pg_sessions() as db:
        stored = set(
            await db.scalars(
                select(AuditRow.idempotency_key).where(AuditRow.idempotency_key.in_(written))
            )
        )
    assert stored == written


def _one(row: dict) -> dict:
    """A row's content as `repository.audit`'s keywords."""
    return {("key" if name == "idempotency_key" else name): value for name, value in row.items()}


async def test_a_retried_batch_appends_no_second_link(pg_sessions, programmes):
    sid = (await new_session(pg_sessions, programmes["films-in-progress"])).id
    rows = [content(f"{sid}:bulk:{i}", "submission", f"{sid}/film-{i}", i) for i in range(30)]
    for expected in (30, 0, 0):
        async with pg_sessions.begin() as db:
            assert await audit_log.append(db, rows + rows[:3]) == expected
    assert await seqs(pg_sessions, sid) == list(range(1, 31))


async def chained_by_the_migration(url: str) -> None:
    """Rows written under 0008 (before the chain), out of order by id: after 0009 each chain
    is numbered in the order the rows were written and verifies."""
    engine = store_db.make_engine(url)
    try:
        await store_db.upgrade(engine, "0008")
        sid = "films-in-progress/toulouse-2027"
        rows = [
            content(f"k{i}", "submission", f"{sid}/film-{i % 3}", 10 - i) for i in range(10)
        ] + [content("staff:a@b.org:added", "staff", "a@b.org", 0)]
        async with engine.begin() as conn:
            await conn.execute(AuditRow.__table__.insert(), rows)
        await store_db.upgrade(engine)
        database = store_db.make_sessionmaker(engine)
        async with database() as db:
            for r in await db.scalars(select(AuditRow).where(AuditRow.chain == sid)):
                assert r.seq == 10 - int(r.idempotency_key[1:])  # later `at`, later seq
        for chain, n in ((STAFF_CHAIN, 1), (sid, 10)):
            report = await walk(database, chain)
            assert (report.broken, report.rows) == (None, n)
        async with database.begin() as db:  # and the writers carry on from the head
            await repository.audit(db, **_one(content("k10", "session", sid, 20)))
        assert await seqs(database, sid) == list(range(1, 12))
    finally:
        await engine.dispose()


async def test_the_migration_chains_the_rows_written_before_on_postgresql(pg_url):
    scratch = pg_url + "_chain"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{scratch.rsplit("/", 1)[1]}"')
    try:
        await chained_by_the_migration(scratch)
    finally:
        await admin.execute(f'DROP DATABASE "{scratch.rsplit("/", 1)[1]}" WITH (FORCE)')
        await admin.close()


async def test_the_migration_chains_the_rows_written_before_on_sqlite(tmp_path):
    await chained_by_the_migration(f"sqlite+aiosqlite:///{tmp_path / 'wipflow.db'}")


async def test_writers_at_once_on_sqlite_leave_one_chain(tmp_path):
    """The demo's database: SQLite's write lock, taken before the head is read, serialises the
    appends of concurrent writers as the advisory lock does on PostgreSQL."""
    engine = store_db.make_engine(f"sqlite+aiosqlite:///{tmp_path / 'wipflow.db'}")
    try:
        await store_db.upgrade(engine)
        database = store_db.make_sessionmaker(engine)
        sid = "films-in-progress/toulouse-2027"

        async def writer(w: int) -> None:
            for i in range(10):
                async with database.begin() as db:
                    await repository.audit(db, **_one(content(f"{w}:{i}", "session", sid, i)))

        await asyncio.gather(*(writer(w) for w in range(10)))
        report = await walk(database, sid)
        assert (report.broken, report.rows) == (None, 100)
        assert await seqs(database, sid) == list(range(1, 101))
    finally:
        await engine.dispose()


async def test_audit_verify_after_a_real_session_then_names_a_changed_and_a_removed_row(
    env_for, local_env, pg_sessions, tmp_path
):
    """A session opened, its committee named, six films entered and judged at once by their own
    workflows, the review begun (invitations to each member): every row, from every writer, is
    in the session's chain, and it verifies. An UPDATE of one row's reason, then a DELETE of a
    row in the middle, are each named by `audit verify`, which exits 1."""
    year = cli_year()
    async with running_worker(local_env.client, pg_sessions) as queue:
        env = env_for(queue)
        deadlines = ["--deadline", "+1h", "--review-deadline", "+2h", "--selection-at", "+3h"]
        events = ["--event-start", "+4h", "--event-end", "+5h"]
        opened = await ok(
            env, "session", "open", "films-in-progress", "toulouse", year, *deadlines, *events
        )
        sid = opened["session_id"]
        members = tmp_path / "members.json"
        members.write_text(json.dumps(committee("ana", "beto", "caro")))
        await ok(env, "review", "members", sid, str(members))
        films, _ = await enter_films(env, sid, tmp_path, 6)
        await ok(env, "session", "advance", sid, "--reason", "the call closed early")
        for _ in range(100):  # the invitations are written after the stage moves
            async with pg_sessions() as db:
                kinds = set(
                    await db.scalars(select(AuditRow.entity_type).where(AuditRow.chain == sid))
                )
            if "committee_member" in kinds:
                break
            await asyncio.sleep(0.3)
        assert kinds == {"session", "submission", "committee_member"}

    async with pg_sessions() as db:
        trail = list(
            await db.scalars(select(AuditRow).where(AuditRow.chain == sid).order_by(AuditRow.seq))
        )
    assert [r.seq for r in trail] == list(range(1, len(trail) + 1))
    code, out, err = await starter(env, "audit", "verify", sid)
    assert (code, out.strip()) == (0, f"{sid}: {len(trail)} rows, chain intact"), err
    code, out, _ = await starter(env, "audit", "head", sid)
    kept = f"{len(trail)}:{trail[-1].row_hash}"
    assert (code, out.split()) == (0, [sid, kept])
    assert (await starter(env, "audit", "verify", sid, "--kept", kept))[0] == 0
    code, out, _ = await starter(env, "audit", "verify", sid, "--kept", "9" + kept)
    assert code == 1 and f"cut: the chain ends before row 9{len(trail)}" in out
    code, _, err = await starter(env, "audit", "verify", sid, "--kept", "12:abc")
    assert code == 1 and "--kept '12:abc': expected SEQ:HASH" in err

    changed = next(r for r in trail[len(trail) // 2 :] if r.entity_type == "submission")
    async with pg_sessions.begin() as db:
        await db.execute(
            text("UPDATE audit_log SET reason = 'nothing to see' WHERE id = :id"),
            {"id": changed.id},
        )
    code, out, _ = await starter(env, "audit", "verify", sid)
    assert code == 1
    assert out.strip() == (
        f"{sid}: chain broken at row {changed.seq} (id {changed.id}, {changed.entity_id}, "
        f"{changed.action}): changed: its reason no longer matches its commitment"
    )
    code, _, err = await starter(env, "audit", "head", sid)  # no head of a broken chain
    assert code == 1 and f"chain broken at row {changed.seq}" in err

    async with pg_sessions.begin() as db:  # put back as it was: intact again
        await db.execute(
            text("UPDATE audit_log SET reason = :reason WHERE id = :id"),
            {"id": changed.id, "reason": changed.reason},
        )
    assert (await starter(env, "audit", "verify", sid))[0] == 0

    gone, after = trail[len(trail) // 3], trail[len(trail) // 3 + 1]
    async with pg_sessions.begin() as db:
        await db.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": gone.id})
    code, out, _ = await starter(env, "audit", "verify", sid, "--json")
    assert code == 1
    assert json.loads(out)["broken"] == {
        "kind": "missing",
        "id": after.id,
        "seq": after.seq,
        "entity_id": after.entity_id,
        "action": after.action,
        "detail": f"row {gone.seq} is missing before it",
    }
    code, _, err = await starter(env, "audit", "verify", "films-in-progress/nowhere-2030")
    assert code == 1 and "no session 'films-in-progress/nowhere-2030'" in err
