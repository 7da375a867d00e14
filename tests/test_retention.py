"""A programme's retention: its activity erases, a page at a time, every film not selected of the
sessions whose event ended N months ago, and nothing else; and its schedule, made by
`privacy schedule`'s action, runs it on the real dev server when triggered."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from temporalio.client import ScheduleActionExecutionStartWorkflow
from temporalio.testing import ActivityEnvironment

from actions.privacy import schedule_retention
from activities.privacy import PrivacyActivities
from activities.submissions import SubmissionActivities
from gateway.context import Context
from intake.opening import open_session
from models.messages import RegisterInput, SubmissionInput
from models.orm import AuditRow, SubmissionRow
from models.privacy import ERASED
from models.retention import EraseDueInput
from settings import Settings
from shared import retention_schedule_id
from store import repository
from tests.conftest import keep_history, new_session, running_worker
from tests.forms import make_form


async def enter(database, session, statuses: list[str]) -> list[str]:
    """Films written as the submission workflow writes them, then moved to `statuses`."""
    ids = []
    for i, status in enumerate(statuses):
        form = make_form(
            original_title=f"Retenida {uuid.uuid4().hex[:6]} {i}",
            contact={"name": f"Contacto {i}", "email": f"c{i}.{uuid.uuid4().hex[:6]}@x.example"},
        )
        sid = f"{session.id}/{form.film_key()}"
        await SubmissionActivities(database).register_submission(
            RegisterInput(
                submission=SubmissionInput(
                    submission_id=sid,
                    programme_id=session.programme_id,
                    session_id=session.id,
                    film_key=form.film_key(),
                    form=form,
                    fix_window=timedelta(days=10),
                    submitted_at=datetime.now(UTC),
                ),
                workflow_id=f"submission/{sid}",
            )
        )
        async with database.begin() as db:
            await repository.set_submission_status(db, sid, status, datetime.now(UTC))
        ids.append(sid)
    return ids


async def erased(database, ids: list[str]) -> dict[str, bool]:
    async with database() as db:
        rows = await db.scalars(select(SubmissionRow).where(SubmissionRow.id.in_(ids)))
        return {r.id: r.erased_at is not None for r in rows}


async def test_the_activity_erases_the_films_due_a_page_at_a_time(pg_sessions, programmes):
    old = await open_session(pg_sessions, programmes["wip-latam"], "san-sebastian", 2019)
    recent = await new_session(pg_sessions, programmes["wip-latam"], "san-sebastian")
    due = await enter(pg_sessions, old, ["not_selected"] * 5)
    kept = await enter(pg_sessions, old, ["closed", "withdrawn"])
    kept += await enter(pg_sessions, recent, ["not_selected"])
    run = PrivacyActivities(pg_sessions).erase_due
    now = datetime.now(UTC)
    request = EraseDueInput(programme_id="wip-latam", not_selected_months=6, now=now, page=2)

    result = await ActivityEnvironment().run(run, request)
    assert result.sessions == [old.id] and result.erased == 5
    assert await erased(pg_sessions, due) == dict.fromkeys(due, True)
    assert await erased(pg_sessions, kept) == dict.fromkeys(kept, False)
    async with pg_sessions() as db:
        row = await db.get(SubmissionRow, due[0])
        trail = await db.scalars(
            select(AuditRow).where(AuditRow.entity_id == due[0], AuditRow.action == "erased")
        )
        (audit,) = trail.all()
    assert row.contact_email == ERASED and row.form["contact"]["email"] == ERASED
    assert audit.reason == "retention: not selected, 6 months after the session"
    assert audit.actor == "wipflow" and audit.at == now

    # Run again (a retry, the next day): nothing left to do, nothing changes.
    again = await ActivityEnvironment().run(run, request)
    assert again.erased == 0


async def test_the_schedule_runs_the_retention_when_triggered(
    local_env, pg_sessions, programmes, tmp_path
):
    fip = programmes["films-in-progress"]
    assert fip.retention.not_selected_months == 6
    old = await open_session(pg_sessions, fip, "toulouse", 2020)
    due = await enter(pg_sessions, old, ["not_selected", "not_selected"])
    kept = await enter(pg_sessions, old, ["confirmed"])
    client = local_env.client
    async with running_worker(client, pg_sessions) as queue:
        ctx = Context(Settings(temporal_task_queue=queue), database=pg_sessions, client=client)
        made = await schedule_retention(ctx)
        assert [(s.schedule_id, s.not_selected_months, s.state) for s in made] == [
            (retention_schedule_id("films-in-progress"), 6, "created")
        ]
        # Made again: the same schedule, brought up to date, not a second one.
        assert [s.state for s in await schedule_retention(ctx)] == ["updated"]
        handle = client.get_schedule_handle("retention/films-in-progress")
        try:
            await handle.trigger()
            for _ in range(100):
                if all((await erased(pg_sessions, due)).values()):
                    break
                await asyncio.sleep(0.2)
            assert await erased(pg_sessions, due) == dict.fromkeys(due, True)
            assert await erased(pg_sessions, kept) == dict.fromkeys(kept, False)
            described = await handle.describe()
            action = described.info.recent_actions[-1].action
            assert isinstance(action, ScheduleActionExecutionStartWorkflow)
            run = client.get_workflow_handle(action.workflow_id)
            result = await run.result()
            assert result["erased"] == 2 and old.id in result["sessions"]
            await keep_history(run, "retention-triggered")
        finally:
            # The programme's file drops its retention: its schedule goes.
            for path in ctx.settings.programmes_dir.glob("*.toml"):
                kept_text = re.sub(
                    r"\[retention\]\nnot_selected_months = \d+\n", "", path.read_text()
                )
                (tmp_path / path.name).write_text(kept_text)
            without = Context(
                Settings(temporal_task_queue=queue, programmes_dir=tmp_path), client=client
            )
            removed = await schedule_retention(without)
        assert [(s.schedule_id, s.state) for s in removed] == [
            ("retention/films-in-progress", "removed")
        ]
        assert await schedule_retention(without) == []
