"""Committee members are people: the committee file gives each one's address and language,
checked by row and field; a member saved before members had them still loads."""

from __future__ import annotations

import json

import pytest

from intake.batch import IntakeFileError
from intake.committee import read_members
from models.committee import Member
from tests.forms import committee


def test_each_member_has_an_address_and_a_language(tmp_path):
    path = tmp_path / "committee.json"
    path.write_text(json.dumps(committee("ana", "beto")))
    ana, beto = read_members(path)
    assert (ana.email, ana.language) == ("ana@jury.example", "es")
    assert (beto.email, beto.language) == ("beto@jury.example", "pt")


def test_a_member_refused_is_named_by_row_and_field(tmp_path):
    rows = committee("ana", "beto", "caro")
    del rows[0]["email"]
    rows[1]["language"] = "de"
    rows[2]["email"] = "caro at jury"
    path = tmp_path / "committee.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(IntakeFileError) as refused:
        read_members(path)
    said = str(refused.value)
    assert "row 1 email: Field required" in said
    assert "row 2 language: Input should be 'es', 'pt', 'fr' or 'en'" in said
    assert "row 3 email: String should match pattern" in said


def test_a_member_saved_before_members_had_addresses_still_loads():
    """Workflow histories hold members as they were: no address, no language."""
    member = Member.model_validate({"id": "ana", "name": "Ana"})
    assert (member.email, member.language) == (None, "en")
