"""SessionWorkflow: one session of a programme, from its call to its close.

Stages follow the session's calendar as durable timers, and staff can move any of them:

    call_open → review → selection → confirmation → event → follow_up → closed

- review: the committee's members are assigned k films each (load balanced, conflicts of interest
  never assigned) and score them, one film on its own workflow or many in one sheet sent here;
  members with missing scores are reminded before the review deadline;
- selection: the films are ranked (provisionally, as staff pin or exclude films);
- confirmation: the `slots` best films are offered a slot with a confirmation deadline, the next
  ones are waitlisted; a decline, a withdrawal or a lapsed deadline offers the slot to the next
  waitlisted film at once (domain/selection.py); films below the waitlist hear "not selected" only
  once every slot is confirmed, or when the stage closes;
- event: unanswered offers lapse, the remaining waitlist is not selected; once the lineup is final
  (here, or earlier when every slot is confirmed) a PartneringWorkflow opens for matches,
  meetings and awards;
- follow_up: each film of the lineup gets its FollowUpWorkflow, until staff close the session.

The session never holds its films: they are independent workflows, told of decisions by
activities that page through the database, so a call of 20,000 films costs this workflow the same
few dozen events as a call of 150.

Messages (all updates are validated before they are accepted):
- updates `set_committee`, `assign_reviews`, `score_sheet` (a member's scores for many films),
  `declare_conflict` (a member's conflict with a film assigned to them: the film goes to a free
  member), `extend`, `advance`, `pin`, `exclude`, `confirm`, `decline`; signals `film_withdrawn`
  and `film_eligible` (from a film's workflow: eligible after a fix, assigned if in review);
  query `status`.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    import activity_refs
    from domain import selection
    from domain.selection import SelectionError
    from models.committee import ConflictInput, ConflictResult
    from models.selection import SelectionState
    from models.session import (
        NEXT_STAGE,
        STAGE_ENDS,
        AdvanceInput,
        AnswerInput,
        CommitteeInput,
        ExtendInput,
        FilmEligible,
        PinInput,
        ScoreSheet,
        SessionInput,
        SessionStage,
        SessionStatus,
    )
    from models.session_io import (
        AssignResult,
        CalendarChange,
        CommitteeSave,
        RecordSheetInput,
        RemindInput,
    )
    from models.sheets import SheetRefusal, SheetResult
    from shared import WorkflowType
    from workflows.session_checks import (
        check_advance,
        check_answer,
        check_committee,
        check_conflict,
        check_extend,
        check_ranking_change,
        check_score_sheet,
    )
    from workflows.session_review import SessionReview
    from workflows.session_steps import DB_ACTIVITY, MEMBER_MAIL, SessionSteps


# Films signal their session (withdrawn, eligible after a fix): a run continues as new well before
# Temporal's cap of signals per execution, whatever its history's size.
SIGNALS_PER_RUN = 5_000


@workflow.defn(name=WorkflowType.SESSION)
class SessionWorkflow(SessionSteps, SessionReview):
    @workflow.init
    def __init__(self, input: SessionInput) -> None:
        self._s = input.model_copy(deep=True)
        self._advance: AdvanceInput | None = None
        self._withdrawn: list[AnswerInput] = []
        self._wake = False
        self._signals = 0  # this run's, which Temporal caps (10,000) apart from its history
        # Handlers and the main loop both change the selection and run activities: one at a time.
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, input: SessionInput) -> SessionStatus:
        self._show()
        while self._s.stage is not SessionStage.CLOSED:
            await self._sleep()
            async with self._lock:
                await self._on_wake()
            if workflow.info().is_continue_as_new_suggested() or self._signals >= SIGNALS_PER_RUN:
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._s)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    # --- the main loop -------------------------------------------------------------------------

    def _wake_at(self) -> datetime | None:
        s = self._s
        times = []
        if (milestone := STAGE_ENDS.get(s.stage)) is not None:
            times.append(getattr(s.calendar, milestone))
        if s.stage is SessionStage.REVIEW and s.reminded_for != s.calendar.review_deadline:
            times.append(s.calendar.review_deadline - s.reminder_lead)
        if s.stage is SessionStage.CONFIRMATION and s.picks:
            times.append(selection.next_deadline(s.picks))
        return min((t for t in times if t is not None), default=None)

    async def _sleep(self) -> None:
        wake_at = self._wake_at()
        timeout = None if wake_at is None else max(wake_at - workflow.now(), timedelta(0))
        if timeout != timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._wake, timeout=timeout, timeout_summary=f"{self._s.stage} timer"
                )
        self._wake = False

    async def _on_wake(self) -> None:
        s, now = self._s, workflow.now()
        for request in self._withdrawn:
            await self._film_left(request)
        self._withdrawn.clear()
        await self._assign_late()
        if (
            s.stage is SessionStage.REVIEW
            and s.reminded_for != s.calendar.review_deadline
            and now >= s.calendar.review_deadline - s.reminder_lead
        ):
            await workflow.execute_activity(
                activity_refs.remind_reviewers,
                RemindInput(
                    session_id=s.session_id, review_deadline=s.calendar.review_deadline, at=now
                ),
                summary="remind members with missing scores",
                **MEMBER_MAIL,
            )
            s.reminded_for = s.calendar.review_deadline
        if s.stage is SessionStage.CONFIRMATION and s.picks:
            await self._change_picks(selection.lapse(s.picks, now=now))
        milestone = STAGE_ENDS.get(s.stage)
        due = milestone is not None and now >= getattr(s.calendar, milestone)
        if self._advance is not None or due:
            request = self._advance or AdvanceInput(
                to=NEXT_STAGE[s.stage], reason=f"calendar: {milestone} reached", actor="wipflow"
            )
            await self._move(request)

    # --- messages --------------------------------------------------------------------------------

    @workflow.query
    def status(self) -> SessionStatus:
        s = self._s
        return SessionStatus(
            session_id=s.session_id,
            programme_id=s.programme_id,
            name=s.name,
            stage=s.stage,
            calendar=s.calendar,
            slots=s.slots,
            committee=[m.id for m in s.committee],
            pins=s.pins,
            excludes=s.excludes,
            provisional=s.provisional,
            picks=s.picks,
        )

    @workflow.query
    def screening(self, submission_id: str) -> datetime | None:
        """When a film screens, for its producer's agenda (readmodels/agenda.py)."""
        return self._s.screenings.get(submission_id)

    @workflow.signal
    def film_withdrawn(self, request: AnswerInput) -> None:
        self._signals += 1
        self._withdrawn.append(request)
        self._wake = True

    @workflow.signal
    def film_eligible(self, film: FilmEligible) -> None:
        # Kept while the call is open too: the review may be starting, its assignment already
        # read. The main loop assigns them in review and drops them otherwise.
        self._signals += 1
        if self._s.stage in (SessionStage.CALL_OPEN, SessionStage.REVIEW):
            self._s.late_eligible.append(film.submission_id)
        self._wake = True

    @workflow.update
    async def declare_conflict(self, request: ConflictInput) -> ConflictResult:
        async with self._lock:
            return await self._declare(request)

    @declare_conflict.validator
    def validate_declare_conflict(self, request: ConflictInput) -> None:
        check_conflict(self._s, request, workflow.now())

    @workflow.update
    async def set_committee(self, request: CommitteeInput) -> SessionStatus:
        async with self._lock:
            self._s.tells += 1
            await workflow.execute_activity(
                activity_refs.record_committee,
                CommitteeSave(
                    session_id=self._s.session_id,
                    members=request.members,
                    at=workflow.now(),
                    actor=request.actor,
                    key=f"{self._s.session_id}:{self._s.tells}",
                ),
                summary="record the committee",
                **DB_ACTIVITY,
            )
            self._s.committee = request.members
        return self.status()

    @set_committee.validator
    def validate_set_committee(self, request: CommitteeInput) -> None:
        check_committee(self._s, request)

    @workflow.update
    async def assign_reviews(self) -> AssignResult:
        async with self._lock:
            return await self._assign()

    @assign_reviews.validator
    def validate_assign_reviews(self) -> None:
        if self._s.stage is not SessionStage.REVIEW:
            raise ValueError(f"films are assigned during review; the session is {self._s.stage}")

    @workflow.update
    async def score_sheet(self, sheet: ScoreSheet) -> SheetResult:
        async with self._lock:
            s = self._s
            if s.stage is not SessionStage.REVIEW:  # moved on while the sheet waited its turn
                reason = f"the review is over: the session is {s.stage}"
                refused = [
                    SheetRefusal(index=i, submission_id=r.submission_id, reason=reason)
                    for i, r in enumerate(sheet.scores)
                ]
                return SheetResult(recorded=0, refused=refused)
            result = await workflow.execute_activity(
                activity_refs.record_score_sheet,
                RecordSheetInput(
                    session_id=s.session_id,
                    sheet=sheet,
                    score_range=(s.selection.score_min, s.selection.score_max),
                    at=workflow.now(),
                ),
                summary=f"score sheet from {sheet.member_id}",
                **DB_ACTIVITY,
            )
            # Sheets carry many scores: the main loop looks again whether to continue as new.
            self._wake = True
        return result

    @score_sheet.validator
    def validate_score_sheet(self, sheet: ScoreSheet) -> None:
        check_score_sheet(self._s, sheet, workflow.now())

    @workflow.update
    async def extend(self, request: ExtendInput) -> SessionStatus:
        async with self._lock:
            s = self._s
            s.calendar = s.calendar.model_copy(update={request.milestone: request.to})
            s.tells += 1
            await workflow.execute_activity(
                activity_refs.record_calendar,
                CalendarChange(
                    session_id=s.session_id,
                    workflow_id=workflow.info().workflow_id,
                    calendar=s.calendar.model_dump(mode="json"),
                    deadline=s.calendar.deadline,
                    at=workflow.now(),
                    actor=request.actor,
                    reason=f"{request.milestone} → {request.to.isoformat()}: {request.reason}",
                    key=f"{s.session_id}:{s.tells}",
                ),
                summary=f"move {request.milestone}",
                **DB_ACTIVITY,
            )
            self._wake = True
            self._show()
        return self.status()

    @extend.validator
    def validate_extend(self, request: ExtendInput) -> None:
        check_extend(self._s, request, workflow.now())

    @workflow.update
    async def advance(self, request: AdvanceInput) -> SessionStatus:
        self._advance = request
        self._wake = True
        await workflow.wait_condition(lambda: self._s.stage is request.to)
        return self.status()

    @advance.validator
    def validate_advance(self, request: AdvanceInput) -> None:
        check_advance(self._s.stage, self._advance, request)

    @workflow.update
    async def pin(self, request: PinInput) -> SessionStatus:
        return await self._pin_or_exclude(request, self._s.pins, "pinned")

    @pin.validator
    def validate_pin(self, request: PinInput) -> None:
        self._validate_ranking_change(request, self._s.excludes, "excluded")

    @workflow.update
    async def exclude(self, request: PinInput) -> SessionStatus:
        return await self._pin_or_exclude(request, self._s.excludes, "excluded")

    @exclude.validator
    def validate_exclude(self, request: PinInput) -> None:
        self._validate_ranking_change(request, self._s.pins, "pinned")

    async def _pin_or_exclude(self, request: PinInput, into: dict[str, str], action: str):
        async with self._lock:
            into[request.submission_id] = request.reason
            await self._note(action, request.submission_id, request.actor, request.reason)
            if self._s.stage is SessionStage.SELECTION:
                await self._rank(final=False)
        return self.status()

    def _validate_ranking_change(self, request: PinInput, other: dict[str, str], what: str):
        check_ranking_change(self._s, request, other, what)

    @workflow.update
    async def confirm(self, answer: AnswerInput) -> SessionStatus:
        async with self._lock:
            await self._change_picks(
                self._answer(
                    lambda picks: selection.confirm(
                        picks, answer.submission_id, now=workflow.now(), actor=answer.actor
                    )
                ),
                answered=answer,
            )
        return self.status()

    @confirm.validator
    def validate_confirm(self, answer: AnswerInput) -> None:
        self._validate_answer(
            lambda picks: selection.confirm(
                picks, answer.submission_id, now=workflow.now(), actor=answer.actor
            )
        )

    @workflow.update
    async def decline(self, answer: AnswerInput) -> SessionStatus:
        async with self._lock:
            await self._change_picks(
                self._answer(
                    lambda picks: selection.decline(
                        picks,
                        answer.submission_id,
                        now=workflow.now(),
                        actor=answer.actor,
                        reason=answer.reason or "the producer declined",
                    )
                ),
                answered=answer,
            )
        return self.status()

    @decline.validator
    def validate_decline(self, answer: AnswerInput) -> None:
        self._validate_answer(
            lambda picks: selection.decline(
                picks, answer.submission_id, now=workflow.now(), actor=answer.actor, reason="check"
            )
        )

    def _answer(self, transition) -> SelectionState:
        """Apply an answer that its validator accepted. The selection may have moved since (a
        deadline lapsed while the answer waited for the lock): that fails the update, not the
        workflow task."""
        try:
            return transition(self._s.picks)
        except SelectionError as exc:
            raise ApplicationError(str(exc), type="SelectionError", non_retryable=True) from None

    def _validate_answer(self, transition) -> None:
        check_answer(self._s, transition)
