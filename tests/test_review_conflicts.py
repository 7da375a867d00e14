"""The committee's door, the session's side, on the time-skipping server with every activity
real on PostgreSQL: a member declares a conflict with a film assigned to them and the film goes to
the least-loaded free member (or is short), their score goes and is refused afterwards with the
conflict's words; the conflicts the assignment avoided are recorded beside the declared ones; and
a film fixed once the review has begun gets its reviewers without staff running `review assign`.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from temporalio.testing import ActivityEnvironment

from actions.review import declare_conflict
from activities.reviews import ReviewActivities
from gateway.context import Context
from gateway.errors import ActionError
from intake.batch import validate_records
from intake.opening import target_of
from intake.submit import submit_batch
from models.committee import ConflictInput, ConflictSource, Relation
from models.messages import FilmStage, FixInput, WithdrawInput
from models.orm import AuditRow, ReviewAssignmentRow, ReviewConflictRow, ScoreRow
from models.session import AdvanceInput, ScoreInput, ScoreSheet, SessionStage
from models.session_io import DeclareInput
from models.sheets import SheetScore
from readmodels.review import conflicts
from settings import Settings
from shared import submission_workflow_id
from tests.conftest import keep_history
from tests.forms import form_dict
from tests.test_session_workflow import COMMITTEE, Session, open_on_test_server
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow

DECLARED = "conflict of interest declared: works for Conflict Films S.A."


def staff(ts_env, ts_queue, pg_sessions) -> Context:
    return Context(
        Settings(temporal_task_queue=ts_queue),
        database=pg_sessions,
        client=ts_env.client,
        actor="Marta Ruiz",
    )


async def in_review(ts_env, pg_sessions, programmes, ts_queue, forms: list[dict]) -> Session:
    """A session whose films are entered, judged, and (those eligible) assigned: in review."""
    session = await open_on_test_server(ts_env, pg_sessions, programmes, ts_queue)
    report = await submit_batch(
        ts_env.client,
        ts_queue,
        target_of(session.row),
        validate_records(forms),
        now=await ts_env.get_current_time(),
    )
    assert len(report.accepted) == len(forms)
    await session.settled(len(forms))
    await session.handle.execute_update(
        SessionWorkflow.advance, AdvanceInput(to=SessionStage.REVIEW, reason="test")
    )
    session.ids = {e.title: e.submission_id for e in report.accepted}
    return session


def film(title: str, company: str, **changes) -> dict:
    return form_dict(
        original_title=title,
        producers=[{"company": company, "country": "AR", "share_pct": 100}],
        **changes,
    )


async def assignments(session: Session) -> dict[str, list[str]]:
    async with session.db() as db:
        rows = await db.execute(
            select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id).where(
                ReviewAssignmentRow.session_id == session.row.id
            )
        )
    films: dict[str, list[str]] = {}
    for sid, member in rows.all():
        films.setdefault(sid, []).append(member)
    return {sid: sorted(members) for sid, members in films.items()}


def film_handle(session: Session, submission_id: str):
    return session.client.get_workflow_handle_for(
        SubmissionWorkflow.run, submission_workflow_id(submission_id)
    )


async def reviewers_become(session: Session, submission_id: str, reviewers: list[str]):
    """The film's workflow hears of its new reviewers a moment after the session decides."""
    handle = film_handle(session, submission_id)
    for _ in range(300):
        state = await handle.query(SubmissionWorkflow.state)
        if state.reviewers == reviewers:
            return state
        await asyncio.sleep(0.1)
    raise AssertionError(f"reviewers still {state.reviewers}, not {reviewers}")


async def refusal(call) -> str:
    with pytest.raises(Exception) as refused:
        await call
    exc = refused.value
    return exc.cause.message if hasattr(exc, "cause") and exc.cause else str(exc)


