"""Partnering end to end on the time-skipping server, every activity real on PostgreSQL: the
lineup opens partnering; partners are imported; matching is proposed, overridden, approved and
told; meetings are scheduled, re-planned around an absence and told only to the films they moved;
the jury's awards are validated, split, and each share's lifecycle keeps its deadlines."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from domain.meetings.grid import Meeting
from intake.partners import import_partners
from models.choices import AwardStep, OverrideAction
from models.messages import WithdrawInput
from models.orm import AwardGrantRow, MatchRow, MeetingRow, OutboxRow, PartnerRow
from models.partnering import (
    AbsenceRequest,
    ApproveRequest,
    DeclineRequest,
    GrantRequest,
    GrantShare,
    MatchingRequest,
    OverrideRequest,
    RunStatus,
    StepRequest,
)
from models.session import AdvanceInput, SessionStage
from shared import award_workflow_id, partnering_workflow_id, submission_workflow_id
from tests.conftest import keep_history
from tests.test_session_workflow import small_session
from workflows.award import AwardWorkflow
from workflows.partnering import PartneringWorkflow
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow

POST = ["grading", "sound_mix", "dcp"]


def partners(keys: list[str]) -> list[dict]:
    """Two post houses, a sales agent, a distributor whose company produced film 0 (a conflict
    of interest), and a TV buyer that opts out of film 1 and bids on film 2."""
    return [
        dict(id="laserfilm", name="Laserfilm", kind="post_house", company="Laserfilm",
             services=POST, capacity=2, languages=["es"]),
        dict(id="mactari", name="Studio Mactari", kind="post_house", company="Studio Mactari",
             services=["sound_edit", "sound_mix"], capacity=2, languages=["fr"]),
        dict(id="film-factory", name="Film Factory", kind="sales_agent", company="Film Factory",
             capacity=2, territories=["ES", "FR", "US"]),
        dict(id="casa-0-dist", name="Casa 0 Distribución", kind="distributor", company="Casa 0",
             capacity=3, territories=["AR"]),
        dict(id="cine-plus", name="Ciné+", kind="tv_buyer", company="Ciné+", capacity=3,
             territories=["FR"], opt_outs=[keys[1]], bids={keys[2]: 0.9}),
    ]  # fmt: skip


async def eventually(check, within: float = 30):
    deadline = asyncio.get_running_loop().time() + within
    while not (result := await check()):
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.2)
    return result


async def outbox(db, sid: str, stage: str) -> list[OutboxRow]:
    async with db() as s:
        return (
            await s.scalars(
                select(OutboxRow).where(OutboxRow.session_id == sid, OutboxRow.stage == stage)
            )
        ).all()


@pytest.fixture
async def lineup_session(ts_env, ts_queue, pg_sessions, programmes, tmp_path):
    """A San Sebastián session whose three slots are confirmed, with its partners imported."""
    session = await small_session(
        ts_env, pg_sessions, programmes, ts_queue, 5, slots=3, waitlist=1, key="san-sebastian"
    )
    for sid in session.ids[:3]:
        await session.answer(SessionWorkflow.confirm, sid)
    keys = [sid.rsplit("/", 1)[1] for sid in session.ids]
    path = tmp_path / "partners.json"
    bad = dict(partners(keys)[0], id="bad", capacity=-1, bids={"no-such-film": 0.5})
    path.write_text(json.dumps({"partners": [*partners(keys), bad]}))
    report = await import_partners(pg_sessions, session.row.id, path)
    assert sorted(report.imported) == sorted(p["id"] for p in partners(keys))
    assert [(r.row, sorted(e.field for e in r.errors)) for r in report.rejected] == [
        (6, ["capacity"])
    ]
    again = await import_partners(pg_sessions, session.row.id, path)
    assert again.imported == [] and len(again.unchanged) == 5
    session.partnering = ts_env.client.get_workflow_handle_for(
        PartneringWorkflow.run, partnering_workflow_id(session.row.id)
    )
    session.lineup = session.ids[:3]
    await eventually(lambda: _opened(session))
    return session


async def _opened(session) -> bool:
    try:
        status = await session.partnering.query(PartneringWorkflow.status)
    except Exception:
        return False
    return status.lineup == session.lineup


async def test_an_unknown_film_key_in_a_partner_file_is_refused_by_field(
    lineup_session, pg_sessions, tmp_path
):
    path = tmp_path / "more.json"
    path.write_text(
        json.dumps(
            [
                dict(partners(["x", "y", "z"])[0], id="other", bids={"no-such-film": 0.5}),
                dict(id="tv", name="TV", kind="tv_buyer", company="TV", capacity=1),
            ]
        )
    )
    report = await import_partners(pg_sessions, lineup_session.row.id, path)
    assert report.imported == []
    assert [[e.field for e in r.errors] for r in report.rejected] == [
        ["bids.no-such-film"],
        ["form"],  # a TV buyer without territories
    ]
    assert "territories" in report.rejected[1].errors[0].message
    async with pg_sessions() as db:
        assert await db.get(PartnerRow, (lineup_session.row.id, "other")) is None


async def test_matching_is_proposed_overridden_approved_and_told(lineup_session, pg_sessions):
    session, handle = lineup_session, lineup_session.partnering
    sid, lineup = session.row.id, session.lineup
    proposal = await handle.execute_update(PartneringWorkflow.run_matching, MatchingRequest())
    assert proposal.optimal and proposal.bound >= proposal.objective - 1e-6
    async with pg_sessions() as db:
        rows = (
            await db.scalars(
                select(MatchRow).where(MatchRow.session_id == sid, MatchRow.version == 1)
            )
        ).all()
    chosen = [(r.submission_id, r.partner_id) for r in rows if r.role == "match"]
    kinds = {p["id"]: p["kind"] for p in partners(["a", "b", "c"])}
    for film in lineup:  # quotas: a post house, and a sales agent or a distributor
        mine = [kinds[p] for f, p in chosen if f == film]
        assert "post_house" in mine
        assert {"sales_agent", "distributor"} & set(mine)
    assert (lineup[0], "casa-0-dist") not in chosen  # its own producer: a conflict
    assert (lineup[1], "cine-plus") not in chosen  # the partner opted out
    assert (lineup[2], "cine-plus") in chosen  # it bid
    assert all(r.reasons for r in rows)
    assert any(r.role == "alternate" and r.why_not for r in rows)
    assert await outbox(pg_sessions, sid, "partner_matches") == []  # nothing before approval

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            PartneringWorkflow.override_match,
            OverrideRequest(
                submission_id=lineup[0],
                partner_id="casa-0-dist",
                action=OverrideAction.ADD,
                reason="staff insist",
            ),
        )
    assert "Casa 0" in str(refused.value.cause.cause)
    # A film with a single post house (which film it is depends on how the optimum's ties fall):
    # removing it leaves the film below the post-house quota.
    posts = {f: [p for g, p in chosen if g == f and kinds[p] == "post_house"] for f in lineup}
    single = next(f for f in lineup if len(posts[f]) == 1)
    removed = posts[single][0]
    after = await handle.execute_update(
        PartneringWorkflow.override_match,
        OverrideRequest(
            submission_id=single,
            partner_id=removed,
            action=OverrideAction.REMOVE,
            reason="the producer already works with them",
        ),
    )
    assert not after.optimal and any("post-production house" in w for w in after.warnings)

    told = await handle.execute_update(PartneringWorkflow.approve_matching, ApproveRequest())
    assert sorted(told) == sorted(lineup)
    sent = await eventually(lambda: _count(pg_sessions, sid, "partner_matches", 3), within=60)
    assert {m.submission_id for m in sent} == set(lineup)
    assert all(m.occurrence == "1" for m in sent)
    with pytest.raises(WorkflowUpdateFailedError, match="update"):
        await handle.execute_update(PartneringWorkflow.approve_matching, ApproveRequest())


async def _count(db, sid: str, stage: str, n: int):
    rows = await outbox(db, sid, stage)
    return rows if len(rows) >= n and all(r.status == "sent" for r in rows) else None


async def test_meetings_are_scheduled_and_an_absence_moves_only_its_meetings(
    lineup_session, pg_sessions, programmes
):
    session, handle = lineup_session, lineup_session.partnering
    sid = session.row.id
    with pytest.raises(WorkflowUpdateFailedError):  # meetings follow approved matches
        await handle.execute_update(PartneringWorkflow.schedule_meetings, ApproveRequest())
    await handle.execute_update(PartneringWorkflow.run_matching, MatchingRequest())
    await handle.execute_update(PartneringWorkflow.approve_matching, ApproveRequest())
    first = await handle.execute_update(PartneringWorkflow.schedule_meetings, ApproveRequest())
    assert first.unplaced == 0
    await handle.execute_update(PartneringWorkflow.approve_meetings, ApproveRequest())
    before = await _meetings(pg_sessions, sid, first.version)
    busiest = max({m.partner for m in before}, key=lambda p: [m.partner for m in before].count(p))
    day_one = min(m.start for m in before)
    absence = AbsenceRequest(
        who=busiest, start=day_one, end=day_one + timedelta(hours=24), reason="flight delayed"
    )
    second = await handle.execute_update(PartneringWorkflow.absent, absence)
    after = await _meetings(pg_sessions, sid, second.version)
    moved = {(m.film, m.partner) for m in before} - {(m.film, m.partner, m.start) for m in after}
    for m in before:
        if m.partner != busiest or m.start >= absence.end:
            assert m in after  # same slot, same table
    for m in after:
        assert not (m.partner == busiest and absence.start <= m.start < absence.end)
    told = await handle.execute_update(PartneringWorkflow.approve_meetings, ApproveRequest())
    changed_films = {m.film for m in before if m.partner == busiest and m.start < absence.end}
    assert set(told) == changed_films and moved
    sent = await eventually(
        lambda: _count(pg_sessions, sid, "meeting_schedule", 3 + len(told)), within=60
    )
    assert sorted(m.submission_id for m in sent if m.occurrence == str(second.version)) == sorted(
        told
    )
    await keep_history(handle, "partnering-matching-meetings-absence")


async def _meetings(db, sid: str, version: int) -> list[Meeting]:
    async with db() as s:
        rows = await s.scalars(
            select(MeetingRow).where(
                MeetingRow.session_id == sid,
                MeetingRow.version == version,
                MeetingRow.status == "scheduled",
            )
        )
        return [
            Meeting(
                film=r.submission_id, partner=r.partner_id, start=r.starts_at, end=r.ends_at,
                table=r.table_no,
            )
            for r in rows
        ]  # fmt: skip


async def test_awards_are_validated_split_and_keep_their_deadlines(
    ts_env, lineup_session, pg_sessions
):
    session, handle = lineup_session, lineup_session.partnering
    lineup = session.lineup

    async def grant(award: str, *shares: tuple[str, float]):
        request = GrantRequest(
            award_id=award,
            films=[GrantShare(submission_id=f, share_pct=p) for f, p in shares],
        )
        return await handle.execute_update(PartneringWorkflow.grant_award, request)

    for award, shares, why in [
        ("no-such-award", [(lineup[0], 100)], "has no award"),
        ("film-factory", [(session.ids[4], 100)], "not in the session's lineup"),
        ("film-factory", [(lineup[0], 70), (lineup[1], 40)], "add up to 110%"),
        ("ibermedia-tv-documentary", [(lineup[0], 100)], "is for documentary"),
    ]:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await grant(award, *shares)
        cause = refused.value.cause
        while getattr(cause, "cause", None) is not None:
            cause = cause.cause
        assert why in str(cause), (award, str(cause))

    grants = await grant("film-factory", (lineup[0], 60), (lineup[1], 40))
    assert [str(g.value) for g in grants] == ["24000.00", "16000.00"]
    with pytest.raises(WorkflowUpdateFailedError, match="update"):
        await grant("film-factory", (lineup[2], 10))  # the whole award is given

    award = ts_env.client.get_workflow_handle_for(
        AwardWorkflow.run, award_workflow_id(grants[0].grant_id)
    )
    await eventually(lambda: _count(pg_sessions, session.row.id, "award_granted", 2), within=60)
    with pytest.raises(WorkflowUpdateFailedError):  # no skipping to the contract
        await award.execute_update(
            AwardWorkflow.record_step, StepRequest(step=AwardStep.CONTRACT_SIGNED)
        )
    state = await award.execute_update(
        AwardWorkflow.record_step, StepRequest(step=AwardStep.ACCEPTED, actor="producer")
    )
    assert state.next_step is AwardStep.CONTRACT_SIGNED
    assert state.due - state.done[AwardStep.ACCEPTED] == timedelta(days=90)

    await ts_env.sleep(timedelta(days=91))  # the contract is late
    state = await eventually(lambda: _overdue(award))
    async with pg_sessions() as db:
        row = await db.get(AwardGrantRow, grants[0].grant_id)
    assert row.overdue and row.step == "accepted"
    alerts = await eventually(lambda: _count(pg_sessions, session.row.id, "escalation", 1))
    assert ("film-factory-contract_signed", "staff@wipflow.local") in [
        (a.occurrence, a.recipient) for a in alerts if a.submission_id == lineup[0]
    ]
    await award.execute_update(
        AwardWorkflow.record_step,
        StepRequest(step=AwardStep.CONTRACT_SIGNED, note="contract FF-2027-01"),
    )
    with pytest.raises(WorkflowUpdateFailedError):
        await award.execute_update(AwardWorkflow.decline, DeclineRequest(reason="too late"))
    state = await award.query(AwardWorkflow.state)
    assert state.step is AwardStep.CONTRACT_SIGNED and not state.overdue
    await keep_history(award, "award-overdue-then-signed")

    other = ts_env.client.get_workflow_handle_for(
        AwardWorkflow.run, award_workflow_id(grants[1].grant_id)
    )
    declined = await other.execute_update(
        AwardWorkflow.decline, DeclineRequest(reason="the film found another sales agent")
    )
    assert declined.declined and declined.next_step is None
    assert (await other.result()).declined
    await keep_history(other, "award-declined")

    async def released():
        status = await handle.query(PartneringWorkflow.status)
        return lineup[1] not in status.grants["film-factory"]

    await eventually(released)  # the declined 40% is the jury's to give again
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await grant("film-factory", (lineup[1], 40))
    assert "already granted" in str(refused.value.cause.cause)
    [regranted] = await grant("film-factory", (lineup[2], 40))
    assert str(regranted.value) == "16000.00"
    await keep_history(handle, "partnering-grants-and-a-release")


async def _overdue(award):
    state = await award.query(AwardWorkflow.state)
    return state if state.overdue else None


async def test_partnering_follows_the_lineup_and_closes_with_the_session(
    lineup_session, pg_sessions
):
    session, handle = lineup_session, lineup_session.partnering
    await handle.execute_update(PartneringWorkflow.run_matching, MatchingRequest())
    await handle.execute_update(PartneringWorkflow.approve_matching, ApproveRequest())
    assert (await handle.query(PartneringWorkflow.status)).matching is RunStatus.APPROVED
    film = session.client.get_workflow_handle_for(
        SubmissionWorkflow.run, submission_workflow_id(session.lineup[0])
    )
    await film.execute_update(SubmissionWorkflow.withdraw, WithdrawInput(reason="fell ill"))

    async def stale():
        status = await handle.query(PartneringWorkflow.status)
        return status if status.matching is RunStatus.STALE else None

    status = await eventually(stale)
    assert session.lineup[0] not in status.lineup
    for stage in (SessionStage.EVENT, SessionStage.FOLLOW_UP, SessionStage.CLOSED):
        await session.handle.execute_update(
            SessionWorkflow.advance, AdvanceInput(to=stage, reason="test")
        )
    final = await handle.result()
    assert final.matching is RunStatus.STALE
    await keep_history(handle, "partnering-stale-then-closed")
    await keep_history(session.handle, "session-call-to-closed")
    await keep_history(film, "submission-confirmed-then-withdrawn")
    await keep_history(film, "submission-local-steps-confirmed-then-withdrawn")
    with pytest.raises(RPCError, match="not found"):  # a closed workflow takes no update
        await handle.execute_update(PartneringWorkflow.run_matching, MatchingRequest())
