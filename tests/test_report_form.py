"""The follow-up report form read field by field: what pydantic refuses and what the follow-up's
rules refuse both land on the form field they concern, said in the reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from actions.report_answers import ReportInvalid, report_from_form, update_id
from models.choices import Milestone
from models.followup import MilestoneState
from notifications.links import Link, Purpose
from web.report import error_text

TODAY = date(2027, 6, 1)


def refused(form: dict[str, str], current=None) -> dict[str, str]:
    with pytest.raises(ReportInvalid) as caught:
        report_from_form(form, current or {}, TODAY)
    return {e.field: e.code for e in caught.value.errors}


def test_rows_left_empty_are_not_reported_and_values_keep_their_types():
    report = report_from_form(
        {"master.done": "2027-05-30", "premiere.expected": "2027-09-01", "note": "on track\r\n"},
        {},
        TODAY,
    )
    assert [(u.milestone, u.expected, u.done) for u in report.milestones] == [
        (Milestone.MASTER, None, date(2027, 5, 30)),
        (Milestone.PREMIERE, date(2027, 9, 1), None),
    ]
    assert report.note == "on track" and report.actor == "producer (signed link)"


def test_each_refusal_names_its_field():
    assert refused({"master.done": "2027-13-01"}) == {
        "master.done": "pydantic:date_from_datetime_parsing"
    }
    assert refused({"master.done": "2027-06-02"}) == {"master.done": "future"}
    assert refused({"sales_agent.detail.company": "Film Factory"}) == {"sales_agent": "empty"}
    assert refused(
        {"distribution.done": "2027-05-01", "distribution.detail.territory": "Francia"}
    ) == {"distribution.detail.territory": "territory", "distribution.detail.company": "required"}
    assert refused(
        {"sales_agent.expected": "2027-07-01", "sales_agent.detail.company": "F\x00F"}
    ) == {"sales_agent.detail.company": "pydantic:value_error"}
    earlier = {Milestone.PREMIERE: MilestoneState(expected=date(2027, 9, 1))}
    assert refused({"premiere.expected": "2027-08-01"}, earlier) == {"premiere.expected": "earlier"}
    # With a reason, the date may move back.
    report_from_form(
        {"premiere.expected": "2027-08-01", "premiere.reason": "a slot at Venice"}, earlier, TODAY
    )


def test_refusals_said_in_the_readers_language():
    with pytest.raises(ReportInvalid) as caught:
        report_from_form(
            {
                "master.done": "junho",
                "tv_sale.done": "2027-05-01",
                "tv_sale.detail.territory": "fr",
            },
            {},
            TODAY,
        )
    said = {e.field: error_text("pt", e) for e in caught.value.errors}
    assert said["master.done"] == "Escreva uma data como ano-mês-dia, p. ex. 2027-05-01."
    assert said["tv_sale.detail.territory"].startswith("«fr» não é um código de país")
    assert said["tv_sale.detail.company"] == "Obrigatório quando esta etapa está feita."


def link(occurrence: str) -> Link:
    at = datetime(2027, 7, 1, tzinfo=UTC)
    return Link(
        subject="f",
        purpose=Purpose.REPORT,
        occurrence=occurrence,
        act_until=at,
        read_until=at,
    )


def test_the_same_report_in_the_same_cycle_is_the_same_update():
    form = {"master.done": "2027-05-30"}
    one, two = (report_from_form(form, {}, TODAY) for _ in range(2))
    assert update_id(link("1-due"), one) == update_id(link("1-due"), two)
    # The cycle's second reminder is another link, but the same report from it is one report.
    assert update_id(link("1-due"), one) == update_id(link("1-again"), one)
    assert update_id(link("r2-1-due"), one) == update_id(link("r2-1-again"), one)
    # Another cycle, another life of the follow-up, or another report: another update.
    assert update_id(link("2-due"), one) != update_id(link("1-due"), one)
    assert update_id(link("r2-1-due"), one) != update_id(link("1-due"), one)
    other = report_from_form({"master.done": "2027-05-29"}, {}, TODAY)
    assert update_id(link("1-due"), other) != update_id(link("1-due"), one)
