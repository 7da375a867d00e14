"""A committee member as staff enter them: who they are, their company, and the films or
companies they declare a conflict with (domain/review.py decides what else is a conflict), and
where and in which language they are written to."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

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


class Relation(StrEnum):
    """What ties a member to a film they declare a conflict with, on their page."""

    WORKS_FOR = "works_for"  # works for (or with) one of the film's producers
    CREDITED = "credited"  # credited on the film
    RELATED = "related"  # related to someone on the film
    OTHER = "other"


class ConflictInput(BaseModel):
    """A conflict a member declares with a film assigned to them (update `declare_conflict` of
    the session): the film goes to a free member, or is reported short."""

    member_id: str = Field(min_length=1, max_length=60)
    submission_id: str = Field(min_length=1, max_length=200)
    relation: Relation
    detail: Text | None = Field(
        None, max_length=200, description="whom: the company, the person, or what else"
    )
    actor: str = Field(min_length=1, max_length=200)


class ConflictResult(BaseModel):
    """What became of a declared conflict's film."""

    submission_id: str
    member_id: str
    why: str = Field(description="the conflict as recorded, e.g. 'works for Conflict Films S.A.'")
    replaced_by: str | None = Field(
        description="the member who reviews it instead, if any was free"
    )
    reviewers: list[str] = Field(default_factory=list, description="the film's reviewers now")


class ConflictSource(StrEnum):
    """How a conflict came to be recorded (table `review_conflicts`)."""

    ASSIGNMENT = "assignment"  # the assignment kept the member from the film
    DECLARED = "declared"  # the member declared it with a film assigned to them


class ConflictLine(BaseModel):
    """One recorded conflict of interest, as staff read it (`review conflicts`)."""

    member_id: str
    submission_id: str
    title: str
    source: ConflictSource
    relation: Relation | None
    why: str
    actor: str
    at: datetime
