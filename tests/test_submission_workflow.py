"""SubmissionWorkflow on the time-skipping server with its real activities on PostgreSQL:
eligible, ineligible, fixed, lapsed and withdrawn films, refusals of bad messages, and replay."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.worker import Replayer

from models.eligibility import Outcome
from models.messages import FilmStage, FixInput, SubmissionInput, SubmissionState, WithdrawInput
from models.orm import OutboxRow, SubmissionRow
from models.session import DecisionKind, FilmDecision
from models.submission import SubmissionForm
from shared import STAGE, submission_workflow_id
from store import eligibility_records, repository
from tests.conftest import keep_history, new_session, running_worker
from tests.forms import make_form
from workflows.submission import SubmissionWorkflow


async def start(client: Client, task_queue: str, session, form: SubmissionForm) -> WorkflowHandle:
    submission = SubmissionInput(
        submission_id=f"{session.id}/{form.film_key()}",
        programme_id=session.programme_id,
        session_id=session.id,
        film_key=form.film_key(),
        form=form,
        fix_window=timedelta(seconds=session.fix_window_seconds),
        submitted_at=datetime.now(UTC),
    )
    return await client.start_workflow(
        SubmissionWorkflow.run,
        submission,
        id=submission_workflow_id(submission.submission_id),
        task_queue=task_queue,
    )


async def refusal(update) -> str:
    """The validator's message for an update it refused (the update is never written)."""
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await update
    return refused.value.cause.message


