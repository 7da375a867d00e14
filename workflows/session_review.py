"""The session's side of the committee's door: a member's declared conflict of interest, and
the films that become eligible once the review has begun (a fix accepted late), assigned as they
come. `SessionWorkflow` (workflows/session.py) inherits these steps and runs them under its lock,
like those of `session_steps.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    import activity_refs
    from models.committee import ConflictInput, ConflictResult
    from models.session import SessionInput, SessionStage
    from models.session_io import AssignResult, DeclareInput
    from workflows.session_steps import DB_ACTIVITY


class SessionReview:
    _s: SessionInput
    _assign: Callable[..., Awaitable[AssignResult]]  # SessionSteps's

    async def _declare(self, request: ConflictInput) -> ConflictResult:
        """Reassign the film of a member who declares a conflict with it, then keep the film in
        the member's declared conflicts, so no later assignment gives it back to them."""
        s = self._s
        if s.stage is not SessionStage.REVIEW:  # moved on while the declaration waited its turn
            raise ApplicationError(
                f"the review is over: the session is {s.stage}",
                type="ConflictRefused",
                non_retryable=True,
            )
        try:
            result = await workflow.execute_activity(
                activity_refs.declare_conflict,
                DeclareInput(
                    session_id=s.session_id,
                    conflict=request,
                    members=s.committee,
                    review_deadline=s.calendar.review_deadline,
                    score_range=(s.selection.score_min, s.selection.score_max),
                    at=workflow.now(),
                ),
                summary=f"{request.member_id} declares a conflict",
                **DB_ACTIVITY,
            )
        except ActivityError as exc:
            # Refused by the database (a film not assigned to the member): the update fails
            # with the reason, the session goes on.
            why = exc.cause.message if isinstance(exc.cause, ApplicationError) else str(exc)
            raise ApplicationError(why, type="ConflictRefused", non_retryable=True) from None
        member = next(m for m in s.committee if m.id == request.member_id)
        if request.submission_id not in member.declared_conflicts:
            member.declared_conflicts.append(request.submission_id)
        return result

    async def _assign_late(self) -> None:
        """Assign the films told eligible after a fix, in one activity for all of them: during
        review only (the review's start assigned every film eligible before it)."""
        s = self._s
        pending, s.late_eligible = s.late_eligible, []
        if not pending or s.stage is not SessionStage.REVIEW:
            return
        await self._assign(
            only=pending, summary=f"assign {len(pending)} film(s) eligible after a fix"
        )
