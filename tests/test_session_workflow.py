"""SessionWorkflow end to end on the time-skipping server, with every activity real on PostgreSQL:
a full session of 200 films, chains of declines and lapses, a withdrawal after confirming, a
waitlist that runs dry, and two sessions side by side."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from domain.ranking import rank
from intake.batch import validate_records
from intake.generate import generate
from intake.opening import open_session, session_input, start_session, target_of
from intake.submit import submit_batch
from models.committee import Member
from models.messages import FilmStage, WithdrawInput
from models.orm import ReviewAssignmentRow, ReviewConflictRow, SessionRow, SubmissionRow
from models.ranking import Aggregate, ScoredFilm
from models.session import (
    AdvanceInput,
    AnswerInput,
    CommitteeInput,
    ScoreInput,
    ScoreSheet,
    SessionStage,
)
from models.sheets import SheetResult, SheetScore
from shared import submission_workflow_id
from store import repository
from tests.forms import form_dict
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow

DAY = timedelta(days=1)
COMMITTEE = [
    Member(id="ana", name="Ana Souza"),
    Member(id="bruno", name="Bruno Díaz", company="Cine Sur"),  # works for a producer
    Member(id="carla", name="Carla Pérez"),
    Member(id="diego", name="Diego Luna", declared_conflicts=["Rio Bravo Films"]),
    Member(id="elena", name="Elena Ruiz"),
]


class Session:
    """A session opened on the test servers, and the calls a test makes on it."""

    def __init__(self, env: WorkflowEnvironment, sessions, row: SessionRow, queue: str):
        self.env, self.client, self.db, self.row, self.queue = env, env.client, sessions, row, queue
        self.handle = self.client.get_workflow_handle_for(SessionWorkflow.run, f"session/{row.id}")

    async def stage_becomes(self, stage: SessionStage, within: float = 60) -> None:
        deadline = asyncio.get_running_loop().time() + within
        while (status := await self.handle.query(SessionWorkflow.status)).stage is not stage:
            assert asyncio.get_running_loop().time() < deadline, f"still {status.stage}"
            await asyncio.sleep(0.1)

    async def statuses(self) -> dict[str, str]:
        async with self.db() as db:
            rows = await db.execute(
                select(SubmissionRow.id, SubmissionRow.status).where(
                    SubmissionRow.session_id == self.row.id
                )
            )
        return dict(rows.all())

    async def settled(self, films: int, within: float = 60) -> dict[str, str]:
        """Wait until all `films` are recorded and none is still being judged."""
        deadline = asyncio.get_running_loop().time() + within
        while len(statuses := await self.statuses()) < films or "received" in statuses.values():
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.2)
        return statuses

    async def answer(self, method, submission_id: str, reason: str = "") -> None:
        await self.handle.execute_update(
            method, AnswerInput(submission_id=submission_id, reason=reason)
        )

    async def film_becomes(self, submission_id: str, stage: FilmStage, within: float = 30) -> None:
        """The film's own workflow hears of a decision a moment after the session makes it."""
        handle = self.client.get_workflow_handle_for(
            SubmissionWorkflow.run, submission_workflow_id(submission_id)
        )
        deadline = asyncio.get_running_loop().time() + within
        while (state := await handle.query(SubmissionWorkflow.state)).stage is not stage:
            assert asyncio.get_running_loop().time() < deadline, f"still {state.stage}"
            await asyncio.sleep(0.1)

    async def status(self):
        return await self.handle.query(SessionWorkflow.status)


async def open_on_test_server(
    env,
    pg_sessions,
    programmes,
    queue,
    *,
    key="toulouse",
    confirm=2 * DAY,
    slots=None,
    waitlist=None,
) -> Session:
    now = await env.get_current_time()
    programme = programmes["films-in-progress"]
    if slots is not None or waitlist is not None:
        programme = programme.model_copy(
            update={
                "slots": slots or programme.slots,
                "selection": programme.selection.model_copy(
                    update={
                        "waitlist_length": waitlist
                        if waitlist is not None
                        else programme.selection.waitlist_length
                    }
                ),
            }
        )
    # Years no other test opens (the CLI tests pick 2010-2049, `new_session` counts down from 2100).
    year = 2300 + open_on_test_server.counter
    open_on_test_server.counter += 1
    calendar = {
        "call_opens": now - DAY,
        "deadline": now + DAY,
        "review_deadline": now + 10 * DAY,
        "selection_announced": now + 12 * DAY,
        "event_start": now + 40 * DAY,
        "event_end": now + 42 * DAY,
    }
    row = await open_session(pg_sessions, programme, key, year, calendar=calendar)
    data = session_input(row, programme, confirm_window=confirm, reminder_lead=3 * DAY)
    await start_session(env.client, queue, data)
    session = Session(env, pg_sessions, row, queue)
    await session.handle.execute_update(
        SessionWorkflow.set_committee, CommitteeInput(members=COMMITTEE)
    )
    return session


