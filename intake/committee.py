"""A session's committee from a JSON file: its members, their companies and declared conflicts."""

from __future__ import annotations

from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from intake.batch import IntakeFileError
from models.committee import Member


def read_members(path: Path) -> list[Member]:
    """`[{"id", "name", "company", "declared_conflicts"}]`; a file that cannot be read or a
    member refused is one line naming the file and each field."""
    try:
        return TypeAdapter(list[Member]).validate_json(path.read_bytes())
    except OSError as exc:
        raise IntakeFileError(f"{path}: {exc.strerror}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise IntakeFileError(f"{path}: {problems}") from None
