"""A film's personal data erased on request, and the programmes' retention schedules.

An erasure runs in one transaction on the database alone (no workflow is asked: the film's are
over, see domain/privacy.refusal), so it works while Temporal is down; its workflow histories are
the codec's to make unreadable (per-session keys, `privacy forget-key`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
    ScheduleUpdate,
)
from temporalio.service import RPCError, RPCStatusCode

from domain.privacy import ErasureFacts, refusal
from gateway.context import Context
from gateway.errors import ActionError
from models.programme import load_programmes
from models.retention import RetentionInput
from shared import WorkflowType, retention_schedule_id
from store import privacy as store


class Erasure(BaseModel):
    """What `privacy erase` did: erased now, or found erased on an earlier date (and why then)."""

    submission_id: str
    erased_at: datetime
    already: bool
    reason: str


async def erase(ctx: Context, submission_id: str, reason: str, actor: str | None = None) -> Erasure:
    """Erase one film's personal data and keep its anonymous record; a second time changes
    nothing and says when it was erased."""
    reason = reason.strip()
    if not reason:
        raise ActionError("--reason must say why the film's personal data is erased")
    async with ctx.database.begin() as db:
        row, followup, waiting = await store.film_for_erasure(db, submission_id)
        if row is None:
            raise ActionError(f"no submission {submission_id!r}")
        if row.erased_at is not None:
            first = await store.erasure_reason(db, submission_id)
            return Erasure(
                submission_id=submission_id,
                erased_at=row.erased_at,
                already=True,
                reason=first or "",
            )
        if why := refusal(submission_id, ErasureFacts(row.status, followup, waiting)):
            raise ActionError(why)
        at = datetime.now(UTC)
        await store.erase_film(db, row, at=at, actor=actor or ctx.actor, reason=reason)
    return Erasure(submission_id=submission_id, erased_at=at, already=False, reason=reason)


class RetentionSchedule(BaseModel):
    """A programme's retention schedule as `privacy schedule` left it."""

    programme_id: str
    schedule_id: str
    not_selected_months: int | None  # None: the programme keeps its films' data
    state: Literal["created", "updated", "removed"]


# Once a day; a film due today is erased by tomorrow at the latest.
EVERY = timedelta(days=1)


async def schedule_retention(ctx: Context) -> list[RetentionSchedule]:
    """Create, or bring up to date, `retention/<programme>` for every programme whose file sets
    a retention; each runs the retention workflow once a day on this worker's task queue. A
    programme whose file no longer sets one loses its schedule."""
    client = await ctx.client()
    done = []
    for programme in load_programmes(ctx.settings.programmes_dir).values():
        months = programme.retention.not_selected_months
        sid = retention_schedule_id(programme.id)
        if months is None:
            if await _remove(client, sid):
                done.append(
                    RetentionSchedule(
                        programme_id=programme.id,
                        schedule_id=sid,
                        not_selected_months=None,
                        state="removed",
                    )
                )
            continue
        action = ScheduleActionStartWorkflow(
            WorkflowType.RETENTION.value,
            RetentionInput(programme_id=programme.id, not_selected_months=months),
            id=sid,
            task_queue=ctx.settings.temporal_task_queue,
        )
        spec = ScheduleSpec(intervals=[ScheduleIntervalSpec(every=EVERY)])
        schedule = Schedule(action=action, spec=spec)
        try:
            await client.create_schedule(sid, schedule)
            state = "created"
        except ScheduleAlreadyRunningError:
            # The programme file may have changed its months: the schedule follows it.
            await client.get_schedule_handle(sid).update(
                lambda _, new=schedule: ScheduleUpdate(schedule=new)
            )
            state = "updated"
        done.append(
            RetentionSchedule(
                programme_id=programme.id, schedule_id=sid, not_selected_months=months, state=state
            )
        )
    return done


async def _remove(client: Client, schedule_id: str) -> bool:
    """Delete the schedule; False if there was none."""
    try:
        await client.get_schedule_handle(schedule_id).delete()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True
