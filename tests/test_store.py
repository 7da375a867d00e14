"""The data layer on the real databases: migrations up and down on PostgreSQL and SQLite, no drift
between the migrations and the models, and writes that a retried activity cannot duplicate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from intake.opening import SessionExistsError, open_session
from models.eligibility import EligibilityReport, Outcome, RuleResult
from models.orm import AuditRow, Base, SessionRow, SubmissionRow
from store import audit as audit_chain
from store import db as store_db
from store import eligibility_records, repository
from tests.conftest import PG_ADMIN_DSN, new_session

TABLES = {"programmes", "sessions", "submissions", "eligibility_results", "audit_log"}


async def schema_state(engine) -> tuple[set[str], list]:
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        drift = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
        )
    return tables, drift


async def roundtrip(url: str) -> None:
    engine = store_db.make_engine(url)
    try:
        await store_db.upgrade(engine)
        tables, drift = await schema_state(engine)
        assert tables >= TABLES
        assert drift == [], f"the models and the migrations disagree: {drift}"
        await store_db.downgrade(engine)
        tables, _ = await schema_state(engine)
        assert not TABLES & tables
        await store_db.upgrade(engine)  # and back up: the downgrade left nothing behind
        assert (await schema_state(engine))[0] >= TABLES
    finally:
        await engine.dispose()


async def test_migrations_on_sqlite(tmp_path):
    await roundtrip(f"sqlite+aiosqlite:///{tmp_path / 'wipflow.db'}")


async def test_migrations_on_postgresql(pg_url):
    scratch = pg_url + "_mig"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    name = scratch.rsplit("/", 1)[1]
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await roundtrip(scratch)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def test_the_session_fixture_database_is_at_head_with_no_drift(pg_engine):
    tables, drift = await schema_state(pg_engine)
    assert tables >= TABLES and drift == []


def submission_row(session: SessionRow, key: str, **changes):
    row = dict(
        id=f"{session.id}/{key}",
        session_id=session.id,
        programme_id=session.programme_id,
        film_key=key,
        workflow_id=f"submission/{session.id}/{key}",
        original_title="La sirga",
        english_title=None,
        genre="fiction",
        country="CO",
        runtime_expected_min=88,
        cut_runtime_min=95,
        post_stage="rough_cut",
        directors=[{"name": "William Vega"}],
        producers=[{"company": "X", "country": "CO", "share_pct": 100}],
        screener={},
        finance={},
        post_needs=["grading"],
        history={},
        contact_name="Óscar",
        contact_email="o@example.org",
        contact_language="es",
        form={},
        status="received",
        submitted_at=datetime(2026, 12, 1, 12, tzinfo=UTC),
    )
    return row | changes


REPORT = EligibilityReport(
    check_no=1,
    results=[
        RuleResult(rule_id="genre", outcome=Outcome.PASS, reason="ok", source_url="https://x.org"),
        RuleResult(
            rule_id="screener",
            outcome=Outcome.NEEDS_FIX,
            reason="wetransfer",
            source_url="https://x.org",
        ),
    ],
)


async def test_writes_are_idempotent(pg_sessions, programmes):
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    row = submission_row(session, "la-sirga-1")
    at = datetime(2026, 12, 1, 12, tzinfo=UTC)
    for attempt in range(3):  # a first run and two retries
        async with pg_sessions.begin() as db:
            created = await repository.insert_submission(db, row)
            new_results = await eligibility_records.insert_eligibility(db, row["id"], REPORT, at)
            audited = await repository.audit(
                db,
                key=f"{row['workflow_id']}:submitted",
                at=at,
                actor="producer",
                entity_type="submission",
                entity_id=row["id"],
                action="submitted",
            )
        assert (created, new_results, audited) == (
            (True, 2, True) if attempt == 0 else (False, 0, False)
        )
    async with pg_sessions() as db:
        assert (
            await db.scalar(
                select(func.count())
                .select_from(SubmissionRow)
                .where(SubmissionRow.session_id == session.id)
            )
            == 1
        )
        results = await eligibility_records.eligibility_results(db, row["id"])
        assert [(r.rule_id, r.outcome) for r in results] == [
            ("genre", "pass"),
            ("screener", "needs_fix"),
        ]
        trail = await repository.audit_trail(db, row["id"])
        assert [a.action for a in trail] == ["submitted"]
        assert trail[0].at == at  # aware UTC in, aware UTC out


async def test_earlier_sessions_of_the_same_programme_only(pg_sessions, programmes):
    fip, wip = programmes["films-in-progress"], programmes["wip-latam"]
    earlier = await new_session(pg_sessions, fip)  # new_session counts years down: earlier
    later = await new_session(pg_sessions, fip)  # ... is the *later* calendar year
    oldest = await new_session(pg_sessions, fip)
    other = await new_session(pg_sessions, wip, "san-sebastian")
    async with pg_sessions.begin() as db:
        for s in (earlier, later, oldest, other):
            await repository.insert_submission(db, submission_row(s, "los-perros-1"))
    async with pg_sessions() as db:

        async def facts(programme, session):
            return await eligibility_records.eligibility_facts(
                db, programme.id, "los-perros-1", session.id
            )

        # `later` has the lower year, so its call closed first; `oldest` closed before both.
        assert oldest.deadline < later.deadline < earlier.deadline
        programme, before = await facts(fip, earlier)
        assert (programme, before) == (fip, [oldest.id, later.id])  # in the order they closed
        assert await facts(fip, later) == (fip, [oldest.id])
        assert await facts(fip, oldest) == (fip, [])
        assert await facts(wip, other) == (wip, [])
        with pytest.raises(LookupError, match="no-such-programme"):
            await eligibility_records.eligibility_facts(
                db, "no-such-programme", "los-perros-1", later.id
            )


async def test_a_naive_datetime_is_refused(pg_sessions, programmes):
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    with pytest.raises(Exception, match="naive datetime"):
        async with pg_sessions.begin() as db:
            await repository.audit(
                db,
                key="naive",
                at=datetime(2027, 1, 1),
                actor="x",
                entity_type="session",
                entity_id=session.id,
                action="test",
            )
    async with pg_sessions() as db:
        assert (
            await db.scalar(
                select(func.count())
                .select_from(AuditRow)
                .where(AuditRow.idempotency_key == "naive")
            )
            == 0
        )


async def test_opening_a_session_resolves_its_calendar_and_refuses_a_second_open(
    pg_sessions, programmes
):
    fip = programmes["films-in-progress"]
    session = await new_session(pg_sessions, fip, fix_window=timedelta(seconds=45))
    assert session.slots == 6 and session.fix_window_seconds == 45
    assert session.calendar["timezone"] == "Europe/Paris"
    year = int(session.id.rsplit("-", 1)[1])
    with pytest.raises(SessionExistsError, match="already open"):
        await open_session(pg_sessions, fip, "toulouse", year)
    same = await open_session(pg_sessions, fip, "toulouse", year, exist_ok=True)
    assert same.id == session.id
    async with pg_sessions() as db:
        stored = await repository.load_programme(db, fip.id)
    assert stored == fip


async def large_write(sessions, session_id: str) -> None:
    """12,000 audit rows of nine columns: 108,000 parameters, past the 32,767 that PostgreSQL's
    protocol numbers (and SQLite's 32,766), written in one call, then again as a retry."""
    at = datetime(2027, 1, 1, tzinfo=UTC)
    rows = [
        dict(
            idempotency_key=f"{session_id}:bulk:{i}",
            at=at,
            actor="wipflow",
            entity_type="submission",
            entity_id=f"{session_id}/film-{i}",
            action="under_review",
            from_state=None,
            to_state="under_review",
            reason="3 committee members review the film",
        )
        for i in range(12_000)
    ]
    for expected in (12_000, 0):  # the first attempt, then a retry that writes nothing
        async with sessions.begin() as db:
            assert await audit_chain.append(db, rows) == expected
    async with sessions() as db:
        written = select(func.count()).where(AuditRow.idempotency_key.like(f"{session_id}:bulk:%"))
        assert await db.scalar(written) == 12_000
        # One chain, numbered without a gap: the retry appended no second link.
        assert await audit_chain.head(db, session_id) == (
            12_000,
            await db.scalar(
                select(AuditRow.row_hash).where(
                    AuditRow.idempotency_key == f"{session_id}:bulk:11999"
                )
            ),
        )


async def test_a_write_larger_than_one_statement_allows_on_postgresql(pg_sessions, programmes):
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    await large_write(pg_sessions, session.id)


async def test_a_write_larger_than_one_statement_allows_on_sqlite(tmp_path):
    engine = store_db.make_engine(f"sqlite+aiosqlite:///{tmp_path / 'wipflow.db'}")
    try:
        await store_db.upgrade(engine)
        await large_write(store_db.make_sessionmaker(engine), "films-in-progress/toulouse-2027")
    finally:
        await engine.dispose()


async def test_a_programme_stored_twice_at_once_is_stored_once(pg_sessions, programmes):
    """Two sessions of one programme opened at the same moment both store it (one statement
    each, not a read then an insert), and a later store replaces what is stored."""
    import asyncio
    import uuid

    programme = programmes["films-in-progress"].model_copy(
        update={"id": f"race-{uuid.uuid4().hex[:8]}"}
    )

    async def store(name: str) -> None:
        async with pg_sessions.begin() as db:
            await repository.upsert_programme(db, programme.model_copy(update={"name": name}))

    await asyncio.gather(*(store(f"Race {i}") for i in range(6)))
    async with pg_sessions() as db:
        assert (await repository.load_programme(db, programme.id)).name.startswith("Race ")
    await store("Renamed")  # validated again, not served from the validated programmes kept
    async with pg_sessions() as db:
        assert (await repository.load_programme(db, programme.id)).name == "Renamed"


async def count_new_rows(sessions, session_id: str) -> None:
    """Rows some of which exist: the new ones are written and counted, the others skipped."""
    rows = [
        dict(
            idempotency_key=f"{session_id}:some:{i}",
            at=datetime(2027, 1, 1, tzinfo=UTC),
            actor="wipflow",
            entity_type="submission",
            entity_id=f"{session_id}/film-{i}",
            action="noted",
            chain=session_id,
            seq=1000 + i,
            prev_hash="x",
            row_hash=f"h{i}",
            actor_commit="a",
            reason_commit="r",
        )
        for i in range(3)
    ]
    async with sessions.begin() as db:
        assert await repository.insert_ignore(db, AuditRow, rows[1:2], ["idempotency_key"]) == 1
    async with sessions.begin() as db:
        assert await repository.insert_ignore(db, AuditRow, rows, ["idempotency_key"]) == 2
        assert await repository.insert_ignore(db, AuditRow, rows, ["idempotency_key"]) == 0


async def test_insert_ignore_counts_the_new_rows_on_postgresql(pg_sessions, programmes):
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    await count_new_rows(pg_sessions, session.id)


async def test_insert_ignore_counts_the_new_rows_on_sqlite(tmp_path):
    engine = store_db.make_engine(f"sqlite+aiosqlite:///{tmp_path / 'wipflow.db'}")
    try:
        await store_db.upgrade(engine)
        await count_new_rows(store_db.make_sessionmaker(engine), "films-in-progress/toulouse-2027")
    finally:
        await engine.dispose()
