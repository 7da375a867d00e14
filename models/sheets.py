"""The rows of a committee member's score sheet, and the caps that keep one sheet within one
update's payload (domain/scoring.py judges the rows; models/session.py carries the sheet)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.text import Text

# A sheet is one update's payload: without comments 1,000 rows are about 80 KB; comments are
# capped so that no sheet nears Temporal's 512 KB payload warning (2 MB is refused outright).
MAX_SHEET_ROWS = 1000
MAX_SHEET_COMMENTS = 250_000  # characters


class SheetScore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    submission_id: str = Field(min_length=1, max_length=200)
    score: float = Field(allow_inf_nan=False)
    comment: Text | None = Field(None, max_length=5000)


class SheetRefusal(BaseModel):
    index: int = Field(description="the row's place in the sheet, from 0")
    submission_id: str
    field: Literal["submission_id", "score"] = "submission_id"
    reason: str


class SheetResult(BaseModel):
    recorded: int
    refused: list[SheetRefusal] = Field(default_factory=list)
