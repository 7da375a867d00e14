"""End to end on the real Temporal dev server and PostgreSQL: a generated call goes through
intake and eligibility, each film lands where the pure rules say, nothing is entered twice, and
operators find the films by search attribute."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from domain.eligibility import evaluate
from intake.batch import validate_records
from intake.generate import generate
from intake.opening import target_of
from intake.submit import submit_batch
from models.eligibility import EligibilityContext
from models.messages import STAGE_FOR_OUTCOME
from models.orm import SessionRow, SubmissionRow
from models.session import SessionStage
from tests.conftest import new_session, running_worker
from tests.forms import form_dict


async def statuses(pg_sessions, session_id: str) -> dict[str, str]:
    async with pg_sessions() as db:
        rows = await db.execute(
            select(SubmissionRow.id, SubmissionRow.status).where(
                SubmissionRow.session_id == session_id
            )
        )
    return dict(rows.all())


async def eventually(probe, expected, within: float = 60):
    deadline = asyncio.get_running_loop().time() + within
    while (value := await probe()) != expected:
        assert asyncio.get_running_loop().time() < deadline, f"{value!r} != {expected!r}"
        await asyncio.sleep(0.3)


async def test_a_generated_call_goes_through_eligibility(local_env, pg_sessions, programmes):
    fip = programmes["films-in-progress"]
    session = await new_session(pg_sessions, fip, fix_window=timedelta(days=1))
    batch = validate_records(generate(40, seed=11))
    assert len(batch.valid) == 40
    verdicts = {
        f"{session.id}/{v.form.film_key()}": STAGE_FOR_OUTCOME[
            evaluate(v.form, fip.eligibility, EligibilityContext()).outcome
        ].value
        for v in batch.valid
    }
    assert {"eligible", "ineligible", "needs_fix"} == set(verdicts.values())

    client = local_env.client
    async with running_worker(client, pg_sessions) as queue:
        report = await submit_batch(client, queue, target_of(session), batch)
        assert len(report.accepted) == 40 and not report.duplicates and not report.rejected
        await eventually(lambda: statuses(pg_sessions, session.id), verdicts)

        again = await submit_batch(client, queue, target_of(session), batch)
        assert not again.accepted and len(again.duplicates) == 40
        assert len(await statuses(pg_sessions, session.id)) == 40

        eligible = sum(stage == "eligible" for stage in verdicts.values())

        async def eligible_in_visibility() -> int:
            query = f'WipSession="{session.id}" AND WipStage="eligible"'
            return (await client.count_workflows(query)).count

        await eventually(eligible_in_visibility, eligible)


async def test_the_same_film_twice_in_one_file_is_entered_once(local_env, pg_sessions, programmes):
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    film = form_dict(original_title="Dos veces")
    same_film_respelled = form_dict(original_title="  DOS   VECES ")
    batch = validate_records([film, same_film_respelled])
    async with running_worker(local_env.client, pg_sessions) as queue:
        report = await submit_batch(local_env.client, queue, target_of(session), batch)
    assert [e.row for e in report.accepted] == [1]
    assert [e.row for e in report.duplicates] == [2]
    assert report.duplicates[0].submission_id == report.accepted[0].submission_id


async def test_a_batch_after_the_deadline_is_refused_whole(local_env, pg_sessions, programmes):
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    batch = validate_records([form_dict(original_title="Tarde")])
    late = session.deadline + timedelta(minutes=1)
    report = await submit_batch(local_env.client, "unused", target_of(session), batch, now=late)
    assert not report.accepted
    [refused] = report.rejected
    assert refused.errors[0].field == "session" and "closed" in refused.errors[0].message
    assert late > datetime.now(UTC)  # the real clock did not matter: the deadline is data
    assert await statuses(pg_sessions, session.id) == {}


async def test_a_batch_after_staff_closed_the_call_early_is_refused_whole(
    local_env, pg_sessions, programmes
):
    """`session advance` before the deadline closes the call for every door: a film entered then
    would become eligible with no reviewer."""
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    async with pg_sessions.begin() as db:
        row = await db.get(SessionRow, session.id)
        row.stage = SessionStage.REVIEW.value  # as the session's record_stage activity writes it
    async with pg_sessions() as db:
        target = target_of(await db.get(SessionRow, session.id))
    assert datetime.now(UTC) < target.deadline  # the deadline itself has not passed
    batch = validate_records([form_dict(original_title="Tarde")])
    report = await submit_batch(local_env.client, "unused", target, batch)
    [refused] = report.rejected
    assert refused.errors[0].field == "session"
    assert "closed by staff (the session is in review)" in refused.errors[0].message
    assert not report.accepted and await statuses(pg_sessions, session.id) == {}
