"""A selected film's erasure on PostgreSQL, through the action staff call: refused while its
follow-up or an award waits on its producer, then done; the statistics still count it,
anonymously; its committee's comment keeps its words without the film's names; a message that
was never sent will not be."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from actions.privacy import erase
from gateway.context import Context
from gateway.errors import ActionError
from intake.opening import open_session
from models.orm import AwardGrantRow, FollowUpRow, OutboxRow, ScoreRow, SubmissionRow
from models.privacy import ERASED
from readmodels.stats import figures
from settings import Settings
from store import repository
from tests.test_retention import enter


async def test_a_selected_film_is_erased_once_nobody_waits_on_its_producer(pg_sessions, programmes):
    session = await open_session(pg_sessions, programmes["films-in-progress"], "toulouse", 2018)
    (film,) = await enter(pg_sessions, session, ["closed"])
    now = datetime.now(UTC)
    async with pg_sessions.begin() as db:
        row = await db.get(SubmissionRow, film)
        contact = row.contact_name
        followup = FollowUpRow(
            submission_id=film,
            session_id=session.id,
            programme_id=session.programme_id,
            workflow_id=f"followup/{film}",
            status="following",
            started_at=now - timedelta(days=400),
            reports=2,
            premiere_festival="Cannes",
            premiere_on=(now - timedelta(days=30)).date(),
        )
        grant = AwardGrantRow(
            id=f"{film}/prize",
            session_id=session.id,
            award_id="prize",
            submission_id=film,
            share_pct=100,
            currency="EUR",
            step="accepted",
            due_at=now + timedelta(days=60),
            workflow_id=f"award/{film}/prize",
            granted_at=now - timedelta(days=400),
            actor="jury",
            reason=f"to {contact}'s daring film",
        )
        score = ScoreRow(
            submission_id=film,
            member_id="ana",
            session_id=session.id,
            score=8.5,
            comment=f"{contact} should cut the prologue",
            scored_at=now,
        )
        held = OutboxRow(
            key=f"held-{film}"[-64:],
            submission_id=film,
            session_id=session.id,
            stage="followup_due",
            occurrence="1",
            language="es",
            recipient=row.contact_email,
            subject=f"Hola {contact}",
            text=f"Hola {contact}",
            html=f"<p>Hola {contact}</p>",
            status="held",
            attempts=0,
            created_at=now,
        )
        db.add_all([followup, grant, score, held])
        await repository.audit(
            db,
            key=f"{session.id}:note:{film}",
            at=now,
            actor="Marta (staff)",
            entity_type="session",
            entity_id=session.id,
            action="pinned",
            reason=f"pinned: {contact} called the office",
        )
    ctx = Context(Settings(), database=pg_sessions, actor="tester")

    with pytest.raises(ActionError, match="follow-up is following.*close it first"):
        await erase(ctx, film, "the producer asked")
    async with pg_sessions.begin() as db:
        (await db.get(FollowUpRow, film)).status = "premiered"
    with pytest.raises(ActionError, match="1 award grant"):
        await erase(ctx, film, "the producer asked")
    async with pg_sessions.begin() as db:
        (await db.get(AwardGrantRow, f"{film}/prize")).due_at = None

    done = await erase(ctx, film, f"{contact} asked")
    assert not done.already
    assert (await erase(ctx, film, "twice")).already

    async with pg_sessions() as db:
        score = await db.get(ScoreRow, (film, "ana"))
        grant = await db.get(AwardGrantRow, f"{film}/prize")
        held = await db.get(OutboxRow, f"held-{film}"[-64:])
    assert score.score == 8.5 and score.comment == f"{ERASED} should cut the prologue"
    assert grant.reason == f"to {ERASED}'s daring film" and grant.share_pct == 100
    assert held.status == "erased" and held.recipient == held.text == ERASED
    async with pg_sessions() as db:
        trail = {a.action: a.reason for a in await repository.audit_trail(db, session.id)}
        trail |= {a.action: a.reason for a in await repository.audit_trail(db, film)}
    assert trail["pinned"] == f"pinned: {ERASED} called the office"
    assert trail["erased"] == f"{ERASED} asked"

    found = await figures(ctx, "films-in-progress", [session.id], None)
    assert (found.stats.films, found.stats.premiered, found.stats.erased) == (1, 1, 1)
    assert found.stats.premieres_by_festival == {"Cannes": 1}
