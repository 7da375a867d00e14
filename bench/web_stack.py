"""The real stack the web benches run on loopback (bench/web.py, bench/committee.py): the
Temporal dev server in memory, a fresh PostgreSQL database, the production worker in this process
(its mail in a throwaway Maildir) and the web app as a process of its own, every link signed with
a key made here."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from bench.pipeline import fresh_database
from bench.pipeline_meters import CpuMeter
from codec.converter import data_converter
from devserver import binary
from settings import PROJECT_ROOT, Settings
from shared import SEARCH_ATTRIBUTES
from web.serve import free_port
from worker import build_worker

KEY_ID = "bench"
# With `one_address` (bench/web.py --one-address, bench/committee.py): the same app with a
# generous throttle, every request coming from 127.0.0.1.
SERVE_ONE_ADDRESS = (
    "import sys, uvicorn; from web.app import create_app; from web.security import Throttle; "
    "uvicorn.run(create_app(throttle=Throttle('1000/minute', '100000/minute')), "
    "host='127.0.0.1', port=int(sys.argv[1]), proxy_headers=True, log_level='info')"
)


@asynccontextmanager
async def dev_server(log: Path, converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """The dev server, in memory; its output (the banner, its errors) goes to `log`."""
    saved = os.dup(1), os.dup(2)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)  # the server inherits both descriptors when it starts
    os.dup2(out, 2)
    try:
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=binary("temporal"),
            search_attributes=SEARCH_ATTRIBUTES,
            data_converter=converter,
            dev_server_log_level="error",
        )
    finally:
        for fd, old in zip((1, 2), saved, strict=True):
            os.dup2(old, fd)
            os.close(old)
        os.close(out)
    try:
        yield env
    finally:
        await env.shutdown()


def spawn(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(argv, env=env, cwd=PROJECT_ROOT, stdout=out, stderr=out)


@asynccontextmanager
async def web_app(env: dict[str, str], port: int, log: Path, one_address: bool):
    """`starter.py web` as a process of its own (or, with `one_address`, the same app with a
    generous throttle), until /healthz answers; stopped (SIGTERM) at the end."""
    argv = [sys.executable, str(PROJECT_ROOT / "starter.py"), "web", "--port", str(port)]
    if one_address:
        argv = [sys.executable, "-c", SERVE_ONE_ADDRESS, str(port)]
    proc = spawn(argv, env, log)
    try:
        async with httpx.AsyncClient(trust_env=False, timeout=2) as client:
            for _ in range(300):
                if proc.poll() is not None:
                    raise RuntimeError(f"the web app exited (its log: {log})")
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).text == "ok":
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            else:
                raise TimeoutError("the web app did not answer /healthz within 60 s")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Stack:
    """The running stack: the dev server's client, the worker's settings, the fresh database
    (and the meter of its backends' CPU), the web app's process and address, and the folder that
    holds their logs (temporal.log, web.log)."""

    client: Client
    settings: Settings
    database: async_sessionmaker
    meter: CpuMeter
    web: subprocess.Popen
    base: str
    folder: Path


@asynccontextmanager
async def stack(folder: Path, queue: str, one_address: bool, cached: int) -> AsyncIterator[Stack]:
    """The whole stack on loopback, its logs and mail in `folder`: a fresh database, the dev
    server, the production worker in this process (task queue `queue`-xxxx, `cached` workflows
    kept) and the web app, every link signed with a key made here."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    keys = {KEY_ID: uuid.uuid4().hex + uuid.uuid4().hex}
    async with (
        fresh_database() as (database, meter),
        dev_server(folder / "temporal.log", data_converter(Settings(), database)) as env,
    ):
        url = database.kw["bind"].url.render_as_string(hide_password=False)
        settings = Settings(
            temporal_task_queue=f"{queue}-{uuid.uuid4().hex[:8]}",
            database_url=url,
            programmes_dir=folder / "programmes",
            maildir_path=folder / "mail",
            public_url=base,
            link_keys=keys,
            link_key_id=KEY_ID,
            metrics_address="",
            worker_cached_workflows=cached,
        )
        web_env = {
            **os.environ,
            "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
            "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
            "DATABASE_URL": url,
            "PUBLIC_URL": base,
            "LINK_KEYS": json.dumps(keys),
            "LINK_KEY_ID": KEY_ID,
            "PROGRAMMES_DIR": str(settings.programmes_dir),
            "METRICS_ADDRESS": "",
        }
        async with (
            build_worker(env.client, settings, database),
            web_app(web_env, port, folder / "web.log", one_address) as web,
        ):
            yield Stack(env.client, settings, database, meter, web, base, folder)
