"""What a programme's retention schedule runs: its workflow's input, and the erasing activity's
input and result. No clock defaults: the workflow stamps `now` with `workflow.now()`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class Retention(BaseModel):
    """A programme's retention of personal data (`[retention]` in its file); unset keeps it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    not_selected_months: int | None = Field(
        None,
        ge=1,
        le=120,
        description="months after its session's event that a film not selected is erased",
    )


class RetentionInput(BaseModel):
    programme_id: str
    not_selected_months: int = Field(ge=1, le=120)


class EraseDueInput(RetentionInput):
    now: datetime
    page: int = Field(500, ge=1, le=5000, description="films erased per transaction")


class EraseDueResult(BaseModel):
    sessions: list[str]  # the sessions past their retention
    erased: int  # films erased by this run (0 when a run before it did them all)
