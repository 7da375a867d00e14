"""A film's own page as its producer sees it, from any of their links: where the film stands,
what is expected of them and by when, and the messages wipflow sent them. Never the committee's
names or scores, nor anything of another film."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError

from domain.followup import ENDINGS
from gateway.context import Context
from gateway.errors import ActionError
from gateway.handles import submission_handle
from models.messages import FilmStage
from models.orm import FollowUpRow, OutboxRow
from notifications.links import Purpose
from readmodels.answers import linked_film, open_link
from shared import followup_workflow_id
from workflows.followup import FollowUpWorkflow
from workflows.submission import SubmissionWorkflow


class Sent(BaseModel):
    kind: str
    subject: str
    at: datetime


class Expected(BaseModel):
    """What the film waits for from its producer: an answer to its offer, a fix, or the
    follow-up report that fell due."""

    what: Literal["answer_offer", "fix", "report"]
    by: datetime


class FilmPage(BaseModel):
    submission_id: str
    film: str
    session: str
    language: str
    timezone: str
    stage: FilmStage
    purpose: Purpose  # what the link that opened the page is for (an offer: a way to answer)
    expected: Expected | None
    messages: list[Sent]  # newest first


async def film_page(ctx: Context, token: str, now: datetime | None = None) -> FilmPage:
    link = open_link(ctx, token, None, now or datetime.now(UTC))
    async with ctx.database() as db:
        film, session, calendar, language = await linked_film(db, link)
        followed = await db.get(FollowUpRow, film.id)
        sent = await db.execute(
            select(OutboxRow.stage, OutboxRow.subject, OutboxRow.sent_at)
            .where(
                OutboxRow.submission_id == film.id,
                OutboxRow.recipient == film.contact_email,
                OutboxRow.sent_at.is_not(None),
            )
            .order_by(OutboxRow.sent_at.desc())
        )
    stage = FilmStage(film.status)
    return FilmPage(
        submission_id=film.id,
        film=film.original_title,
        session=session.name,
        language=language,
        timezone=calendar.timezone,
        stage=stage,
        purpose=link.purpose,
        expected=await _expected(
            ctx, film.id, stage, followed is not None and followed.status not in ENDINGS
        ),
        messages=[Sent(kind=k, subject=s, at=at) for k, s, at in sent],
    )


async def _expected(
    ctx: Context, submission_id: str, stage: FilmStage, followed: bool
) -> Expected | None:
    """The deadline the film's workflow keeps (or its follow-up's, once it is followed): asked
    of it only when it may wait on the producer."""
    if stage not in (FilmStage.OFFERED, FilmStage.NEEDS_FIX) and not followed:
        return None
    try:
        if followed:
            client = await ctx.client()
            handle = client.get_workflow_handle_for(
                FollowUpWorkflow.run, followup_workflow_id(submission_id)
            )
            due = await handle.query(FollowUpWorkflow.state, rpc_timeout=timedelta(seconds=3))
            return Expected(what="report", by=due.report_due) if due.report_due else None
        handle = await submission_handle(ctx, submission_id)
        state = await handle.query(SubmissionWorkflow.state, rpc_timeout=timedelta(seconds=3))
    except (ActionError, RPCError, WorkflowQueryFailedError, TimeoutError):
        return None  # Temporal out of reach: the page shows the rest, not an error
    if stage is FilmStage.OFFERED and state.offer_deadline:
        return Expected(what="answer_offer", by=state.offer_deadline)
    if stage is FilmStage.NEEDS_FIX and state.fix_deadline:
        return Expected(what="fix", by=state.fix_deadline)
    return None
