"""Every message in every language: rendered with realistic data, no missing key, dates, times and
amounts in the recipient's locale and the session's zone, and values inert in HTML."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from jinja2 import UndefinedError
from pydantic import ValidationError

from models.message_kinds import TO_MEMBERS, MessageKind
from notifications.render import _environment, render
from notifications.samples import sample
from notifications.stages import LANGUAGES
from tests.test_cli import starter


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stage", list(MessageKind))
def test_every_stage_renders_in_every_language(stage, language):
    message = render(stage, language, sample(stage))
    assert message.language == language and message.subject
    if stage in TO_MEMBERS:  # to a committee member, about their films
        assert "Toulouse 2027" in message.subject and sample(stage)["review_url"] in message.text
        assert "Marta Quintero" in message.text and "Marta Quintero" in message.html
        assert all(title in message.text for title in sample(stage)["films"])
    else:
        assert "La sombra del río" in message.subject + message.text
        assert "Alicia Rodríguez" in message.text and "Alicia Rodríguez" in message.html
    assert f'<html lang="{language}">' in message.html
    for part in (message.subject, message.text, message.html):
        assert "{{" not in part and "{%" not in part and "None" not in part
    assert message.text.rstrip().endswith("Toulouse 2027")


def test_the_same_message_differs_by_language():
    subjects = {
        lang: render(MessageKind.OFFER, lang, sample(MessageKind.OFFER)).subject
        for lang in LANGUAGES
    }
    assert len(set(subjects.values())) == 4


@pytest.mark.parametrize(
    ("language", "day"),
    [
        ("es", "25 de marzo de 2027"),
        ("pt", "25 de março de 2027"),
        ("fr", "25 mars 2027"),
        ("en", "March 25, 2027"),
    ],
)
def test_dates_are_written_the_recipients_way(language, day):
    assert day in render(MessageKind.OFFER, language, sample(MessageKind.OFFER)).text


def test_times_are_shown_in_the_sessions_zone():
    fields = {
        **sample(MessageKind.OFFER_REMINDER),
        "confirm_by": datetime(2027, 3, 8, 17, tzinfo=UTC),
    }
    assert "18:00 (CET)" in render(MessageKind.OFFER_REMINDER, "fr", fields).text
    fields["timezone"] = "America/Mexico_City"
    assert "11:00 (CST)" in render(MessageKind.OFFER_REMINDER, "es", fields).text


@pytest.mark.parametrize(
    ("language", "amount"),
    [
        ("fr", "4\u202f300,00\xa0€"),
        ("en", "€4,300.00"),
        ("es", "4.300,00\xa0€"),
    ],
)
def test_amounts_are_formatted_per_locale(language, amount):
    fields = {**sample(MessageKind.AWARD_GRANTED), "value": Decimal("4300")}
    assert amount in render(MessageKind.AWARD_GRANTED, language, fields).text


def test_a_producer_called_script_stays_inert_in_html():
    hostile = "<script>alert('x')</script>"
    fields = {
        **sample(MessageKind.NEEDS_FIX),
        "recipient_name": hostile,
        "film": "<b>Film</b>",
        "reasons": ['a "quoted" <img src=x onerror=alert(1)> reason'],
    }
    message = render(MessageKind.NEEDS_FIX, "en", fields)
    assert "<script>" not in message.html and "<img" not in message.html
    assert "&lt;script&gt;" in message.html and "&lt;b&gt;Film&lt;/b&gt;" in message.html
    assert hostile in message.text  # plain text is plain text


def test_other_languages_fall_back_to_english():
    assert render(MessageKind.WAITLISTED, "de", sample(MessageKind.WAITLISTED)).language == "en"
    assert render(MessageKind.WAITLISTED, None, sample(MessageKind.WAITLISTED)).language == "en"


def test_missing_or_malformed_fields_are_refused_before_rendering():
    fields = sample(MessageKind.OFFER)
    del fields["confirm_by"]
    with pytest.raises(ValidationError, match="confirm_by"):
        render(MessageKind.OFFER, "es", fields)
    with pytest.raises(ValidationError, match="timezone-aware|timezone"):
        render(
            MessageKind.OFFER,
            "es",
            {**sample(MessageKind.OFFER), "confirm_by": datetime(2027, 3, 8)},
        )


def test_templates_cannot_print_a_blank_for_a_forgotten_value():
    with pytest.raises(UndefinedError):
        _environment(html=False).from_string("{{ forgotten }}").render()


@pytest.mark.integration  # a starter.py process
async def test_staff_preview_a_message_in_a_language():
    code, out, err = await starter(
        dict(os.environ), "notifications", "preview", "promoted", "--lang", "pt", "--json"
    )
    assert code == 0, err
    message = json.loads(out)
    assert message["language"] == "pt" and "vaga" in message["subject"]
    assert message["html"].startswith("<!DOCTYPE html>")


async def test_preview_uses_a_real_submissions_names_language_and_reasons(
    env_for, pg_sessions, programmes
):
    from domain.eligibility import evaluate
    from models.eligibility import EligibilityContext, EligibilityReport, Outcome, RuleResult
    from store import eligibility_records, repository
    from tests.conftest import new_session
    from tests.forms import make_form
    from tests.test_store import submission_row

    session = await new_session(pg_sessions, programmes["films-in-progress"])
    row = submission_row(
        session,
        "preview-1",
        original_title="Los silencios",
        contact_name="Beatriz Seigner",
        contact_language="pt",
    )
    report = EligibilityReport(
        check_no=1,
        results=[
            RuleResult(
                rule_id="screener",
                outcome=Outcome.NEEDS_FIX,
                reason="Send a Vimeo link.",
                source_url="https://example.org",
            ),
            RuleResult(
                rule_id="genre", outcome=Outcome.PASS, reason="ok", source_url="https://example.org"
            ),
            *[  # a reason recorded as every catalog can say it
                r
                for r in evaluate(
                    make_form(cut_runtime_min=30),
                    programmes["films-in-progress"].eligibility,
                    EligibilityContext(),
                ).results
                if r.rule_id == "cut_runtime"
            ],
        ],
    )
    async with pg_sessions.begin() as db:
        await repository.insert_submission(db, row)
        await eligibility_records.insert_eligibility(db, row["id"], report, datetime.now(UTC))
    code, out, err = await starter(
        env_for("unused"),
        "notifications",
        "preview",
        "needs_fix",
        "--submission",
        row["id"],
        "--json",
    )
    assert code == 0, err
    message = json.loads(out)
    assert message["language"] == "pt"  # the producer's own
    assert "Beatriz Seigner" in message["text"] and "Los silencios" in message["subject"]
    assert "– Send a Vimeo link." in message["text"] and "– ok" not in message["text"]
    assert "O corte que enviou tem 30 minutos" in message["text"]  # said in Portuguese


def test_an_award_asked_for_before_awards_had_a_door_still_renders():
    """An activity retried across the upgrade carries no deadline: the award is told, without a
    link, rather than the message failing on every retry."""
    fields = {k: v for k, v in sample(MessageKind.AWARD_GRANTED).items() if k != "accept_by"}
    fields.pop("answer_url", None)
    message = render(MessageKind.AWARD_GRANTED, "fr", fields)
    assert "/award/" not in message.text and "Félicitations" in message.text
