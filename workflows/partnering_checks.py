"""How the partnering workflow refuses a staff request: its validators raise ValueError before
the update is accepted; a handler that waited for the lock checks again, and a refusal then
fails only that update."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from models.partnering import PartneringInput, RunStatus


def refuse_closed(s: PartneringInput) -> None:
    if s.session_over:
        raise ValueError(f"{s.session_id} is closed")


def require_proposal(
    s: PartneringInput, kind: str, status: RunStatus, version: int = 0, asked: int | None = None
) -> None:
    """A proposal of `kind` to change or approve, and (when `asked`) the version staff saw."""
    refuse_closed(s)
    if status is not RunStatus.PROPOSED:
        raise ValueError(
            f"there is no {kind} proposal to change or approve (the {kind} is {status.value})"
        )
    if asked is not None and asked != version:
        raise ValueError(f"the {kind} proposal is version {version}, not {asked}")


def recheck(validator: Callable[[Any], None], request: Any) -> None:
    """Validators run when an update arrives; the handler may have waited for the lock
    behind another update that changed the state. Checked again, a refusal fails only the
    update (an ApplicationError), never the workflow task."""
    try:
        validator(request)
    except ValueError as exc:
        raise ApplicationError(str(exc), type="Refused", non_retryable=True) from None
