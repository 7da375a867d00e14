"""A film's eligibility on record: what a check reads (the programme and the film's earlier
sessions, in one query) and the result of each rule, written once per check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.eligibility import EligibilityReport
from models.orm import EligibilityResultRow, ProgrammeRow, SessionRow, SubmissionRow
from models.programme import Programme
from store.repository import insert_ignore, validated


async def insert_eligibility(
    db: AsyncSession, submission_id: str, report: EligibilityReport, at: datetime
) -> int:
    rows = [
        dict(
            submission_id=submission_id,
            check_no=report.check_no,
            rule_id=r.rule_id,
            outcome=r.outcome.value,
            reason=r.reason,
            source_url=r.source_url,
            evaluated_at=at,
            text=r.text,
            params={name: p.model_dump(mode="json") for name, p in r.params.items()},
            uncorrected_by=r.uncorrected_by,
        )
        for r in report.results
    ]
    return await insert_ignore(
        db, EligibilityResultRow, rows, ["submission_id", "check_no", "rule_id"]
    )


def _eligibility_facts() -> Any:
    this = aliased(SessionRow)
    earlier = (
        select(SubmissionRow.session_id, SessionRow.deadline)
        .join(SessionRow, SessionRow.id == SubmissionRow.session_id)
        .join(this, this.id == bindparam("session_id"))
        .where(
            SubmissionRow.programme_id == bindparam("programme_id"),
            SubmissionRow.film_key == bindparam("film_key"),
            SubmissionRow.session_id != bindparam("session_id"),
            SessionRow.deadline < this.deadline,
        )
        .subquery()
    )
    return (
        select(ProgrammeRow, earlier.c.session_id)
        .outerjoin(earlier, true())
        .where(ProgrammeRow.id == bindparam("programme_id"))
        .order_by(earlier.c.deadline)
    )


_ELIGIBILITY_FACTS = _eligibility_facts()


async def eligibility_facts(
    db: AsyncSession, programme_id: str, film_key: str, session_id: str
) -> tuple[Programme, list[str]]:
    """What a film's eligibility check reads, in one query (a check runs for every film, and on
    a shared machine each round trip costs more than the rules): the programme as stored now,
    and the sessions of that programme, with a call that closed before this one's, that had this
    film (the programme's row once per such session, or once with none)."""
    rows = (
        await db.execute(
            _ELIGIBILITY_FACTS,
            {"programme_id": programme_id, "film_key": film_key, "session_id": session_id},
        )
    ).all()
    if not rows:
        raise LookupError(f"programme {programme_id!r} is not in the database")
    return validated(rows[0][0]), [sid for _, sid in rows if sid is not None]


async def eligibility_results(db: AsyncSession, submission_id: str) -> list[EligibilityResultRow]:
    query = (
        select(EligibilityResultRow)
        .where(EligibilityResultRow.submission_id == submission_id)
        .order_by(EligibilityResultRow.check_no, EligibilityResultRow.id)
    )
    return list((await db.scalars(query)).all())