async def test_a_declared_conflict_reassigns_the_film_and_refuses_the_members_score(
    ts_env, ts_queue, pg_sessions, programmes
):
    forms = [film(f"Película {i}", f"Casa {i}") for i in range(6)]
    forms.append(film("Del Sur", "Cine Sur"))  # bruno works for its producer
    session = await in_review(ts_env, pg_sessions, programmes, ts_queue, forms)
    ctx = staff(ts_env, ts_queue, pg_sessions)
    before = await assignments(session)
    assert "bruno" not in before[session.ids["Del Sur"]]
    load = {m.id: sum(m.id in r for r in before.values()) for m in COMMITTEE}

    # A film with two free members: the less loaded one (ties by id) takes it.
    sid = session.ids["Película 0"]
    reviewers = before[sid]
    member = reviewers[0]
    free = [m.id for m in COMMITTEE if m.id not in reviewers]
    expected = min(free, key=lambda m: (load[m], m))
    handle = film_handle(session, sid)
    await handle.execute_update(SubmissionWorkflow.score, ScoreInput(member_id=member, score=7))

    result = await declare_conflict(
        ctx,
        session.row.id,
        member,
        sid,
        Relation.WORKS_FOR,
        "Conflict Films S.A.",
        actor=f"{member} (member)",
    )
    assert result.why == "works for Conflict Films S.A."
    assert result.replaced_by == expected
    now_reviewing = sorted([*reviewers[1:], expected])
    assert result.reviewers == now_reviewing
    after = await assignments(session)
    assert after[sid] == now_reviewing
    assert {s: r for s, r in after.items() if s != sid} == {
        s: r for s, r in before.items() if s != sid
    }
    async with session.db() as db:
        assert await db.get(ScoreRow, (sid, member)) is None  # the score went with the member
    state = await reviewers_become(session, sid, now_reviewing)
    assert member not in state.scores

    # Their score, given film by film or in a sheet, is refused with the conflict's words.
    assert (
        await refusal(
            handle.execute_update(SubmissionWorkflow.score, ScoreInput(member_id=member, score=7))
        )
        == DECLARED
    )
    sheet = await session.handle.execute_update(
        SessionWorkflow.score_sheet,
        ScoreSheet(member_id=member, scores=[SheetScore(submission_id=sid, score=7)]),
    )
    assert sheet.recorded == 0 and sheet.refused[0].reason == DECLARED

    # The activity retried (same input, same time, as Temporal would retry it after its commit):
    # the same answer, nothing more changes; the film is told again, harmlessly.
    async with session.db() as db:
        recorded = await db.get(ReviewConflictRow, (session.row.id, member, sid))
    status = await session.status()
    retried = await ActivityEnvironment().run(
        ReviewActivities(pg_sessions, ts_env.client).declare_conflict,
        DeclareInput(
            session_id=session.row.id,
            conflict=ConflictInput(
                member_id=member,
                submission_id=sid,
                relation=Relation.WORKS_FOR,
                detail="Conflict Films S.A.",
                actor=f"{member} (member)",
            ),
            members=COMMITTEE,
            review_deadline=status.calendar.review_deadline,
            score_range=(0, 10),
            at=recorded.at,
        ),
    )
    assert retried == result and await assignments(session) == after

    # Declared again: the same answer, nothing more changes.
    again = await declare_conflict(
        ctx, session.row.id, member, sid, Relation.WORKS_FOR, "Conflict Films S.A."
    )
    assert again == result
    assert await assignments(session) == after
    async with session.db() as db:
        declared = await db.scalar(
            select(func.count())
            .select_from(AuditRow)
            .where(AuditRow.entity_id == sid, AuditRow.action == "conflict_declared")
        )
    assert declared == 1

    # A film whose other members are all taken or kept from it is short.
    south = session.ids["Del Sur"]
    first, second = before[south][:2]
    spare = next(m.id for m in COMMITTEE if m.id not in before[south] and m.id != "bruno")
    one = await declare_conflict(ctx, session.row.id, first, south, Relation.RELATED, "Ana Díaz")
    assert (one.why, one.replaced_by) == ("is related to Ana Díaz", spare)
    two = await declare_conflict(ctx, session.row.id, second, south, Relation.CREDITED, None)
    assert two.replaced_by is None and len(two.reviewers) == 2
    state = await reviewers_become(session, south, two.reviewers)
    assert (
        await refusal(
            film_handle(session, south).execute_update(
                SubmissionWorkflow.score, ScoreInput(member_id="bruno", score=5)
            )
        )
        == "conflict of interest: works for Cine Sur, a producer of this film"
    )

    # Staff read both kinds, with who recorded each and why.
    lines = {(c.member_id, c.submission_id): c for c in await conflicts(ctx, session.row.id)}
    assert lines[("bruno", south)].source is ConflictSource.ASSIGNMENT
    assert lines[("bruno", south)].actor == "wipflow" and lines[("bruno", south)].title == "Del Sur"
    assert lines[(member, sid)].source is ConflictSource.DECLARED
    assert lines[(member, sid)].relation is Relation.WORKS_FOR
    assert lines[(member, sid)].actor == f"{member} (member)"
    assert lines[(second, south)].actor == "Marta Ruiz (staff)"
    assert lines[(second, south)].why == "is credited on this film"

    # Refusals: a film not theirs, one the assignment kept from them, someone off the committee,
    # a film of another session.
    [outsider] = [m.id for m in COMMITTEE if m.id not in [*now_reviewing, member]]
    not_theirs = await refusal(
        declare_conflict(ctx, session.row.id, outsider, sid, Relation.OTHER, "x")
    )
    assert f"{outsider} is not assigned to this film" in not_theirs
    kept = await refusal(
        declare_conflict(ctx, session.row.id, "bruno", south, Relation.OTHER, None)
    )
    assert "bruno was never assigned this film: works for Cine Sur" in kept
    with pytest.raises(ActionError, match="zoe is not on the committee"):
        await declare_conflict(ctx, session.row.id, "zoe", sid, Relation.OTHER, None)
    with pytest.raises(ActionError, match="is not a film of"):
        await declare_conflict(ctx, session.row.id, member, "other/x-1/film", Relation.OTHER, None)


