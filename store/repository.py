"""Reads and idempotent writes on the relational record.

Activities run at least once, so every insert here is keyed (a primary key, a unique triple, or an
audit idempotency key) and uses INSERT ... ON CONFLICT DO NOTHING: a retried or replayed activity
finds its row already written and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from models.committee import ConflictSource
from models.orm import (
    AuditRow,
    EmbargoRow,
    ProgrammeRow,
    ReviewAssignmentRow,
    ReviewConflictRow,
    ScoreRow,
    SessionRow,
    SubmissionRow,
)
from models.programme import Programme
from store import audit as audit_chain
from store.statements import batches, dialect_insert, ignoring


async def insert_ignore(
    db: AsyncSession, table: Any, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> int:
    """Insert rows, skipping those whose `keys` already exist; returns how many were new.

    The statement has no values of its own, so SQLAlchemy compiles it once and caches it: rows
    go as its parameters. `.values(rows)` would make a multi-row VALUES that cannot be cached and
    is compiled at every call (a film's eligibility results, a tenth of the worker's CPU for a
    film in bench/pipeline.py), and `.values(row)` coerces every column into the statement.
    Many rows go in one executemany, which SQLAlchemy sends as pages of multi-row VALUES
    ("insertmanyvalues") from the cached statement; RETURNING counts the rows that were new."""
    if not rows:
        return 0
    stmt = ignoring(db.bind.dialect.name, getattr(table, "__table__", table), tuple(keys))
    if len(rows) == 1:
        return (await db.execute(stmt, rows[0])).rowcount
    counted = stmt.returning(*(stmt.table.c[key] for key in keys))
    new = 0
    for batch in batches(rows):
        new += len((await db.execute(counted, list(batch))).all())
    return new


async def upsert_programme(db: AsyncSession, programme: Programme) -> None:
    """Store the programme as validated now; sessions then judge by the rules stored here."""
    config = programme.model_dump(mode="json")
    # One statement, not a read then an insert: two sessions of a programme opened at the same
    # moment both store it (bench/web.py opening three at once met the primary key otherwise).
    insert = dialect_insert(db.bind.dialect.name)
    stmt = insert(ProgrammeRow).values(id=programme.id, name=programme.name, config=config)
    await db.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"], set_={"name": stmt.excluded.name, "config": stmt.excluded.config}
        )
    )


# Each programme as last validated, with the stored file it came from: every message and every
# check reads its programme, and validating the whole file each time cost about a millisecond.
_VALIDATED: dict[str, tuple[dict[str, Any], Programme]] = {}


async def load_programme(db: AsyncSession, programme_id: str) -> Programme:
    """The programme as stored now (a stored file that changed is validated again)."""
    row = await db.get(ProgrammeRow, programme_id)
    if row is None:
        raise LookupError(f"programme {programme_id!r} is not in the database")
    return validated(row)


def validated(row: ProgrammeRow) -> Programme:
    known = _VALIDATED.get(row.id)
    if known is not None and known[0] == row.config:
        return known[1]  # frozen: safe to share
    programme = Programme.model_validate(row.config)
    _VALIDATED[row.id] = (row.config, programme)
    return programme


# What a message needs of its film (`film_in_session`).
MESSAGE_COLUMNS = (
    SubmissionRow.id,
    SubmissionRow.session_id,
    SubmissionRow.original_title,
    SubmissionRow.contact_name,
    SubmissionRow.contact_email,
    SubmissionRow.contact_language,
)


# Statements a film meets at every step are built once, with their values as parameters: built
# at each call, their construction and cache key cost a tenth of the worker's thread for a film
# (bench/pipeline.py under py-spy), more than running them.
_FILM_IN_SESSION = (
    select(SubmissionRow, SessionRow, ProgrammeRow, EmbargoRow.stage)
    .options(load_only(*MESSAGE_COLUMNS, raiseload=True))
    .join(SessionRow, SessionRow.id == SubmissionRow.session_id)
    .join(ProgrammeRow, ProgrammeRow.id == SubmissionRow.programme_id)
    .outerjoin(
        EmbargoRow,
        (EmbargoRow.session_id == SubmissionRow.session_id)
        & (EmbargoRow.stage == bindparam("stage")),
    )
    .where(SubmissionRow.id == bindparam("submission_id"))
)


async def film_in_session(
    db: AsyncSession, submission_id: str, stage: str
) -> tuple[SubmissionRow, SessionRow, Programme, bool]:
    """A film with its session, its programme, and whether the session holds `stage`'s
    messages under embargo, in one query: every message about the film needs all four. Of the
    film, only what a message says and where it goes (its form and the rest are JSON, decoded
    at every message for nothing); anything else read of it raises rather than loads."""
    found = await db.execute(_FILM_IN_SESSION, {"submission_id": submission_id, "stage": stage})
    film, session, programme, embargo = found.one()
    return film, session, validated(programme), embargo is not None


async def get_session(db: AsyncSession, session_id: str) -> SessionRow | None:
    return await db.get(SessionRow, session_id)


async def audit(
    db: AsyncSession,
    *,
    key: str,
    at: datetime,
    actor: str,
    entity_type: str,
    entity_id: str,
    action: str,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    redacts: list[int] | None = None,
) -> bool:
    """Append one row to the audit log (its chain: `store.audit`); False if its key was there.
    An erasure's row names in `redacts` the rows of its chain whose actor or reason it cleared."""
    row = dict(
        idempotency_key=key,
        at=at,
        actor=actor,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        redacts=redacts,
    )
    return await audit_chain.append(db, [row]) == 1


