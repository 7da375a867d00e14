"""Sending producers their messages exactly once, to a real SMTP server on loopback (aiosmtpd)
and to a Maildir: retries and replays send nothing twice, a server that is down then up gets
everything once, a permanent refusal is recorded for staff, an embargo holds a stage."""

from __future__ import annotations

import asyncio
import email
import mailbox
import socket
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from email.policy import default

import aiosmtplib
import asyncpg
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select
from temporalio.testing import ActivityEnvironment

from activities.notify import NotifyActivities
from models.message_kinds import MessageKind
from models.messages import FilmStage
from models.notices import NotifyInput
from models.orm import EmbargoRow, OutboxRow
from notifications.mailer import MaildirMailer, SmtpMailer
from notifications.outbox import deliver
from settings import PROJECT_ROOT, Settings
from store import repository
from tests.conftest import PG_ADMIN_DSN, new_session, running_worker
from tests.test_store import submission_row

SENDER = "Films in Progress <wip@wipflow.local>"


class Inbox:
    """An SMTP server's receiving end: keeps every message, or refuses every recipient."""

    def __init__(self, refuse: bool = False) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(inbox: Inbox, port: int):
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def smtp_mailer(port: int) -> SmtpMailer:
    return SmtpMailer(Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False))


@pytest.fixture
async def film(pg_sessions, programmes) -> str:
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    row = submission_row(
        session,
        "mensajes-1",
        original_title="Los silencios",
        contact_name="Beatriz Seigner",
        contact_email="beatriz@example.org",
        contact_language="es",
    )
    async with pg_sessions.begin() as db:
        await repository.insert_submission(db, row)
    return row["id"]


async def outbox(pg_sessions, film: str) -> list[OutboxRow]:
    async with pg_sessions() as db:
        return list(
            (await db.scalars(select(OutboxRow).where(OutboxRow.submission_id == film))).all()
        )


NEEDS_FIX = NotifyInput(
    submission_id="",
    stage=MessageKind.NEEDS_FIX,
    occurrence="1",
    fields={"reasons": ["Send a streaming link."], "fix_by": "2027-01-30T23:59:00+01:00"},
)


async def test_a_message_is_sent_once_whatever_the_retries(pg_sessions, film):
    inbox, port = Inbox(), free_port()
    activities = NotifyActivities(pg_sessions, smtp_mailer(port), SENDER)
    request = NEEDS_FIX.model_copy(update={"submission_id": film})
    with smtp_server(inbox, port):
        assert await ActivityEnvironment().run(activities.notify, request) == "sent"
        assert (
            await ActivityEnvironment().run(activities.notify, request) == "sent"
        )  # a retry, or a replay
    [message] = inbox.messages
    assert inbox.envelopes == [["beatriz@example.org"]] and message["Cc"] is None
    assert message["To"] == "Beatriz Seigner <beatriz@example.org>"
    assert message["Content-Language"] == "es" and "corrección" in message["Subject"]
    parts = {p.get_content_type(): p.get_content() for p in message.iter_parts()}
    assert "30 de enero de 2027" in parts["text/plain"] and "<p>" in parts["text/html"]
    [row] = await outbox(pg_sessions, film)
    assert (row.status, row.attempts) == ("sent", 1)
    assert message["Message-ID"].strip() == f"<{row.key}@wipflow>"


class CuttingMailer:
    """Delivers, then cuts the database connection whose transaction waits on the send (the
    pg drill's fault, at its worst moment): the row written in it is lost with its commit."""

    def __init__(self, inner: SmtpMailer, database: str) -> None:
        self.inner, self.database, self.cuts = inner, database, 0

    async def send(self, message, key: str) -> None:
        await self.inner.send(message, key)
        admin = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            self.cuts += await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = $1 AND state = 'idle in transaction'",
                self.database,
            )
        finally:
            await admin.close()


