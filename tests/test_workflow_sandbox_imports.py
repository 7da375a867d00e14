"""Workflow modules load no I/O: each one, imported alone in a fresh interpreter, pulls in none
of the database drivers, the mail and template libraries, nor wipflow's own I/O packages.

The sandbox passes `imports_passed_through` modules through to the host, and a workflow module
re-imported for every run it starts or replays loads whatever those import: a workflow that
reached SQLAlchemy through an activity module paid for it on every replay, and tied its
determinism to code that does I/O. No server; one short interpreter per module (so it is marked
integration: it starts processes).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

WORKFLOW_MODULES = sorted(
    f"workflows.{path.stem}"
    for path in (PROJECT_ROOT / "workflows").glob("*.py")
    if path.stem != "__init__"
)
FORBIDDEN = (
    "sqlalchemy",
    "asyncpg",
    "aiosqlite",
    "jinja2",
    "aiosmtplib",
    "store",
    "notifications",
    "activities",
    "cli",
    "intake",
    "gateway",
    "readmodels",
    "actions",
)

# Run in the child: import the module with an import hook that remembers, for every module,
# which module was being imported when it was first loaded, so a failure can name the chain.
PROBE = """
import builtins, json, sys
parent, stack = {}, []
real_import = builtins.__import__
def tracing(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__", "?")
    before = set(sys.modules)
    stack.append(importer)
    try:
        return real_import(name, globals, locals, fromlist, level)
    finally:
        stack.pop()
        for new in set(sys.modules) - before:
            parent.setdefault(new, importer)
builtins.__import__ = tracing
import importlib
importlib.import_module(sys.argv[1])
print(json.dumps({"modules": sorted(sys.modules), "parent": parent}))
"""


def forbidden(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in FORBIDDEN)


def chain(module: str, parent: dict[str, str], root: str) -> list[str]:
    """`module` back to the workflow module that (transitively) imported it."""
    links = [module]
    while links[-1] != root and links[-1] in parent and len(links) < 40:
        links.append(parent[links[-1]])
    return list(reversed(links))


def loaded_by(module: str) -> tuple[list[str], dict[str, str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"importing {module} failed:\n{done.stderr[-2000:]}"
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["modules"], report["parent"]


@pytest.mark.parametrize("module", WORKFLOW_MODULES)
def test_a_workflow_module_imports_no_io(module: str):
    modules, parent = loaded_by(module)
    bad = sorted(name for name in modules if forbidden(name))
    # The top of each forbidden package is enough to say how it came in.
    tops = [name for name in bad if name.split(".")[0] == name or name.rsplit(".", 1)[0] not in bad]
    assert not bad, f"{module} loads I/O modules:\n" + "\n".join(
        "  " + " -> ".join(chain(name, parent, module)) for name in tops
    )


def test_every_workflow_module_is_checked():
    assert "workflows.session" in WORKFLOW_MODULES and "workflows.submission" in WORKFLOW_MODULES