async def stage_becomes(
    handle: WorkflowHandle, stage: FilmStage, within: float = 20
) -> SubmissionState:
    """Poll the workflow's own query until it reports `stage`."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        state = await handle.query(SubmissionWorkflow.state)
        if state.stage is stage:
            return state
        assert asyncio.get_running_loop().time() < deadline, f"still {state.stage}"
        await asyncio.sleep(0.1)


@pytest.fixture
async def fip_session(pg_sessions, programmes):
    return await new_session(pg_sessions, programmes["films-in-progress"])


async def stored(pg_sessions, submission_id: str):
    async with pg_sessions() as db:
        row = await db.get(SubmissionRow, submission_id)
        results = await eligibility_records.eligibility_results(db, submission_id)
        trail = await repository.audit_trail(db, submission_id)
    return row, results, trail


async def test_an_eligible_film_waits_for_the_session_and_can_be_withdrawn(
    ts_env, ts_queue, pg_sessions, fip_session
):
    handle = await start(ts_env.client, ts_queue, fip_session, make_form())
    state = await stage_becomes(handle, FilmStage.ELIGIBLE)
    assert state.outcome is Outcome.PASS and state.check_no == 1
    assert (await handle.describe()).typed_search_attributes.get(STAGE) == "eligible"

    result = await handle.execute_update(
        SubmissionWorkflow.withdraw, WithdrawInput(reason="found other funding")
    )
    assert result.stage is FilmStage.WITHDRAWN
    final = await handle.result()
    assert final.withdrawn_reason == "found other funding"

    row, results, trail = await stored(pg_sessions, state.submission_id)
    assert row.status == "withdrawn" and row.contact_language == "es"
    assert {r.outcome for r in results} == {"pass"} and len(results) == 7
    assert [(a.action, a.from_state, a.to_state) for a in trail] == [
        ("submitted", None, "received"),
        ("eligibility check 1", None, "eligible"),
        ("withdrawn", "eligible", "withdrawn"),
    ]
    assert trail[-1].reason == "found other funding"


async def test_a_films_steps_are_local_activities_taken_in_one_workflow_task(
    ts_env, ts_queue, pg_sessions, fip_session
):
    """Its record, receipt, check and result's message run in the worker that runs its
    workflow task (patch 2026-12-local-steps): markers in its history, no activity task."""
    form = make_form(original_title="Corto", runtime_expected_min=45)
    handle = await start(ts_env.client, ts_queue, fip_session, form)
    final = await handle.result()
    assert final.stage is FilmStage.INELIGIBLE
    events = [e async for e in handle.fetch_history_events()]
    kinds = [EventType.Name(e.event_type) for e in events]
    assert "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED" not in kinds
    # the patch's marker, then one per step: record, receipt, check, ineligible message
    assert kinds.count("EVENT_TYPE_MARKER_RECORDED") == 5
    assert kinds.count("EVENT_TYPE_WORKFLOW_TASK_COMPLETED") == 1
    async with pg_sessions() as db:
        sent = await db.scalars(
            select(OutboxRow.stage).where(OutboxRow.submission_id == final.submission_id)
        )
        assert sorted(sent) == ["ineligible", "submission_received"]


async def test_an_ineligible_film_ends_with_the_reasons(ts_env, ts_queue, pg_sessions, fip_session):
    form = make_form(original_title="Corto", runtime_expected_min=45)
    handle = await start(ts_env.client, ts_queue, fip_session, form)
    final = await handle.result()
    assert final.stage is FilmStage.INELIGIBLE
    [failing] = [r for r in final.results if r.outcome is Outcome.FAIL]
    assert failing.rule_id == "feature_runtime" and "45 minutes" in failing.reason
    row, _, trail = await stored(pg_sessions, final.submission_id)
    assert row.status == "ineligible"
    assert "45 minutes" in trail[-1].reason


async def test_an_uncorrected_film_fails_when_its_fix_window_lapses(
    ts_env, ts_queue, pg_sessions, fip_session
):
    """Ten days pass in a moment on the time-skipping server."""
    form = make_form(original_title="Sin arreglo", screener={"url": "https://we.tl/t-1"})
    handle = await start(ts_env.client, ts_queue, fip_session, form)
    started = (await handle.describe()).start_time
    waiting = await stage_becomes(handle, FilmStage.NEEDS_FIX)
    assert waiting.fix_deadline is not None
    final = await handle.result()
    assert final.stage is FilmStage.INELIGIBLE and final.check_no == 2
    [lapsed] = [r for r in final.results if r.outcome is Outcome.FAIL]
    assert lapsed.rule_id == "screener" and lapsed.reason.startswith("Not corrected by")
    # The session's ten-day window, counted from the check (which ran a moment after the start).
    assert timedelta(days=10) <= waiting.fix_deadline - started < timedelta(days=10, minutes=1)
    _, results, trail = await stored(pg_sessions, final.submission_id)
    by_check = {(r.check_no, r.rule_id): r.outcome for r in results}
    assert by_check[(1, "screener")] == "needs_fix" and by_check[(2, "screener")] == "fail"
    assert trail[-1].from_state == "needs_fix" and trail[-1].to_state == "ineligible"


async def test_a_corrected_film_is_judged_again_and_becomes_eligible(
    ts_env, ts_queue, pg_sessions, fip_session
):
    form = make_form(
        original_title="Con arreglo",
        dialogue_languages=["pt"],
        screener={"url": "https://wetransfer.com/x", "subtitles": []},
    )
    handle = await start(ts_env.client, ts_queue, fip_session, form)
    first = await stage_becomes(handle, FilmStage.NEEDS_FIX)
    assert {r.rule_id for r in first.results if r.outcome is Outcome.NEEDS_FIX} == {
        "subtitles",
        "screener",
    }

    message = await refusal(
        handle.execute_update(
            SubmissionWorkflow.submit_fix,
            FixInput(changes={"screener": {"url": "not a link"}, "cut_runtime_min": -3}),
        )
    )
    assert "screener.url" in message and "cut_runtime_min" in message
    assert "identify the film" in await refusal(
        handle.execute_update(
            SubmissionWorkflow.submit_fix, FixInput(changes={"original_title": "Otro"})
        )
    )

    fixed = await handle.execute_update(
        SubmissionWorkflow.submit_fix,
        FixInput(
            changes={"screener": {"url": "https://vimeo.com/5", "subtitles": ["en"]}},
            actor="producer@example.org",
        ),
    )
    assert fixed.stage is FilmStage.ELIGIBLE and fixed.check_no == 2 and fixed.fix_deadline is None

    assert "nothing to fix" in await refusal(
        handle.execute_update(
            SubmissionWorkflow.submit_fix, FixInput(changes={"cut_runtime_min": 80})
        )
    )
    await handle.execute_update(SubmissionWorkflow.withdraw, WithdrawInput(reason="test over"))
    await handle.result()
    await keep_history(handle, "submission-fixed-then-withdrawn")
    # A withdrawn film's workflow is over: a second withdrawal meets a closed workflow.
    with pytest.raises(RPCError):
        await handle.execute_update(SubmissionWorkflow.withdraw, WithdrawInput(reason="again"))

    row, _, trail = await stored(pg_sessions, fixed.submission_id)
    assert row.form["screener"]["url"] == "https://vimeo.com/5"  # the corrected form is kept
    assert ("eligibility check 2", "producer@example.org", "eligible") in [
        (a.action, a.actor, a.to_state) for a in trail
    ]


async def test_withdrawing_while_a_fix_is_awaited(ts_env, ts_queue, pg_sessions, fip_session):
    form = make_form(original_title="Me retiro", cut_runtime_min=30)
    handle = await start(ts_env.client, ts_queue, fip_session, form)
    await stage_becomes(handle, FilmStage.NEEDS_FIX)
    await handle.execute_update(
        SubmissionWorkflow.withdraw, WithdrawInput(reason="cannot deliver a longer cut")
    )
    final = await handle.result()
    assert final.stage is FilmStage.WITHDRAWN and final.check_no == 1


async def test_histories_replay_on_the_current_code(ts_env, ts_queue, pg_sessions, fip_session):
    """A determinism guard: the histories this code writes replay on this code."""
    handles = [
        await start(ts_env.client, ts_queue, fip_session, make_form(original_title="Replay A")),
        await start(
            ts_env.client,
            ts_queue,
            fip_session,
            make_form(original_title="Replay B", cut_runtime_min=10),
        ),
    ]
    await stage_becomes(handles[0], FilmStage.ELIGIBLE)
    await handles[0].execute_update(SubmissionWorkflow.withdraw, WithdrawInput(reason="r"))
    for handle in handles:
        await handle.result()
    replayer = Replayer(workflows=[SubmissionWorkflow], data_converter=ts_env.client.data_converter)
    for handle in handles:
        await replayer.replay_workflow(await handle.fetch_history())


async def test_a_film_in_play_withdraws_even_when_its_session_is_gone(
    ts_env, ts_queue, pg_sessions, fip_session
):
    """The film tells its session of the withdrawal; a session that no longer runs (here: none
    was ever started) cannot take it, and the film's withdrawal still stands."""
    from models.session import DecisionKind, FilmDecision

    handle = await start(
        ts_env.client, ts_queue, fip_session, make_form(original_title="Sin sesión")
    )
    await stage_becomes(handle, FilmStage.ELIGIBLE)
    await handle.signal(
        SubmissionWorkflow.decide,
        FilmDecision(
            kind=DecisionKind.OFFERED,
            at=datetime.now(UTC),
            reason="offered",
            deadline=datetime.now(UTC) + timedelta(days=7),
        ),
    )
    await stage_becomes(handle, FilmStage.OFFERED)
    await handle.execute_update(SubmissionWorkflow.withdraw, WithdrawInput(reason="no session"))
    final = await handle.result()
    assert final.stage is FilmStage.WITHDRAWN