open_on_test_server.counter = 0


def quality(submission_id: str) -> int:
    """A film's true worth in this test: committee members agree within a point."""
    return sum(map(ord, submission_id)) % 9


async def score_everything(session: Session) -> dict[str, list[float]]:
    """Ana and Bruno score film by film on the films' workflows; the others each send the
    session one sheet of all their films."""
    given: dict[str, list[float]] = {}
    async with session.db() as db:
        assignments = (
            await db.execute(
                select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id).where(
                    ReviewAssignmentRow.session_id == session.row.id
                )
            )
        ).all()
    limit = asyncio.Semaphore(20)

    async def one(sid: str, member: str) -> None:
        score = quality(sid) + (0.5 if member < "c" else 0)
        given.setdefault(sid, []).append(score)
        handle = session.client.get_workflow_handle_for(
            SubmissionWorkflow.run, submission_workflow_id(sid)
        )
        async with limit:
            await handle.execute_update(
                SubmissionWorkflow.score, ScoreInput(member_id=member, score=score)
            )

    sheets: dict[str, list[SheetScore]] = {}
    for sid, member in assignments:
        if member < "c":
            continue
        score = quality(sid)
        given.setdefault(sid, []).append(score)
        sheets.setdefault(member, []).append(SheetScore(submission_id=sid, score=score))
    await asyncio.gather(*(one(sid, member) for sid, member in assignments if member < "c"))
    for member, scores in sheets.items():
        result = await session.handle.execute_update(
            SessionWorkflow.score_sheet, ScoreSheet(member_id=member, scores=scores)
        )
        assert result == SheetResult(recorded=len(scores))
    return given


