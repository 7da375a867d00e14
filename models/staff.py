"""Staff accounts: who may sign in to the staff's side of wipflow, with which role.

A role says what its holder may do: `admin` everything, staff accounts and privacy included;
`programmer` run sessions (the commands that change them); `read_only` read the boards,
timelines and outboxes. domain/roles.py holds that table; the command line checks it for the
account it acts for, and every role may read the staff's pages once signed in.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from models.submission import Email
from models.text import Text

# A password of a staff account: long enough that guessing it online is hopeless behind the
# sign-in's throttle (NIST SP 800-63B asks at least 8; we ask 12), short enough to type.
PASSWORD_MIN, PASSWORD_MAX = 12, 200


class Role(StrEnum):
    ADMIN = "admin"
    PROGRAMMER = "programmer"
    READ_ONLY = "read_only"


class StaffInput(BaseModel):
    """A staff account as an admin enters it (the password apart: it is hashed, never kept)."""

    email: Email
    name: Text = Field(min_length=1, max_length=200)
    role: Role


class StaffLine(BaseModel):
    """A staff account as `staff list` shows it: never its password's hash."""

    email: str
    name: str
    role: Role
    active: bool
    created_at: datetime
    created_by: str
    disabled_at: datetime | None
