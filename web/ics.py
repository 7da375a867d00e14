"""A producer's agenda as an iCalendar file (RFC 5545), for their calendar application.

One VEVENT per screening and per meeting, each with a UID made from the film and what it is (the
partner, for a meeting), not from its time: a file downloaded again after staff moved a meeting
replaces the event in the calendar rather than adding a second one. Times are in UTC (a calendar
shows them in its own zone); the words in the reader's language. Pure: `now` is the DTSTAMP."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from icalendar import Calendar, Event

from readmodels.agenda import AgendaPage
from web.i18n import translations

PRODID = "-//wipflow//producer agenda//EN"
DOMAIN = "wipflow"


def uid(submission_id: str, what: str) -> str:
    """A stable, opaque UID: the same film and thing, the same event in every download."""
    digest = hashlib.sha256(f"{submission_id}\x1f{what}".encode()).hexdigest()[:32]
    return f"{digest}@{DOMAIN}"


def agenda_ics(page: AgendaPage, lang: str, now: datetime) -> bytes:
    _ = translations(lang).gettext
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{page.session}: {page.film}")
    place = f"{page.venue}, {page.city}"

    def event(what: str, start: datetime, end: datetime, summary: str, location: str) -> None:
        item = Event()
        item.add("uid", uid(page.submission_id, what))
        item.add("dtstamp", now.astimezone(UTC))
        item.add("dtstart", start.astimezone(UTC))
        item.add("dtend", end.astimezone(UTC))
        item.add("summary", summary)
        item.add("location", location)
        calendar.add_component(item)

    if page.screening:
        event(
            "screening",
            page.screening.starts_at,
            page.screening.ends_at,
            _("Screening of “%(film)s”") % {"film": page.film},
            place,
        )
    for m in page.meetings:
        event(
            f"meeting:{m.partner_id}",
            m.starts_at,
            m.ends_at,
            _("Meeting with %(partner)s about “%(film)s”")
            % {"partner": m.partner, "film": page.film},
            _("%(place)s, table %(table)s") % {"place": place, "table": m.table},
        )
    return calendar.to_ical()
