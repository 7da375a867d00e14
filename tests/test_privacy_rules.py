"""The erasure's rules without a database: which of a form's fields are personal (every field
classified, once), what an erased form keeps, when a film may be erased, and which sessions a
programme's retention has reached."""

from __future__ import annotations

import json
import types
import typing
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel

from domain.privacy import ErasureFacts, due_sessions, months_after, refusal, retention_reason
from models.messages import FINAL_STAGES, FilmStage
from models.privacy import (
    ERASED,
    FORM_KEPT,
    FORM_PERSONAL,
    erase_form,
    erase_params,
    erased_submission,
    personal_values,
    scrub,
)
from models.submission import SubmissionForm
from tests.forms import form_dict

PERSONAL = {
    "logline": "Ana Pérez crosses the Andes.",
    "synopsis": "A story told by Ana Pérez, my grandmother.",
    "screener": {"url": "https://vimeo.com/987654321", "password": "s3cret-screener"},
    "directors": [
        {"name": "Juana Directora", "nationality": "AR", "first_feature": True, "bio": "Born 1980."}
    ],
    "producers": [
        {
            "company": "Juana Films SRL",
            "country": "AR",
            "share_pct": 100,
            "majority": True,
            "contact_email": "juana@films.example",
        }
    ],
    "history": {"sales_agent": "Agente Uno", "distributors": ["Public Dist"]},
    "contact": {
        "name": "Juana Productora",
        "email": "juana.p@mail.example",
        "phone": "+54 11 5555 0101",
        "language": "es",
    },
}


def _paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every leaf field of a form, as the table names it (`directors[].name`)."""
    found = set()
    for name, field in model.model_fields.items():
        annotation, many = field.annotation, False
        if typing.get_origin(annotation) in (types.UnionType, typing.Union):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        if typing.get_origin(annotation) is list:
            annotation, many = typing.get_args(annotation)[0], True
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found |= _paths(annotation, f"{prefix}{name}{'[]' if many else ''}.")
        else:
            found.add(prefix + name)  # a list of plain values is one value
    return found


def test_every_field_of_the_form_is_classified_once():
    assert not set(FORM_PERSONAL) & set(FORM_KEPT)
    assert set(FORM_PERSONAL) | set(FORM_KEPT) == _paths(SubmissionForm)


def test_an_erased_form_keeps_the_anonymous_record_and_nothing_personal():
    form = SubmissionForm.model_validate(form_dict(**PERSONAL)).model_dump(mode="json")
    erased = erase_form(form)
    dumped = json.dumps(erased, ensure_ascii=False)
    for value in personal_values(form):
        assert value not in dumped
    assert "Juana" not in dumped and "5555" not in dumped and "s3cret" not in dumped
    assert erased["contact"] == {
        "name": ERASED,
        "email": ERASED,
        "language": "es",
        "phone": ERASED,
    }
    assert erased["producers"][0]["country"] == "AR" and erased["producers"][0]["share_pct"] == 100
    assert erased["directors"][0]["nationality"] == "AR"
    assert erased["screener"]["access"] == "password" and erased["screener"]["url"] == ERASED
    assert erased["history"]["distributors"] == ["Public Dist"]
    assert erased["finance"] == {
        "currency": "EUR",
        "total_budget": ERASED,
        "secured": ERASED,
        "post_budget_missing": ERASED,
    }
    for kept in ("original_title", "genre", "runtime_expected_min", "post_stage", "post_needs"):
        assert erased[kept] == form[kept]
    assert erase_form(erased) == erased  # erasing again changes nothing


def test_a_value_left_out_stays_out():
    form = SubmissionForm.model_validate(form_dict()).model_dump(mode="json")
    assert form["contact"]["phone"] is None
    assert erase_form(form)["contact"]["phone"] is None


def test_the_submission_row_is_erased_column_by_column():
    form = SubmissionForm.model_validate(form_dict(**PERSONAL)).model_dump(mode="json")
    row = {"form": form, **{p: form[p] for p in ("directors", "producers", "screener")}}
    row |= {"finance": form["finance"], "history": form["history"]}
    new = erased_submission(row)
    assert new["contact_name"] == new["contact_email"] == ERASED
    assert new["directors"] == [
        {"name": ERASED, "nationality": "AR", "first_feature": True, "bio": ERASED}
    ]
    assert "juana" not in json.dumps(new).lower()


def test_free_text_keeps_its_words_without_the_films_values():
    values = {"Juana Films SRL", "Juana Productora"}
    assert scrub("withdrawn: Juana Productora asked", values) == f"withdrawn: {ERASED} asked"
    assert scrub(None, values) is None
    params = {
        "company": {"kind": "text", "values": ["Juana Films SRL"], "join": "standard"},
        "country": {"kind": "country", "values": ["AR"], "join": "standard"},
    }
    assert erase_params(params)["company"]["values"] == [ERASED]
    assert erase_params(params)["country"] == params["country"]


@pytest.mark.parametrize("stage", sorted(set(FilmStage) - FINAL_STAGES))
def test_a_film_its_session_counts_on_is_refused_naming_its_stage(stage):
    why = refusal("fip/t-2027/film", ErasureFacts(stage.value, None, 0))
    assert why and f"is {stage.value}" in why and "withdraw it first" in why


@pytest.mark.parametrize("stage", sorted(FINAL_STAGES))
def test_a_film_whose_session_is_done_with_it_may_be_erased(stage):
    assert refusal("f", ErasureFacts(stage.value, None, 0)) is None


def test_a_selected_film_waits_for_its_follow_up_and_its_awards():
    assert "follow-up is following" in refusal("f", ErasureFacts("closed", "following", 0))
    assert "follow-up is completed" in refusal("f", ErasureFacts("closed", "completed", 0))
    assert "1 award grant" in refusal("f", ErasureFacts("closed", "premiered", 1))
    assert refusal("f", ErasureFacts("closed", "premiered", 0)) is None


def test_months_after_keeps_the_day_or_takes_the_months_last():
    assert months_after(datetime(2027, 3, 26, 19, tzinfo=UTC), 6) == datetime(
        2027, 9, 26, 19, tzinfo=UTC
    )
    assert months_after(datetime(2027, 8, 31, tzinfo=UTC), 6) == datetime(2028, 2, 29, tzinfo=UTC)
    assert months_after(datetime(2027, 11, 15, tzinfo=UTC), 14) == datetime(2029, 1, 15, tzinfo=UTC)


def test_retention_reaches_the_sessions_ended_long_enough_ago():
    ends = {
        "fip/toulouse-2026": datetime(2026, 3, 26, 19, tzinfo=UTC),
        "fip/san-sebastian-2026": datetime(2026, 9, 27, 19, tzinfo=UTC),
        "fip/toulouse-2027": datetime(2027, 3, 26, 19, tzinfo=UTC),
    }
    now = datetime(2027, 3, 27, 18, 59, tzinfo=UTC)
    assert due_sessions(ends, 6, now) == ["fip/toulouse-2026"]
    assert due_sessions(ends, 6, datetime(2027, 3, 27, 19, tzinfo=UTC)) == [
        "fip/toulouse-2026",
        "fip/san-sebastian-2026",
    ]
    assert due_sessions(ends, 12, now) == ["fip/toulouse-2026"]
    assert due_sessions(ends, 13, now) == []
    assert retention_reason(6) == "retention: not selected, 6 months after the session"
