"""What an operator sees of a workflow in the Temporal UI, published from inside it.

Every wipflow workflow says where it stands the same way: its stage, whom it waits for and until
when (search attributes, so the UI's list can filter and sort on them), and a sentence of current
details (shown on the workflow's page). Search attributes are upserted only when one changes: an
upsert is an event in the history, and a session re-published at every wake would spend its
history on nothing.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from shared import DEADLINE, STAGE, STATUS, Status


def publish(stage: str, status: Status, deadline: datetime | None, details: str) -> None:
    current = workflow.info().typed_search_attributes
    updates = []
    if current.get(STAGE) != stage:
        updates.append(STAGE.value_set(stage))
    if current.get(STATUS) != status.value:
        updates.append(STATUS.value_set(status.value))
    if deadline is None and current.get(DEADLINE) is not None:
        updates.append(DEADLINE.value_unset())
    elif deadline is not None and not _same_second(current.get(DEADLINE), deadline):
        updates.append(DEADLINE.value_set(deadline))
    if updates:
        workflow.upsert_search_attributes(updates)
    workflow.set_current_details(details)


def _same_second(a: datetime | None, b: datetime) -> bool:
    """The server keeps a deadline to the second or finer; a difference below it is no change."""
    return a is not None and abs((a - b).total_seconds()) < 1
