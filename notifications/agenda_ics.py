"""A producer's agenda as an iCalendar file (RFC 5545), for their calendar application.

One VEVENT per screening and per meeting, each with a UID made from the film and what it is (the
partner, for a meeting), not from its time: a file downloaded again after staff moved a meeting
replaces the event in the calendar rather than adding a second one. Times are in UTC (a calendar
shows them in its own zone); the words in the reader's language, from the catalogs. Pure: `now`
is the DTSTAMP, so the same agenda at the same moment is the same file."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from icalendar import Calendar, Event

from models.agenda import Agenda
from notifications.catalogs import translations

PRODID = "-//wipflow//producer agenda//EN"
DOMAIN = "wipflow"


def uid(submission_id: str, what: str) -> str:
    """A stable, opaque UID: the same film and thing, the same event in every download."""
    digest = hashlib.sha256(f"{submission_id}\x1f{what}".encode()).hexdigest()[:32]
    return f"{digest}@{DOMAIN}"


def agenda_ics(agenda: Agenda, lang: str, now: datetime) -> bytes:
    _ = translations(lang).gettext
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{agenda.session}: {agenda.film}")
    place = f"{agenda.venue}, {agenda.city}"

    def event(what: str, start: datetime, end: datetime, summary: str, location: str) -> None:
        item = Event()
        item.add("uid", uid(agenda.submission_id, what))
        item.add("dtstamp", now.astimezone(UTC))
        item.add("dtstart", start.astimezone(UTC))
        item.add("dtend", end.astimezone(UTC))
        item.add("summary", summary)
        item.add("location", location)
        calendar.add_component(item)

    if agenda.screening:
        event(
            "screening",
            agenda.screening.starts_at,
            agenda.screening.ends_at,
            _("Screening of “%(film)s”") % {"film": agenda.film},
            place,
        )
    for m in agenda.meetings:
        event(
            f"meeting:{m.partner_id}",
            m.starts_at,
            m.ends_at,
            _("Meeting with %(partner)s about “%(film)s”")
            % {"partner": m.partner, "film": agenda.film},
            _("%(place)s, table %(table)s") % {"place": place, "table": m.table},
        )
    return calendar.to_ical()
