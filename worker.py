"""The wipflow worker: one process that runs every workflow and activity.

    python worker.py        # uses TEMPORAL_ADDRESS, DATABASE_URL, ... (see settings.py)

It logs where it connected, registers the search attributes it needs, and on SIGTERM or SIGINT
stops polling, lets running activities finish (up to a grace period) and exits 0.
"""

from __future__ import annotations

import asyncio
import compileall
import logging
import os
import signal
from datetime import timedelta

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from activities.award_grants import AwardActivities
from activities.committee_mail import CommitteeMailActivities
from activities.failures import BoundedFailures
from activities.film_decisions import DecisionActivities
from activities.followup import FollowUpActivities
from activities.match_runs import MatchingActivities
from activities.meeting_runs import MeetingActivities
from activities.notify import NotifyActivities
from activities.partnering import PartneringActivities
from activities.privacy import PrivacyActivities
from activities.reviews import ReviewActivities
from activities.session_records import SessionRecordActivities
from activities.submissions import SubmissionActivities
from notifications.mailer import mailer_for
from settings import PROJECT_ROOT, Settings, get_settings
from store.db import make_engine, make_sessionmaker
from temporal_client import connect, ensure_search_attributes, metrics_runtime
from workflows.award import AwardWorkflow
from workflows.followup import FollowUpWorkflow
from workflows.partnering import PartneringWorkflow
from workflows.retention import RetentionWorkflow
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow

log = logging.getLogger("wipflow.worker")

WORKFLOWS = [
    SessionWorkflow,
    SubmissionWorkflow,
    PartneringWorkflow,
    AwardWorkflow,
    FollowUpWorkflow,
    RetentionWorkflow,
]


def activities(client: Client, settings: Settings, database: async_sessionmaker) -> list:
    """Every activity implementation the worker registers, by area."""
    mailer = mailer_for(settings)
    return [
        *SubmissionActivities(database).all(),
        *SessionRecordActivities(database).all(),
        *ReviewActivities(database, client).all(),
        *DecisionActivities(database, client).all(),
        *PartneringActivities(database, client).all(),
        *MatchingActivities(database).all(),
        *MeetingActivities(database).all(),
        *AwardActivities(database, client).all(),
        *NotifyActivities(database, mailer, settings.mail_from, settings=settings).all(),
        *CommitteeMailActivities(database, mailer, settings.mail_from, settings).all(),
        *FollowUpActivities(database, client).all(),
        *PrivacyActivities(database).all(),
    ]


def build_worker(client: Client, settings: Settings, database: async_sessionmaker) -> Worker:
    if settings.worker_sandbox:
        precompile_workflows()
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=activities(client, settings, database),
        interceptors=[BoundedFailures()],
        max_cached_workflows=settings.worker_cached_workflows,
        workflow_runner=SandboxedWorkflowRunner()
        if settings.worker_sandbox
        else UnsandboxedWorkflowRunner(),
        graceful_shutdown_timeout=timedelta(seconds=10),
        # wipflow stores no payload outside Temporal: the SDK's external-storage pass over every
        # activation then only looks, and with a limit above 1 it starts a task per payload and
        # waits on a semaphore whose check grows with its waiters (bench/pipeline.py's profile).
        max_workflow_task_external_storage_concurrency=1,
    )


def precompile_workflows() -> None:
    """Cache the workflow modules' bytecode. The sandbox imports a workflow's module afresh for
    every run it starts or replays; with no bytecode cached (PYTHONDONTWRITEBYTECODE, a fresh
    checkout or image) each of those imports compiles the source again, about a tenth of a
    submission's CPU in bench/pipeline.py. Where the folder is read-only nothing is written and
    nothing is lost."""
    compileall.compile_dir(PROJECT_ROOT / "workflows", quiet=2)


def _runtime(settings: Settings) -> Runtime | None:
    """The metrics runtime, unless turned off; a port already taken costs the metrics, not the
    worker: it still runs the festival's workflows, and says loudly why it has no metrics."""
    if not settings.metrics_address:
        return None
    try:
        runtime = metrics_runtime(settings.metrics_address)
    except ValueError as exc:
        log.error("no Prometheus metrics at %s: %s", settings.metrics_address, exc)
        return None
    log.info("Prometheus metrics at http://%s/metrics", settings.metrics_address)
    return runtime


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    engine = make_engine(settings.database_url)
    try:
        database = make_sessionmaker(engine)
        client = await connect(settings, database, _runtime(settings))
        added = await ensure_search_attributes(client, settings.temporal_namespace)
        if added:
            log.info("registered search attributes %s", ", ".join(added))
        worker = build_worker(client, settings, database)
        async with worker:
            log.info(
                "worker polling task queue %r on %s (namespace %r), database %s",
                settings.temporal_task_queue,
                settings.temporal_address,
                settings.temporal_namespace,
                make_url(settings.database_url).render_as_string(hide_password=True),
            )
            await stop.wait()
            log.info("stopping: finishing running tasks")
    finally:
        await engine.dispose()
    log.info("worker stopped")


async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await serve(get_settings(), stop)


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(main())
    # Shut down cleanly above; skip the interpreter's finalisation, where the SDK's native threads
    # can abort the process (sdk-python#300) and turn a clean stop into exit code 134.
    logging.shutdown()
    os._exit(0)
