"""What became of a programme's films, as the organisers publish it: how many were finished, how
long finishing took, where they premiered, and where they found a distributor or a TV buyer.

Organisers count by hand ("of 113 projects shown in the first ten years, 106 finished, 4 not, 3
still finishing; 33 found a French distributor; 17 went to Cannes"). These functions give the
same figures from the follow-up records, with nothing read from a clock or a database, so the
figures of a given record set never change and the tests can state them exactly.

Definitions (each figure says what it counts, so that two reports can be compared):

* A *film* is a followed film: a film selected in a session, followed after the event.
* *Finished*: its master was delivered (`completed_on`), whatever its status now; or it had its
  world premiere (a premiere is reported as its own milestone and ends the follow-up, and a
  premiered film is finished even if nobody reported the master's delivery date). Every other
  film is *stalled* or *closed* (its follow-up ended without it being finished) or *still
  following*; the four counts add up to the number of films.
* Two completion rates, because the organisers' figure depends on the reader's question:
  `completion_rate` = finished / films (what share of the selected films exist today; "106 of
  113"), and `decided_completion_rate` = finished / (finished + stalled + closed), the share among
  films whose outcome is known (films still being finished are left out rather than counted as
  failures; "106 of 110"). Each is None when its denominator is zero, never a division error.
* *Months to completion*: days from the start of the follow-up (the end of the film's session)
  to the master's delivery, divided by 30.44 (the mean month); the median is taken over films
  with a delivery date. A master delivered before the follow-up began counts as 0 months.
* Territory counts are numbers of *films*: a film with a French distributor counts once for FR.
  A film sold to several territories counts in each, so the counts do not sum to the films with a
  deal; `with_distribution` and `with_tv` count those films.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from statistics import median

from pydantic import BaseModel, Field

DAYS_PER_MONTH = 30.44  # 365.25 / 12

# Statuses whose follow-up ended without the film being finished (see domain.followup).
STALLED, CLOSED = "stalled", "closed"


class FilmRecord(BaseModel):
    """One followed film as the statistics need it (read from followups, submissions, sales)."""

    submission_id: str
    title: str
    session_id: str
    year: int
    status: str = Field(description="following|completed|premiered|stalled|closed")
    started_on: date = Field(description="the follow-up began: the session's event ended")
    completed_on: date | None = Field(None, description="master delivered")
    premiere_festival: str | None = None
    premiere_on: date | None = None
    territories: dict[str, list[str]] = Field(
        default_factory=dict, description="deal kind (distribution|tv|sales) -> territories"
    )
    erased: bool = Field(False, description="its personal data was erased; it still counts")

    @property
    def finished(self) -> bool:
        return self.completed_on is not None or self.premiered

    @property
    def premiered(self) -> bool:
        return self.premiere_on is not None or bool(self.premiere_festival)

    @property
    def months_to_completion(self) -> float | None:
        if self.completed_on is None:
            return None
        return max((self.completed_on - self.started_on).days, 0) / DAYS_PER_MONTH


class Outcomes(BaseModel):
    """The four outcomes (they add up to `films`) and the figures derived from them."""

    films: int = 0
    finished: int = 0
    still_following: int = 0
    stalled: int = 0
    closed: int = 0
    premiered: int = 0
    completion_rate: float | None = Field(None, description="finished / films")
    decided_completion_rate: float | None = Field(
        None, description="finished / (finished + stalled + closed): among known outcomes"
    )
    median_months_to_completion: float | None = Field(
        None, description="over films with a delivery date; a month is 30.44 days"
    )


class SessionStats(Outcomes):
    session_id: str
    year: int


class ProgrammeStats(Outcomes):
    programme_id: str
    sessions: int = Field(0, description="sessions with at least one followed film")
    premieres_by_festival: dict[str, int] = Field(
        default_factory=dict, description="films per world-premiere festival, most first"
    )
    with_distribution: int = Field(0, description="films with a distributor somewhere")
    with_tv: int = Field(0, description="films with a TV sale somewhere")
    with_sales_agent: int = Field(0, description="films with a sales agent")
    erased: int = Field(
        0, description="films counted here whose personal data was erased (privacy erase)"
    )
    distribution_by_territory: dict[str, int] = Field(
        default_factory=dict, description="films with a distributor, per territory (WW: world)"
    )
    tv_by_territory: dict[str, int] = Field(
        default_factory=dict, description="films with a TV sale, per territory"
    )
    by_session: list[SessionStats] = Field(default_factory=list, description="oldest first")


def _median(values: list[float]) -> float | None:
    # statistics.median already takes the mean of the two middle values of an even count.
    return median(values) if values else None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def outcomes(records: Iterable[FilmRecord]) -> Outcomes:
    """The outcome counts and rates of a set of films (a programme, a session)."""
    records = list(records)
    finished = [r for r in records if r.finished]
    unfinished = [r for r in records if not r.finished]
    stalled = sum(r.status == STALLED for r in unfinished)
    closed = sum(r.status == CLOSED for r in unfinished)
    months = [m for r in finished if (m := r.months_to_completion) is not None]
    return Outcomes(
        films=len(records),
        finished=len(finished),
        still_following=len(unfinished) - stalled - closed,
        stalled=stalled,
        closed=closed,
        premiered=sum(r.premiered for r in records),
        completion_rate=_ratio(len(finished), len(records)),
        decided_completion_rate=_ratio(len(finished), len(finished) + stalled + closed),
        median_months_to_completion=_median(months),
    )


def _ranked(counts: Counter[str]) -> dict[str, int]:
    """Most films first; ties by name, so the order is the same on every run."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _by_territory(records: Sequence[FilmRecord], kind: str) -> dict[str, int]:
    # set(): a film counts once per territory even if two deals of a kind were recorded there.
    return _ranked(Counter(t for r in records for t in set(r.territories.get(kind, ()))))


