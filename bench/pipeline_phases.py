"""The capacity benchmark's two phases: the pipeline, staff, committee and producers acting through
the entry points the CLI uses, and the ceiling, a bare workflow per film running as many no-op
activities as its real counterpart did (bench/ceiling.py)."""

from __future__ import annotations

import asyncio
import hashlib
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client

from bench.ceiling import BareSubmissionWorkflow
from bench.pipeline_meters import peak_memory_mib, reset_peak_memory
from domain.scoring import split_sheet
from intake.batch import validate_records
from intake.generate import generate
from intake.opening import open_session, session_input, start_session, target_of
from intake.submit import submit_batch
from models.committee import Member
from models.orm import OutboxRow, ReviewAssignmentRow, SessionRow
from models.programme import load_programme
from models.session import (
    AdvanceInput,
    AnswerInput,
    CommitteeInput,
    ScoreInput,
    ScoreSheet,
    SessionStage,
)
from models.sheets import SheetScore
from settings import PROJECT_ROOT
from shared import session_workflow_id, submission_workflow_id
from store import repository
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow

COMMITTEE = [Member(id=f"m{i:02d}", name=f"Member {i}") for i in range(12)]
FAR = timedelta(days=365)
# Films still waiting on the session; the pipeline is done when none is left in these.
UNSETTLED = ("received", "needs_fix", "eligible", "under_review", "offered", "waitlisted")
CONCURRENCY = 50  # as intake's own starts and session_scale's scores


async def until(probe: Callable[[], Awaitable[bool]], within: float = 6 * 3600) -> None:
    """Poll until `probe` holds; a guard against a stalled run, generous enough for 20,000 films
    on two shared cores."""
    deadline = time.monotonic() + within
    while not await probe():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark stalled")
        await asyncio.sleep(0.5)


def score(submission_id: str, member: str) -> float:
    """A member's score for a film, the same in every run."""
    return hashlib.sha256(f"{submission_id}{member}".encode()).digest()[0] % 11


def progress(line: str) -> None:
    """A line on stderr as each step ends, so a run of hours shows where it stands."""
    print(f"{datetime.now(UTC):%H:%M:%S} {line}", file=sys.stderr, flush=True)


