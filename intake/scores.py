"""A committee member's score sheet from a file (CSV or JSON), validated row by row and field by
field as submissions are. What the session then refuses (a film not assigned to the member, a
score out of range) comes back for the same rows."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

from intake.batch import FieldError, RowError, field_errors, read_records
from models.sheets import SheetScore

# A sheet exported from a spreadsheet often keeps the film's title beside its id, for the reader.
REFERENCE_COLUMNS = {"title"}
TWICE = "scored twice in this file: only its first row counts"


class SheetFile(BaseModel):
    scores: list[SheetScore]
    rows: list[int]  # the file's row of each score, from 1
    rejected: list[RowError]


def read_score_sheet(path: Path) -> SheetFile:
    """Columns `submission_id`, `score` and an optional `comment`; JSON as a list of such
    objects or `{"scores": [...]}`."""
    scores, rows, rejected, seen = [], [], [], set()
    for row, record in enumerate(read_records(path, key="scores", list_fields=set()), start=1):
        if isinstance(record, dict):
            record = {k: v for k, v in record.items() if k not in REFERENCE_COLUMNS}
            film = record.get("submission_id")
        else:
            film = None
        title = film[:200] if isinstance(film, str) else None
        try:
            score = SheetScore.model_validate(record)
        except ValidationError as exc:
            rejected.append(RowError(row=row, title=title, errors=field_errors(exc)))
            continue
        if score.submission_id in seen:  # the session would see the two in different sheets
            twice = FieldError(field="submission_id", message=TWICE)
            rejected.append(RowError(row=row, title=title, errors=[twice]))
            continue
        seen.add(score.submission_id)
        scores.append(score)
        rows.append(row)
    return SheetFile(scores=scores, rows=rows, rejected=rejected)
