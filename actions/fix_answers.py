"""A producer's correction, given through the signed link in a needs-fix message.

The changed fields are merged into the film's form and the whole is validated field by field
here, with the rules the workflow's validator applies (`workflows.submission_fix`), so a refusal
is said beside its field before anything is sent. Then the correction is the film's `submit_fix`
update, its id derived from the link and the changes: a double click, a reload or a retried
request is one correction; the update answers once the film has been judged again."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from actions.answers import PRODUCER_BY_LINK
from gateway.context import Context
from gateway.errors import ActionError, FormInvalid
from gateway.handles import submission_update
from models.messages import FilmStage, FixInput
from models.orm import SubmissionRow
from models.submission import SubmissionForm
from notifications.links import Purpose
from readmodels.answers import open_link
from readmodels.fix_page import FixPage, page_of
from workflows.submission import SubmissionWorkflow
from workflows.submission_fix import merge


class FixRefused(ActionError):
    """The correction was not taken: `late` (the deadline passed), `closed` (no correction is
    expected now), or `refused` (the film's workflow said no)."""

    def __init__(self, why: str, detail: str = "") -> None:
        super().__init__(detail or why)
        self.why = why


def update_id(ref: str, changes: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(changes, sort_keys=True, default=str).encode())
    return f"link:{ref}:fix:{digest.hexdigest()[:16]}"


async def send_fix(
    ctx: Context, token: str, changes: dict[str, Any], now: datetime | None = None
) -> FixPage:
    """Check the corrected fields, then send them once; returns the page as it stands after."""
    now = now or datetime.now(UTC)
    link = open_link(ctx, token, Purpose.FIX, now)
    page = await page_of(ctx, link, now)
    if page.corrected:
        return page  # corrected before (this correction, or another): shown as received
    if not page.may_fix:
        raise FixRefused("late" if page.stage is FilmStage.NEEDS_FIX else "closed")
    if not changes:  # every field left empty: nothing to send, said beside the first
        raise FormInvalid([{"type": "missing", "loc": (page.fields[0],), "msg": "", "input": ""}])
    async with ctx.database() as db:
        form = (await db.get(SubmissionRow, page.submission_id)).form
    try:
        SubmissionForm.model_validate(merge(form, changes))
    except ValidationError as exc:
        raise FormInvalid(exc.errors(include_url=False)) from None
    request = FixInput(changes=changes, actor=PRODUCER_BY_LINK)
    try:
        await submission_update(
            ctx,
            page.submission_id,
            SubmissionWorkflow.submit_fix,
            request,
            update_id(link.ref, changes),
        )
    except ActionError as exc:
        raise FixRefused("refused", str(exc)) from None
    return await page_of(ctx, link, now)
