"""Programmes are data: the shipped files validate, cite their sources, resolve their calendars,
and a new programme needs only a new file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.eligibility import evaluate
from models.eligibility import EligibilityContext, Outcome
from models.programme import ProgrammeConfigError, SessionCalendar, load_programme, load_programmes
from settings import PROJECT_ROOT
from tests.forms import make_form


def test_shipped_programmes_validate_and_every_rule_cites_a_source(programmes):
    assert {"films-in-progress", "wip-latam", "guadalajara-construye"} <= set(programmes)
    for programme in programmes.values():
        enabled = [rule for _, rule in programme.eligibility if rule is not None]
        assert enabled, programme.id
        for rule in enabled:
            assert str(rule.source.url).startswith("http")
        for session in programme.sessions:
            assert str(session.source.url).startswith("http")


def test_films_in_progress_runs_toulouse_in_march_and_san_sebastian_in_september(programmes):
    fip = programmes["films-in-progress"]
    assert fip.slots == 6
    toulouse = SessionCalendar.from_template(fip.session_template("toulouse"), 2027)
    paris = ZoneInfo("Europe/Paris")
    assert toulouse.call_opens == datetime(2026, 11, 19, 0, 0, tzinfo=paris)
    assert toulouse.deadline == datetime(2027, 1, 20, 23, 59, tzinfo=paris)
    assert toulouse.event_start.date().isoformat() == "2027-03-25"
    assert toulouse.event_end.date().isoformat() == "2027-03-26"  # two days
    donostia = SessionCalendar.from_template(fip.session_template("san-sebastian"), 2027)
    assert donostia.deadline.date().isoformat() == "2027-06-30"
    assert (donostia.event_start.month, donostia.event_end.day) == (9, 27)  # three days
    assert donostia.timezone == "Europe/Madrid"


def test_wip_latam_is_one_september_session_of_majority_latin_american_films(programmes):
    wip = programmes["wip-latam"]
    assert [s.key for s in wip.sessions] == ["san-sebastian"]
    assert wip.sessions[0].event_start.month == 9
    assert wip.eligibility.latam_share.majority_producer_latam


def test_unknown_session_key_names_the_known_ones(programmes):
    with pytest.raises(KeyError, match="toulouse, san-sebastian"):
        programmes["films-in-progress"].session_template("lima")


PRIMER_CORTE = """
id = "primer-corte"
name = "Primer Corte"
organisers = ["Ventana Sur"]
slots = 6

[[sessions]]
key = "buenos-aires"
name = "Buenos Aires"
host_festival = "Ventana Sur"
city = "Buenos Aires"
timezone = "America/Argentina/Buenos_Aires"
call_opens = { month = 8, day = 1 }
deadline = { month = 9, day = 15 }
review_deadline = { month = 10, day = 15 }
selection_announced = { month = 11, day = 1 }
event_start = { month = 12, day = 2 }
event_days = 2
source = { url = "https://variety.com/2019/film/news/ventana-sur-primer-corte-2019-1203398893/" }

[eligibility.genre]
allowed = ["fiction"]
source = { url = "https://variety.com/2019/film/news/ventana-sur-primer-corte-2019-1203398893/" }
"""


def test_a_new_programme_is_a_new_file(tmp_path: Path):
    for shipped in (PROJECT_ROOT / "programmes").glob("*.toml"):
        (tmp_path / shipped.name).write_text(shipped.read_text())
    (tmp_path / "primer-corte.toml").write_text(PRIMER_CORTE)
    programmes = load_programmes(tmp_path)
    corte = programmes["primer-corte"]
    assert corte.fix_window_days == 10  # defaults apply
    documentary = make_form(genre="documentary")
    assert evaluate(documentary, corte.eligibility, EligibilityContext()).outcome is Outcome.FAIL
    fip = programmes["films-in-progress"]
    assert evaluate(documentary, fip.eligibility, EligibilityContext()).outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('allowed = ["fiction"]', 'allowed = ["musical"]'), "eligibility.genre.allowed.0"),
        (
            ('timezone = "America/Argentina/Buenos_Aires"', 'timezone = "Mars/Olympus"'),
            "unknown time zone",
        ),
        (("slots = 6", "slots = 0"), "slots"),
        (("[eligibility.genre]", "[eligibility.genres]"), "eligibility.genres"),
        (('id = "primer-corte"', 'id = "otro"'), "must match the file name"),
        (("event_days = 2", "event_days = "), "not valid TOML"),
    ],
)
def test_a_broken_programme_file_names_the_field(tmp_path: Path, change, message):
    old, new = change
    path = tmp_path / "primer-corte.toml"
    path.write_text(PRIMER_CORTE.replace(old, new))
    with pytest.raises(ProgrammeConfigError, match=message) as info:
        load_programme(path)
    assert str(info.value).startswith("primer-corte.toml:")
