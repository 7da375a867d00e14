"""AwardWorkflow: one film's share of one award, from the jury's decision to the evidence that
its promise was kept.

    offered → accepted → contract_signed → (services_scheduled →) delivered → evidence_received

Cash, pre-purchase and TV licence awards have no services to schedule. Each step may carry a
deadline counted from the step before it ("the co-production contract is signed within 3 months
of accepting the award": `contract_signed = 90`); the deadline is a durable timer, and a step
still missing when it fires is escalated (recorded, flagged overdue, shown to operators) while
the workflow keeps waiting for it. The producer may decline the award before the contract is
signed. Post-production follow-up (issue 6) carries the obligations on beyond delivery.

Messages: update `record_step` (the next step only, never skipping or going back), update
`decline`, query `state`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    import activity_refs
    from domain.awards import worth
    from models.choices import AwardStep
    from models.message_kinds import MessageKind
    from models.notices import AlertInput, NotifyInput, Recipient
    from models.partnering import (
        AwardInput,
        AwardState,
        DeclinedShare,
        DeclineRequest,
        StepRequest,
    )
    from models.partnering_io import AwardStepInput
    from shared import Status, WorkflowType, partnering_workflow_id
    from workflows.progress import publish

# Who owes an award's next step: the producer accepts it and proves how it was used; the
# partner signs, schedules and delivers.
OWES = {
    AwardStep.ACCEPTED: Status.WAITING_PRODUCER,
    AwardStep.EVIDENCE_RECEIVED: Status.WAITING_PRODUCER,
}
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
DB_ACTIVITY = dict(start_to_close_timeout=timedelta(seconds=30), retry_policy=RETRY)
MAIL_ACTIVITY = dict(
    start_to_close_timeout=timedelta(minutes=1),
    heartbeat_timeout=timedelta(seconds=10),
    retry_policy=RETRY,
)
# Steps after which the producer can no longer decline.
BINDING = AwardStep.CONTRACT_SIGNED
# How long the award's link lets the producer answer when the award sets no deadline to accept
# it: the 30 days every award of the programmes in programmes/ gives.
ACCEPT_WITHIN = timedelta(days=30)


@workflow.defn(name=WorkflowType.AWARD)
class AwardWorkflow:
    @workflow.init
    def __init__(self, input: AwardInput) -> None:
        self._s = input.model_copy(deep=True)
        self._steps = input.award.steps
        self._overdue = False
        self._pending: StepRequest | DeclineRequest | None = None

    @workflow.run
    async def run(self, input: AwardInput) -> AwardState:
        s = self._s
        s.done[AwardStep.OFFERED] = workflow.now()
        await workflow.execute_activity(
            activity_refs.notify,
            NotifyInput(
                submission_id=s.submission_id,
                stage=MessageKind.AWARD_GRANTED,
                occurrence=s.award.id,
                fields={
                    "award": s.award.name,
                    "partner": s.award.partner,
                    "value": s.value,
                    "currency": s.currency,
                    "accept_by": self._due or s.done[AwardStep.OFFERED] + ACCEPT_WITHIN,
                },
            ),
            summary=f"message: {MessageKind.AWARD_GRANTED.value}",
            **MAIL_ACTIVITY,
        )
        while (step := self._next()) is not None and s.declined is None:
            await self._await_step(step)  # at most six steps: the history stays short
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state()

    async def _await_step(self, step: AwardStep) -> None:
        s = self._s
        self._overdue = False
        await self._record(self._last().value, "waiting for " + step.value, "wipflow")
        self._show()
        if self._due is not None:
            try:
                await workflow.wait_condition(
                    lambda: self._pending is not None,
                    timeout=max(self._due - workflow.now(), timedelta(0)),
                    timeout_summary=f"{step.value} deadline",
                )
            except TimeoutError:
                self._overdue = True
                what = f"{step.value} of the {s.award.name} was due on {self._due:%Y-%m-%d}"
                await self._record(self._last().value, what, "wipflow")
                await workflow.execute_activity(
                    activity_refs.alert,
                    AlertInput(
                        submission_id=s.submission_id,
                        occurrence=f"{s.award.id}-{step.value}",
                        what=what,
                        since=self._due,
                        partner=Recipient(email=s.award.partner_email, name=s.award.partner)
                        if s.award.partner_email
                        else None,
                    ),
                    summary=f"alert staff and partner: {step.value} overdue",
                    **MAIL_ACTIVITY,
                )
                self._show()
        await workflow.wait_condition(lambda: self._pending is not None)
        request, self._pending = self._pending, None
        if isinstance(request, DeclineRequest):
            s.declined = request.reason
            self._overdue = False
            await self._record("declined", request.reason, request.actor)
            await self._release()
        else:
            s.done[step] = workflow.now()
            s.step = step
            self._overdue = False
            await self._record(step.value, request.note or f"{step.value} recorded", request.actor)
        self._show()

    async def _release(self) -> None:
        """Give the declined share back to the session's partnering, for the jury to regrant."""
        s = self._s
        partnering = workflow.get_external_workflow_handle(partnering_workflow_id(s.session_id))
        try:
            await partnering.signal(
                "award_declined",
                DeclinedShare(award_id=s.award.id, submission_id=s.submission_id),
            )
        except FailureError as exc:  # the session is over: there is no jury left to regrant
            workflow.logger.warning("partnering did not take the declined share: %s", exc)

    async def _record(self, step: str, reason: str, actor: str) -> None:
        await workflow.execute_activity(
            activity_refs.record_award_step,
            AwardStepInput(
                grant_id=self._s.grant_id,
                step=step,
                due_at=self._due,
                overdue=self._overdue,
                at=workflow.now(),
                actor=actor,
                reason=reason,
            ),
            summary=f"record {step}" + (" (overdue)" if self._overdue else ""),
            **DB_ACTIVITY,
        )

    @property
    def _due(self) -> datetime | None:
        """When the next step is due: its deadline counted from the step before it."""
        s, step = self._s, self._next()
        days = None if step is None or s.declined else s.award.deadlines.get(step)
        return None if days is None else s.done[s.step] + timedelta(days=days)

    def _last(self) -> AwardStep:
        return self._s.step

    def _next(self) -> AwardStep | None:
        index = self._steps.index(self._s.step)
        return self._steps[index + 1] if index + 1 < len(self._steps) else None

    def _show(self) -> None:
        s = self._s
        step = "declined" if s.declined else s.step.value
        if self._overdue:
            step = f"overdue: {self._next().value}"
        text = f"**{s.award.name}** ({s.share_pct:g}%, {worth(s.value, s.currency)}): {step}"
        nxt = None if s.declined else self._next()
        if nxt is not None:
            text += f"; next {nxt.value}"
            if self._due is not None:
                text += f" by {self._due:%Y-%m-%d}"
        status = Status.DONE if nxt is None else OWES.get(nxt, Status.WAITING_PARTNER)
        publish(step, status, self._due if nxt else None, text)

    # --- messages --------------------------------------------------------------------------------

    @workflow.query
    def state(self) -> AwardState:
        s = self._s
        return AwardState(
            grant_id=s.grant_id,
            award=s.award.id,
            submission_id=s.submission_id,
            step=s.step,
            next_step=None if s.declined else self._next(),
            due=self._due,
            overdue=self._overdue,
            done=dict(s.done),
            declined=s.declined,
        )

    @workflow.update
    async def record_step(self, request: StepRequest) -> AwardState:
        self._pending = request
        await workflow.wait_condition(lambda: request.step in self._s.done)
        return self.state()

    @record_step.validator
    def validate_record_step(self, request: StepRequest) -> None:
        self._waiting()
        expected = self._next()
        if request.step is not expected:
            raise ValueError(
                f"the award is at {self._s.step.value}: the next step is {expected.value}, "
                f"not {request.step.value}"
            )

    @workflow.update
    async def decline(self, request: DeclineRequest) -> AwardState:
        self._pending = request
        await workflow.wait_condition(lambda: self._s.declined is not None)
        return self.state()

    @decline.validator
    def validate_decline(self, request: DeclineRequest) -> None:
        self._waiting()
        if BINDING in self._s.done:
            raise ValueError("the contract is signed: the award can no longer be declined")

    def _waiting(self) -> None:
        if self._s.declined is not None:
            raise ValueError(f"the award was declined: {self._s.declined}")
        if self._next() is None:
            raise ValueError("every step of the award is recorded")
        if self._pending is not None:
            raise ValueError("a step is being recorded: try again in a moment")