async def insert_submission(db: AsyncSession, row: dict[str, Any]) -> bool:
    return await insert_ignore(db, SubmissionRow, [row], ["id"]) == 1


# A Core statement: the ORM would "synchronise" loaded films by evaluating its WHERE in Python,
# where a parameter reads as None. No caller holds the film loaded while it changes its status.
_SUBMISSIONS = SubmissionRow.__table__
_SET_STATUS = (
    update(_SUBMISSIONS)
    .where(_SUBMISSIONS.c.id == bindparam("submission_id"))
    .values(status=bindparam("new_status"), updated_at=bindparam("at"))
)
_SET_STATUS_AND_FORM = _SET_STATUS.values(form=bindparam("new_form"))


async def set_submission_status(
    db: AsyncSession, submission_id: str, status: str, at: datetime, form: dict | None = None
) -> None:
    values: dict[str, Any] = {"submission_id": submission_id, "new_status": status, "at": at}
    if form is None:
        await db.execute(_SET_STATUS, values)
    else:
        await db.execute(_SET_STATUS_AND_FORM, values | {"new_form": form})


async def audit_trail(db: AsyncSession, entity_id: str) -> list[AuditRow]:
    query = (
        select(AuditRow).where(AuditRow.entity_id == entity_id).order_by(AuditRow.at, AuditRow.id)
    )
    return list((await db.scalars(query)).all())


async def status_counts(db: AsyncSession, session_id: str) -> dict[str, int]:
    query = (
        select(SubmissionRow.status, func.count())
        .where(SubmissionRow.session_id == session_id)
        .group_by(SubmissionRow.status)
    )
    return {status: count for status, count in (await db.execute(query)).all()}


async def missing_scores(db: AsyncSession, session_id: str) -> dict[str, int]:
    """Per committee member, how many assigned films still have no score from them."""
    query = (
        select(ReviewAssignmentRow.member_id, func.count())
        .outerjoin(
            ScoreRow,
            (ScoreRow.submission_id == ReviewAssignmentRow.submission_id)
            & (ScoreRow.member_id == ReviewAssignmentRow.member_id),
        )
        .join(SubmissionRow, SubmissionRow.id == ReviewAssignmentRow.submission_id)
        .where(
            ReviewAssignmentRow.session_id == session_id,
            ScoreRow.member_id.is_(None),
            SubmissionRow.status == "under_review",
        )
        .group_by(ReviewAssignmentRow.member_id)
        .order_by(ReviewAssignmentRow.member_id)
    )
    return {member: count for member, count in (await db.execute(query)).all()}


async def upsert_score(db: AsyncSession, row: dict[str, Any]) -> None:
    """Scoring again replaces the member's earlier score for the film."""
    await upsert_scores(db, [row])


