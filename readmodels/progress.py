"""How far a session has gone, for `session watch`'s progress bars: the call being judged, the
committee's scores, the slots being confirmed, the messages going out, and the clock of the
current stage."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import func, select

from gateway.context import Context
from models.orm import OutboxRow, ReviewAssignmentRow, ScoreRow
from models.selection import OfferStatus
from models.session import STAGE_ENDS, SessionStage
from readmodels.board import Board

# The milestone each stage starts from: the clock of a stage runs from it to its STAGE_ENDS.
STAGE_STARTS = {
    SessionStage.CALL_OPEN: "call_opens",
    SessionStage.REVIEW: "deadline",
    SessionStage.SELECTION: "review_deadline",
    SessionStage.CONFIRMATION: "selection_announced",
    SessionStage.EVENT: "event_start",
}


class Bar(BaseModel):
    label: str
    done: int | float
    total: int | float
    note: str = ""
    clock: bool = False  # a share of a stage's time, not a count


async def progress(ctx: Context, board: Board, now: datetime) -> list[Bar]:
    """What has moved, out of what must: counted in the database, the board's figures."""
    session_id, c = board.session_id, board.counts
    async with ctx.database() as db:
        assigned = await db.scalar(
            select(func.count()).where(ReviewAssignmentRow.session_id == session_id)
        )
        scored = await db.scalar(select(func.count()).where(ScoreRow.session_id == session_id))
        mail = dict(
            (
                await db.execute(
                    select(OutboxRow.status, func.count())
                    .where(OutboxRow.session_id == session_id)
                    .group_by(OutboxRow.status)
                )
            ).all()
        )
    confirmed = sum(o.status == OfferStatus.CONFIRMED for o in board.offers)
    found = [
        Bar(label="call judged", done=c.submitted - c.received, total=c.submitted),
        Bar(label="reviews scored", done=scored or 0, total=assigned or 0),
        Bar(
            label="slots confirmed",
            done=confirmed,
            total=board.slots,
            note=f"{len(board.waitlist)} waitlisted" if board.offers else "",
        ),
        Bar(
            label="messages sent",
            done=mail.get("sent", 0),
            total=sum(mail.values()),
            note=", ".join(f"{n} {s}" for s, n in sorted(mail.items()) if s != "sent"),
        ),
    ]
    stage = board.stage
    if stage in STAGE_ENDS:
        start = getattr(board.calendar, STAGE_STARTS[stage])
        end = getattr(board.calendar, STAGE_ENDS[stage])
        span = max((end - start).total_seconds(), 1)
        elapsed = min(max((now - start).total_seconds(), 0), span)
        found.append(
            Bar(
                label=f"{stage.value} clock",
                done=round(elapsed),
                total=round(span),
                note=f"until {end.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({STAGE_ENDS[stage]})",
                clock=True,
            )
        )
    return found
