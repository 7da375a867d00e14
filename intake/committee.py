"""A session's committee from a JSON file: its members, their companies, declared conflicts, and
the address and language each is written to."""

from __future__ import annotations

from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from intake.batch import IntakeFileError
from models.committee import Member
from models.submission import Email


class CommitteeRow(Member):
    """A member as the committee file must give them: with the address they are written to."""

    email: Email


def read_members(path: Path) -> list[Member]:
    """`[{"id", "name", "email", "language", "company", "declared_conflicts"}]`; a file that
    cannot be read, or a member refused, is one line naming the file, and each member refused by
    its row (from 1) and its field."""
    try:
        rows = TypeAdapter(list[CommitteeRow]).validate_json(path.read_bytes())
    except OSError as exc:
        raise IntakeFileError(f"{path}: {exc.strerror}") from None
    except ValidationError as exc:
        problems = "; ".join(_problem(e) for e in exc.errors())
        raise IntakeFileError(f"{path}: {problems}") from None
    return [Member.model_validate(row.model_dump()) for row in rows]


def _problem(error) -> str:
    loc = error["loc"]
    if loc and isinstance(loc[0], int):
        field = ".".join(map(str, loc[1:])) or "member"
        return f"row {loc[0] + 1} {field}: {error['msg']}"
    return f"{'.'.join(map(str, loc)) or 'file'}: {error['msg']}"
