"""Names shared by the worker, the starter and the workflows: search attributes and workflow ids.

Workflow ids are readable business keys (`submission/<programme>/<session>/<film>`), so an operator
can tell from the id alone which programme, session and film a workflow serves, and starting the
same film twice is refused by Temporal itself.
"""

from __future__ import annotations

from enum import StrEnum

from temporalio.common import SearchAttributeIndexedValueType, SearchAttributeKey

# One registry of the custom search attributes every wipflow workflow carries. `make demo`, the
# worker and the tests register them; the README lists the `temporal operator` lines for production.
PROGRAMME = SearchAttributeKey.for_keyword("WipProgramme")
SESSION = SearchAttributeKey.for_keyword("WipSession")
STAGE = SearchAttributeKey.for_keyword("WipStage")
COUNTRY = SearchAttributeKey.for_keyword("WipCountry")
# Whom the workflow is waiting for (a `Status`), and until when: the deadline of the pending step.
STATUS = SearchAttributeKey.for_keyword("WipStatus")
DEADLINE = SearchAttributeKey.for_datetime("WipDeadline")

SEARCH_ATTRIBUTES = [PROGRAMME, SESSION, STAGE, COUNTRY, STATUS, DEADLINE]

# `temporal operator search-attribute create --type ...` and `start-dev --search-attribute` names.
TYPE_NAMES = {
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
}


class WorkflowType(StrEnum):
    """The registered name of each wipflow workflow. Whoever starts one (an activity, intake, a
    staff command) starts it by this name, so it needs no import of the workflow's module, and
    the names stay those that running workflows and saved histories carry."""

    SUBMISSION = "SubmissionWorkflow"
    SESSION = "SessionWorkflow"
    PARTNERING = "PartneringWorkflow"
    AWARD = "AwardWorkflow"
    FOLLOW_UP = "FollowUpWorkflow"
    RETENTION = "RetentionWorkflow"


class Status(StrEnum):
    """What a workflow waits for, so an operator can ask the UI "who owes us an answer?":
    `WipSession="films-in-progress/toulouse-2027" AND WipStatus="waiting-producer"`."""

    WORKING = "working"  # wipflow itself: a check, a message, a plan being made
    WAITING_PRODUCER = "waiting-producer"
    WAITING_COMMITTEE = "waiting-committee"
    WAITING_STAFF = "waiting-staff"
    WAITING_PARTNER = "waiting-partner"
    WAITING_SESSION = "waiting-session"  # the session's next decision (review, selection, event)
    DONE = "done"


def session_workflow_id(session_id: str) -> str:
    return f"session/{session_id}"


def session_key(session_id: str) -> str:
    """`films-in-progress/toulouse-2027` -> `toulouse`: the programme's session it came from."""
    return session_id.split("/", 1)[1].rsplit("-", 1)[0]


def submission_workflow_id(submission_id: str) -> str:
    """`submission_id` is `<programme>/<session>/<film key>`, already unique across programmes."""
    return f"submission/{submission_id}"


def partnering_workflow_id(session_id: str) -> str:
    return f"partnering/{session_id}"


def followup_workflow_id(submission_id: str) -> str:
    return f"followup/{submission_id}"


PER_SESSION = ("session", "submission", "partnering", "followup", "award")


def session_of_workflow(workflow_id: str) -> str | None:
    """The session a workflow serves, read from its id (`submission/<programme>/<session>/...`
    -> `<programme>/<session>`); None for a workflow of no one session."""
    kind, *rest = workflow_id.split("/")
    return "/".join(rest[:2]) if kind in PER_SESSION and len(rest) >= 2 else None


def award_workflow_id(grant_id: str) -> str:
    """`grant_id` is `<session>/<award>/<film key>`: one workflow per film an award went to."""
    return f"award/{grant_id}"


def retention_schedule_id(programme_id: str) -> str:
    """The schedule that erases a programme's films past its retention (one per programme)."""
    return f"retention/{programme_id}"
