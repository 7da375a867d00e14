"""Names shared by the worker, the starter and the workflows: search attributes and workflow ids.

Workflow ids are readable business keys (`submission/<programme>/<session>/<film>`), so an operator
can tell from the id alone which programme, session and film a workflow serves, and starting the
same film twice is refused by Temporal itself.
"""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

# One registry of the custom search attributes every wipflow workflow carries. `make demo`, the
# worker and the tests register them; the README lists the `temporal operator` lines for production.
PROGRAMME = SearchAttributeKey.for_keyword("WipProgramme")
SESSION = SearchAttributeKey.for_keyword("WipSession")
STAGE = SearchAttributeKey.for_keyword("WipStage")
COUNTRY = SearchAttributeKey.for_keyword("WipCountry")

SEARCH_ATTRIBUTES = [PROGRAMME, SESSION, STAGE, COUNTRY]


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


def award_workflow_id(grant_id: str) -> str:
    """`grant_id` is `<session>/<award>/<film key>`: one workflow per film an award went to."""
    return f"award/{grant_id}"