async def upsert_scores(db: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Scores of distinct films in one statement per batch; each replaces its member's earlier
    one."""
    if not rows:
        return
    insert = dialect_insert(db.bind.dialect.name)
    for batch in batches(rows):
        stmt = insert(ScoreRow).values(batch[0] if len(batch) == 1 else list(batch))
        stmt = stmt.on_conflict_do_update(
            index_elements=["submission_id", "member_id"],
            set_={
                "score": stmt.excluded.score,
                "comment": stmt.excluded.comment,
                "scored_at": stmt.excluded.scored_at,
                "actor": stmt.excluded.actor,
            },
        )
        await db.execute(stmt)


# --- the committee's review: loads and conflicts of interest -----------------------------------


async def review_loads(db: AsyncSession, session_id: str) -> dict[str, int]:
    """How many films each member of the session's committee is assigned."""
    query = (
        select(ReviewAssignmentRow.member_id, func.count())
        .where(ReviewAssignmentRow.session_id == session_id)
        .group_by(ReviewAssignmentRow.member_id)
    )
    return {member: count for member, count in (await db.execute(query)).all()}


async def reviewers_of(db: AsyncSession, submission_id: str) -> list[str]:
    query = (
        select(ReviewAssignmentRow.member_id)
        .where(ReviewAssignmentRow.submission_id == submission_id)
        .order_by(ReviewAssignmentRow.member_id)
    )
    return list((await db.scalars(query)).all())


async def assignments_at(db: AsyncSession, session_id: str, at: datetime) -> dict[str, list[str]]:
    """The reviewers an assignment run gave each film (the run is known by its time)."""
    query = (
        select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id)
        .where(ReviewAssignmentRow.session_id == session_id, ReviewAssignmentRow.assigned_at == at)
        .order_by(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id)
    )
    given: dict[str, list[str]] = {}
    for sid, member in (await db.execute(query)).all():
        given.setdefault(sid, []).append(member)
    return given


async def avoided_at(db: AsyncSession, session_id: str, at: datetime) -> list[Any]:
    """The conflicts an assignment run avoided, as (member_id, submission_id, why) rows."""
    query = select(
        ReviewConflictRow.member_id, ReviewConflictRow.submission_id, ReviewConflictRow.why
    ).where(
        ReviewConflictRow.session_id == session_id,
        ReviewConflictRow.source == ConflictSource.ASSIGNMENT.value,
        ReviewConflictRow.at == at,
    )
    return list((await db.execute(query)).all())


async def film_conflicts(db: AsyncSession, session_id: str, submission_id: str) -> list[Any]:
    """The members kept from a film, as (member_id, source, why) rows."""
    query = (
        select(ReviewConflictRow.member_id, ReviewConflictRow.source, ReviewConflictRow.why)
        .where(
            ReviewConflictRow.session_id == session_id,
            ReviewConflictRow.submission_id == submission_id,
        )
        .order_by(ReviewConflictRow.member_id)
    )
    return list((await db.execute(query)).all())


async def member_conflicts(
    db: AsyncSession, session_id: str, member_id: str, submission_ids: Sequence[str]
) -> list[Any]:
    """The films among `submission_ids` a member is kept from, as (submission_id, source, why)."""
    query = select(
        ReviewConflictRow.submission_id, ReviewConflictRow.source, ReviewConflictRow.why
    ).where(
        ReviewConflictRow.session_id == session_id,
        ReviewConflictRow.member_id == member_id,
        ReviewConflictRow.submission_id.in_(set(submission_ids)),
    )
    return list((await db.execute(query)).all())


async def session_conflicts(db: AsyncSession, session_id: str) -> list[Any]:
    """Every conflict recorded in the session, with its film's title: (row, title), by film then
    member."""
    query = (
        select(ReviewConflictRow, SubmissionRow.original_title)
        .join(SubmissionRow, SubmissionRow.id == ReviewConflictRow.submission_id)
        .where(ReviewConflictRow.session_id == session_id)
        .order_by(ReviewConflictRow.submission_id, ReviewConflictRow.member_id)
    )
    return list((await db.execute(query)).all())
