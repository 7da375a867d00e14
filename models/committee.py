"""A committee member as staff enter them: who they are, their company, and the films or
companies they declare a conflict with (domain/review.py decides what else is a conflict)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from models.text import Text


class Member(BaseModel):
    id: str = Field(min_length=1, max_length=60)
    name: Text = Field(min_length=1, max_length=200)
    company: Text | None = Field(None, max_length=200)
    declared_conflicts: list[str] = Field(
        default_factory=list, description="submission ids or company names"
    )
