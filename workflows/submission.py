"""SubmissionWorkflow: one film's entry in one session, from the call to the session's decisions.

It decides; its activities write. The flow:

1. record the submission (row + audit), idempotently;
2. judge eligibility by the programme's rules;
3. on needs-fix, wait for the producer's correction until the fix window closes (a durable timer),
   then judge again; a window that closes uncorrected turns each needs-fix into a fail;
4. an eligible film then follows its session's decisions: under review (its committee members
   score it), offered a slot, waitlisted, confirmed, declined, lapsed or not selected.

Messages:
- update `submit_fix(FixInput)`: corrected fields, validated field by field before acceptance;
- update `withdraw(WithdrawInput)`: the producer withdraws the film, before a final stage; a film
  holding or awaiting a slot tells its session, which offers the slot to the next film;
- update `score(ScoreInput)`: a committee member assigned to the film scores it (again replaces);
  a member kept from it for a conflict of interest is refused with the conflict's words;
- signal `decide(FilmDecision)`: the session's decision about this film;
- query `state()`: the stage, the latest rule results, deadlines, and the review;
- signals to its session: `film_withdrawn` (a film in play), `film_eligible` (after a fix).

Search attributes: WipProgramme, WipSession and WipCountry at start; WipStage, WipStatus (whom
the film waits for) and WipDeadline (until when) follow every stage.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    import activity_refs
    from domain.eligibility import lapse
    from domain.offers import reminder_at
    from models.eligibility import EligibilityReport, Outcome, RuleResult
    from models.message_kinds import MessageKind
    from models.messages import (
        FINAL_STAGES,
        IN_PLAY,
        STAGE_FOR_OUTCOME,
        CheckInput,
        FilmStage,
        FixInput,
        RecordReportInput,
        RecordScoreInput,
        RegisterInput,
        SubmissionInput,
        SubmissionState,
        TransitionInput,
        WithdrawInput,
    )
    from models.notices import NotifyInput
    from models.session import (
        STAGE_FOR_DECISION,
        AnswerInput,
        DecisionKind,
        FilmDecision,
        FilmEligible,
        ScoreInput,
    )
    from models.submission import SubmissionForm
    from shared import WorkflowType
    from workflows.progress import publish
    from workflows.submission_fix import check_fix, merge
    from workflows.submission_session import check_score, tell_session
    from workflows.submission_steps import send, write
    from workflows.submission_view import ANSWER_BY, stage_details, waiting_on

# A film eligible after a fix tells its session (signal `film_eligible`); earlier runs did not.
LATE_ELIGIBLE = "2026-12-late-eligible"
# A withdrawal that meets decisions not yet followed counts the film where the session put it.
WITHDRAW_PENDING = "2026-12-withdraw-pending"


@workflow.defn(name=WorkflowType.SUBMISSION)
class SubmissionWorkflow:
    @workflow.init
    def __init__(self, input: SubmissionInput) -> None:
        self._input = input
        self._form = input.form
        self._stage = FilmStage.RECEIVED
        self._check_no = 0
        self._report: EligibilityReport | None = None
        self._fix: FixInput | None = None
        self._fix_deadline = None
        self._withdrawal: WithdrawInput | None = None
        self._decisions: list[FilmDecision] = []
        self._review: FilmDecision | None = None
        self._scores: dict[str, float] = {}
        self._offer: FilmDecision | None = None
        self._reminded = False

    @workflow.run
    async def run(self, input: SubmissionInput) -> SubmissionState:
        await write(
            activity_refs.register_submission,
            RegisterInput(submission=input, workflow_id=workflow.info().workflow_id),
            "record the submission",
        )
        await self._notify(MessageKind.SUBMISSION_RECEIVED)
        actor = "producer"
        while self._withdrawal is None:
            await self._check(actor)
            if self._stage is not FilmStage.NEEDS_FIX:
                break
            await self._notify(
                MessageKind.NEEDS_FIX,
                str(self._check_no),
                reasons=self._failing(),
                fix_by=self._fix_deadline,
            )
            try:
                await workflow.wait_condition(
                    lambda: self._fix is not None or self._withdrawal is not None,
                    timeout=input.fix_window,
                    timeout_summary="fix window",
                )
            except TimeoutError:
                if self._fix is None and self._withdrawal is None:
                    await self._lapse()
                    break
            if self._fix is not None:
                self._form = SubmissionForm.model_validate(
                    merge(self._form.model_dump(mode="json"), self._fix.changes)
                )
                actor, self._fix, self._fix_deadline = self._fix.actor, None, None

        if self._withdrawal is None and self._stage is FilmStage.ELIGIBLE:
            if self._check_no > 1 and workflow.patched(LATE_ELIGIBLE):
                # Eligible after a fix: if its review has begun, the session assigns it reviewers
                # (told before the mail, which may wait on a server).
                await tell_session(
                    self._input.session_id,
                    "film_eligible",
                    FilmEligible(submission_id=self._input.submission_id),
                )
            await self._notify(MessageKind.ELIGIBLE)
        elif self._withdrawal is None and self._stage is FilmStage.INELIGIBLE:
            await self._notify(MessageKind.INELIGIBLE, str(self._check_no), reasons=self._failing())

        while self._stage not in FINAL_STAGES and self._withdrawal is None:
            try:
                await workflow.wait_condition(
                    lambda: bool(self._decisions) or self._withdrawal is not None,
                    timeout=self._until_reminder(),
                    timeout_summary="offer reminder",
                )
            except TimeoutError:
                self._reminded = True
                await self._notify(MessageKind.OFFER_REMINDER, confirm_by=self._offer.deadline)
            while self._decisions and self._withdrawal is None:
                previous = self._stage
                decision = self._decisions.pop(0)
                self._apply(decision)
                await self._announce(decision, previous)
        if self._withdrawal is not None:
            # Accepted while the film was still in play (see the validator), so it stands even if
            # a check or a decision concluded meanwhile.
            await self._withdraw(self._withdrawal)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state()

    async def _check(self, actor: str) -> None:
        # `_check_no` counts *finished* checks: the fix handler answers when it moves on.
        check_no = self._check_no + 1
        report = await write(
            activity_refs.evaluate_eligibility,
            CheckInput(
                submission_id=self._input.submission_id,
                programme_id=self._input.programme_id,
                session_id=self._input.session_id,
                film_key=self._input.film_key,
                form=self._form,
                check_no=check_no,
                actor=actor,
                at=workflow.now(),
            ),
            f"eligibility check {check_no}",
        )
        self._check_no, self._report = check_no, report
        self._enter(STAGE_FOR_OUTCOME[report.outcome])

    async def _lapse(self) -> None:
        assert self._report is not None and self._fix_deadline is not None
        report = lapse(self._report, self._fix_deadline).model_copy(
            update={"check_no": self._check_no + 1}
        )
        await write(
            activity_refs.record_report,
            RecordReportInput(
                submission_id=self._input.submission_id,
                report=report,
                from_stage=FilmStage.NEEDS_FIX,
                to_stage=FilmStage.INELIGIBLE,
                reason="fix window closed without a correction",
                at=workflow.now(),
            ),
            "fix window lapsed",
        )
        self._check_no, self._report = report.check_no, report
        self._enter(FilmStage.INELIGIBLE)

    def _until_reminder(self) -> timedelta | None:
        """An unanswered offer is recalled to the producer two thirds into its window."""
        offer = self._offer
        if self._stage is not FilmStage.OFFERED or self._reminded or offer is None:
            return None
        remind_at = reminder_at(offer.at, offer.deadline)
        return max(remind_at - workflow.now(), timedelta(seconds=1))

    async def _announce(self, decision: FilmDecision, previous: FilmStage) -> None:
        """The producer hears of the decisions that ask something of them or end their hopes."""
        kind = decision.kind
        if kind is DecisionKind.OFFERED:
            self._reminded = False
            stage = MessageKind.PROMOTED if previous is FilmStage.WAITLISTED else MessageKind.OFFER
            await self._notify(stage, confirm_by=decision.deadline)
        elif kind is DecisionKind.WAITLISTED:
            await self._notify(MessageKind.WAITLISTED, position=decision.position)
        elif kind is DecisionKind.LAPSED:
            await self._notify(MessageKind.SLOT_LAPSED, lapsed_at=decision.at)
        elif kind is DecisionKind.NOT_SELECTED:
            await self._notify(MessageKind.NOT_SELECTED)
        elif kind is DecisionKind.SCREENING:
            await self._notify(MessageKind.EVENT_LOGISTICS, screening_at=decision.screening_at)
        elif kind is DecisionKind.MATCHED:
            # The partners (or meetings) of that approved version are read where it is rendered.
            await self._notify(MessageKind.PARTNER_MATCHES, str(decision.version))
        elif kind is DecisionKind.MEETINGS:
            await self._notify(MessageKind.MEETING_SCHEDULE, str(decision.version))

    async def _notify(self, stage: MessageKind, occurrence: str = "1", **fields: Any) -> None:
        await send(
            activity_refs.notify,
            NotifyInput(
                submission_id=self._input.submission_id,
                stage=stage,
                occurrence=occurrence,
                fields=fields,
            ),
            f"message: {stage.value}",
        )

    def _failing(self) -> list[RuleResult]:
        """The rules that did not pass, whole: messages say them in the producer's language."""
        assert self._report is not None
        return [r for r in self._report.results if r.outcome is not Outcome.PASS]

    def _apply(self, decision: FilmDecision) -> None:
        """Follow the session's decision. The session has already written it to the database."""
        kind = decision.kind
        if kind is DecisionKind.UNDER_REVIEW:
            # Told again when a member declares a conflict: their score goes with them.
            self._review = decision
            self._scores = {m: v for m, v in self._scores.items() if m in decision.reviewers}
        elif kind is DecisionKind.OFFERED:
            self._offer = decision
        stage = STAGE_FOR_DECISION[kind]
        self._enter(stage, decision)

    async def _withdraw(self, request: WithdrawInput) -> None:
        await write(
            activity_refs.record_transition,
            TransitionInput(
                submission_id=self._input.submission_id,
                key=f"{workflow.info().workflow_id}:withdrawn",
                at=workflow.now(),
                actor=request.actor,
                from_stage=self._stage,
                to_stage=FilmStage.WITHDRAWN,
                action="withdrawn",
                reason=request.reason,
            ),
            "record the withdrawal",
        )
        in_play = self._stage in IN_PLAY
        if self._decisions and workflow.patched(WITHDRAW_PENDING):
            # The session's offer and the producer's withdrawal can arrive in one workflow task
            # (a worker died and the film's task waited): the film never followed the offer,
            # but the session holds the slot for it until told (the pair drill found it).
            in_play = STAGE_FOR_DECISION[self._decisions[-1].kind] in IN_PLAY
        self._enter(FilmStage.WITHDRAWN)
        if in_play:
            # The session gives the slot to the next film; it ignores films it no longer counts.
            await tell_session(
                self._input.session_id,
                "film_withdrawn",
                AnswerInput(
                    submission_id=self._input.submission_id,
                    reason=request.reason,
                    actor=request.actor,
                ),
            )

    def _enter(self, stage: FilmStage, decision: FilmDecision | None = None) -> None:
        self._stage = stage
        deadline = decision.deadline if decision else None
        if stage is FilmStage.NEEDS_FIX:
            self._fix_deadline = deadline = workflow.now() + self._input.fix_window
        details = stage_details(stage, decision, deadline, self._review, self._failing_reasons())
        publish(
            stage.value,
            waiting_on(stage),
            deadline if stage in ANSWER_BY else None,
            f"**{self._form.original_title}** — {details}",
        )

    def _failing_reasons(self) -> str:
        return " ".join(r.reason for r in self._failing()) if self._report is not None else ""

    @workflow.query
    def state(self) -> SubmissionState:
        return SubmissionState(
            submission_id=self._input.submission_id,
            session_id=self._input.session_id,
            title=self._form.original_title,
            stage=self._stage,
            check_no=self._check_no,
            outcome=self._report.outcome if self._report else None,
            results=self._report.results if self._report else [],
            fix_deadline=self._fix_deadline,
            withdrawn_reason=self._withdrawal.reason if self._withdrawal else None,
            reviewers=self._review.reviewers if self._review else [],
            scores=dict(self._scores),
            offer_deadline=self._offer.deadline if self._offer else None,
        )

    @workflow.signal
    def decide(self, decision: FilmDecision) -> None:
        self._decisions.append(decision)

    @workflow.update
    async def score(self, score: ScoreInput) -> SubmissionState:
        await write(
            activity_refs.record_score,
            RecordScoreInput(
                submission_id=self._input.submission_id,
                session_id=self._input.session_id,
                at=workflow.now(),
                **score.model_dump(),
            ),
            f"score from {score.member_id}",
        )
        self._scores[score.member_id] = score.score
        return self.state()

    @score.validator
    def validate_score(self, score: ScoreInput) -> None:
        check_score(self._stage, self._review, score, workflow.now())

    @workflow.update
    async def submit_fix(self, fix: FixInput) -> SubmissionState:
        self._fix = fix
        check_no = self._check_no
        # Answer once the corrected form has been judged, so the producer sees the new outcome.
        await workflow.wait_condition(
            lambda: self._check_no > check_no or self._stage is FilmStage.WITHDRAWN
        )
        return self.state()

    @submit_fix.validator
    def validate_submit_fix(self, fix: FixInput) -> None:
        if self._stage is not FilmStage.NEEDS_FIX or self._fix is not None:
            raise ValueError(f"this submission is {self._stage.value}: there is nothing to fix")
        check_fix(self._form, fix)

    @workflow.update
    async def withdraw(self, request: WithdrawInput) -> SubmissionState:
        self._withdrawal = request
        await workflow.wait_condition(lambda: self._stage is FilmStage.WITHDRAWN)
        return self.state()

    @withdraw.validator
    def validate_withdraw(self, request: WithdrawInput) -> None:
        if self._withdrawal is not None or self._stage in FINAL_STAGES:
            raise ValueError(f"this submission is already {self._stage.value}")
