"""Read a submission file (one JSON object, a JSON list, or a CSV) into validated forms and
field-level errors, row by row, so one bad row never costs the good rows of the same file.

CSV columns are the form's field names; nested fields use dots (`screener.url`, `contact.email`);
list fields take `;`-separated values (`dialogue_languages`: `es;qu`) or a JSON array, which
`directors` and `producers` need (`[{"name": "...", "nationality": "AR"}]`). Row 1 is the first
record (the first line after a CSV's header).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from models.submission import SubmissionForm

MAX_FILE_BYTES = 50 * 1024 * 1024
# A huge cell is a bad row, refused by its field's bound, not an unreadable file: the csv
# module's own limit (128 KiB a field) would refuse the whole file instead.
csv.field_size_limit(MAX_FILE_BYTES)
# A field name quoted back in an error (an unknown column may be any length).
MAX_FIELD_NAME = 200


class FieldError(BaseModel):
    field: str
    message: str


class RowError(BaseModel):
    row: int
    title: str | None = None
    errors: list[FieldError]


class ValidRow(BaseModel):
    row: int
    form: SubmissionForm


class Batch(BaseModel):
    valid: list[ValidRow]
    rejected: list[RowError]


class IntakeFileError(ValueError):
    """The file as a whole cannot be read (as opposed to one bad row in it)."""


def field_errors(exc: ValidationError) -> list[FieldError]:
    return [FieldError(field=_field_name(err["loc"]), message=err["msg"]) for err in exc.errors()]


def _field_name(loc: tuple[int | str, ...]) -> str:
    name = ".".join(str(p) for p in loc) or "form"
    return name if len(name) <= MAX_FIELD_NAME else name[: MAX_FIELD_NAME - 1] + "…"


def validate_records(records: list[Any]) -> Batch:
    valid, rejected = [], []
    for row, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            rejected.append(
                RowError(
                    row=row,
                    errors=[
                        FieldError(
                            field="form", message=f"expected an object, got {type(record).__name__}"
                        )
                    ],
                )
            )
            continue
        try:
            valid.append(ValidRow(row=row, form=SubmissionForm.model_validate(record)))
        except ValidationError as exc:
            title = record.get("original_title")
            rejected.append(
                RowError(
                    row=row,
                    title=title[:200] if isinstance(title, str) else None,
                    errors=field_errors(exc),
                )
            )
    return Batch(valid=valid, rejected=rejected)


_LIST_FIELDS = {
    "dialogue_languages",
    "directors",
    "producers",
    "post_needs",
    "screener.subtitles",
    "history.distributors",
    "history.labs_forums_wips",
}


def _cell(column: str, value: str, list_fields: frozenset[str] | set[str]) -> Any:
    value = value.strip()
    if column in list_fields:
        if value.startswith("["):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                return f"<not valid JSON: {exc.msg}>"  # left for the validator to refuse
            except (ValueError, RecursionError):  # a 5000-digit number, nesting past the stack
                return "<not valid JSON: too large or too deeply nested>"
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def separator(text: str) -> str:
    """`,`, or `;` for a file saved by Excel in a Spanish, Portuguese or French locale: read off
    the header line, which holds only column names (a list cell's `;` is inside quotes, below)."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def csv_records(text: str, list_fields: frozenset[str] | set[str] = _LIST_FIELDS) -> list[dict]:
    records = []
    for line in csv.DictReader(io.StringIO(text), delimiter=separator(text)):
        record: dict[str, Any] = {}
        for column, value in line.items():
            if column is None or value is None or not value.strip():
                continue  # extra cells without a header, or empty cells: let defaults apply
            _place(record, column.strip(), _cell(column.strip(), value, list_fields))
        records.append(record)
    return records


def _place(record: dict[str, Any], column: str, value: Any) -> None:
    """Put a dotted column's value in its nested place; a column nested under one holding a
    value (`genre` and `genre.x`) keeps its own name, for the validator to refuse as unknown."""
    *parents, leaf = column.split(".")
    target = record
    for part in parents:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            record[column] = value
            return
    target[leaf] = value


def read_records(
    path: Path, *, key: str, list_fields: frozenset[str] | set[str] = _LIST_FIELDS
) -> list[Any]:
    """The records of a JSON file (one object, a list, or `{key: [...]}`) or of a CSV file."""
    if not path.is_file():
        raise IntakeFileError(f"{path}: no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise IntakeFileError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise IntakeFileError(
            f"{path}: not UTF-8 text (Excel's plain CSV is Windows-1252): save it as "
            '"CSV UTF-8 (comma delimited)" and send it again'
        ) from None
    if path.suffix.lower() == ".csv":
        try:
            return csv_records(text, list_fields)
        except csv.Error as exc:
            raise IntakeFileError(f"{path}: not valid CSV ({exc})") from exc
    try:
        data = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise IntakeFileError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    except RecursionError as exc:
        raise IntakeFileError(f"{path}: not valid JSON (nested too deeply)") from exc
    if isinstance(data, dict) and isinstance(data.get(key), list):
        data = data[key]
    return data if isinstance(data, list) else [data]


def _integer(digits: str) -> int | str:
    """A JSON integer; one longer than Python converts (4300 digits) stays text, for its field
    to refuse, rather than costing the whole file."""
    try:
        return int(digits)
    except ValueError:
        return digits


def read_batch(path: Path) -> Batch:
    return validate_records(read_records(path, key="submissions"))
