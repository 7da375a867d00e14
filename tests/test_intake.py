"""Intake: files of every shape, bad rows refused by row and field, good rows kept, stable keys."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.batch import IntakeFileError, read_batch, validate_records
from models.submission import film_key
from tests.forms import ELIGIBLE, form_dict


def write_json(tmp_path: Path, data, name="batch.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def errors_of(batch, row):
    [rejected] = [r for r in batch.rejected if r.row == row]
    return {e.field: e.message for e in rejected.errors}


def test_one_json_submission(tmp_path):
    batch = read_batch(write_json(tmp_path, ELIGIBLE))
    assert [v.row for v in batch.valid] == [1] and not batch.rejected


def test_a_json_batch_in_a_list_or_under_submissions(tmp_path):
    rows = [form_dict(original_title=f"Film {i}") for i in range(3)]
    assert len(read_batch(write_json(tmp_path, rows)).valid) == 3
    assert len(read_batch(write_json(tmp_path, {"submissions": rows})).valid) == 3


def test_bad_rows_are_refused_by_row_and_field_and_good_rows_are_kept(tmp_path):
    rows = [
        form_dict(original_title="Buena"),
        form_dict(runtime_expected_min="long", contact={"email": "not-an-email"}),
        form_dict(producers=[{"company": "A", "country": "AR", "share_pct": 50}]),
        "just a string",
        form_dict(original_title="También buena"),
    ]
    batch = read_batch(write_json(tmp_path, rows))
    assert [v.row for v in batch.valid] == [1, 5]
    assert set(errors_of(batch, 2)) == {"runtime_expected_min", "contact.email"}
    shares = errors_of(batch, 3)["producers"]  # the field to correct, in plain words
    assert shares == "producers' shares must add up to 100% (they add up to 50%)"
    assert "expected an object" in errors_of(batch, 4)["form"]


@pytest.mark.parametrize("title", ["Año bisiesto", "O Som ao Redor", "東京物語", "🎬 Cine", "שלום"])
def test_unicode_titles_are_accepted_and_keyed(tmp_path, title):
    batch = read_batch(write_json(tmp_path, form_dict(original_title=title)))
    [valid] = batch.valid
    assert valid.form.original_title == title
    assert valid.form.film_key()  # a usable key even for titles with no ASCII letters


def test_huge_fields_are_refused_not_carried_into_workflow_history(tmp_path):
    rows = [form_dict(synopsis="x" * 1_000_000), form_dict(original_title="t" * 5000)]
    batch = read_batch(write_json(tmp_path, rows))
    assert not batch.valid
    assert "at most 3000 characters" in errors_of(batch, 1)["synopsis"]
    assert "at most 200 characters" in errors_of(batch, 2)["original_title"]


def test_unknown_fields_are_refused_so_typos_are_not_lost(tmp_path):
    batch = read_batch(write_json(tmp_path, form_dict(synopsys="typo")))
    assert "synopsys" in errors_of(batch, 1)


def test_country_and_language_codes_are_checked():
    batch = validate_records(
        [
            form_dict(directors=[{"name": "X", "nationality": "ZZ"}]),
            form_dict(dialogue_languages=["spanish"]),
        ]
    )
    assert "ISO 3166" in errors_of(batch, 1)["directors.0.nationality"]
    assert "ISO 639-1" in errors_of(batch, 2)["dialogue_languages.0"]


def test_a_password_screener_needs_its_password():
    batch = validate_records([form_dict(screener={"password": None})])
    assert "password" in errors_of(batch, 1)["screener"]


def write_csv(
    tmp_path: Path, rows: list[dict[str, str]], delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    path = tmp_path / "batch.csv"
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def csv_row(**changes: str) -> dict[str, str]:
    row = {
        "original_title": "Los silencios",
        "genre": "fiction",
        "dialogue_languages": "es;pt",
        "runtime_expected_min": "89",
        "cut_runtime_min": "92",
        "shooting_completed": "yes",
        "post_stage": "fine_cut",
        "screener.url": "https://vimeo.com/42",
        "screener.password": "clave",
        "screener.subtitles": "en",
        "directors": json.dumps([{"name": "Beatriz Seigner", "nationality": "BR"}]),
        "producers": json.dumps(
            [
                {"company": "Enquadramento", "country": "BR", "share_pct": 60},
                {"company": "Diafragma", "country": "CO", "share_pct": 40},
            ]
        ),
        "finance.total_budget": "500000",
        "finance.secured": "350000",
        "finance.post_budget_missing": "150000",
        "post_needs": "grading;sound_mix",
        "contact.name": "Beatriz",
        "contact.email": "b@example.org",
        "contact.language": "pt",
        "history.sales_agent": "",
    }
    return {**row, **changes}


def test_csv_with_dotted_nested_fields_and_list_cells(tmp_path):
    batch = read_batch(write_csv(tmp_path, [csv_row(), csv_row(original_title="Los perros")]))
    assert len(batch.valid) == 2, batch.rejected
    form = batch.valid[0].form
    assert form.dialogue_languages == ["es", "pt"]
    assert form.producers[1].country == "CO"
    assert form.screener.subtitles == ["en"]
    assert form.history.sales_agent is None  # an empty cell means "not given"
    assert form.contact.language == "pt"


def test_a_csv_saved_by_excel_in_a_spanish_or_french_locale_reads_the_same(tmp_path):
    """Excel there separates cells with `;` (quoting a list cell that holds one)."""
    rows = [csv_row(original_title="Año bisiesto"), csv_row(original_title="Los perros")]
    comma = read_batch(write_csv(tmp_path, rows))
    semicolon = read_batch(write_csv(tmp_path, rows, delimiter=";"))
    assert (tmp_path / "batch.csv").read_text().splitlines()[0].count(";") > 10
    assert [v.form for v in semicolon.valid] == [v.form for v in comma.valid]
    assert semicolon.valid[0].form.dialogue_languages == ["es", "pt"]


def test_a_csv_not_in_utf8_is_refused_with_how_to_save_it(tmp_path):
    path = write_csv(tmp_path, [csv_row(original_title="Año bisiesto")], encoding="cp1252")
    with pytest.raises(IntakeFileError) as refused:
        read_batch(path)
    assert 'save it as "CSV UTF-8' in str(refused.value) and "byte" not in str(refused.value)


def test_csv_bad_cells_name_the_row_and_column(tmp_path):
    rows = [csv_row(), csv_row(producers="[{broken"), csv_row(runtime_expected_min="ninety")]
    batch = read_batch(write_csv(tmp_path, rows))
    assert [v.row for v in batch.valid] == [1]
    assert "producers" in errors_of(batch, 2)
    assert "runtime_expected_min" in errors_of(batch, 3)


def test_unreadable_files_are_refused_whole(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"original_title": ')
    with pytest.raises(IntakeFileError, match="not valid JSON"):
        read_batch(broken)
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"original_title": "Año"}'.encode("latin-1"))
    with pytest.raises(IntakeFileError, match="not UTF-8"):
        read_batch(latin1)
    with pytest.raises(IntakeFileError, match="no such file"):
        read_batch(tmp_path / "missing.csv")


def test_the_film_key_ignores_case_accents_spacing_and_director_order():
    key = film_key("La Ciénaga", ["Lucrecia Martel", "Otro Nombre"])
    assert film_key("  la cienaga ", ["otro nombre", "LUCRECIA MARTEL"]) == key
    assert film_key("La Ciénaga", ["Lucrecia Martel"]) != key
    assert film_key("La Ciénaga 2", ["Lucrecia Martel", "Otro Nombre"]) != key
    assert key.startswith("la-cienaga-")


@given(
    title=st.text(min_size=1, max_size=200).filter(str.strip),
    directors=st.lists(st.text(min_size=1, max_size=50), min_size=1, max_size=3),
)
def test_film_keys_fit_their_column_and_a_workflow_id(title, directors):
    key = film_key(title, directors)
    assert 1 <= len(key) <= 60
    assert key == key.strip("-") and "/" not in key and " " not in key
