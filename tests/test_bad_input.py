"""Bad input, proven with hypothesis: whatever a producer, a partner or staff send, it is refused
with its row, its field and the reason, never a traceback; the good rows of the same file still go
in; and no workflow task ever fails on input.

Files and command lines are checked without servers (a command's arguments are refused before it
connects anywhere). Workflow updates are sent to real workflows on the time-skipping server: each
bad payload is refused by its validator (or by decoding, before the validator), the workflow's
history holds no failed workflow task, and the workflow still does its work afterwards.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from typer.testing import CliRunner

import starter  # noqa: F401  (registers every command on the app)
from cli.common import app
from domain.followup import ReportError, apply_report
from intake.batch import Batch, RowError, read_batch, read_records
from intake.partners import LIST_FIELDS, validate_partners
from intake.scores import read_score_sheet
from models.choices import Milestone
from models.followup import MilestoneState, Report
from models.messages import FilmStage, FixInput, WithdrawInput
from models.partnering import PartneringInput
from models.partners import PartnerForm
from models.session import DecisionKind, ExtendInput, FilmDecision, SessionStage
from settings import PROJECT_ROOT, get_settings
from shared import partnering_workflow_id
from tests.conftest import new_session
from tests.forms import ELIGIBLE, form_dict, make_form
from tests.test_followup import followed_session
from tests.test_intake import csv_row
from tests.test_session_workflow import open_on_test_server
from tests.test_submission_workflow import stage_becomes, start
from workflows.followup import FollowUpWorkflow
from workflows.partnering import PartneringWorkflow
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow

# Files are named uniquely, so a test's tmp_path serves all of its examples.
FEW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ON_SERVER = settings(FEW, max_examples=25)

# --- what bad input looks like ----------------------------------------------------------------

# C0 controls PostgreSQL or a form cannot hold (tab and line breaks are text), and DEL.
CONTROL = st.sampled_from([chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\x7f"])
LINE_BREAK = st.sampled_from(["\n", "\r\n", "\u2028", "\x85"])
# Legitimate texts from every script: right-to-left, combining marks, emoji, zero-width joiners.
ODD_UNICODE = st.sampled_from(
    [
        "שלום עולם",
        "\u202eevil\u202c title",
        "e\u0301\u0302\u0303",
        "🎬🇦🇷👩‍👩‍👧",
        "東京物語",
        "Zoë\u200d",
    ]
)
HUGE = st.integers(min_value=5_001, max_value=300_000).map(lambda n: "ñ" * n)
NOT_TEXT = st.one_of(
    st.integers(), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(), st.integers())
)
BAD_COUNT = st.one_of(
    st.integers(max_value=0),
    st.integers(min_value=601, max_value=10**40),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 1.5, "ninety", "9" * 5000]),
    NOT_TEXT.filter(lambda v: not isinstance(v, int)),
)
NOT_A_NUMBER = st.sampled_from([float("nan"), float("inf"), float("-inf"), -1, -0.01, "lots", []])


def spoiled(control: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A text with a bad character inside (not at an end, where stripping could remove it)."""
    return st.builds(
        lambda a, c, b: f"x{a}{c}{b}x", st.text(max_size=10), control, st.text(max_size=10)
    )


REQUIRED = [
    "original_title", "genre", "dialogue_languages", "runtime_expected_min", "cut_runtime_min",
    "shooting_completed", "post_stage", "screener", "directors", "producers", "finance", "contact",
]  # fmt: skip
FIELDS = set(ELIGIBLE) | {"history"}


def nested(path: str, value: Any) -> dict[str, Any]:
    """`{"contact": {"name": value}}` for `contact.name`."""
    head, _, rest = path.partition(".")
    return {head: nested(rest, value) if rest else value}


def without(field: str) -> st.SearchStrategy[tuple[dict[str, Any], str]]:
    return st.just(({k: v for k, v in form_dict().items() if k != field}, field))


def changed(paths: list[str], values: st.SearchStrategy[Any]):
    """A form with one of `paths` set to one of `values`, and the field to refuse it on."""
    return st.tuples(st.sampled_from(paths), values).map(
        lambda pv: (form_dict(**nested(*pv)), pv[0])
    )


NAMES = ["original_title", "contact.name"]
TEXTS = [*NAMES, "synopsis", "logline", "english_title", "screener.password", "contact.phone"]
BAD_SUBMISSION = st.one_of(
    st.sampled_from(REQUIRED).flatmap(without),
    st.text(min_size=1, max_size=40)
    .filter(lambda k: k.strip() and k not in FIELDS)
    .map(lambda k: ({**form_dict(), k: "extra"}, k)),
    HUGE.map(lambda k: ({**form_dict(), k: 1}, k[:100])),  # an unknown field with a huge name
    changed(TEXTS, st.one_of(spoiled(CONTROL), HUGE, NOT_TEXT)),
    changed(NAMES, spoiled(LINE_BREAK)),
    changed(["runtime_expected_min", "cut_runtime_min"], BAD_COUNT),
    changed(
        ["finance.total_budget", "finance.secured", "finance.post_budget_missing"], NOT_A_NUMBER
    ),
    changed(["genre", "post_stage", "contact.language"], st.one_of(ODD_UNICODE, NOT_TEXT)),
    changed(["dialogue_languages", "post_needs"], st.one_of(st.lists(ODD_UNICODE, min_size=1))),
    NOT_A_NUMBER.map(
        lambda share: (
            form_dict(producers=[{"company": "A", "country": "AR", "share_pct": share}]),
            "producers",
        )
    ),
)


