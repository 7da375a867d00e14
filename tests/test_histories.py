"""The determinism guard: histories saved from real runs of every workflow type replay on today's
code, so a change that would break workflows already running fails CI instead of failing them
(`tests/histories/README.md` says how they are recorded and when a change needs a patch)."""

from __future__ import annotations

import json

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import _Definition

from shared import WorkflowType
from tests.conftest import HISTORIES
from worker import WORKFLOWS

SAVED = {path.stem: json.loads(path.read_text()) for path in sorted(HISTORIES.glob("*.json"))}


def workflow_type(history: dict) -> str:
    started = history["events"][0]["workflowExecutionStartedEventAttributes"]
    return started["workflowType"]["name"]


def test_every_workflow_type_has_a_saved_history():
    saved = {workflow_type(history) for history in SAVED.values()}
    assert saved == {w.__name__ for w in WORKFLOWS}, "record: see tests/histories/README.md"


def test_each_workflow_is_registered_under_its_workflow_type():
    """Starters start workflows by `WorkflowType`; the names are those the histories carry."""
    names = {w.__name__: _Definition.must_from_class(w).name for w in WORKFLOWS}
    assert names == {w.__name__: w.__name__ for w in WORKFLOWS}
    assert sorted(names.values()) == sorted(t.value for t in WorkflowType)


@pytest.mark.parametrize("name", sorted(SAVED))
async def test_a_saved_history_replays_on_todays_code(name: str):
    history = WorkflowHistory.from_json(name, SAVED[name])
    await Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter).replay_workflow(
        history
    )
