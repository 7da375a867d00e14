"""The awards granted in a session, as staff follow them: each film's share, its value, where its
lifecycle stands and whether its next step is overdue (the award workflows keep these rows)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import select

from gateway.context import Context
from models.orm import AwardGrantRow
from readmodels.partnering import IsoMoment, titles


class GrantView(BaseModel):
    grant_id: str  # session/award/film: what `awards record` and `awards decline` take
    award: str
    film: str  # its title
    share_pct: float
    value: Decimal | None  # None: an award in kind
    currency: str
    step: str  # an AwardStep, or declined
    due_at: IsoMoment | None  # the deadline of the next step
    overdue: bool


async def grants(ctx: Context, session_id: str) -> list[GrantView]:
    """Every award granted in the session, by award and film."""
    async with ctx.database() as db:
        rows = (
            await db.scalars(
                select(AwardGrantRow)
                .where(AwardGrantRow.session_id == session_id)
                .order_by(AwardGrantRow.award_id, AwardGrantRow.submission_id)
            )
        ).all()
        names = await titles(db, session_id)
    return [
        GrantView(
            grant_id=r.id,
            award=r.award_id,
            film=names.get(r.submission_id, "?"),
            share_pct=r.share_pct,
            value=r.value,
            currency=r.currency,
            step=r.step,
            due_at=r.due_at,
            overdue=r.overdue,
        )
        for r in rows
    ]