async def test_a_full_session_of_200_films(ts_env, ts_queue, pg_sessions, programmes):
    env: WorkflowEnvironment = ts_env
    session = await open_on_test_server(env, pg_sessions, programmes, ts_queue)
    batch = validate_records(generate(200, seed=3))
    report = await submit_batch(
        env.client, ts_queue, target_of(session.row), batch, now=await env.get_current_time()
    )
    assert len(report.accepted) == 200
    statuses = await session.settled(200)
    eligible = {s for s, st in statuses.items() if st == "eligible"}
    assert len(eligible) > 100

    # The call deadline is a durable timer: a day passes, the review begins.
    await env.sleep(DAY + timedelta(minutes=1))
    await session.stage_becomes(SessionStage.REVIEW)
    async with session.db() as db:
        assignments = (
            await db.execute(
                select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id).where(
                    ReviewAssignmentRow.session_id == session.row.id
                )
            )
        ).all()
        producers = dict(
            (
                await db.execute(
                    select(SubmissionRow.id, SubmissionRow.producers).where(
                        SubmissionRow.session_id == session.row.id
                    )
                )
            ).all()
        )
    per_film: dict[str, list[str]] = {}
    for sid, member in assignments:
        per_film.setdefault(sid, []).append(member)
    assert set(per_film) == eligible and all(len(m) == 3 for m in per_film.values())
    for sid, members in per_film.items():  # conflicts of interest are never assigned
        companies = {p["company"] for p in producers[sid]}
        assert "bruno" not in members or "Cine Sur" not in companies
        assert "diego" not in members or "Rio Bravo Films" not in companies
    loads = [sum(m == member.id for _, m in assignments) for member in COMMITTEE]
    assert max(loads) - min(loads) <= len(eligible) // 4  # balanced around conflicts

    # A member may score only the films assigned to them, within the range. (A member the
    # assignment kept from a film reads the conflict instead: tests/test_review_conflicts.py.)
    free_of_conflicts = ["ana", "carla", "elena"]
    some_film, its_members = next(
        (sid, members) for sid, members in per_film.items() if set(free_of_conflicts) - set(members)
    )
    outsider = next(m for m in free_of_conflicts if m not in its_members)
    film = session.client.get_workflow_handle_for(
        SubmissionWorkflow.run, submission_workflow_id(some_film)
    )
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await film.execute_update(SubmissionWorkflow.score, ScoreInput(member_id=outsider, score=5))
    assert "not assigned" in refused.value.cause.message
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await film.execute_update(
            SubmissionWorkflow.score, ScoreInput(member_id=its_members[0], score=11)
        )
    assert "between 0 and 10" in refused.value.cause.message

    # A sheet is judged row by row: a score out of range, a film twice and a film not assigned
    # to the member are each refused with why; nothing of theirs is recorded.
    member = its_members[0]
    async with session.db() as db:
        kept_from = set(
            (
                await db.scalars(
                    select(ReviewConflictRow.submission_id).where(
                        ReviewConflictRow.member_id == member
                    )
                )
            ).all()
        )
    not_theirs = next(f for f, m in per_film.items() if member not in m and f not in kept_from)
    result = await session.handle.execute_update(
        SessionWorkflow.score_sheet,
        ScoreSheet(
            member_id=member,
            scores=[
                SheetScore(submission_id=some_film, score=11),
                SheetScore(submission_id=some_film, score=4),
                SheetScore(submission_id=not_theirs, score=4),
            ],
        ),
    )
    assert result.recorded == 0
    assert [(r.index, r.field) for r in result.refused] == [
        (0, "score"),
        (1, "submission_id"),
        (2, "submission_id"),
    ]
    assert "between 0 and 10" in result.refused[0].reason
    assert "not assigned to" in result.refused[2].reason
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await session.handle.execute_update(
            SessionWorkflow.score_sheet,
            ScoreSheet(member_id="zoe", scores=[SheetScore(submission_id=some_film, score=5)]),
        )
    assert "zoe is not on the committee" in refused.value.cause.message

    given = await score_everything(session)
    async with session.db() as db:
        assert await repository.missing_scores(db, session.row.id) == {}

    # Review deadline, then the announcement: ranking, then offers and a waitlist.
    await env.sleep(12 * DAY)
    await session.stage_becomes(SessionStage.CONFIRMATION)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await session.handle.execute_update(
            SessionWorkflow.score_sheet,
            ScoreSheet(member_id=member, scores=[SheetScore(submission_id=some_film, score=5)]),
        )
    assert "scores are given during review" in refused.value.cause.message
    async with session.db() as db:
        submitted_at = dict(
            (
                await db.execute(
                    select(SubmissionRow.id, SubmissionRow.submitted_at).where(
                        SubmissionRow.id.in_(eligible)
                    )
                )
            ).all()
        )
    expected = [
        r.submission_id
        for r in rank(
            [
                ScoredFilm(submission_id=s, scores=given[s], submitted_at=submitted_at[s])
                for s in eligible
            ],
            Aggregate.MEAN,
        )
    ]
    status = await session.status()
    picks = status.picks
    assert [o.submission_id for o in picks.offers] == expected[:6]
    assert picks.waitlist == expected[6:12]
    assert picks.not_selected == len(eligible) - 12
    statuses = await session.statuses()
    assert "not_selected" not in statuses.values()  # not before every slot is confirmed
    await session.film_becomes(expected[0], FilmStage.OFFERED)

    # Four confirm, one declines, one stays silent.
    for sid in expected[:4]:
        await session.answer(SessionWorkflow.confirm, sid)
    await session.answer(SessionWorkflow.decline, expected[4], "found other funding")
    status = await session.status()
    assert status.picks.offer_of(expected[6]).from_waitlist  # promoted at once
    await session.film_becomes(expected[4], FilmStage.DECLINED)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await session.answer(SessionWorkflow.confirm, expected[4])
    assert "no offer" in refused.value.cause.message
    await session.answer(SessionWorkflow.confirm, expected[6])  # the promoted film accepts

    await env.sleep(2 * DAY + timedelta(minutes=1))  # expected[5]'s offer lapses
    await session.film_becomes(expected[5], FilmStage.LAPSED)
    status = await session.status()
    assert status.picks.released[expected[5]] == "lapsed"
    assert [o.submission_id for o in status.picks.offers][-2:] == expected[6:8]

    await session.answer(SessionWorkflow.confirm, expected[7])
    statuses = await session.statuses()
    assert statuses[expected[7]] == "confirmed"
    not_selected = {s for s, st in statuses.items() if st == "not_selected"}
    assert not_selected == eligible - set(expected[:12])  # told once every slot is filled
    assert {statuses[s] for s in expected[8:12]} == {"waitlisted"}

    # The event: the waitlist is released; follow-up; staff close the session.
    await env.sleep(40 * DAY)
    await session.stage_becomes(SessionStage.FOLLOW_UP)
    statuses = await session.statuses()
    assert {statuses[s] for s in expected[8:12]} == {"not_selected"}
    await session.handle.execute_update(
        SessionWorkflow.advance, AdvanceInput(to=SessionStage.CLOSED, reason="season over")
    )
    final = await session.handle.result()
    assert final.stage is SessionStage.CLOSED
    assert all(d.actor and d.reason for d in final.picks.log)
    confirmed = [o.submission_id for o in final.picks.offers]
    assert len(confirmed) == 6
    for sid in confirmed:
        await session.film_becomes(sid, FilmStage.CLOSED)
    async with session.db() as db:
        stages = [
            a.to_state
            for a in await repository.audit_trail(db, session.row.id)
            if a.action == "stage"
        ]
    assert stages == ["review", "selection", "confirmation", "event", "follow_up", "closed"]
    history = await session.handle.fetch_history()
    assert len(history.events) < 1000  # a session's history does not grow with its call