async def test_a_film_fixed_during_review_is_assigned_without_review_assign(
    ts_env, ts_queue, pg_sessions, programmes
):
    forms = [film(f"Obra {i}", f"Casa {i}") for i in range(3)]
    forms.append(film("Tardía", "Casa 9", screener={"url": "https://we.tl/t-1"}))
    session = await in_review(ts_env, pg_sessions, programmes, ts_queue, forms)
    late = session.ids["Tardía"]
    assert late not in await assignments(session)  # it needed a fix when the review began
    handle = film_handle(session, late)
    fixed = await handle.execute_update(
        SubmissionWorkflow.submit_fix,
        FixInput(changes={"screener": {"url": "https://vimeo.com/5"}}),
    )
    assert fixed.stage is FilmStage.ELIGIBLE
    await session.film_becomes(late, FilmStage.UNDER_REVIEW)
    state = await handle.query(SubmissionWorkflow.state)
    assert len(state.reviewers) == 3
    assert (await assignments(session))[late] == state.reviewers

    # Its reviewers are the session's like any other's: one declares a conflict with it.
    ctx = staff(ts_env, ts_queue, pg_sessions)
    member = state.reviewers[0]
    result = await declare_conflict(ctx, session.row.id, member, late, Relation.OTHER, None)
    await reviewers_become(session, late, result.reviewers)
    await handle.execute_update(SubmissionWorkflow.withdraw, WithdrawInput(reason="test over"))
    await handle.result()
    await keep_history(handle, "submission-fixed-during-review-then-withdrawn")
    for stage in list(SessionStage)[2:]:
        await session.handle.execute_update(
            SessionWorkflow.advance, AdvanceInput(to=stage, reason="test")
        )
    assert (await session.handle.result()).stage is SessionStage.CLOSED
    await keep_history(session.handle, "session-late-film-and-a-declared-conflict")
