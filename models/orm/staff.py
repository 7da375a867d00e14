"""Staff accounts: who may sign in to the staff's side, with which role (models/staff.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.orm.base import Base


class StaffRow(Base):
    """A staff account. The password is kept as its argon2 hash only; an account is disabled,
    never deleted, so the audit trail's names keep their account."""

    __tablename__ = "staff"

    email: Mapped[str] = mapped_column(String(254), primary_key=True, comment="lower case")
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), comment="admin|programmer|read_only")
    password_hash: Mapped[str] = mapped_column(String(200), comment="argon2id, with its salt")
    active: Mapped[bool]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None]
