"""Eighteen months of a session's follow-up on the time-skipping server, with PostgreSQL: one film
reports every month until it is finished and premieres, one never reports (reminded, reminded
again, staff alerted, stalled), one is closed by staff; reports are validated field by field;
histories stay bounded by continue-as-new; and a saved history replays against today's code."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.worker import Replayer

from actions.followup import reopen_followup
from gateway.context import Context
from models.choices import Milestone
from models.followup import CloseRequest, FollowUpStatus, MilestoneUpdate, Report, Step
from models.orm import AuditRow, FollowUpRow, MilestoneRow, OutboxRow, SaleRow
from models.session import AdvanceInput, SessionStage
from settings import Settings
from shared import followup_workflow_id
from tests.conftest import keep_history
from tests.test_session_workflow import small_session
from workflows.followup import HISTORY_LIMIT, FollowUpWorkflow
from workflows.session import SessionWorkflow

MONTH = timedelta(days=30)


async def followed_session(env, queue, pg_sessions, programmes):
    """A session whose three confirmed films enter follow-up as its event ends."""
    session = await small_session(env, pg_sessions, programmes, queue, 3, slots=3, waitlist=0)
    for sid in session.ids:
        await session.answer(SessionWorkflow.confirm, sid)
    for stage in (SessionStage.EVENT, SessionStage.FOLLOW_UP):
        await session.handle.execute_update(
            SessionWorkflow.advance, AdvanceInput(to=stage, reason="test")
        )
    handles = [
        env.client.get_workflow_handle_for(FollowUpWorkflow.run, followup_workflow_id(sid))
        for sid in session.ids
    ]
    for handle in handles:
        for _ in range(100):
            try:
                await handle.query(FollowUpWorkflow.state)
                break
            except Exception:
                await asyncio.sleep(0.1)
    return session, handles


def report(*updates: MilestoneUpdate, note: str = "") -> Report:
    return Report(note=note, milestones=list(updates))


async def test_eighteen_months_of_follow_up(ts_env, ts_queue, pg_sessions, programmes):
    session, (steady, silent, closed) = await followed_session(
        ts_env, ts_queue, pg_sessions, programmes
    )
    start = (await ts_env.get_current_time()).date()
    first = await steady.execute_update(
        FollowUpWorkflow.report,
        report(
            MilestoneUpdate(milestone=Milestone.PICTURE_LOCK, done=start),
            MilestoneUpdate(milestone=Milestone.MASTER, expected=start + 12 * MONTH),
            note="locked the picture",
        ),
    )
    assert first.status is FollowUpStatus.FOLLOWING and first.next_step is Step.DUE
    assert first.next_at - first.last_report == MONTH
    await closed.execute_update(FollowUpWorkflow.report, report(note="grading starts"))

    refusals = [
        (report(MilestoneUpdate(milestone=Milestone.MASTER, done=start + MONTH)), "future"),
        (
            report(MilestoneUpdate(milestone=Milestone.MASTER, expected=start + MONTH)),
            "earlier than",
        ),
        (report(MilestoneUpdate(milestone=Milestone.PREMIERE, done=start)), "festival"),
    ]
    for bad, why in refusals:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await steady.execute_update(FollowUpWorkflow.report, bad)
        assert why in str(refused.value.cause)
    with pytest.raises(Exception, match="milestone"):
        Report.model_validate({"milestones": [{"milestone": "catering", "done": "2027-01-01"}]})

    revised = await steady.execute_update(
        FollowUpWorkflow.report,
        report(
            MilestoneUpdate(
                milestone=Milestone.MASTER,
                expected=start + 11 * MONTH,
                reason="the mix studio freed a slot",
            )
        ),
    )
    assert revised.milestones[Milestone.MASTER].expected == start + 11 * MONTH

    await closed.execute_update(FollowUpWorkflow.close, CloseRequest(reason="producer unreachable"))

    milestones_by_month = {
        3: [MilestoneUpdate(milestone=Milestone.GRADING, done=start)],
        11: [MilestoneUpdate(milestone=Milestone.MASTER, done=start)],
        13: [
            MilestoneUpdate(
                milestone=Milestone.DISTRIBUTION,
                done=start,
                detail={"territory": territory, "company": company},
            )
            for territory, company in (("FR", "Sur Distribution"), ("ES", "Vértigo"))
        ]
        + [
            MilestoneUpdate(
                milestone=Milestone.SALES_AGENT, done=start, detail={"company": "Cercamon"}
            )
        ],
        16: [
            MilestoneUpdate(
                milestone=Milestone.PREMIERE,
                done=start,
                detail={"festival": "Cannes", "section": "ACID"},
            )
        ],
    }
    for month in range(1, 17):  # a report a day before each is due
        await ts_env.sleep(MONTH - timedelta(days=1))
        today = (await ts_env.get_current_time()).date()
        updates = [u.model_copy(update={"done": today}) for u in milestones_by_month.get(month, [])]
        state = await steady.execute_update(
            FollowUpWorkflow.report, report(*updates, note=f"month {month}")
        )
        if month == 11:
            assert state.status is FollowUpStatus.COMPLETED
            assert state.next_at - state.last_report == timedelta(days=90)
    assert state.status is FollowUpStatus.PREMIERED
    await ts_env.sleep(3 * MONTH)  # past the silent film's 180 days

    final = await steady.result()
    assert final.status is FollowUpStatus.PREMIERED and "Cannes" in final.ending
    silent_final = await silent.result()
    assert silent_final.status is FollowUpStatus.STALLED and silent_final.reports == 0
    assert (await closed.result()).status is FollowUpStatus.CLOSED

    ids = session.ids
    async with pg_sessions() as db:
        rows = {r.submission_id: r for r in await db.scalars(select(FollowUpRow))}
        assert rows[ids[0]].status == "premiered"
        assert rows[ids[0]].premiere_festival == "Cannes"
        assert rows[ids[0]].completed_on is not None
        assert rows[ids[1]].status == "stalled" and "no report since" in rows[ids[1]].ended_reason
        assert (
            rows[ids[2]].status == "closed" and rows[ids[2]].ended_reason == "producer unreachable"
        )
        sales = (
            await db.execute(
                select(SaleRow.kind, SaleRow.territory, SaleRow.company).where(
                    SaleRow.submission_id == ids[0]
                )
            )
        ).all()
        assert sorted(sales) == [
            ("distribution", "ES", "Vértigo"),
            ("distribution", "FR", "Sur Distribution"),
            ("sales", "WW", "Cercamon"),
        ]
        master = await db.get(MilestoneRow, (ids[0], "master"))
        assert master.done_on is not None and master.expected_on == start + 11 * MONTH
        mail = (
            await db.execute(
                select(
                    OutboxRow.submission_id,
                    OutboxRow.stage,
                    OutboxRow.occurrence,
                    OutboxRow.recipient,
                )
                .where(OutboxRow.session_id == session.row.id)
                .where(OutboxRow.stage.in_(["followup_reminder", "escalation", "completion"]))
            )
        ).all()
        escalations = (
            await db.scalars(
                select(AuditRow.reason).where(
                    AuditRow.entity_id == ids[1], AuditRow.action == "escalated"
                )
            )
        ).all()
    silent_mail = sorted((stage, occ) for sid, stage, occ, _ in mail if sid == ids[1])
    assert silent_mail == [
        ("escalation", "followup-1"),
        ("followup_reminder", "1-again"),
        ("followup_reminder", "1-due"),
    ]
    staff = [to for sid, stage, _, to in mail if stage == "escalation"]
    assert staff == ["staff@wipflow.local"] and len(escalations) == 1
    assert [(s, o) for sid, s, o, _ in mail if sid == ids[0] and s == "completion"] == [
        ("completion", "1")
    ]
    # The steady film reported on time (a day early) every month: never reminded.
    assert not [m for m in mail if m[0] == ids[0] and m[1] != "completion"]


async def test_history_stays_bounded_and_replays(ts_env, ts_queue, pg_sessions, programmes):
    """Two years of monthly reports continue as new, and the last run replays deterministically.
    With WIPFLOW_RECORD_HISTORIES=1 it also saves that history under tests/histories/."""
    _, (film, *_others) = await followed_session(ts_env, ts_queue, pg_sessions, programmes)
    first_run = (await film.describe()).run_id
    for month in range(24):
        await ts_env.sleep(MONTH - timedelta(days=2))
        await film.execute_update(FollowUpWorkflow.report, report(note=f"month {month}"))
    latest = ts_env.client.get_workflow_handle(film.id)
    assert (await latest.describe()).run_id != first_run  # it continued as new
    state = await latest.query(FollowUpWorkflow.state)
    assert state.reports == 24 and state.status is FollowUpStatus.FOLLOWING
    await latest.execute_update(FollowUpWorkflow.close, CloseRequest(reason="test over"))
    await latest.result()
    history = await latest.fetch_history()
    assert len(history.events) <= HISTORY_LIMIT + 60
    await Replayer(
        workflows=[FollowUpWorkflow], data_converter=ts_env.client.data_converter
    ).replay_workflow(history)
    await keep_history(latest, "followup-monthly-reports")


async def test_a_finished_film_without_a_premiere_concludes_as_completed(
    ts_env, ts_queue, pg_sessions, programmes
):
    _, (film, *_others) = await followed_session(ts_env, ts_queue, pg_sessions, programmes)
    today = (await ts_env.get_current_time()).date()
    state = await film.execute_update(
        FollowUpWorkflow.report,
        report(MilestoneUpdate(milestone=Milestone.MASTER, done=today), note="DCP delivered"),
    )
    assert state.status is FollowUpStatus.COMPLETED and state.next_step is Step.DUE
    for _ in range(6):  # a report every 90 days, as a finished film is asked
        await ts_env.sleep(timedelta(days=89))
        await film.execute_update(FollowUpWorkflow.report, report(note="festival submissions"))
    await ts_env.sleep(timedelta(days=30))  # 540 days after the master
    final = await film.result()
    assert final.status is FollowUpStatus.COMPLETED and final.next_step is None
    assert "no premiere recorded within 540 days" in final.ending
    async with pg_sessions() as db:
        row = await db.get(FollowUpRow, final.submission_id)
    assert row.status == "completed" and row.completed_on == today and row.ended_at


async def test_a_reopened_follow_up_starts_a_new_life(ts_env, ts_queue, pg_sessions, programmes):
    """Reopened after stalling, a film is asked again (its reminders numbered apart from the
    first life's) and, silent again, stalls again: recorded, not swallowed by an old key."""
    session, (_, silent, _) = await followed_session(ts_env, ts_queue, pg_sessions, programmes)
    await ts_env.sleep(timedelta(days=181))
    assert (await silent.result()).status is FollowUpStatus.STALLED
    film = session.ids[1]
    ctx = Context(
        Settings(temporal_task_queue=ts_queue), database=pg_sessions, client=ts_env.client
    )
    reopened = await reopen_followup(ctx, film, "the producer wrote back")
    assert reopened.status == "following"
    again = ts_env.client.get_workflow_handle_for(FollowUpWorkflow.run, followup_workflow_id(film))
    await ts_env.sleep(timedelta(days=181))
    final = await again.result()
    assert final.status is FollowUpStatus.STALLED
    async with pg_sessions() as db:
        row = await db.get(FollowUpRow, film)
        reminders = (
            await db.scalars(
                select(OutboxRow.occurrence).where(
                    OutboxRow.submission_id == film, OutboxRow.stage == "followup_reminder"
                )
            )
        ).all()
    assert row.status == "stalled" and row.ended_at is not None
    assert sorted(reminders) == ["1-again", "1-due", "r2-1-again", "r2-1-due"]