async def test_a_message_sent_whose_commit_is_lost_is_recorded_not_sent_again(pg_sessions, film):
    inbox, port = Inbox(), free_port()
    async with pg_sessions() as db:
        mailer = CuttingMailer(smtp_mailer(port), db.bind.url.database)
    request = NEEDS_FIX.model_copy(update={"submission_id": film})
    with smtp_server(inbox, port):
        status = await ActivityEnvironment().run(
            NotifyActivities(pg_sessions, mailer, SENDER).notify, request
        )
        assert mailer.cuts == 1 and status == "sent"
        # A retry, or a replay: it finds the message recorded, and sends nothing.
        again = NotifyActivities(pg_sessions, smtp_mailer(port), SENDER)
        assert await ActivityEnvironment().run(again.notify, request) == "sent"
    [message] = inbox.messages
    [row] = await outbox(pg_sessions, film)
    assert (row.status, row.attempts, row.stage) == ("sent", 1, "needs_fix")
    assert message["Message-ID"].strip() == f"<{row.key}@wipflow>"


async def test_smtp_down_then_up_delivers_everything_once(pg_sessions, film):
    inbox, port = Inbox(), free_port()
    activities = NotifyActivities(pg_sessions, smtp_mailer(port), SENDER)
    request = NEEDS_FIX.model_copy(update={"submission_id": film})
    with pytest.raises(aiosmtplib.SMTPConnectError):  # Temporal retries this with backoff
        await ActivityEnvironment().run(activities.notify, request)
    [row] = await outbox(pg_sessions, film)
    assert row.status == "pending" and row.attempts == 1 and "SMTPConnectError" in row.last_error
    assert row.sent_at is None  # written expecting a send, rewritten when it failed
    with smtp_server(inbox, port):
        assert await ActivityEnvironment().run(activities.notify, request) == "sent"
        assert await ActivityEnvironment().run(activities.notify, request) == "sent"
    assert len(inbox.messages) == 1
    [row] = await outbox(pg_sessions, film)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert row.sent_at is not None


async def test_a_permanent_refusal_is_recorded_not_retried(pg_sessions, film):
    inbox, port = Inbox(refuse=True), free_port()
    activities = NotifyActivities(pg_sessions, smtp_mailer(port), SENDER)
    with smtp_server(inbox, port):
        status = await ActivityEnvironment().run(
            activities.notify, NEEDS_FIX.model_copy(update={"submission_id": film})
        )
    assert status == "failed" and not inbox.messages
    [row] = await outbox(pg_sessions, film)
    assert row.status == "failed" and "550" in row.last_error and row.sent_at is None


async def test_maildir_delivery_is_idempotent_and_readable(pg_sessions, film, tmp_path):
    activities = NotifyActivities(pg_sessions, MaildirMailer(tmp_path / "mail"), SENDER)
    for _ in range(3):
        await ActivityEnvironment().run(
            activities.notify, NotifyInput(submission_id=film, stage=MessageKind.NOT_SELECTED)
        )
    folder = mailbox.Maildir(
        tmp_path / "mail", factory=lambda f: email.message_from_binary_file(f, policy=default)
    )
    [message] = list(folder)
    assert "no ha sido seleccionada" in message["Subject"]


async def test_an_embargo_holds_a_stage_until_staff_release_it(pg_sessions, film):
    inbox, port = Inbox(), free_port()
    mailer = smtp_mailer(port)
    activities = NotifyActivities(pg_sessions, mailer, SENDER)
    session_id = film.rsplit("/", 1)[0]
    async with pg_sessions.begin() as db:
        db.add(
            EmbargoRow(
                session_id=session_id,
                stage="not_selected",
                actor="staff",
                reason="until the press release",
                created_at=datetime.now(UTC),
            )
        )
    with smtp_server(inbox, port):
        request = NotifyInput(submission_id=film, stage=MessageKind.NOT_SELECTED)
        assert await ActivityEnvironment().run(activities.notify, request) == "held"
        assert not inbox.messages
        async with pg_sessions.begin() as db:
            await db.execute(delete(EmbargoRow).where(EmbargoRow.session_id == session_id))
        [row] = await outbox(pg_sessions, film)
        assert row.status == "held"
        assert await deliver(pg_sessions, mailer, SENDER, row.key) == "sent"
        assert await ActivityEnvironment().run(activities.notify, request) == "sent"
    assert len(inbox.messages) == 1


