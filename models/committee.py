"""A committee member as staff enter them: who they are, their company, and the films or
companies they declare a conflict with (domain/review.py decides what else is a conflict), and
where and in which language they are written to."""

from __future__ import annotations

from pydantic import BaseModel, Field

from models.submission import ContactLanguage, Email
from models.text import Text


class Member(BaseModel):
    id: str = Field(min_length=1, max_length=60)
    name: Text = Field(min_length=1, max_length=200)
    company: Text | None = Field(None, max_length=200)
    declared_conflicts: list[str] = Field(
        default_factory=list, description="submission ids or company names"
    )
    # Where and in which language the member is written to. Optional here, where histories saved
    # before members had them still load; a committee file must give the address
    # (intake/committee.py).
    email: Email | None = None
    language: ContactLanguage = "en"
