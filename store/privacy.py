"""A film's erasure in the database: every row of the film rewritten by models/privacy.py's
table, its `erased_at` set and an audit row written, in the caller's transaction; and the films a
programme's retention is due to erase, a page at a time.

The audit row says who erased, when and why, never what: the reason is the operator's or the
retention's, and the values erased are nowhere but gone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import privacy
from models.orm import (
    AuditRow,
    AwardGrantRow,
    Base,
    EligibilityResultRow,
    FollowUpRow,
    SessionRow,
    SubmissionRow,
)
from store import repository


async def film_for_erasure(
    db: AsyncSession, submission_id: str
) -> tuple[SubmissionRow | None, str | None, int]:
    """The film's row, locked until the transaction ends (two erasures of one film queue up),
    its follow-up's status, and how many of its award grants wait on a next step."""
    row = await db.scalar(
        select(SubmissionRow).where(SubmissionRow.id == submission_id).with_for_update()
    )
    followup = await db.scalar(
        select(FollowUpRow.status).where(FollowUpRow.submission_id == submission_id)
    )
    waiting = await db.scalar(
        select(func.count())
        .select_from(AwardGrantRow)
        .where(AwardGrantRow.submission_id == submission_id, AwardGrantRow.due_at.is_not(None))
    )
    return row, followup, waiting or 0


async def erasure_reason(db: AsyncSession, submission_id: str) -> str | None:
    """Why the film was erased, as its audit row says."""
    return await db.scalar(
        select(AuditRow.reason).where(
            AuditRow.entity_id == submission_id, AuditRow.action == "erased"
        )
    )


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


async def _scrub_column(
    db: AsyncSession, name: str, columns: Sequence[str], where: Any, values: set[str]
) -> None:
    """Each free-text column of the film's rows in table `name` without the film's values."""
    table = _table(name)
    rows = (await db.execute(select(table).where(where))).mappings().all()
    keys = list(table.primary_key.columns)
    for row in rows:
        new = {c: privacy.scrub(row[c], values) for c in columns}
        if any(new[c] != row[c] for c in columns):
            await db.execute(update(table).where(*(k == row[k.name] for k in keys)).values(**new))


async def erase_film(
    db: AsyncSession, row: SubmissionRow, *, at: datetime, actor: str, reason: str
) -> None:
    """Erase the film's personal data everywhere it lies, keep its anonymous record, mark it
    erased at `at` and audit it. The caller holds the transaction and has checked it may."""
    sid = row.id
    values = privacy.personal_values(row.form) | {row.contact_name, row.contact_email}
    values = {v for v in values if v != privacy.ERASED and len(v) >= privacy.MIN_SCRUBBED}
    erased = privacy.erased_submission(
        {"form": row.form, **{p: getattr(row, p) for p in privacy.SUBMISSION_PARTS}}
    )
    await db.execute(
        update(SubmissionRow).where(SubmissionRow.id == sid).values(**erased, erased_at=at)
    )
    for table, columns in privacy.ERASED_COLUMNS.items():
        await db.execute(
            update(_table(table))
            .where(_table(table).c.submission_id == sid)
            .values(dict.fromkeys(columns, privacy.ERASED))
        )
    outbox = _table("outbox")
    await db.execute(
        update(outbox)
        .where(outbox.c.submission_id == sid, outbox.c.status.in_(privacy.UNSENT))
        .values(status=privacy.UNSENT_BECOMES)
    )
    results = await db.scalars(
        select(EligibilityResultRow).where(EligibilityResultRow.submission_id == sid)
    )
    for result in results:
        result.params = privacy.erase_params(result.params)
    for table, columns in privacy.SCRUBBED_COLUMNS.items():
        await _scrub_column(db, table, columns, _table(table).c.submission_id == sid, values)
    redacted = await _redact_audit(db, (sid, row.session_id), values)
    await repository.audit(
        db,
        key=f"erased:{sid}",
        at=at,
        actor=actor,
        entity_type="submission",
        entity_id=sid,
        action="erased",
        from_state=row.status,
        to_state=row.status,
        reason=privacy.scrub(reason, values),  # "María asked": the reason, not the name
        redacts=redacted,
    )


async def _redact_audit(db: AsyncSession, entities: Sequence[str], values: set[str]) -> list[int]:
    """The film's audit rows and its session's (a pin's or a note's reason may name the film's
    people) without the film's values; each row changed drops its salt, so its actor and reason
    are no longer checked against their commitments (models/audit_chain.py). Their seqs, for
    the erasure's own row to list."""
    rows = await db.scalars(select(AuditRow).where(AuditRow.entity_id.in_(entities)))
    redacted = []
    for audit in rows:
        actor = privacy.scrub(audit.actor, values)
        reason = privacy.scrub(audit.reason, values)
        if (actor, reason) != (audit.actor, audit.reason):
            audit.actor, audit.reason, audit.salt = actor, reason, None
            redacted.append(audit.seq)
    return sorted(redacted)


async def ended_sessions(db: AsyncSession, programme_id: str) -> dict[str, datetime]:
    """Each session of the programme and when its event ended (from its stored calendar)."""
    rows = await db.execute(
        select(SessionRow.id, SessionRow.calendar).where(SessionRow.programme_id == programme_id)
    )
    return {sid: datetime.fromisoformat(cal["event_end"]) for sid, cal in rows if cal}


async def due_films(
    db: AsyncSession, sessions: Sequence[str], statuses: frozenset[str], limit: int
) -> list[SubmissionRow]:
    """Up to `limit` films of those sessions in those statuses not erased yet, locked (a second
    run at the same moment skips them rather than waiting)."""
    if not sessions:
        return []
    query = (
        select(SubmissionRow)
        .where(
            SubmissionRow.session_id.in_(sessions),
            SubmissionRow.status.in_(statuses),
            SubmissionRow.erased_at.is_(None),
        )
        .order_by(SubmissionRow.id)
        .limit(limit)
    )
    if db.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(await db.scalars(query))
