"""Inputs of the activities that start other workflows for a session: each film's follow-up once
the event is over, and the session's partnering once its lineup is final."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class StartFollowUps(BaseModel):
    session_id: str
    programme_id: str
    lineup: list[str]
    at: datetime
    task_queue: str


class OpenInput(BaseModel):
    session_id: str
    programme_id: str
    name: str
    lineup: list[str]
    screenings: dict[str, datetime]
    screening_minutes: int
    task_queue: str
