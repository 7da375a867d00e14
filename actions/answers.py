"""A producer's answer to an offer, given through the signed link in the offer's message.

The answer is one update on the session's workflow (which holds the slots), and its id derives
from the link and the answer: a double click, a reload or a retried request is the same update,
which Temporal applies once and answers again with the same result. A refusal (the deadline past,
the slot already released, the film withdrawn) says which, for the page to say it in the
producer's language."""

from __future__ import annotations

import asyncio
import unicodedata
from collections import defaultdict
from datetime import UTC, datetime
from enum import StrEnum

from gateway.context import Context
from gateway.errors import ActionError
from gateway.handles import session_update
from models.messages import FilmStage
from models.session import AnswerInput
from notifications.links import LinkState, Purpose
from readmodels.answers import OfferPage, open_link, page_of
from workflows.session import SessionWorkflow

# Who the audit trail names for an answer given through a link (no name: histories keep it).
PRODUCER_BY_LINK = "producer (signed link)"
# Answers this process sends one session's workflow at once: below Temporal's limit of updates
# in flight per workflow (10), so that a crowd of producers queues here rather than being
# turned away by the server (bench/web.py: 50 at a time lost answers without it).
IN_FLIGHT: defaultdict[tuple[int, str], asyncio.Semaphore] = defaultdict(
    lambda: asyncio.Semaphore(8)
)  # by (event loop, session): a semaphore belongs to the loop that first waits on it


class Answer(StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"


GIVEN = {Answer.CONFIRM: "confirmed", Answer.DECLINE: "declined"}


class AnswerRefused(ActionError):
    """Why an answer was not taken: `late` (the deadline passed), `closed` (the offer is no
    longer open: answered, lapsed, withdrawn), or `refused` (the session said no)."""

    def __init__(self, why: str, detail: str = "") -> None:
        super().__init__(detail or why)
        self.why = why


def update_id(ref: str, answer: Answer) -> str:
    return f"link:{ref}:{answer.value}"


def plain_reason(text: str, limit: int = 1000) -> str:
    """A reason as a browser sends it, made text: CRLF line breaks as LF, other control
    characters (Word's soft breaks, form feeds) as spaces, at most `limit` characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c if c in "\n\t" or unicodedata.category(c) != "Cc" else " " for c in text)
    return text.strip()[:limit]


async def answer_offer(
    ctx: Context, token: str, answer: Answer, reason: str = "", now: datetime | None = None
) -> OfferPage:
    """Confirm or decline the offered slot; returns the page as it stands after the answer."""
    now = now or datetime.now(UTC)
    reason = plain_reason(reason)
    link = open_link(ctx, token, Purpose.OFFER, now)
    page = await page_of(ctx, link, now)
    if page.answer is not None:
        return page  # answered before (this answer, or the other): shown as given
    if page.link is not LinkState.OPEN:
        raise AnswerRefused("late")
    if page.stage is not FilmStage.OFFERED:
        raise AnswerRefused("closed")
    method = SessionWorkflow.confirm if answer is Answer.CONFIRM else SessionWorkflow.decline
    request = AnswerInput(submission_id=link.subject, reason=reason, actor=PRODUCER_BY_LINK)
    session_id = link.subject.rsplit("/", 1)[0]
    try:
        async with IN_FLIGHT[id(asyncio.get_running_loop()), session_id]:
            await session_update(ctx, session_id, method, request, update_id(link.ref, answer))
    except ActionError as exc:
        raise AnswerRefused("refused", str(exc)) from None
    page = await page_of(ctx, link, now)
    # The film's own record follows the session's decision a moment later: say what was given.
    return page.model_copy(update={"answer": page.answer or GIVEN[answer]})
