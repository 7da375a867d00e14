"""The real stack every producer's-door test stands on: an SMTP server on loopback, the
production worker mailing it and signing links with a test key, and the web app under uvicorn
on a free port, sharing the test's database and Temporal client."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import NamedTuple

from bench.drill_stack import SmtpServer
from gateway.context import Context
from settings import Settings
from tests.conftest import running_worker
from web.app import create_app
from web.serve import free_port, serving

KEYS = {"k1": "the producer doors' test key"}


class Stack(NamedTuple):
    url: str  # where the web app answers, and the links in the mails point
    smtp: SmtpServer  # its inbox holds every mail the worker sent
    queue: str  # the worker's task queue
    env: dict[str, str]  # the environment `starter.py` runs in against this stack


@asynccontextmanager
async def door_stack(local_env, pg_url: str, pg_sessions) -> AsyncIterator[Stack]:
    smtp = SmtpServer()
    smtp.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    mail = {"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_starttls": False}
    links = {"public_url": url, "link_keys": KEYS, "link_key_id": "k1"}
    try:
        async with running_worker(local_env.client, pg_sessions, **mail, **links) as queue:
            settings = Settings(temporal_task_queue=queue, database_url=pg_url, **links)
            ctx = Context(settings, database=pg_sessions, client=local_env.client)
            async with serving(create_app(ctx=ctx), port=port):
                env = {
                    **os.environ,
                    "TEMPORAL_ADDRESS": local_env.client.service_client.config.target_host,
                    "TEMPORAL_TASK_QUEUE": queue,
                    "DATABASE_URL": pg_url,
                }
                yield Stack(url, smtp, queue, env)
    finally:
        smtp.stop()
