"""A producer's agenda at a session's event, as their calendar holds it: where the event is,
when their film screens and their one-to-one meetings. Read by readmodels/agenda.py, made into
a calendar file by notifications/agenda_ics.py."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Appointment(BaseModel):
    """A meeting with one partner, at one table."""

    partner_id: str  # what the calendar file's UID is made of: stable when the time moves
    partner: str
    table: int
    starts_at: datetime
    ends_at: datetime


class Screening(BaseModel):
    starts_at: datetime
    ends_at: datetime


class Agenda(BaseModel):
    submission_id: str
    film: str
    session: str
    city: str
    venue: str
    screening: Screening | None  # None until the session places it (or Temporal is away)
    meetings: list[Appointment]  # by time