def good(title: str) -> dict[str, Any]:
    return form_dict(original_title=title)


def assert_refused(rejected: list[RowError], row: int, field: str) -> None:
    """Row `row` is refused, and one of its errors names `field` (or a part of it)."""
    [refusal] = [r for r in rejected if r.row == row]
    assert refusal.errors
    for error in refusal.errors:
        assert error.field and error.message, refusal
        assert len(error.field) <= 200 and "Traceback" not in error.message
    fields = [e.field for e in refusal.errors]
    assert any(f.startswith(field) or field.startswith(f) for f in fields), (field, fields)


def assert_good_rows_kept(batch: Batch, rows: list[int]) -> None:
    assert [v.row for v in batch.valid] == rows, batch.rejected


# --- (1) submissions ----------------------------------------------------------------------------


@FEW
@given(bad=st.lists(BAD_SUBMISSION, min_size=1, max_size=3), wrap=st.booleans())
def test_bad_rows_of_a_json_batch_are_refused_by_field_and_the_good_rows_go_in(bad, wrap, tmp_path):
    rows = [good("Buena"), *(record for record, _ in bad), good("También buena")]
    path = tmp_path / f"{uuid.uuid4().hex}.json"
    path.write_text(json.dumps({"submissions": rows} if wrap else rows), encoding="utf-8")
    batch = read_batch(path)
    assert_good_rows_kept(batch, [1, len(rows)])
    for row, (_, field) in enumerate(bad, start=2):
        assert_refused(batch.rejected, row, field)


@FEW
@given(bad=BAD_SUBMISSION)
def test_one_bad_json_submission_is_refused_by_field(bad, tmp_path):
    record, field = bad
    path = tmp_path / f"{uuid.uuid4().hex}.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    batch = read_batch(path)
    assert not batch.valid
    assert_refused(batch.rejected, 1, field)


@FEW
@given(title=ODD_UNICODE, surrogate=st.characters(categories=["Cs"]))
def test_odd_but_real_unicode_is_accepted_and_surrogates_are_refused(title, surrogate, tmp_path):
    """Right-to-left, combining marks and emoji are titles; a lone surrogate (encodable only as a
    JSON escape) cannot be stored or sent, so its field refuses it."""
    path = tmp_path / f"{uuid.uuid4().hex}.json"
    path.write_text(json.dumps([good(title), good(f"a{surrogate}b")]), encoding="utf-8")
    batch = read_batch(path)
    assert_good_rows_kept(batch, [1])
    assert batch.valid[0].form.film_key()
    assert_refused(batch.rejected, 2, "original_title")


BAD_CELL = st.one_of(
    st.tuples(st.sampled_from(["runtime_expected_min", "cut_runtime_min"]), st.sampled_from(
        ["ninety", "-5", "0", "601", "1e999", "nan", "9" * 5000, "½"]
    )),
    st.tuples(st.sampled_from(["original_title", "contact.name"]), st.one_of(
        spoiled(CONTROL), spoiled(LINE_BREAK), HUGE
    )),
    st.tuples(st.sampled_from(["genre", "post_stage", "contact.language"]), ODD_UNICODE),
    st.tuples(st.sampled_from(["directors", "producers"]), st.sampled_from(
        ["[{broken", "[" * 5000, "[1, 2]", '[{"name": "x"}]', "[" + "9" * 5000 + "]"]
    )),
    st.tuples(st.sampled_from(["finance.total_budget", "finance.secured"]), st.sampled_from(
        ["-1", "NaN", "Infinity", "a lot", "1e999"]
    )),
    st.tuples(st.sampled_from(["genre.sub", "synopsys", "contact.email.x"]), st.just("extra")),
)  # fmt: skip


def write_csv(folder: Path, rows: list[dict[str, Any]]) -> Path:
    """Rows as one CSV file (a column for every key any row has), under a name of its own."""
    columns = list(dict.fromkeys(c for row in rows for c in row))
    path = folder / f"{uuid.uuid4().hex}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


@FEW
@given(cells=st.lists(BAD_CELL, min_size=1, max_size=3))
def test_bad_csv_cells_name_their_row_and_column_and_the_good_rows_go_in(cells, tmp_path):
    rows = [csv_row(original_title="Buena")]
    rows += [
        csv_row(**{"original_title": f"Mala {i}", column: value})
        for i, (column, value) in enumerate(cells)
    ]
    rows.append(csv_row(original_title="También buena"))
    batch = read_batch(write_csv(tmp_path, rows))
    assert_good_rows_kept(batch, [1, len(rows)])
    for row, (column, _) in enumerate(cells, start=2):
        assert_refused(batch.rejected, row, column)


# --- (2) partner files --------------------------------------------------------------------------

FILMS = {"la-sirga", "los-perros"}
PARTNER = dict(
    id="ff", name="Film Factory", kind="sales_agent", company="Film Factory", capacity=2,
    territories=["ES"], bids={"la-sirga": 0.5},
)  # fmt: skip


