"""The size of one statement (a multi-row write is cut into batches the databases accept), each
dialect's insert with its ON CONFLICT, and the insert that skips existing rows, built once per
table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite

# PostgreSQL's protocol numbers a statement's parameters in 16 bits (asyncpg refuses more than
# 32,767) and SQLite allows 32,766: a multi-row statement is cut into batches below both. The
# 20,000-film benchmark met it: 12,000 eligible films' review assignments, three members each,
# were 146,000 parameters in one INSERT.
MAX_PARAMETERS = 32_000


def batches(rows: Sequence[dict[str, Any]]) -> list[Sequence[dict[str, Any]]]:
    """`rows` in runs short enough for one statement each (all rows have the same columns)."""
    size = max(1, MAX_PARAMETERS // max(1, len(rows[0])))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def dialect_insert(dialect: str) -> Callable[..., Any]:
    """The dialect's own `insert`, whose ON CONFLICT clauses the generic one lacks."""
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]


@cache
def ignoring(dialect: str, table: Table, keys: tuple[str, ...]) -> Insert:
    """The insert into `table` that skips rows whose `keys` exist, built once per table (a
    statement built at every call costs its construction and its cache key each time)."""
    return dialect_insert(dialect)(table).on_conflict_do_nothing(index_elements=list(keys))
