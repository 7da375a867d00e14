"""starter.py and worker.py as staff and operators run them: real processes, the dev server,
PostgreSQL. Every command answers `--json`; every error is one line and a non-zero exit."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from settings import PROJECT_ROOT
from tests.conftest import cli_year, running_worker
from tests.forms import form_dict


async def starter(env: dict[str, str], *args: str, stdin: str = "") -> tuple[int, str, str]:
    """`starter.py args` as staff type it, `stdin` on its standard input: exit code, out, err."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "starter.py",
        *args,
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), 120)
    return proc.returncode, out.decode(), err.decode()


async def test_staff_open_a_session_and_enter_a_file(env_for, local_env, pg_sessions, tmp_path):
    year = cli_year()
    async with running_worker(local_env.client, pg_sessions) as queue:
        env = env_for(queue)
        code, out, _ = await starter(env, "programmes", "list", "--json")
        assert code == 0
        assert {"films-in-progress", "wip-latam"} <= {p["id"] for p in json.loads(out)}

        code, out, err = await starter(
            env,
            "session",
            "open",
            "films-in-progress",
            "toulouse",
            year,
            "--fix-window",
            "2d",
            "--json",
        )
        assert code == 0, err
        opened = json.loads(out)
        session_id = opened["session_id"]
        assert session_id == f"films-in-progress/toulouse-{year}"
        assert opened["fix_window_seconds"] == 2 * 86400 and opened["slots"] == 6

        code, _, err = await starter(env, "session", "open", "films-in-progress", "toulouse", year)
        assert code == 1 and err.strip().count("\n") == 0 and "already open" in err

        entries = tmp_path / "entries.json"
        entries.write_text(
            json.dumps(
                [
                    form_dict(original_title="Uno"),
                    form_dict(original_title="Dos", genre="opera"),
                    form_dict(original_title="Tres", runtime_expected_min=30),
                ]
            )
        )
        code, out, err = await starter(env, "submit", session_id, str(entries), "--json")
        assert code == 0, err
        report = json.loads(out)
        assert set(report) == {"accepted", "rejected", "duplicates"}
        assert [e["row"] for e in report["accepted"]] == [1, 3]
        assert report["rejected"] == [
            {
                "row": 2,
                "title": "Dos",
                "errors": [
                    {"field": "genre", "message": report["rejected"][0]["errors"][0]["message"]}
                ],
            }
        ]
        assert "fiction" in report["rejected"][0]["errors"][0]["message"]

        code, out, _ = await starter(env, "submit", session_id, str(entries), "--json")
        assert [e["row"] for e in json.loads(out)["duplicates"]] == [1, 3]

        accepted = report["accepted"][0]["submission_id"]
        for _ in range(100):
            code, out, _ = await starter(env, "submission", "show", accepted, "--json")
            if json.loads(out)["stage"] == "eligible":
                break
            await asyncio.sleep(0.2)
        assert json.loads(out)["stage"] == "eligible"

        code, out, err = await starter(
            env, "submission", "withdraw", accepted, "--reason", "funded elsewhere", "--json"
        )
        assert code == 0, err
        assert json.loads(out)["stage"] == "withdrawn"
        code, _, err = await starter(env, "submission", "withdraw", accepted, "--reason", "x")
        assert code == 1 and "has ended" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["submit", "nope/session-2027", "x.json"], "no session 'nope/session-2027'"),
        (["session", "open", "nope", "toulouse", "2027"], "no programme 'nope'"),
        (["session", "open", "films-in-progress", "lima", "2027"], "has no session 'lima'"),
        (
            ["session", "open", "films-in-progress", "toulouse", "2027", "--fix-window", "10x"],
            "not a duration",
        ),
        (
            [
                "session",
                "open",
                "films-in-progress",
                "toulouse",
                "2027",
                "--deadline",
                "2027-01-20",
            ],
            "needs a time zone",
        ),
        (["submission", "show", "films-in-progress/toulouse-2027/nada-0"], "no submission"),
    ],
)
async def test_errors_are_one_clear_line(env_for, args, message):
    code, out, err = await starter(env_for("unused"), *args)
    assert code == 1, (out, err)
    assert message in err and len(err.strip().splitlines()) == 1


async def test_submit_refuses_an_unreadable_file(env_for, pg_sessions, local_env, tmp_path):
    year = cli_year()
    env = env_for("unused")
    assert (await starter(env, "session", "open", "wip-latam", "san-sebastian", year))[0] == 0
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    code, out, err = await starter(
        env, "submit", f"wip-latam/san-sebastian-{year}", str(broken), "--json"
    )
    assert code == 1 and "not valid JSON" in json.loads(out)["error"] and "line 1" in err


def test_the_worker_logs_where_it_connected_and_stops_cleanly_on_sigterm(env_for, tmp_path: Path):
    env = env_for(f"worker-{uuid.uuid4().hex[:6]}")
    proc = subprocess.Popen(
        [sys.executable, "worker.py"], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        started = ""
        for line in proc.stderr:
            started += line
            if "worker polling" in line:
                break
        assert env["TEMPORAL_ADDRESS"] in started and env["TEMPORAL_TASK_QUEUE"] in started
        assert "postgresql+asyncpg://postgres@" in started
        proc.send_signal(signal.SIGTERM)
        rest = proc.stderr.read()
        assert proc.wait(timeout=30) == 0, rest
        assert "worker stopped" in rest
    finally:
        if proc.poll() is None:
            proc.kill()


def test_the_registry_says_what_each_module_registers():
    """`starter.py --help` lists every group from cli/registry.py before importing its module:
    each entry's modules register exactly that name, a group or a command as said, with the
    help the listing shows."""
    import importlib

    import typer.main

    from cli.common import app
    from cli.registry import ENTRIES

    for entry in ENTRIES.values():
        for module in entry.modules:
            importlib.import_module(module)
    built = typer.main.get_group(app)
    assert set(built.commands) == set(ENTRIES)
    for name, entry in ENTRIES.items():
        command = built.commands[name]
        assert hasattr(command, "commands") == entry.is_group, name
        assert (command.help or "").split("\n\n")[0].replace("\n", " ") == entry.help, name


@pytest.mark.integration  # a fresh interpreter of its own
def test_help_imports_none_of_the_heavy_modules():
    """The help of every group answers before Temporal, SQLAlchemy and the models load (the
    enums its options list, models/choices.py and models/message_kinds.py, import nothing)."""
    probe = (
        "import importlib, sys\n"
        "from cli.registry import ENTRIES\n"
        "for m in {m for e in ENTRIES.values() for m in e.modules}:\n"
        "    importlib.import_module(m)\n"
        "heavy = ('temporalio', 'sqlalchemy', 'scipy', 'pydantic', 'models', 'domain', 'settings',"
        " 'store')\n"
        "light = {'models', 'models.choices', 'models.message_kinds'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy and m not in light))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"
