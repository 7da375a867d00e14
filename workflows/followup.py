"""FollowUpWorkflow: one selected film, from the end of its session until it is finished and
premiered, or stalls, for as long as that takes (18 months and more).

It sleeps on durable timers between the steps `domain/followup.py` plans: the report falls due
(the producer is asked), a second reminder, an alert to staff, and after long silence the end of
the follow-up as stalled. A producer's report (a validated update) resets the cycle and may mark
milestones expected or done; a delivered master makes the film completed (reports then come less
often), its premiere ends the follow-up. Staff may close it; `followup reopen` starts it again.

Its state is a dozen milestones and a few counters, and it continues as new whenever its history
passes `HISTORY_LIMIT` events, so two years of follow-up never make a long history. Code changes
to a running workflow go behind `workflow.patched`; `tests/histories/` replays a saved history
of this workflow in every test run, so a change that would break running follow-ups fails CI.

Messages: update `report(Report)`, update `close(CloseRequest)`, query `state()`.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    import activity_refs
    from domain.followup import ENDINGS, ReportError, apply_report, next_step, status_after
    from models.choices import Milestone
    from models.followup import (
        CloseRequest,
        EndingRecord,
        FollowUpInput,
        FollowUpState,
        FollowUpStatus,
        Report,
        ReportRecord,
        Step,
    )
    from models.message_kinds import MessageKind
    from models.notices import AlertInput, NotifyInput
    from shared import Status, WorkflowType
    from workflows.progress import publish

# Past this many events the workflow continues as new at its next quiet moment.
HISTORY_LIMIT = 200

RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5))
DB_ACTIVITY = dict(start_to_close_timeout=timedelta(seconds=30), retry_policy=RETRY)
MAIL_ACTIVITY = dict(
    start_to_close_timeout=timedelta(minutes=1),
    heartbeat_timeout=timedelta(seconds=10),
    retry_policy=RETRY,
)
# Milestones that are deals, as the sales table records them (a sales agent sells worldwide: WW).
SALE_KIND = {
    Milestone.DISTRIBUTION: "distribution",
    Milestone.TV_SALE: "tv",
    Milestone.SALES_AGENT: "sales",
}


@workflow.defn(name=WorkflowType.FOLLOW_UP)
class FollowUpWorkflow:
    @workflow.init
    def __init__(self, input: FollowUpInput) -> None:
        self._s = input.model_copy(deep=True)
        self._reports: list[Report] = []
        self._received = self._processed = 0
        self._refused: dict[int, str] = {}
        self._close: CloseRequest | None = None

    @workflow.run
    async def run(self, input: FollowUpInput) -> FollowUpState:
        s = self._s
        self._show()
        while not self._ended:
            planned = self._next()
            timeout = max(planned[1] - workflow.now(), timedelta(0)) if planned else None
            try:
                await workflow.wait_condition(
                    lambda: bool(self._reports) or self._close is not None,
                    timeout=timeout,
                    timeout_summary=planned[0].value if planned else None,
                )
            except TimeoutError:
                await self._take(planned[0])
            while self._reports and not self._ended:
                await self._apply(self._reports.pop(0))
            if self._close is not None and not self._ended:
                await self._end(FollowUpStatus.CLOSED, self._close.reason, self._close.actor)
            self._show()
            if not self._ended and workflow.info().get_current_history_length() > HISTORY_LIMIT:
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(s)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state()

    @property
    def _ended(self) -> bool:
        return self._s.status in ENDINGS or self._s.ending is not None

    def _next(self) -> tuple[Step, object] | None:
        s = self._s
        if s.ending is not None:
            return None
        master = s.milestones.get(Milestone.MASTER)
        finished = datetime.combine(master.done, time(12), UTC) if master and master.done else None
        return next_step(
            s.cadence, s.status, s.last_report or s.started_at, set(s.done_steps), finished
        )

    async def _take(self, step: Step) -> None:
        """A step of the cycle came due with no report."""
        s = self._s
        s.done_steps.append(step)
        # A reopened follow-up numbers its cycles apart from the life before it.
        cycle = str(s.reports + 1) if s.life == 1 else f"r{s.life}-{s.reports + 1}"
        if step is Step.DUE:
            await self._notify(
                MessageKind.FOLLOWUP_REMINDER, f"{cycle}-due", report_due=self._due()
            )
        elif step is Step.REMIND:
            await self._notify(
                MessageKind.FOLLOWUP_REMINDER, f"{cycle}-again", report_due=self._due()
            )
        elif step is Step.ESCALATE:
            await workflow.execute_activity(
                activity_refs.alert,
                AlertInput(
                    submission_id=s.submission_id,
                    occurrence=f"followup-{cycle}",
                    what=f"report {cycle} on “{s.title}” is overdue",
                    since=self._due(),
                ),
                summary=f"alert staff: report {cycle} overdue",
                **MAIL_ACTIVITY,
            )
        elif step is Step.CONCLUDE:
            await self._end(
                FollowUpStatus.COMPLETED,
                f"finished; no premiere recorded within {s.cadence.premiere_wait_days} days",
                "wipflow",
            )
        elif step is Step.STALL:
            last = (s.last_report or s.started_at).date()
            await self._end(
                FollowUpStatus.STALLED,
                f"no report since {last} ({s.cadence.stalled_after_days} days)",
                "wipflow",
            )

    def _due(self):
        s = self._s
        every = (
            s.cadence.finished_report_every_days
            if s.status is FollowUpStatus.COMPLETED
            else s.cadence.report_every_days
        )
        return (s.last_report or s.started_at) + timedelta(days=every)

    async def _apply(self, report: Report) -> None:
        s, now = self._s, workflow.now()
        before = s.status
        try:
            s.milestones = apply_report(s.milestones, report, now.date())
        except ReportError as exc:  # queued behind another report that changed the same dates
            self._processed += 1
            self._refused[self._processed] = str(exc)
            return
        status = status_after(s.status, s.milestones)
        s.last_report, s.done_steps = now, []
        s.reports += 1
        changed = list(dict.fromkeys(u.milestone for u in report.milestones))
        await workflow.execute_activity(
            activity_refs.record_progress,
            ReportRecord(
                submission_id=s.submission_id,
                key=f"{workflow.info().workflow_id}:report:{s.reports}",
                at=now,
                actor=report.actor,
                note=report.note,
                status=status,
                milestones=s.milestones,
                changed=changed,
                sales=[
                    (
                        SALE_KIND[u.milestone],
                        u.detail.get("territory", "WW"),
                        u.detail["company"],
                        u.done,
                    )
                    for u in report.milestones
                    if u.milestone in SALE_KIND and u.done is not None
                ],
            ),
            summary=f"record report {s.reports}",
            **DB_ACTIVITY,
        )
        # Recorded: its update answers with the new status, even one that ends the follow-up.
        self._processed += 1
        s.status = status
        if s.status is FollowUpStatus.COMPLETED and before is FollowUpStatus.FOLLOWING:
            master = s.milestones[Milestone.MASTER].done
            await self._notify(MessageKind.COMPLETION, "1", completed_on=master)
        if s.status is FollowUpStatus.PREMIERED:
            premiere = s.milestones[Milestone.PREMIERE]
            where = ", ".join(v for v in premiere.detail.values() if v)
            await self._end(
                FollowUpStatus.PREMIERED, f"premiered {premiere.done}: {where}", "wipflow"
            )

    async def _end(self, status: FollowUpStatus, reason: str, actor: str) -> None:
        s = self._s
        s.status, s.ending = status, reason
        await workflow.execute_activity(
            activity_refs.record_followup_end,
            EndingRecord(
                submission_id=s.submission_id,
                key=f"{workflow.info().workflow_id}:{s.life}:{status.value}:{s.reports}",
                at=workflow.now(),
                actor=actor,
                status=status,
                reason=reason,
            ),
            summary=f"follow-up {status.value}",
            **DB_ACTIVITY,
        )

    async def _notify(self, stage: MessageKind, occurrence: str, **fields) -> None:
        await workflow.execute_activity(
            activity_refs.notify,
            NotifyInput(
                submission_id=self._s.submission_id,
                stage=stage,
                occurrence=occurrence,
                fields=fields,
            ),
            summary=f"message: {stage.value}",
            **MAIL_ACTIVITY,
        )

    def _show(self) -> None:
        s = self._s
        done = sorted(m.value for m, st in s.milestones.items() if st.done)
        text = f"**{s.title}**: {s.status.value}; {s.reports} report(s)"
        if done:
            text += f"; done: {', '.join(done)}"
        planned = None if s.ending else self._next()
        if s.ending:
            text += f"; ended: {s.ending}"
        elif planned is not None:
            text += f"; next: {planned[0].value} on {planned[1]:%Y-%m-%d}"
        # Earlier runs upserted the stage at every turn; replay tolerates the upserts this no
        # longer makes (the saved history under tests/histories shows it).
        status = Status.DONE if self._ended else Status.WAITING_PRODUCER
        publish(s.status.value, status, planned[1] if planned else None, text)

    # --- messages --------------------------------------------------------------------------------

    @workflow.query
    def state(self) -> FollowUpState:
        s = self._s
        planned = self._next()
        return FollowUpState(
            submission_id=s.submission_id,
            title=s.title,
            status=s.status,
            milestones=s.milestones,
            reports=s.reports,
            last_report=s.last_report,
            next_step=planned[0] if planned else None,
            next_at=planned[1] if planned else None,
            ending=s.ending,
            report_due=self._due() if Step.DUE in s.done_steps and not self._ended else None,
        )

    @workflow.update
    async def report(self, report: Report) -> FollowUpState:
        self._reports.append(report)
        self._received += 1
        number, count = self._received, self._s.reports + len(self._reports)
        if workflow.patched("report-answers-once-recorded"):
            await workflow.wait_condition(lambda: self._processed >= number or self._ended)
            if self._processed < number:  # a premiere or a timer ended it first
                raise ApplicationError(
                    f"the follow-up ended ({self._s.status.value}: {self._s.ending}) before "
                    "this report was applied",
                    type="FollowUpEnded",
                    non_retryable=True,
                )
        else:  # runs started before: the answer came as the report was counted
            await workflow.wait_condition(lambda: self._s.reports >= count or self._ended)
        if (why := self._refused.pop(number, None)) is not None:
            raise ApplicationError(why, type="ReportError", non_retryable=True)
        return self.state()

    @report.validator
    def validate_report(self, report: Report) -> None:
        self._open()
        try:
            apply_report(self._s.milestones, report, workflow.now().date())
        except ReportError as exc:
            raise ValueError(str(exc)) from None

    @workflow.update
    async def close(self, request: CloseRequest) -> FollowUpState:
        self._close = request
        await workflow.wait_condition(lambda: self._ended)
        return self.state()

    @close.validator
    def validate_close(self, request: CloseRequest) -> None:
        self._open()

    def _open(self) -> None:
        if self._ended:
            raise ValueError(f"the follow-up has ended ({self._s.status.value}): reopen it first")
        if self._close is not None:
            raise ValueError("the follow-up is being closed")