def partner(**changes: Any) -> dict[str, Any]:
    return {**PARTNER, **changes}


BAD_PARTNER = st.one_of(
    st.sampled_from(["id", "name", "kind", "company", "capacity"]).map(
        lambda field: ({k: v for k, v in PARTNER.items() if k != field}, field)
    ),
    st.text(min_size=1, max_size=30)
    .filter(lambda k: k not in PartnerForm.model_fields)
    .map(lambda k: (partner(**{k: 1}), k)),
    st.tuples(st.sampled_from(["name", "company"]), st.one_of(
        spoiled(CONTROL), spoiled(LINE_BREAK), HUGE, NOT_TEXT
    )).map(lambda fv: (partner(**{fv[0]: fv[1]}), fv[0])),
    st.one_of(
        st.integers(max_value=-1), st.integers(min_value=101), NOT_A_NUMBER, st.just(2.5)
    ).map(lambda c: (partner(capacity=c), "capacity")),
    st.one_of(ODD_UNICODE, NOT_TEXT).map(lambda k: (partner(kind=k), "kind")),
    st.lists(st.sampled_from(["XX", "España", "", "EU", "🇪🇸"]), min_size=1).map(
        lambda t: (partner(territories=t), "territories")
    ),
    st.one_of(
        st.floats(min_value=1.0001, max_value=1e300), st.floats(max_value=-0.0001),
        st.sampled_from([float("nan"), float("inf"), "keen"]),
    ).map(lambda bid: (partner(bids={"la-sirga": bid}), "bids")),
    st.one_of(st.text(min_size=1, max_size=60).filter(lambda k: k.strip() not in FILMS), HUGE).map(
        lambda key: (partner(opt_outs=[key]), "opt_outs")
    ),
    st.just((partner(kind="post_house", services=[]), "form")),
    st.just((partner(territories=[]), "form")),
)  # fmt: skip


@FEW
@given(bad=st.lists(BAD_PARTNER, min_size=1, max_size=3), wrap=st.booleans())
def test_bad_rows_of_a_json_partners_file_are_refused_by_field_and_the_good_rows_kept(
    bad, wrap, tmp_path
):
    rows = [partner(id="first"), *(record for record, _ in bad), partner(id="last")]
    path = tmp_path / f"{uuid.uuid4().hex}.json"
    path.write_text(json.dumps({"partners": rows} if wrap else rows), encoding="utf-8")
    batch = validate_partners(read_records(path, key="partners", list_fields=LIST_FIELDS), FILMS)
    assert [p.id for p in batch.valid] == ["first", "last"], batch.rejected
    for row, (_, field) in enumerate(bad, start=2):
        assert_refused(batch.rejected, row, field)


BAD_PARTNER_CELL = st.one_of(
    st.tuples(st.just("capacity"), st.sampled_from(["-1", "101", "two", "nan", "2.5", "9" * 5000])),
    st.tuples(st.just("kind"), st.one_of(ODD_UNICODE, st.just("caterer"))),
    st.tuples(st.just("territories"), st.sampled_from(["XX", "ES;España", "[1, 2]", "[" * 3000])),
    st.tuples(st.just("bids"), st.sampled_from(
        ["la-sirga=1.5", "la-sirga=nan", "la-sirga=keen", "la-sirga", "nobody=0.5", "=0.5"]
    )),
    st.tuples(st.sampled_from(["name", "company"]), st.one_of(spoiled(CONTROL), HUGE)),
    st.tuples(st.sampled_from(["website", "kind.x"]), st.just("extra")),
)  # fmt: skip


@FEW
@given(cells=st.lists(BAD_PARTNER_CELL, min_size=1, max_size=3))
def test_bad_cells_of_a_csv_partners_file_are_refused_by_field_and_the_good_rows_kept(
    cells, tmp_path
):
    base = dict(PARTNER, territories="ES;FR", bids="la-sirga=0.5")
    rows = [{**base, "id": "first"}]
    rows += [{**base, "id": f"bad-{i}", column: value} for i, (column, value) in enumerate(cells)]
    rows.append({**base, "id": "last"})
    path = write_csv(tmp_path, rows)
    batch = validate_partners(read_records(path, key="partners", list_fields=LIST_FIELDS), FILMS)
    assert [p.id for p in batch.valid] == ["first", "last"], batch.rejected
    for row, (column, _) in enumerate(cells, start=2):
        assert_refused(batch.rejected, row, column)


# --- (2b) score sheets --------------------------------------------------------------------------

BAD_SHEET_CELL = st.one_of(
    st.tuples(st.just("score"), st.sampled_from(["ten", "nan", "-inf", "", "9" * 5000, "[1]"])),
    st.tuples(st.just("submission_id"), st.one_of(st.just(""), st.just("x" * 201))),
    st.tuples(st.just("comment"), st.one_of(spoiled(CONTROL), HUGE)),
    st.tuples(st.sampled_from(["member", "score.x"]), st.just("extra")),
)  # fmt: skip