async def test_a_withdrawal_that_meets_an_offer_not_yet_followed_gives_the_slot_back(
    local_env, pg_sessions, fip_session
):
    """The session offers a slot while the film's worker is gone; the producer withdraws before
    another worker takes the film's task, so both arrive in one workflow task. The film never
    followed the offer, yet the session holds the slot for it: it must hear of the withdrawal
    (the pair drill found it waiting for the offer to lapse instead)."""
    queue = f"race-{uuid.uuid4().hex[:8]}"
    async with running_worker(local_env.client, pg_sessions, temporal_task_queue=queue):
        handle = await start(local_env.client, queue, fip_session, make_form())
        await stage_becomes(handle, FilmStage.ELIGIBLE)
    now = datetime.now(UTC)
    await handle.signal(
        SubmissionWorkflow.decide,
        FilmDecision(
            kind=DecisionKind.OFFERED, at=now, reason="ranked 1", deadline=now + timedelta(days=3)
        ),
    )
    withdrawal = asyncio.create_task(
        handle.execute_update(SubmissionWorkflow.withdraw, WithdrawInput(reason="sold elsewhere"))
    )
    await asyncio.sleep(1)  # the update waits at the server, beside the signal
    async with running_worker(local_env.client, pg_sessions, temporal_task_queue=queue):
        assert (await withdrawal).stage is FilmStage.WITHDRAWN
        await handle.result()
    told = [
        e.signal_external_workflow_execution_initiated_event_attributes.signal_name
        async for e in handle.fetch_history_events()
        if e.event_type == EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED
    ]
    assert told == ["film_withdrawn"]
