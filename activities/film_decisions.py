"""Activities that tell film workflows the session's decisions, a page at a time.

A session may hold 20,000 films: these record each film's new status and the decision in bulk,
then signal the films' workflows with bounded concurrency, heartbeating their progress so a
retry resumes where the last attempt stopped. Every signal carries a decision that a film may
receive twice harmlessly.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from models.messages import FilmStage
from models.orm import SubmissionRow
from models.session import STAGE_FOR_DECISION, DecisionKind, FilmDecision
from models.session_io import NotSelectedInput, Tell, TellInput
from shared import submission_workflow_id
from store import audit as audit_chain

SIGNAL_CONCURRENCY = 50
PAGE = 500
# Films the committee reviews and ranks.
REVIEWABLE = (FilmStage.ELIGIBLE.value, FilmStage.UNDER_REVIEW.value)


class DecisionActivities:
    def __init__(self, database: async_sessionmaker, client: Client) -> None:
        self._database = database
        self._client = client

    @activity.defn
    async def tell_films(self, data: TellInput) -> int:
        return await self.tell(data.session_id, data.tells, actor=data.actor, key=data.key)

    @activity.defn
    async def tell_not_selected(self, data: NotSelectedInput) -> int:
        """Tell every reviewable film outside `keep` that it was not selected, page by page.

        A told film leaves the reviewable set, so the query itself is where a retry resumes."""
        done = 0
        decision = FilmDecision(kind=DecisionKind.NOT_SELECTED, at=data.at, reason=data.reason)
        while True:
            async with self._database() as db:
                page = (
                    await db.scalars(
                        select(SubmissionRow.id)
                        .where(
                            SubmissionRow.session_id == data.session_id,
                            SubmissionRow.status.in_(REVIEWABLE),
                            SubmissionRow.id.not_in(data.keep),
                        )
                        .order_by(SubmissionRow.id)
                        .limit(PAGE)
                    )
                ).all()
            if not page:
                return done
            await self.tell(
                data.session_id,
                [Tell(submission_id=sid, decision=decision) for sid in page],
                actor="wipflow",
                key=f"{data.session_id}:not_selected",
            )
            done += len(page)
            activity.heartbeat(done)

    async def tell(self, session_id: str, tells: list[Tell], *, actor: str, key: str) -> int:
        """Record each film's new status and the decision (in bulk), then signal its workflow;
        a page at a time, heartbeating, so thousands of films never stall the activity."""
        limit = asyncio.Semaphore(SIGNAL_CONCURRENCY)

        async def signal(tell: Tell) -> None:
            async with limit:
                handle = self._client.get_workflow_handle(
                    submission_workflow_id(tell.submission_id)
                )
                try:
                    await handle.signal("decide", tell.decision)
                except RPCError as exc:
                    # A film whose workflow has ended (withdrawn meanwhile) needs no word.
                    if exc.status != RPCStatusCode.NOT_FOUND:
                        raise

        for start in range(0, len(tells), PAGE):
            page = tells[start : start + PAGE]
            async with self._database.begin() as db:
                changes: dict[tuple[FilmStage, datetime], list[str]] = {}
                for tell in page:
                    status = STAGE_FOR_DECISION[tell.decision.kind]
                    changes.setdefault((status, tell.decision.at), []).append(tell.submission_id)
                for (status, at), ids in changes.items():
                    await db.execute(
                        update(SubmissionRow)
                        .where(SubmissionRow.id.in_(ids))
                        .values(status=status.value, updated_at=at)
                    )
                await audit_chain.append(
                    db,
                    [
                        dict(
                            idempotency_key=f"{key}:{t.submission_id}:{t.decision.kind.value}",
                            at=t.decision.at,
                            actor=t.actor or actor,
                            entity_type="submission",
                            entity_id=t.submission_id,
                            action=t.decision.kind.value,
                            from_state=None,
                            to_state=STAGE_FOR_DECISION[t.decision.kind].value,
                            reason=t.decision.reason,
                        )
                        for t in page
                    ],
                )
            await asyncio.gather(*(signal(t) for t in page))
            activity.heartbeat(start + len(page))
        return len(tells)

    def all(self) -> list:
        return [self.tell_films, self.tell_not_selected]
