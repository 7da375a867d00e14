"""The references workflows call (`activity_refs`) and the implementations the worker registers
(`worker.activities`) cannot drift apart: every reference has an implementation of the same
name, input type and result type, and every implementation has its reference. Unit test: the
implementations are built on no database and no client, and never called."""

from __future__ import annotations

import inspect

from temporalio.activity import _Definition

import activity_refs
from settings import Settings
from worker import activities


def definitions(functions) -> dict[str, tuple]:
    found = {}
    for fn in functions:
        d = _Definition.must_from_callable(fn)
        found[d.name] = (d.arg_types, d.ret_type)
    return found


REFS = definitions(fn for _, fn in inspect.getmembers(activity_refs, inspect.iscoroutinefunction))
# An SMTP mailer: built without touching the disk (a Maildir mailer creates its folders).
REGISTERED = definitions(activities(None, Settings(smtp_host="localhost"), None))


def test_every_registered_activity_has_its_reference_and_no_reference_is_left_over():
    assert sorted(REFS) == sorted(REGISTERED)


def test_each_reference_takes_and_returns_what_its_implementation_does():
    drifted = {
        name: {"reference": REFS[name], "implementation": REGISTERED[name]}
        for name in REFS
        if name in REGISTERED and REFS[name] != REGISTERED[name]
    }
    assert not drifted


def test_the_activities_keep_the_names_histories_know_them_by():
    # Saved histories and running workflows schedule activities by these names.
    assert set(REFS) == {
        *("register_submission", "evaluate_eligibility", "record_report", "record_transition"),
        *("record_score", "notify", "alert", "record_stage", "record_note", "record_calendar"),
        *("record_committee", "assign_reviews", "remind_reviewers", "record_score_sheet"),
        *("rank_films", "tell_films", "tell_not_selected", "open_partnering", "propose_matches"),
        *("override_match", "approve_run", "plan_meetings", "grant_award", "record_award_step"),
        *("start_followups", "record_progress", "record_followup_end", "invite_reviewers"),
        *("declare_conflict", "erase_due"),
    }
