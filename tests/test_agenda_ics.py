"""The agenda's calendar file, parsed back with icalendar: what RFC 5545 requires of it, the
times in UTC, the words in the reader's language, and UIDs that survive a meeting moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from models.agenda import Agenda, Appointment, Screening
from notifications.agenda_ics import agenda_ics

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def agenda(meetings: list[Appointment], screening: Screening | None = None) -> Agenda:
    return Agenda(
        submission_id="films-in-progress/toulouse-2027/abc",
        film="La sombra del río",
        session="Films in Progress — Toulouse 2027",
        city="Toulouse",
        venue="Cinémathèque de Toulouse",
        screening=screening,
        meetings=meetings,
    )


def meeting(partner: str, hour: int, minute: int = 0, table: int = 4) -> Appointment:
    start = datetime(2027, 3, 26, hour, minute, tzinfo=PARIS)
    return Appointment(
        partner_id=partner.lower(),
        partner=partner,
        table=table,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )


SCREENING = Screening(
    starts_at=datetime(2027, 3, 25, 14, 30, tzinfo=PARIS),
    ends_at=datetime(2027, 3, 25, 16, 30, tzinfo=PARIS),
)


def events(data: bytes) -> list:
    calendar = Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0" and "wipflow" in str(calendar["PRODID"])
    return list(calendar.walk("VEVENT"))


def test_one_event_per_screening_and_meeting_with_what_the_rfc_requires_in_utc():
    data = agenda_ics(
        agenda([meeting("Laserfilm", 10), meeting("Film Factory", 11, 30)], SCREENING), "es", NOW
    )
    found = events(data)
    assert len(found) == 3
    for event in found:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION"):
            assert required in event, required
        assert event.decoded("DTSTAMP") == NOW
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)  # written in UTC
    starts = [e.decoded("DTSTART") for e in found]
    # 14:30 in Toulouse in March (CET, UTC+1) is 13:30 UTC; 10:00 is 09:00 UTC.
    assert starts == [
        datetime(2027, 3, 25, 13, 30, tzinfo=UTC),
        datetime(2027, 3, 26, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 26, 10, 30, tzinfo=UTC),
    ]
    assert b"DTSTART:20270325T133000Z" in data.replace(b"\r\n ", b"")
    assert [str(e["SUMMARY"]) for e in found] == [
        "Proyección de «La sombra del río»",
        "Reunión con Laserfilm sobre «La sombra del río»",
        "Reunión con Film Factory sobre «La sombra del río»",
    ]
    assert str(found[1]["LOCATION"]) == "Cinémathèque de Toulouse, Toulouse, mesa 4"
    assert len({str(e["UID"]) for e in found}) == 3


def test_a_meeting_moved_keeps_its_uid_so_the_download_updates_the_calendar():
    before = {
        str(e["SUMMARY"]): str(e["UID"])
        for e in events(agenda_ics(agenda([meeting("Laserfilm", 10)]), "fr", NOW))
    }
    moved = events(agenda_ics(agenda([meeting("Laserfilm", 15, table=2)]), "fr", NOW))
    assert {str(e["SUMMARY"]): str(e["UID"]) for e in moved} == before
    assert moved[0].decoded("DTSTART") == datetime(2027, 3, 26, 14, tzinfo=UTC)
    assert list(before) == ["Rendez-vous avec Laserfilm pour « La sombra del río »"]


def test_an_agenda_without_screening_or_meetings_is_still_a_calendar():
    assert events(agenda_ics(agenda([]), "pt", NOW)) == []
