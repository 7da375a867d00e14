"""What forgetting a session's data key reports (actions/session_keys.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ForgottenKey(BaseModel):
    session_id: str
    keys: int  # data keys emptied: one per master key the session's payloads were sealed under
    at: datetime
