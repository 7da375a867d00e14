"""The house, held: which part of wipflow may import which (README, "Design"), and no circles.

The import graph is read from the source with `ast`, imports inside functions included: an
import hidden in a function body is still an edge (that is how the old circles hid). A part is a
top-level package or module; every wipflow import must follow an arrow of `ALLOWED`, and no two
modules may reach each other. Third-party and standard-library imports are not checked here; the
workflows' sandbox test (tests/test_workflow_sandbox_imports.py) checks what they load.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", ".git", "node_modules", "__pycache__"}

# Each part and the parts it may import (itself always allowed): the drawing in the README's
# "Design" section, read bottom up. Shapes (models, shared) and plain settings are at the bottom;
# the pure rules (domain) see only shapes; workflows decide with the rules and call activities
# through their typed references (activity_refs); I/O lives in store, notifications and
# temporal_client, used by activities, intake and the layer's gateway; the layer (readmodels,
# actions) reaches the outside through the gateway; the faces (cli, demo, starter) call the layer.
SHAPES = {"models", "shared"}
IO = {"store", "notifications", "settings", "temporal_client", "codec"}
ALLOWED: dict[str, set[str]] = {
    "shared": set(),
    "settings": set(),
    "models": {"shared"},
    "domain": SHAPES,
    "activity_refs": SHAPES,
    "workflows": SHAPES | {"domain", "activity_refs"},
    "store": SHAPES | {"settings"},
    "notifications": SHAPES | {"settings"},
    "codec": SHAPES | {"settings", "store"},
    "temporal_client": {"shared", "settings", "codec"},
    "activities": SHAPES | IO | {"domain"},
    "intake": SHAPES | IO | {"domain"},
    "gateway": SHAPES | IO | {"workflows"},
    "readmodels": SHAPES | IO | {"domain", "gateway", "workflows"},
    "actions": SHAPES | IO | {"domain", "gateway", "readmodels", "intake", "workflows"},
    "devserver": {"shared", "settings"},
    "worker": SHAPES | IO | {"activities", "workflows"},
    "cli": SHAPES | {"settings", "gateway", "readmodels", "actions", "intake", "devserver"},
    # The producers' pages: the layer, the mail's own Jinja filters and languages, and the
    # staff CLI only to register `starter.py web` on it.
    "web": SHAPES | {"settings", "gateway", "readmodels", "actions", "notifications", "cli"},
    # The demo plays every person of a session (staff, producers, the committee) on the embedded
    # stack, and waits on the workflows and the database to show each step as it lands.
    "demo": SHAPES
    | IO
    | {"cli", "gateway", "readmodels", "actions", "intake", "devserver", "domain", "workflows"},
    "starter": {"cli"},
    "migrations": SHAPES | {"store", "settings"},
}
# Where anything may be imported: measurements and tests reach into every part.
FREE = {"bench", "tests", "docs", "locale"}  # locale/translate.py: `make catalogs`


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP & set(rel.parts):
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


MODULES = dict(_modules())


def _resolve(name: str) -> str | None:
    """The wipflow module an import names (the longest known prefix), or None if it is not ours."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def imports_of(module: str) -> set[str]:
    """The wipflow modules `module` imports anywhere in its body, functions included."""
    tree = ast.parse(MODULES[module].read_text(), str(MODULES[module]))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            target = _resolve(name)
            if target and target != module:
                found.add(target)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def part_of(module: str) -> str:
    return module.split(".", 1)[0]


def forbidden(graph: dict[str, set[str]]) -> list[str]:
    broken = []
    for module, targets in sorted(graph.items()):
        part = part_of(module)
        if part in FREE:
            continue
        if part not in ALLOWED:
            broken.append(f"{module}: part {part!r} is not in the drawing (add it to ALLOWED)")
            continue
        for target in sorted(targets):
            other = part_of(target)
            if other != part and other not in ALLOWED[part]:
                broken.append(f"{module} imports {target}: {part} may not import {other}")
    return broken


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_import_follows_the_drawing() -> None:
    assert forbidden(GRAPH) == []


def test_no_module_imports_itself_back() -> None:
    assert circles(GRAPH) == []


def test_the_drawing_has_no_circle_between_parts() -> None:
    parts = {part: allowed - {part} for part, allowed in ALLOWED.items()}
    assert circles(parts) == []


@pytest.mark.parametrize(
    ("module", "extra", "why"),
    [
        ("workflows.submission", "store.repository", "workflows may not import store"),
        ("activities.submissions", "workflows.submission", "activities may not import workflows"),
        ("models.text", "domain.review", "models may not import domain"),
        ("cli.review", "store.repository", "the command line holds no SQL: it calls the layer"),
        ("readmodels.board", "actions.selection", "read models do not act"),
        ("workflows.session", "activities.reviews", "workflows call activities by reference"),
    ],
)
def test_a_forbidden_import_is_caught(module: str, extra: str, why: str) -> None:
    """The checks can fail: one forbidden edge added to the real graph is reported."""
    assert module in GRAPH and extra in GRAPH, "a module of this example moved: name another"
    graph = {**GRAPH, module: GRAPH[module] | {extra}}
    assert any(f"{module} imports {extra}" in line for line in forbidden(graph)), why


def test_a_circle_is_caught() -> None:
    graph = {**GRAPH, "shared": GRAPH["shared"] | {"settings"}, "settings": {"shared"}}
    assert ["settings", "shared"] in circles(graph)


def test_no_source_module_is_over_400_lines() -> None:
    """A module holds one responsibility; past 400 lines it holds several (tests aside)."""
    long = {
        name: lines
        for name, path in MODULES.items()
        if part_of(name) != "tests" and (lines := len(path.read_text().splitlines())) > 400
    }
    assert long == {}


def test_the_command_line_has_no_sql() -> None:
    """cli/ parses and renders: what it reads and does is the layer's."""
    sql = {
        name
        for name, path in MODULES.items()
        if part_of(name) == "cli"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom)
        and any(
            (getattr(node, "module", None) or alias.name).startswith("sqlalchemy")
            for alias in node.names
        )
    }
    assert sql == set()
