"""A producer's answer to an award, given through the signed link in the award's message: accept
the share (the award workflow's `record_step`, step accepted) or decline it (`decline`, with an
optional reason). As for an offer (actions/answers.py), the answer is one update whose id derives
from the link and the answer, recorded with the producer as actor; a refusal says which, for the
page to say it in the producer's language."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from temporalio.service import RPCError

from actions.answers import PRODUCER_BY_LINK, AnswerRefused, plain_reason
from gateway.context import Context
from gateway.errors import ActionError
from gateway.updates import update
from models.choices import AwardStep
from models.partnering import DeclineRequest, StepRequest
from notifications.links import LinkState, Purpose
from readmodels.answers import open_link
from readmodels.award_page import AwardPage, award_page_of
from shared import award_workflow_id
from workflows.award import AwardWorkflow


class AwardAnswer(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"


GIVEN = {AwardAnswer.ACCEPT: "accepted", AwardAnswer.DECLINE: "declined"}


async def answer_award(
    ctx: Context, token: str, answer: AwardAnswer, reason: str = "", now: datetime | None = None
) -> AwardPage:
    """Accept or decline the award's share; returns the page as it stands after the answer."""
    now = now or datetime.now(UTC)
    link = open_link(ctx, token, Purpose.AWARD, now)
    page = await award_page_of(ctx, link, now)
    if page.answer is not None:
        return page  # answered before (this answer, or the other): shown as given
    if page.link is not LinkState.OPEN:
        raise AnswerRefused("late")
    if answer is AwardAnswer.ACCEPT:
        method = AwardWorkflow.record_step
        request = StepRequest(
            step=AwardStep.ACCEPTED,
            note="accepted through the award's link",
            actor=PRODUCER_BY_LINK,
        )
    else:
        method = AwardWorkflow.decline
        said = plain_reason(reason) or "declined through the award's link"
        request = DeclineRequest(reason=said, actor=PRODUCER_BY_LINK)
    client = await ctx.client()
    handle = client.get_workflow_handle_for(AwardWorkflow.run, award_workflow_id(page.grant_id))
    try:
        await update(handle, method, request, page.grant_id, f"link:{link.ref}:{answer.value}")
    except (ActionError, RPCError) as exc:  # refused, or the award's workflow is over
        raise AnswerRefused("refused", str(exc)) from None
    page = await award_page_of(ctx, link, now)
    # The grant's row follows the workflow a moment later: say what was given.
    return page if page.answer else page.model_copy(update={"step": GIVEN[answer]})