async def small_session(env, pg_sessions, programmes, queue, n: int, **kwargs) -> Session:
    """A session with `n` eligible films, scored so that film i ranks i-th, in confirmation."""
    session = await open_on_test_server(env, pg_sessions, programmes, queue, **kwargs)
    forms = [
        form_dict(
            original_title=f"Film {i:02d}",
            producers=[{"company": f"Casa {i}", "country": "AR", "share_pct": 100}],
        )
        for i in range(n)
    ]
    report = await submit_batch(
        env.client,
        queue,
        target_of(session.row),
        validate_records(forms),
        now=await env.get_current_time(),
    )
    await session.settled(n)
    await session.handle.execute_update(
        SessionWorkflow.advance, AdvanceInput(to=SessionStage.REVIEW, reason="test")
    )
    for entry in report.accepted:
        film = env.client.get_workflow_handle_for(SubmissionWorkflow.run, entry.workflow_id)
        state = await film.query(SubmissionWorkflow.state)
        for member in state.reviewers:
            await film.execute_update(
                SubmissionWorkflow.score,
                ScoreInput(member_id=member, score=10 - int(entry.title.split()[1]) / 10),
            )
    for stage in (SessionStage.SELECTION, SessionStage.CONFIRMATION):
        await session.handle.execute_update(
            SessionWorkflow.advance, AdvanceInput(to=stage, reason="test")
        )
    session.ids = [e.submission_id for e in report.accepted]
    return session


async def test_withdrawal_after_confirming_gives_the_slot_to_the_waitlist(
    ts_env, ts_queue, pg_sessions, programmes
):
    session = await small_session(ts_env, pg_sessions, programmes, ts_queue, 8, slots=6, waitlist=2)
    ids = session.ids
    assert [o.submission_id for o in (await session.status()).picks.offers] == ids[:6]
    await session.answer(SessionWorkflow.confirm, ids[0])
    film = ts_env.client.get_workflow_handle_for(
        SubmissionWorkflow.run, submission_workflow_id(ids[0])
    )
    await film.execute_update(
        SubmissionWorkflow.withdraw, WithdrawInput(reason="the director fell ill")
    )
    for _ in range(100):  # the film tells its session, which promotes the next film
        picks = (await session.status()).picks
        if ids[6] in [o.submission_id for o in picks.offers]:
            break
        await asyncio.sleep(0.1)
    assert picks.released[ids[0]] == "withdrawn"
    assert picks.offer_of(ids[6]).from_waitlist
    await session.film_becomes(ids[6], FilmStage.OFFERED)