async def test_a_session_sends_exactly_the_expected_messages(ts_env, pg_sessions, programmes):
    """Eight films, six slots, a waitlist of one: everyone hears they were received and eligible;
    six hear of an offer; the seventh is waitlisted, then promoted when the first declines; once
    every slot is confirmed, the six confirmed films learn when they screen and the eighth that it
    was not selected. 31 messages, each once."""
    from models.followup import CloseRequest
    from models.session import AdvanceInput, SessionStage
    from shared import followup_workflow_id
    from tests.test_session_workflow import small_session
    from workflows.followup import FollowUpWorkflow
    from workflows.session import SessionWorkflow

    inbox, port = Inbox(), free_port()
    with smtp_server(inbox, port):
        async with running_worker(
            ts_env.client, pg_sessions, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False
        ) as queue:
            session = await small_session(ts_env, pg_sessions, programmes, queue, 8, waitlist=1)
            ids = session.ids
            await session.answer(SessionWorkflow.decline, ids[0], "other plans")
            for sid in ids[1:7]:
                await session.film_becomes(sid, FilmStage.OFFERED)
                await session.answer(SessionWorkflow.confirm, sid)
            await session.film_becomes(ids[7], FilmStage.NOT_SELECTED)
            for stage in (SessionStage.EVENT, SessionStage.FOLLOW_UP, SessionStage.CLOSED):
                await session.handle.execute_update(
                    SessionWorkflow.advance, AdvanceInput(to=stage, reason="test")
                )
            for sid in ids[1:7]:  # every film's workflow has ended before its worker stops
                await session.film_becomes(sid, FilmStage.CLOSED)
                followup = ts_env.client.get_workflow_handle_for(
                    FollowUpWorkflow.run, followup_workflow_id(sid)
                )
                await followup.execute_update(
                    FollowUpWorkflow.close, CloseRequest(reason="the test is over")
                )
                await followup.result()

    async with pg_sessions() as db:
        rows = (
            await db.scalars(select(OutboxRow).where(OutboxRow.session_id == session.row.id))
        ).all()
    sent = {(r.submission_id, r.stage) for r in rows if r.status == "sent"}
    expected = (
        {(sid, stage) for sid in ids for stage in ("submission_received", "eligible")}
        | {(sid, "offer") for sid in ids[:6]}
        | {(ids[6], "waitlisted"), (ids[6], "promoted"), (ids[7], "not_selected")}
        | {(sid, "event_logistics") for sid in ids[1:7]}
    )
    assert sent == expected and len(rows) == 31
    [logistics] = [r for r in rows if r.stage == "event_logistics" and r.submission_id == ids[1]]
    assert "Cinélatino – Rencontres de Toulouse" in logistics.text  # the venue, or the festival
    assert "se proyecta el" in logistics.text and "(CE" in logistics.text  # a time, in Spanish
    ids_received = [m["Message-ID"].strip() for m in inbox.messages]
    assert len(ids_received) == 31 == len(set(ids_received))
    assert set(ids_received) == {f"<{r.key}@wipflow>" for r in rows}
    # Staged: the film below the waitlist hears "not selected" after every offer went out.
    position = {r.stage + r.submission_id: ids_received.index(f"<{r.key}@wipflow>") for r in rows}
    offers = [position["offer" + sid] for sid in ids[:6]]
    assert position["not_selected" + ids[7]] > max(offers)


