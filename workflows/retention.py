"""RetentionWorkflow: what a programme's retention schedule (`retention/<programme>`) runs once a
day. Thin: it stamps the moment and asks one activity to erase every film past the programme's
retention; the activity pages, heartbeats and resumes, and a run with nothing due erases nothing.

Messages: none; its result says which sessions were past their retention and how many films this
run erased."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    import activity_refs
    from models.retention import EraseDueInput, EraseDueResult, RetentionInput
    from shared import WorkflowType


@workflow.defn(name=WorkflowType.RETENTION)
class RetentionWorkflow:
    @workflow.run
    async def run(self, input: RetentionInput) -> EraseDueResult:
        return await workflow.execute_activity(
            activity_refs.erase_due,
            EraseDueInput(**input.model_dump(), now=workflow.now()),
            # 20,000 films at 500 a page is 40 transactions: minutes, not hours.
            start_to_close_timeout=timedelta(hours=1),
            heartbeat_timeout=timedelta(minutes=2),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=5)),
            summary=f"erase {input.programme_id}'s films past {input.not_selected_months} months",
        )