def programme_stats(programme_id: str, records: Sequence[FilmRecord]) -> ProgrammeStats:
    """Every published figure of a programme, overall and per session."""
    per_session: dict[str, list[FilmRecord]] = {}
    for r in records:
        per_session.setdefault(r.session_id, []).append(r)
    by_session = sorted(
        (
            SessionStats(
                session_id=sid,
                year=films[0].year,
                **outcomes(films).model_dump(),
            )
            for sid, films in per_session.items()
        ),
        key=lambda s: (s.year, s.session_id),
    )
    festivals = Counter(r.premiere_festival.strip() for r in records if r.premiere_festival)
    return ProgrammeStats(
        programme_id=programme_id,
        sessions=len(per_session),
        **outcomes(records).model_dump(),
        premieres_by_festival=_ranked(festivals),
        with_distribution=sum(bool(r.territories.get("distribution")) for r in records),
        with_tv=sum(bool(r.territories.get("tv")) for r in records),
        with_sales_agent=sum(bool(r.territories.get("sales")) for r in records),
        erased=sum(r.erased for r in records),
        distribution_by_territory=_by_territory(records, "distribution"),
        tv_by_territory=_by_territory(records, "tv"),
        by_session=by_session,
    )


def session_year(session_id: str, event_start: str | None = None) -> int:
    """A session's year: the suffix of its id (`films-in-progress/toulouse-2027`), or, for an id
    that does not end in a year, the year its event began (an ISO date-time)."""
    suffix = session_id.rsplit("-", 1)[-1]
    if suffix.isdigit() and len(suffix) == 4:
        return int(suffix)
    if event_start:
        return date.fromisoformat(event_start[:10]).year
    raise ValueError(f"{session_id!r}: no year in the id and no event date")


CSV_HEADER = ("section", "item", "metric", "value")
OUTCOME_METRICS = tuple(Outcomes.model_fields)


def to_csv(stats: ProgrammeStats) -> str:
    """The statistics as one tidy table: one figure per row, `section,item,metric,value`.

    A long table rather than one row per session, because the sections have different shapes
    (sessions, festivals, territories); a spreadsheet pivot or `pandas.pivot` turns it into any
    wide table. Sections: `programme` (item: the programme id), `session` (item: the session id;
    its year is a metric), `premiere` (item: the festival), `distribution` and `tv` (item: the
    territory code). A figure that does not exist (a rate with nothing to divide) is empty.
    Floats are written in full, so nothing is lost between the JSON and the CSV.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)

    def figure(value: int | float | None) -> str:
        return "" if value is None else str(value)

    p = stats.programme_id
    writer.writerow(("programme", p, "sessions", stats.sessions))
    for metric in OUTCOME_METRICS:
        writer.writerow(("programme", p, metric, figure(getattr(stats, metric))))
    for metric in ("with_distribution", "with_tv", "with_sales_agent", "erased"):
        writer.writerow(("programme", p, metric, getattr(stats, metric)))
    for s in stats.by_session:
        writer.writerow(("session", s.session_id, "year", s.year))
        for metric in OUTCOME_METRICS:
            writer.writerow(("session", s.session_id, metric, figure(getattr(s, metric))))
    for section, counts in (
        ("premiere", stats.premieres_by_festival),
        ("distribution", stats.distribution_by_territory),
        ("tv", stats.tv_by_territory),
    ):
        for item, films in counts.items():
            writer.writerow((section, item, "films", films))
    return buffer.getvalue()