async def test_staff_hold_a_stage_read_the_outbox_and_release_it(env_for, pg_sessions, film):
    import json

    from tests.test_cli import starter

    inbox, port = Inbox(), free_port()
    env = {
        **env_for("unused"),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_STARTTLS": "false",
    }
    session_id = film.rsplit("/", 1)[0]
    code, _, err = await starter(
        env,
        "notifications",
        "embargo",
        session_id,
        "not_selected",
        "--reason",
        "after the press release",
    )
    assert code == 0, err
    activities = NotifyActivities(pg_sessions, smtp_mailer(port), SENDER)
    with smtp_server(inbox, port):
        assert (
            await ActivityEnvironment().run(
                activities.notify, NotifyInput(submission_id=film, stage=MessageKind.NOT_SELECTED)
            )
            == "held"
        )
        code, out, _ = await starter(
            env, "notifications", "outbox", session_id, "--status", "held", "--json"
        )
        [held] = json.loads(out)
        assert held["stage"] == "not_selected" and held["recipient"] == "beatriz@example.org"
        code, out, err = await starter(
            env, "notifications", "release", session_id, "not_selected", "--json"
        )
        assert code == 0, err
        assert json.loads(out) == {"released": 1, "results": {"sent": 1}}
        code, out, _ = await starter(
            env, "notifications", "release", session_id, "not_selected", "--json"
        )
        assert json.loads(out)["released"] == 0  # nothing held twice, nothing sent twice
    assert len(inbox.messages) == 1
    code, _, err = await starter(env, "notifications", "outbox", session_id, "--status", "lost")
    assert code == 1 and "one of pending, held, sent, failed" in err


class HeldInbox(Inbox):
    """Holds the first message in DATA, as a slow server would, until the test lets go; the
    held message is then refused (its sender is gone). Later messages are taken at once."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.let_go = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if not self.holding.is_set():
            self.holding.set()
            await asyncio.to_thread(self.let_go.wait, 60)
            return "451 4.3.0 sender went away"
        return await super().handle_DATA(server, session, envelope)


async def test_a_worker_killed_while_sending_yields_one_message(
    env_for, local_env, pg_sessions, programmes
):
    from intake.batch import validate_records
    from intake.opening import target_of
    from intake.submit import submit_batch
    from tests.forms import form_dict

    inbox, port = HeldInbox(), free_port()
    queue = f"drill-{uuid.uuid4().hex[:6]}"
    env = {
        **env_for(queue),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_STARTTLS": "false",
    }

    def start_worker() -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "worker.py"],
            cwd=PROJECT_ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for line in worker.stderr:
            if "worker polling" in line:
                return worker
        raise AssertionError("the worker did not start")

    session = await new_session(pg_sessions, programmes["films-in-progress"])
    with smtp_server(inbox, port):
        first = start_worker()
        try:
            report = await submit_batch(
                local_env.client,
                queue,
                target_of(session),
                validate_records([form_dict(original_title="Drill")]),
            )
            [entry] = report.accepted
            assert await asyncio.to_thread(inbox.holding.wait, 30)  # the send is under way
            # Written and sent in one transaction: nothing of it is committed yet.
            assert await outbox(pg_sessions, entry.submission_id) == []
        finally:
            first.kill()  # SIGKILL: no shutdown, no chance to finish
            first.wait()
        inbox.let_go.set()
        second = start_worker()
        try:

            async def all_sent() -> bool:
                rows = await outbox(pg_sessions, entry.submission_id)
                return len(rows) == 2 and {r.status for r in rows} == {"sent"}

            for _ in range(300):
                if await all_sent():
                    break
                await asyncio.sleep(0.2)
            assert await all_sent()
        finally:
            second.terminate()
            second.wait(timeout=30)
    rows = {r.stage: r.key for r in await outbox(pg_sessions, entry.submission_id)}
    received = [m["Message-ID"].strip() for m in inbox.messages]
    # The held first attempt was never delivered; its retry was, once; then "eligible", once.
    assert received == [f"<{rows['submission_received']}@wipflow>", f"<{rows['eligible']}@wipflow>"]
