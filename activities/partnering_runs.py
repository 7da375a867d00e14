"""What every partnering activity shares: the session's programme, films and partners as
stored, its versioned runs (a proposal written once, whatever the retries), and solvers run off
the event loop while the activity heartbeats."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.matching.types import Quota
from domain.meetings.grid import Meeting
from models.matching import FilmNeeds
from models.orm import MatchRow, MeetingRow, PartneringRunRow, PartnerRow, SessionRow, SubmissionRow
from models.partnering import RunSummary
from models.partners import PartnerForm, needs_of
from models.programme import Programme
from models.submission import SubmissionForm
from store import repository


def refuse(message: str, kind: str) -> ApplicationError:
    """A staff request the data refuses: fails the update with the reason, never retried."""
    return ApplicationError(message, type=kind, non_retryable=True)


def quotas_of(programme: Programme) -> tuple[Quota, ...]:
    return tuple(
        Quota(label=q.label, kinds=frozenset(q.kinds), min=q.min, max=q.max)
        for q in programme.partnering.quotas
    )


async def programme_of(db: AsyncSession, session_id: str) -> Programme:
    session = await db.get(SessionRow, session_id)
    return await repository.load_programme(db, session.programme_id)


async def films_of(db: AsyncSession, ids: list[str], per_film: int) -> list[FilmNeeds]:
    rows = (await db.scalars(select(SubmissionRow).where(SubmissionRow.id.in_(ids)))).all()
    by_id = {row.id: row for row in rows}
    return [
        needs_of(sid, SubmissionForm.model_validate(by_id[sid].form), per_film)
        for sid in ids
        if sid in by_id
    ]


async def partners_of(db: AsyncSession, session_id: str) -> list[PartnerForm]:
    rows = await db.scalars(
        select(PartnerRow).where(PartnerRow.session_id == session_id).order_by(PartnerRow.id)
    )
    return [PartnerForm.model_validate(row.form) for row in rows]


async def run_of(db: AsyncSession, session_id: str, kind: str, version: int) -> RunSummary | None:
    row = await db.get(PartneringRunRow, (session_id, kind, version))
    return None if row is None else RunSummary.model_validate(row.summary)


async def save_run(
    db: AsyncSession, session_id: str, summary: RunSummary, at: datetime, actor: str
) -> None:
    db.add(
        PartneringRunRow(
            session_id=session_id,
            kind=summary.kind,
            version=summary.version,
            status=summary.status.value,
            summary=summary.model_dump(mode="json"),
            created_at=at,
            actor=actor,
        )
    )
    await repository.audit(
        db,
        key=f"{session_id}:{summary.kind}:{summary.version}:proposed",
        at=at,
        actor=actor,
        entity_type="session",
        entity_id=session_id,
        action=f"{summary.kind}_proposed",
        reason=f"version {summary.version}: " + ", ".join(f"{k} {v}" for k, v in _facts(summary)),
    )


def _facts(summary: RunSummary) -> list[tuple[str, object]]:
    facts: list[tuple[str, object]] = [("pairs", sum(summary.counts.values()))]
    if summary.objective is not None:
        facts += [("objective", round(summary.objective, 2)), ("optimal", summary.optimal)]
    if summary.kind == "meetings":
        facts.append(("unplaced", summary.unplaced))
    return facts


T = TypeVar("T")


async def solving(solver: Callable[..., T], *args: Any) -> T:
    """Run a solver in a thread and heartbeat while it works (it may take its whole time limit):
    a worker that dies mid-solve is noticed within the heartbeat timeout."""
    work = asyncio.ensure_future(asyncio.to_thread(solver, *args))
    while not (await asyncio.wait({work}, timeout=5))[0]:
        activity.heartbeat()
    return work.result()


async def plan_by_film(
    db: AsyncSession, session_id: str, kind: str, version: int
) -> dict[str, list[tuple]]:
    """Each film's matches (or meetings) of one version, comparable between versions."""
    plan: dict[str, list[tuple]] = {}
    if kind == "matching":
        rows = await db.scalars(
            select(MatchRow).where(
                MatchRow.session_id == session_id,
                MatchRow.version == version,
                MatchRow.role == "match",
            )
        )
        for r in rows:
            plan.setdefault(r.submission_id, []).append((r.partner_id,))
    else:
        for m in await meetings_of(db, session_id, version):
            plan.setdefault(m.film, []).append((m.partner, m.start, m.table))
    return {film: sorted(items) for film, items in plan.items()}


async def meetings_of(db: AsyncSession, session_id: str, version: int) -> list[Meeting]:
    rows = await db.scalars(
        select(MeetingRow).where(
            MeetingRow.session_id == session_id,
            MeetingRow.version == version,
            MeetingRow.status == "scheduled",
        )
    )
    return [
        Meeting(
            film=r.submission_id,
            partner=r.partner_id,
            start=r.starts_at,
            end=r.ends_at,
            table=r.table_no,
        )
        for r in rows
    ]