@FEW
@given(cells=st.lists(BAD_SHEET_CELL, min_size=1, max_size=3))
def test_bad_cells_of_a_score_sheet_are_refused_by_row_and_column_and_the_good_rows_kept(
    cells, tmp_path
):
    rows = [{"submission_id": "first", "title": "First", "score": "7.5", "comment": ""}]
    rows += [
        {"submission_id": f"bad-{i}", "score": "5", column: value}
        for i, (column, value) in enumerate(cells)
    ]
    rows.append({"submission_id": "last", "score": "3", "comment": "fine"})
    sheet = read_score_sheet(write_csv(tmp_path, rows))
    assert [s.submission_id for s in sheet.scores] == ["first", "last"], sheet.rejected
    assert sheet.rows == [1, len(rows)]
    for row, (column, _) in enumerate(cells, start=2):
        assert_refused(sheet.rejected, row, column)


# --- (3) follow-up reports ----------------------------------------------------------------------

TODAY = date(2027, 6, 1)
# (Not integers: a date field reads those as Unix timestamps.)
BAD_DATE = st.one_of(
    st.sampled_from(["0000-01-01", "10000-01-01", "2027-02-30", "2027-13-01", "soon", ""]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
LONG_AGO = date(2020, 1, 1)
# Done "in the future" whatever day the servers think it is.
FUTURE = st.integers(min_value=1, max_value=3000).map(lambda d: date(9999, 12, 31) - timedelta(d))
MILESTONE = st.sampled_from([m.value for m in Milestone])
# Reports the model refuses, with the field it names.
MALFORMED_REPORT = st.one_of(
    st.tuples(MILESTONE, BAD_DATE).map(
        lambda md: ({"milestones": [{"milestone": md[0], "done": md[1]}]}, "milestones.0.done")
    ),
    st.one_of(ODD_UNICODE, st.just("catering"), NOT_TEXT).map(
        lambda m: ({"milestones": [{"milestone": m, "expected": "2027-07-01"}]}, "milestones.0")
    ),
    HUGE.map(lambda note: ({"note": note}, "note")),
    NOT_TEXT.map(lambda note: ({"note": note}, "note")),
    st.one_of(st.integers(), st.text(), st.dictionaries(st.text(), st.integers())).map(
        lambda ms: ({"milestones": ms}, "milestones")
    ),
    st.integers(min_value=11, max_value=40).map(
        lambda n: (
            {
                "milestones": [
                    {
                        "milestone": "premiere",
                        "done": "2027-05-01",
                        "detail": {f"k{i}": "v" for i in range(n)},
                    }
                ]
            },
            "milestones.0.detail",
        )  # fmt: skip
    ),
)
# Reports well formed but wrong for the film: refused by the rules, naming the milestone's field.
WRONG_REPORT = st.one_of(
    st.tuples(MILESTONE, FUTURE).map(
        lambda md: (
            Report(
                milestones=[
                    {
                        "milestone": md[0],
                        "done": md[1],
                        "detail": {"festival": "f", "territory": "FR", "company": "c"},
                    }
                ]
            ),
            f"{md[0]}.done",
        )  # fmt: skip
    ),
    MILESTONE.map(lambda m: (Report(milestones=[{"milestone": m}]), m)),
    st.sampled_from(["premiere", "distribution", "tv_sale", "sales_agent"]).map(
        lambda m: (Report(milestones=[{"milestone": m, "done": LONG_AGO}]), f"{m}.detail")
    ),
    st.one_of(ODD_UNICODE, st.sampled_from(["fr", "FRA", "F1", ""])).map(
        lambda t: (
            Report(
                milestones=[
                    {
                        "milestone": "distribution",
                        "done": LONG_AGO,
                        "detail": {"territory": t, "company": "c"},
                    }
                ]
            ),
            "distribution.detail.territory",
        )  # fmt: skip
    ),
    st.integers(min_value=1, max_value=400).map(
        lambda d: (
            Report(milestones=[{"milestone": "master", "expected": TODAY - timedelta(days=d)}]),
            "master.expected",
        )
    ),
)
# What the film has recorded already: a master expected today.
RECORDED = {Milestone.MASTER: MilestoneState(expected=TODAY)}


@FEW
@given(bad=MALFORMED_REPORT)
def test_a_malformed_report_is_refused_by_field(bad):
    data, field = bad
    with pytest.raises(ValidationError) as refused:
        Report.model_validate(data)
    fields = [".".join(map(str, e["loc"])) for e in refused.value.errors()]
    assert any(f.startswith(field) for f in fields), (field, fields)


@FEW
@given(bad=WRONG_REPORT)
def test_a_wrong_report_is_refused_whole_naming_the_field(bad):
    report, field = bad
    with pytest.raises(ReportError, match=f"^(.*; )?{field}"):
        apply_report(RECORDED, report, TODAY)


# --- (4) command-line arguments -----------------------------------------------------------------

SESSION = "films-in-progress/toulouse-2027"
NEVER_VALID = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30
).map(lambda t: "~" + t)  # no duration, date or moment starts with a tilde
BAD_DURATION = st.one_of(
    st.sampled_from(["99999999999d", "1000000000d", "3661d", "0s", "-1d", "1x", "1d1d", "１d"]),
    NEVER_VALID,
)
BAD_MOMENT = st.one_of(
    st.sampled_from(
        [
            "9999-12-31T23:59:59+00:00",
            "0001-01-01T00:00:00+23:59",
            "2027-02-30T00:00:00+00:00",
            "2027-01-20T10:00:00",
            "+99999999999d",
            "+",
            "+0s",
            "2027-01-20",
        ]
    ),  # fmt: skip
    NEVER_VALID,
)
BAD_COMMAND = st.one_of(
    BAD_DURATION.map(lambda d: ["session", "open", "films-in-progress", "toulouse", "2027",
                                "--fix-window", d]),
    BAD_MOMENT.map(lambda m: ["session", "open", "films-in-progress", "toulouse", "2027",
                              "--deadline", m]),
    st.one_of(st.sampled_from(["1999", "2101", "-1", "20x7", "1e3"]), NEVER_VALID).map(
        lambda y: ["session", "open", "films-in-progress", "toulouse", y]
    ),
    st.one_of(NEVER_VALID, ODD_UNICODE).map(lambda p: ["session", "open", p, "toulouse", "2027"]),
    BAD_MOMENT.map(lambda m: ["session", "extend", SESSION, "deadline", m, "--reason", "r"]),
    NEVER_VALID.map(lambda m: ["session", "extend", SESSION, m, "+1d", "--reason", "r"]),
    BAD_MOMENT.map(lambda m: ["meetings", "absent", SESSION, "ff", "--from", m, "--to", "+1h",
                              "--reason", "late"]),
    st.one_of(st.sampled_from(["2027-02-30", "0000-01-01", "+1d", "2027-01-20T10:00"]), NEVER_VALID)
    .map(lambda d: ["followup", "milestone", f"{SESSION}/x", "master", "--done", d]),
    NEVER_VALID.map(lambda m: ["followup", "milestone", f"{SESSION}/x", m, "--done", "2027-01-01"]),
    st.one_of(HUGE.map(lambda c: ["--comment", c]), st.just([])).flatmap(
        lambda comment: st.sampled_from(["", "m" * 61]).map(
            lambda member: ["review", "score", f"{SESSION}/x", member, "5", *comment]
        )
    ),
    st.sampled_from(["ten", "", "5/10"]).map(lambda s: ["review", "score", "x", "m", s]),
)  # fmt: skip


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> Iterator[dict[str, str]]:
    """An environment where a command that got past its arguments would find no server: a port
    nothing listens on (never 7233) and an empty SQLite file."""
    db = tmp_path_factory.mktemp("cli") / "none.db"
    yield {"TEMPORAL_ADDRESS": "127.0.0.1:9", "DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    get_settings.cache_clear()


def invoke(env: dict[str, str], args: list[str]):
    get_settings.cache_clear()  # settings are read once per process; these are the test's
    return CliRunner(env=env).invoke(app, args)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=BAD_COMMAND)
def test_bad_command_line_arguments_are_refused_in_one_line(offline, args):
    result = invoke(offline, args)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if result.exit_code == 1:  # refused by the command: one line, `error: ...`
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("error: ") and len(line) > len("error: "), line
        assert "cannot reach Temporal" not in line, args  # refused before connecting
    else:  # refused by the parser (a wrong type, a dash): its usage message, exit code 2
        assert result.exit_code == 2 and "Usage:" in result.stderr, result.stderr


@pytest.mark.parametrize("share", ["nan", "-5", "101"])
def test_a_bad_award_share_is_refused_in_one_line(offline, share):
    result = invoke(offline, ["awards", "grant", SESSION, "prize", f"{SESSION}/x={share}"])
    assert_one_line_refusal(result)


@FEW
@given(bad=MALFORMED_REPORT, name=st.sampled_from(["report.json", "report.txt"]))
def test_a_malformed_report_file_is_refused_in_one_line(offline, tmp_path, bad, name):
    path = tmp_path / name
    path.write_text(json.dumps(bad[0]), encoding="utf-8")
    result = invoke(offline, ["followup", "report", f"{SESSION}/x", str(path), "--json"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert bad[1].split(".")[0] in json.loads(result.stdout)["error"]
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ")


@FEW
@given(content=st.one_of(
    st.sampled_from(["[]", "{}", "null", "42", '"fix"', "{broken", "", "NaN"]),
    st.lists(st.integers(), max_size=3).map(json.dumps),
))  # fmt: skip
def test_a_bad_fix_file_is_refused_in_one_line(offline, tmp_path, content):
    path = tmp_path / "fix.json"
    path.write_text(content, encoding="utf-8")
    assert_one_line_refusal(invoke(offline, ["submission", "fix", f"{SESSION}/x", str(path)]))


def assert_one_line_refusal(result) -> None:
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "cannot reach Temporal" not in line


@pytest.mark.parametrize("command", ["submission fix", "followup report"])
@pytest.mark.parametrize("content", [b"\xff{}", b"[" * 100_000], ids=["latin-1", "deep"])
def test_an_unreadable_fix_or_report_file_is_refused_in_one_line(
    offline, tmp_path, command, content
):
    path = tmp_path / "file.json"
    path.write_bytes(content)
    assert_one_line_refusal(invoke(offline, [*command.split(), f"{SESSION}/x", str(path)]))


@pytest.mark.integration  # a starter.py process
@pytest.mark.parametrize(
    "args, why",
    [
        (["session", "open", "films-in-progress", "toulouse", "2027", "--fix-window", "9999d"],
         "at most 3660 days"),
        (["followup", "milestone", f"{SESSION}/x", "master", "--done", "2027-02-30"],
         "is not a date"),
    ],
)  # fmt: skip
def test_starter_refuses_bad_arguments_in_one_line(offline, args, why):
    """As staff run it: a process, its exit code and its stderr."""
    proc = subprocess.run(
        [sys.executable, "starter.py", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **offline},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("error: ") and why in line


# --- workflows: no workflow task ever fails on input --------------------------------------------


async def refused(handle: WorkflowHandle, update: str, payload: Any) -> str:
    """The refusal of a bad payload, as a message; the payload may be a raw dict, so that what no
    model would build (wrong types, NaN, huge strings) reaches the workflow."""
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await asyncio.wait_for(handle.execute_update(update, payload), 30)
    cause = failure.value.cause
    messages = []
    while cause is not None:
        messages.append(getattr(cause, "message", str(cause)))
        cause = cause.cause
    return " / ".join(messages)


async def assert_no_failed_task(handle: WorkflowHandle) -> None:
    history = await handle.fetch_history()
    failed = [
        e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    assert not failed, failed[0].workflow_task_failed_event_attributes.failure.message


# A fix's changes, as (field, value): each refused, naming its field.
BAD_FIX = st.one_of(
    st.tuples(st.sampled_from(TEXTS[1:]), st.one_of(spoiled(CONTROL), HUGE, NOT_TEXT)),
    st.tuples(st.just("contact.name"), spoiled(LINE_BREAK)),
    st.tuples(st.sampled_from(["runtime_expected_min", "cut_runtime_min"]), BAD_COUNT),
    st.tuples(st.sampled_from(["finance.total_budget", "finance.secured"]), NOT_A_NUMBER),
    st.tuples(st.sampled_from(["genre", "post_stage", "contact.language"]), ODD_UNICODE),
    st.tuples(st.sampled_from(["original_title", "directors"]), st.just("Otro")),
    st.tuples(st.just("screener.url"), st.sampled_from(["not a url", "", "ftp://x", "https://"])),
    st.tuples(st.text(min_size=1, max_size=30).filter(lambda k: "." not in k and k not in FIELDS),
              st.just(1)),
).map(lambda fv: (nested(*fv), fv[0]))  # fmt: skip


@pytest.fixture(scope="module")
async def needs_fix(ts_env, ts_queue, pg_sessions, programmes) -> WorkflowHandle:
    """A film whose screener is a download link: its producer is asked for a fix."""
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    form = make_form(original_title="Por arreglar", screener={"url": "https://we.tl/t-1"})
    handle = await start(ts_env.client, ts_queue, session, form)
    await stage_becomes(handle, FilmStage.NEEDS_FIX)
    return handle


@ON_SERVER
@given(bad=BAD_FIX, raw=st.booleans())
async def test_a_bad_fix_is_refused_by_the_validator(needs_fix, bad, raw):
    changes, field = bad
    payload = {"changes": changes} if raw else FixInput(changes=changes)
    message = await refused(needs_fix, "submit_fix", payload)
    assert field.split(".")[0] in message or "identify the film" in message, message
    await assert_no_failed_task(needs_fix)


async def test_after_bad_fixes_a_good_fix_still_makes_the_film_eligible(needs_fix):
    await refused(needs_fix, "submit_fix", {"changes": {"runtime_expected_min": float("nan")}})
    state = await needs_fix.execute_update(
        SubmissionWorkflow.submit_fix,
        FixInput(changes={"screener": {"url": "https://vimeo.com/987654"}}),
    )
    assert state.stage is FilmStage.ELIGIBLE
    await assert_no_failed_task(needs_fix)


@pytest.fixture(scope="module")
async def under_review(ts_env, ts_queue, pg_sessions, programmes) -> WorkflowHandle:
    """An eligible film told by its session (as the session's activity would) that ana reviews
    it, scores from 0 to 10, for ten more days."""
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    handle = await start(ts_env.client, ts_queue, session, make_form(original_title="A revisar"))
    await stage_becomes(handle, FilmStage.ELIGIBLE)
    now = await ts_env.get_current_time()
    await handle.signal(
        SubmissionWorkflow.decide,
        FilmDecision(
            kind=DecisionKind.UNDER_REVIEW, at=now, reason="review", reviewers=["ana"],
            score_range=(0, 10), deadline=now + timedelta(days=10),
        ),
    )  # fmt: skip
    await stage_becomes(handle, FilmStage.UNDER_REVIEW)
    return handle


BAD_SCORE = st.one_of(
    st.one_of(st.floats(max_value=-0.001), st.floats(min_value=10.001), NOT_A_NUMBER).map(
        lambda s: {"member_id": "ana", "score": s}
    ),
    st.one_of(st.just(""), st.text(min_size=61, max_size=80), NOT_TEXT, ODD_UNICODE).map(
        lambda m: {"member_id": m, "score": 5}
    ),
    HUGE.map(lambda c: {"member_id": "ana", "score": 5, "comment": c}),
    st.just({"member_id": "ana"}),
)


@ON_SERVER
@given(payload=BAD_SCORE)
async def test_a_bad_score_is_refused_and_the_film_still_answers(under_review, payload):
    message = await refused(under_review, "score", payload)
    assert message.strip()
    await assert_no_failed_task(under_review)


async def test_after_bad_scores_the_film_can_still_be_withdrawn(under_review):
    await refused(under_review, "score", {"member_id": "bruno", "score": 5})
    state = await under_review.execute_update(
        SubmissionWorkflow.withdraw, WithdrawInput(reason="found other funding")
    )
    assert state.stage is FilmStage.WITHDRAWN
    await assert_no_failed_task(under_review)


@pytest.fixture(scope="module")
async def session(ts_env, ts_queue, pg_sessions, programmes):
    return await open_on_test_server(ts_env, pg_sessions, programmes, ts_queue)


HUGE_R = "r" * 1001


def iso(moment: datetime) -> str:
    return moment.isoformat()


@ON_SERVER
@given(data=st.data())
async def test_bad_session_updates_are_refused_by_their_validators(session, data):
    now = await session.env.get_current_time()
    calendar = (await session.status()).calendar
    update, payload, why = data.draw(
        st.one_of(
            st.tuples(st.just("extend"), st.sampled_from([
                {"milestone": "deadline", "to": iso(now - timedelta(days=1)), "reason": "r"},
                {"milestone": "deadline", "to": iso(calendar.event_end + timedelta(days=1)),
                 "reason": "r"},
                {"milestone": "event_end", "to": iso(calendar.event_start - timedelta(hours=1)),
                 "reason": "r"},
                {"milestone": "catering", "to": iso(now + timedelta(days=1)), "reason": "r"},
                {"milestone": "deadline", "to": "2027-02-30T00:00:00+00:00", "reason": "r"},
                {"milestone": "deadline", "to": iso(now + timedelta(hours=1)), "reason": ""},
                {"milestone": "deadline", "to": iso(now + timedelta(hours=1)), "reason": HUGE_R},
                {"milestone": "deadline", "to": 12, "reason": "r"},
            ]), st.just("")),
            st.tuples(st.sampled_from(["pin", "exclude"]), st.one_of(
                st.one_of(ODD_UNICODE, st.text(max_size=20)).map(
                    lambda sid: {"submission_id": sid, "reason": "r"}
                ),
                st.just({"submission_id": f"{session.row.id}/x", "reason": ""}),
                HUGE.map(lambda r: {"submission_id": f"{session.row.id}/x", "reason": r}),
            ), st.just("")),
            st.tuples(st.just("advance"), st.sampled_from(
                [s.value for s in SessionStage if s is not SessionStage.REVIEW] + ["lunch"]
            ).map(lambda to: {"to": to, "reason": "r"}), st.just("")),
            st.tuples(st.just("score_sheet"), st.sampled_from([
                {"member_id": "ana", "scores": []},
                {"member_id": "ana"},
                {"member_id": "", "scores": [{"submission_id": "x", "score": 5}]},
                {"member_id": "ana", "scores": [{"submission_id": "x", "score": "ten"}]},
                {"member_id": "ana", "scores": [{"submission_id": "x", "score": float("nan")}]},
                {"member_id": "ana", "scores": [{"submission_id": "x", "score": 5, "tint": 1}]},
                {"member_id": "ana", "scores": [{"submission_id": "x", "score": 5}] * 1001},
                {"member_id": "ana", "scores": [{"submission_id": "x", "score": 5}]},  # not review
            ]), st.just("")),
        )
    )  # fmt: skip
    assert (await refused(session.handle, update, payload)).strip(), why
    await assert_no_failed_task(session.handle)


async def test_after_bad_updates_the_session_still_moves_its_calendar(session):
    await refused(session.handle, "advance", {"to": "closed", "reason": "r"})
    calendar = (await session.status()).calendar
    request = ExtendInput(
        milestone="event_end", to=calendar.event_end + timedelta(days=1), reason="r"
    )
    status = await session.handle.execute_update(SessionWorkflow.extend, request)
    assert status.calendar.event_end == calendar.event_end + timedelta(days=1)
    await assert_no_failed_task(session.handle)


async def test_a_date_without_zone_is_refused_by_its_field(session):
    message = await refused(
        session.handle,
        "extend",
        {"milestone": "deadline", "to": "2300-01-01T00:00:00", "reason": "r"},
    )
    assert "to" in message and "zone" in message, message


@pytest.fixture(scope="module")
async def followed(ts_env, ts_queue, pg_sessions, programmes) -> WorkflowHandle:
    _, (handle, *_) = await followed_session(ts_env, ts_queue, pg_sessions, programmes)
    return handle


@ON_SERVER
@given(
    bad=st.one_of(
        MALFORMED_REPORT.map(lambda b: b[0]),
        # (an earlier expected date needs one recorded before: not so on this film)
        WRONG_REPORT.filter(lambda b: b[1] != "master.expected").map(
            lambda b: b[0].model_dump(mode="json")
        ),
    )
)
async def test_a_bad_report_is_refused_and_nothing_of_it_applied(followed, bad):
    before = await followed.query(FollowUpWorkflow.state)
    assert (await refused(followed, "report", bad)).strip()
    after = await followed.query(FollowUpWorkflow.state)
    assert (after.milestones, after.reports) == (before.milestones, before.reports)
    await assert_no_failed_task(followed)


async def test_after_bad_reports_a_good_report_is_recorded(followed, ts_env):
    await refused(followed, "report", {"milestones": [{"milestone": "master"}]})
    await refused(followed, "close", {"reason": "a\x00b"})
    today = (await ts_env.get_current_time()).date()
    state = await followed.execute_update(
        FollowUpWorkflow.report,
        Report(milestones=[{"milestone": "picture_lock", "done": today}], note="locked"),
    )
    assert state.milestones[Milestone.PICTURE_LOCK].done == today and state.reports >= 1
    await assert_no_failed_task(followed)


@pytest.fixture(scope="module")
async def partnering(ts_env, ts_queue) -> WorkflowHandle:
    """A session's partnering, started as the session starts it, before any matching."""
    session_id = f"films-in-progress/bad-input-{uuid.uuid4().hex[:6]}"
    return await ts_env.client.start_workflow(
        PartneringWorkflow.run,
        PartneringInput(
            session_id=session_id, programme_id="films-in-progress", name="Bad input",
            lineup=[f"{session_id}/uno", f"{session_id}/dos"], screening_minutes=90,
            award_ids=["prize"],
        ),
        id=partnering_workflow_id(session_id),
        task_queue=ts_queue,
    )  # fmt: skip


def absence(start: str, end: str, **changes: Any) -> dict[str, Any]:
    return {"who": "ff", "start": start, "end": end, "reason": "late flight", **changes}


@ON_SERVER
@given(data=st.data())
async def test_bad_partnering_updates_are_refused_by_their_validators(partnering, data):
    lineup = (await partnering.query(PartneringWorkflow.status)).lineup
    at = "2027-03-25T14:00:00+01:00"
    update, payload = data.draw(
        st.one_of(
            st.tuples(st.just("grant_award"), st.one_of(
                st.one_of(ODD_UNICODE, st.just("unknown")).map(
                    lambda award: {"award_id": award, "films": [{"submission_id": lineup[0]}]}
                ),
                st.one_of(st.just("elsewhere/x"), ODD_UNICODE).map(
                    lambda sid: {"award_id": "prize", "films": [{"submission_id": sid}]}
                ),
                st.just({"award_id": "prize", "films": [{"submission_id": lineup[0]}] * 2}),
                st.floats(min_value=50.001, max_value=100).map(lambda share: {
                    "award_id": "prize", "films": [{"submission_id": sid, "share_pct": share}
                                                   for sid in lineup]}),
                NOT_A_NUMBER.map(lambda share: {
                    "award_id": "prize", "films": [{"submission_id": lineup[0],
                                                    "share_pct": share}]}),
                st.just({"award_id": "prize", "films": []}),
            )),
            st.tuples(st.sampled_from(["run_matching", "override_match", "approve_matching",
                                       "schedule_meetings", "approve_meetings"]),
                      st.one_of(st.just({"fairness": "maybe"}), st.just({"reason": ""}), st.just({
                          "submission_id": lineup[0], "partner_id": "ff", "action": "add",
                          "reason": "r"}))),
            st.tuples(st.just("absent"), st.one_of(
                st.just(absence(at, at)),
                st.just(absence("2027-03-25T15:00:00+01:00", at)),
                st.just(absence(at, "soon")),
                HUGE.map(lambda who: absence(at, "2027-03-25T18:00:00+01:00", who=who)),
                st.just(absence(at, "2027-03-25T18:00:00+01:00", reason="")),
            )),
        )
    )  # fmt: skip
    if update == "run_matching" and "fairness" not in payload:
        payload = {"fairness": "maybe"}  # a valid run would solve: this one must not decode
    assert (await refused(partnering, update, payload)).strip()
    await assert_no_failed_task(partnering)


async def test_after_bad_updates_partnering_still_notes_an_absence(partnering):
    await refused(partnering, "absent", absence("2027-03-25T15:00:00+01:00", "soon"))
    noted = await partnering.execute_update(
        "absent", absence("2027-03-25T14:00:00+01:00", "2027-03-25T16:00:00+01:00")
    )
    assert noted is None  # no approved matching yet: kept for the schedule
    assert len((await partnering.query(PartneringWorkflow.status)).absences) == 1
    await assert_no_failed_task(partnering)


async def test_an_absence_without_zones_is_refused_not_a_failed_task(ts_env, ts_queue):
    session_id = f"films-in-progress/naive-{uuid.uuid4().hex[:6]}"
    handle = await ts_env.client.start_workflow(
        PartneringWorkflow.run,
        PartneringInput(
            session_id=session_id, programme_id="films-in-progress", name="Naive",
            lineup=[f"{session_id}/uno"], screening_minutes=90,
        ),
        id=partnering_workflow_id(session_id),
        task_queue=ts_queue,
    )  # fmt: skip
    try:
        with pytest.raises(WorkflowUpdateFailedError):
            await asyncio.wait_for(
                handle.execute_update(
                    "absent", absence("2027-03-25T14:00:00", "2027-03-25T16:00:00")
                ),
                5,
            )
        await assert_no_failed_task(handle)
    finally:
        await handle.terminate("a failing workflow task would retry for ever")