async def test_a_chain_of_declines_runs_the_waitlist_dry(ts_env, ts_queue, pg_sessions, programmes):
    session = await small_session(ts_env, pg_sessions, programmes, ts_queue, 7, slots=6, waitlist=3)
    ids = session.ids
    await session.answer(SessionWorkflow.decline, ids[0], "no")
    await session.answer(SessionWorkflow.decline, ids[6], "no, too")  # the promoted one
    await session.answer(SessionWorkflow.decline, ids[1], "no")
    picks = (await session.status()).picks
    assert [o.submission_id for o in picks.offers] == ids[2:6]
    assert picks.open_slots == 2 and not picks.waitlist
    assert picks.log[-1].action == "waitlist_exhausted"
    assert "2 slot(s) stay open" in picks.log[-1].reason
    for sid in ids[2:6]:
        await session.answer(SessionWorkflow.confirm, sid)
    board = await session.status()
    assert board.picks.all_confirmed and len(board.picks.offers) == 4


async def test_two_sessions_side_by_side(ts_env, ts_queue, pg_sessions, programmes):
    toulouse, donostia = await asyncio.gather(
        small_session(ts_env, pg_sessions, programmes, ts_queue, 7, key="toulouse", waitlist=1),
        small_session(
            ts_env, pg_sessions, programmes, ts_queue, 7, key="san-sebastian", waitlist=1
        ),
    )
    assert toulouse.row.id.split("/")[1].startswith("toulouse")
    await toulouse.answer(SessionWorkflow.decline, toulouse.ids[0], "no")
    t, d = (await toulouse.status()).picks, (await donostia.status()).picks
    assert toulouse.ids[6] in [o.submission_id for o in t.offers]
    assert [o.submission_id for o in d.offers] == donostia.ids[:6]  # untouched
    assert not set(toulouse.ids) & set(donostia.ids)
    with pytest.raises(WorkflowUpdateFailedError):  # a film of one is no film of the other
        await donostia.answer(SessionWorkflow.confirm, toulouse.ids[1])


async def test_staff_moves_are_validated(ts_env, ts_queue, pg_sessions, programmes):
    session = await open_on_test_server(ts_env, pg_sessions, programmes, ts_queue)
    handle = session.handle
    now = await ts_env.get_current_time()

    async def refusal(method, arg) -> str:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(method, arg)
        return refused.value.cause.message

    from models.session import ExtendInput, PinInput

    assert "only move to the next stage, review" in await refusal(
        SessionWorkflow.advance, AdvanceInput(to=SessionStage.CONFIRMATION, reason="x")
    )
    assert "deadline would fall after review_deadline" in await refusal(
        SessionWorkflow.extend,
        ExtendInput(milestone="deadline", to=now + 11 * DAY, reason="late films"),
    )
    assert "at least that many members" in await refusal(
        SessionWorkflow.set_committee, CommitteeInput(members=COMMITTEE[:2])
    )
    assert "is not a film of" in await refusal(
        SessionWorkflow.pin, PinInput(submission_id="other/session-1/film", reason="x")
    )
    assert "during confirmation" in await refusal(
        SessionWorkflow.confirm, AnswerInput(submission_id=f"{session.row.id}/x")
    )

    # A valid extension moves the timer and the stored deadline that intake checks.
    await handle.execute_update(
        SessionWorkflow.extend,
        ExtendInput(milestone="deadline", to=now + 5 * DAY, reason="more time for the call"),
    )
    await ts_env.sleep(2 * DAY)
    assert (await session.status()).stage is SessionStage.CALL_OPEN
    async with pg_sessions() as db:
        stored = await db.get(SessionRow, session.row.id, populate_existing=True)
    assert stored.deadline == now + 5 * DAY
    late = await submit_batch(
        ts_env.client,
        ts_queue,
        target_of(stored),
        validate_records([form_dict(original_title="Tarde")]),
        now=now + 5 * DAY + timedelta(seconds=1),
    )
    assert late.rejected and not late.accepted
    await ts_env.sleep(4 * DAY)
    await session.stage_becomes(SessionStage.REVIEW)  # at the extended deadline