@dataclass
class Pipeline:
    """Staff, committee and producers, acting through the entry points the CLI uses."""

    client: Client
    queue: str
    database: async_sessionmaker
    sheets: bool = True
    session_id: str = ""
    steps: dict[str, float] = field(default_factory=dict)
    peaks: dict[str, float] = field(default_factory=dict)  # MiB, the process's peak in each step

    async def counts(self) -> dict[str, int]:
        async with self.database() as db:
            return await repository.status_counts(db, self.session_id)

    async def timed(self, step: str, work: Awaitable[Any]) -> None:
        """Run one step, noting its wall time and the process's peak memory within it (which
        step holds the peak says what fills the memory: the films' workflows, or a step's
        own work on them all)."""
        reset_peak_memory()
        start = time.monotonic()
        await work
        self.steps[step] = time.monotonic() - start
        self.peaks[step] = peak_memory_mib()
        progress(f"pipeline: {step} took {self.steps[step]:.1f} s, peak {self.peaks[step]:.0f} MiB")

    async def advance(self, to: SessionStage) -> None:
        handle = self.client.get_workflow_handle(session_workflow_id(self.session_id))
        await handle.execute_update(SessionWorkflow.advance, AdvanceInput(to=to, reason="bench"))

    async def open(self, year: int) -> None:
        """A session whose calendar never fires: the benchmark moves every stage itself."""
        programme = load_programme(PROJECT_ROOT / "programmes" / "films-in-progress.toml")
        now = datetime.now(UTC)
        milestones = ["deadline", "review_deadline", "selection_announced", "event_start"]
        calendar = {name: now + (i + 1) * FAR for i, name in enumerate(milestones)}
        calendar["event_end"] = now + 5 * FAR
        row = await open_session(
            self.database,
            programme,
            "toulouse",
            year,
            calendar=calendar,
            fix_window=timedelta(seconds=1),
        )
        self.session_id = row.id
        handle = await start_session(self.client, self.queue, session_input(row, programme))
        await handle.execute_update(
            SessionWorkflow.set_committee, CommitteeInput(members=COMMITTEE)
        )

    async def submit(self, n: int) -> None:
        async with self.database() as db:
            row = await db.get(SessionRow, self.session_id)
        batch = validate_records(generate(n, 11))
        report = await submit_batch(self.client, self.queue, target_of(row), batch)
        assert len(report.accepted) == n, report.rejected[:3]
        # The driver's forms (tens of KB each) are not the worker's: let them go before the
        # films are judged, so that the peak measured is the worker's.
        del batch, report

        async def judged() -> bool:
            counts = await self.counts()
            return sum(counts.values()) == n and not counts.keys() & {"received", "needs_fix"}

        await until(judged)

    async def score_all(self) -> None:
        """Every assigned member scores their films: each in sheets of up to 1,000 films sent to
        the session (`review sheet`), or, film by film, on the films' own workflows (`review
        score`), as many at once as intake starts films."""
        async with self.database() as db:
            assignments = (
                await db.execute(
                    select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id).where(
                        ReviewAssignmentRow.session_id == self.session_id
                    )
                )
            ).all()
        if self.sheets:
            await self.send_sheets(assignments)
            return
        limit = asyncio.Semaphore(CONCURRENCY)

        async def score(sid: str, member: str) -> None:
            film = self.client.get_workflow_handle_for(
                SubmissionWorkflow.run, submission_workflow_id(sid)
            )
            async with limit:
                await film.execute_update(
                    SubmissionWorkflow.score, ScoreInput(member_id=member, score=score(sid, member))
                )

        await asyncio.gather(*(score(s, m) for s, m in assignments))

    async def send_sheets(self, assignments: list[tuple[str, str]]) -> None:
        sheets: dict[str, list[SheetScore]] = {}
        for sid, member in assignments:
            row = SheetScore(submission_id=sid, score=score(sid, member))
            sheets.setdefault(member, []).append(row)
        session = self.client.get_workflow_handle_for(
            SessionWorkflow.run, session_workflow_id(self.session_id)
        )
        for member, scores in sheets.items():
            for part in split_sheet(scores):
                sheet = ScoreSheet(member_id=member, scores=part)
                result = await session.execute_update(SessionWorkflow.score_sheet, sheet)
                assert not result.refused, result.refused[:3]

    async def confirm_offers(self) -> None:
        """The producers offered a slot all confirm: the lineup is final, the rest is told."""
        handle = self.client.get_workflow_handle_for(
            SessionWorkflow.run, session_workflow_id(self.session_id)
        )
        status = await handle.query(SessionWorkflow.status)
        for offer in status.picks.offers if status.picks else []:
            await handle.execute_update(
                SessionWorkflow.confirm, AnswerInput(submission_id=offer.submission_id)
            )

    async def told(self) -> bool:
        """Every film settled, and every film that settled late heard of it by mail."""
        counts = await self.counts()
        if counts.keys() & set(UNSETTLED):
            return False
        async with self.database() as db:
            sent = dict(
                (
                    await db.execute(
                        select(OutboxRow.stage, func.count())
                        .where(OutboxRow.session_id == self.session_id, OutboxRow.status == "sent")
                        .group_by(OutboxRow.stage)
                    )
                ).all()
            )
        return sent.get("not_selected", 0) == counts.get("not_selected", 0) and sent.get(
            "event_logistics", 0
        ) == counts.get("confirmed", 0)

    async def run(self, n: int, year: int) -> float:
        """The whole pipeline for `n` films; its wall time, from the first submission to the
        last message. The session's own set-up is not counted."""
        await self.open(year)
        start = time.monotonic()
        await self.timed("intake + eligibility", self.submit(n))
        await self.timed("assign reviews", self.advance(SessionStage.REVIEW))
        await self.timed("every score", self.score_all())
        await self.timed("rank", self.advance(SessionStage.SELECTION))
        await self.timed("offers + waitlist", self.advance(SessionStage.CONFIRMATION))
        await self.timed("confirm + not selected", self.confirm_offers())
        await self.timed("event: waitlist closed", self.advance(SessionStage.EVENT))
        await self.timed("last messages", until(self.told))
        return time.monotonic() - start

    async def messages_sent(self) -> int:
        async with self.database() as db:
            return await db.scalar(
                select(func.count()).where(
                    OutboxRow.session_id == self.session_id, OutboxRow.status == "sent"
                )
            )


async def run_ceiling(client: Client, queue: str, plan: list[int]) -> float:
    """Start one bare workflow per submission as intake starts films (50 at once), and wait
    until the last one has finished; the wall time."""
    limit = asyncio.Semaphore(CONCURRENCY)
    run = uuid.uuid4().hex[:8]

    async def start(i: int, activities: int) -> None:
        async with limit:
            await client.start_workflow(
                BareSubmissionWorkflow.run, activities, id=f"bare/{run}/{i}", task_queue=queue
            )

    begin = time.monotonic()
    await asyncio.gather(*(start(i, a) for i, a in enumerate(plan)))
    progress(f"ceiling: {len(plan)} started in {time.monotonic() - begin:.1f} s")

    async def finished() -> bool:
        query = f'TaskQueue="{queue}" AND ExecutionStatus="Running"'
        return (await client.count_workflows(query)).count == 0

    await until(finished)
    seconds = time.monotonic() - begin
    progress(f"ceiling: all finished in {seconds:.1f} s")
    return seconds
