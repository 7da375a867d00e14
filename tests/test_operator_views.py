"""What operators see: one session taken to its offers from the command line, on a dev server with
its UI, then read back the ways an operator reads it — search attributes (stage, whom each
workflow waits for, until when), summaries and current details, typed queries, the CLI's views
(`session status`, `session watch`, `submission show` with its timeline), the Temporal UI itself
in headless Chromium, and the worker's Prometheus metrics."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from urllib.request import urlopen

import pytest
import pytest_asyncio
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from devserver import binary, codec_endpoint
from docs.screenshots import codec_settings, sign_in
from gateway.context import Context
from models.messages import SubmissionState
from models.session import ScoreInput, SessionStatus
from settings import PROJECT_ROOT, Settings
from shared import (
    DEADLINE,
    SEARCH_ATTRIBUTES,
    STAGE,
    STATUS,
    Status,
    session_workflow_id,
    submission_workflow_id,
)
from tests.conftest import cli_year, require, running_worker, staff_accounts
from tests.forms import committee, form_dict
from tests.test_cli import starter
from tests.test_cli_sessions import ok
from web.app import create_app
from web.serve import serving
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow

HAVE_CHROMIUM = Path("/usr/bin/chromium").exists()
PASSWORD = "sealed but readable 2027"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest_asyncio.fixture(scope="module")
async def ui_env(converter: DataConverter) -> AsyncIterator[tuple[WorkflowEnvironment, str, str]]:
    """A dev server with its UI, as `make demo` runs it, on ports of its own: its UI told of
    the codec endpoint of a web app still to start (`web`) on a port chosen now."""
    ui_port = free_port()
    web = f"http://127.0.0.1:{free_port()}"
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=SEARCH_ATTRIBUTES,
        data_converter=converter,
        ui=True,
        ui_port=ui_port,
        dev_server_extra_args=[
            "--dynamic-config-value",
            "system.forceSearchAttributesCacheRefreshOnRead=true",
            "--ui-codec-endpoint",
            codec_endpoint(Settings(public_url=web)),
        ],
    )
    yield env, f"http://127.0.0.1:{ui_port}", web
    await env.shutdown()


@pytest_asyncio.fixture
async def web(ui_env, offered, pg_url, pg_sessions) -> AsyncIterator[dict[str, str]]:
    """The web app at the address the UI was given, with a read-only staff account: the one
    codec endpoint that opens the UI's payloads, for that account once signed in. For one test
    at a time, once the session is taken to its offers: while an account exists, the module's
    commands would have to name one."""
    _, ui, url = ui_env
    settings = Settings(temporal_ui_url=ui, database_url=pg_url, public_url=url)
    ctx = Context(settings, database=pg_sessions)
    email = f"lectora-{uuid.uuid4().hex[:6]}@cinelatino.example"
    async with (
        staff_accounts(ctx, [(email, "read_only")], PASSWORD),
        serving(create_app(ctx=ctx), port=urlsplit(url).port),
    ):
        yield {"url": url, "email": email, "password": PASSWORD}


@pytest_asyncio.fixture(scope="module")
async def offered(ui_env, pg_url, pg_sessions, tmp_path_factory) -> AsyncIterator[dict[str, Any]]:
    """A session with nine films, one ineligible, taken to its offers: one producer confirmed,
    one declined (the first waitlisted film is offered the slot), the others still to answer."""
    env, ui, _ = ui_env
    async with running_worker(env.client, pg_sessions) as queue:
        cli_env = {
            **os.environ,
            "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
            "TEMPORAL_TASK_QUEUE": queue,
            "TEMPORAL_UI_URL": ui,
            "DATABASE_URL": pg_url,
        }
        when = ["+1h", "+2h", "+3h", "+4h", "+5h"]
        opened = await ok(
            cli_env,
            *["session", "open", "films-in-progress", "toulouse", cli_year()],
            *["--deadline", when[0], "--review-deadline", when[1], "--selection-at", when[2]],
            *["--event-start", when[3], "--event-end", when[4], "--confirm-window", "1h"],
        )
        sid = opened["session_id"]
        folder = tmp_path_factory.mktemp("views")
        members = folder / "members.json"
        members.write_text(json.dumps(committee("ana", "beto", "caro")))
        await ok(cli_env, "review", "members", sid, str(members))
        entries = folder / "entries.json"
        films = [
            form_dict(
                original_title=f"Película {i}",
                producers=[{"company": f"Casa {i}", "country": "AR", "share_pct": 100}],
            )
            for i in range(8)
        ]
        films.append(form_dict(original_title="Corto", runtime_expected_min=30))
        entries.write_text(json.dumps(films))
        ids = [
            e["submission_id"] for e in (await ok(cli_env, "submit", sid, str(entries)))["accepted"]
        ]
        board = await until(lambda: ok(cli_env, "session", "status", sid), judged(9))
        await ok(cli_env, "session", "advance", sid, "--reason", "the call closed early")
        in_review = await describe_all(env.client, ids[:8])
        await score_every_film(env.client, ids[:8])
        await ok(cli_env, "session", "advance", sid, "--reason", "scores are in")
        board = await ok(cli_env, "selection", "run", sid)
        offers = [o["submission_id"] for o in board["offers"]]
        await ok(cli_env, "producer", "confirm", offers[0])
        board = await ok(cli_env, "producer", "decline", offers[1], "--reason", "other plans")
        yield {
            "client": env.client,
            "env": cli_env,
            "ui": ui,
            "session_id": sid,
            "ids": ids,
            "board": board,
            "in_review": in_review,
            "review_deadline": opened["calendar"]["review_deadline"],
        }


async def score_every_film(client: Client, submission_ids: list[str]) -> None:
    """Each reviewer scores each film; the first film scores best."""
    for rank, sid in enumerate(submission_ids):
        handle = client.get_workflow_handle_for(SubmissionWorkflow.run, submission_workflow_id(sid))
        for member in (await handle.query(SubmissionWorkflow.state)).reviewers:
            await handle.execute_update(
                SubmissionWorkflow.score, ScoreInput(member_id=member, score=9 - rank)
            )


def judged(n: int):
    return lambda board: board["counts"]["submitted"] == n and board["counts"]["received"] == 0


async def until(probe, done, within: float = 60):
    deadline = asyncio.get_running_loop().time() + within
    while not done(value := await probe()):
        assert asyncio.get_running_loop().time() < deadline, value
        await asyncio.sleep(0.3)
    return value


async def describe_all(client: Client, submission_ids: list[str]) -> dict[str, Any]:
    return {
        s: (
            await client.get_workflow_handle(submission_workflow_id(s)).describe()
        ).typed_search_attributes
        for s in submission_ids
    }


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_search_attributes_say_who_owes_what_until_when(offered):
    client, sid, board = offered["client"], offered["session_id"], offered["board"]
    ids = offered["ids"]
    review_deadline = moment(offered["review_deadline"])
    for attributes in offered["in_review"].values():
        assert attributes.get(STAGE) == "under_review"
        assert attributes.get(STATUS) == Status.WAITING_COMMITTEE
        assert abs((attributes.get(DEADLINE) - review_deadline).total_seconds()) < 1

    pending = {o["submission_id"]: o for o in board["offers"] if o["status"] == "offered"}
    confirmed = [o["submission_id"] for o in board["offers"] if o["status"] == "confirmed"]
    declined = [d["submission_id"] for d in board["declined"]]
    assert len(pending) == 5 and len(confirmed) == 1 and len(declined) == 1

    # The operator's question, asked of the UI's list: who owes an answer, and until when?
    query = (
        f'WipSession="{sid}" AND WorkflowType="SubmissionWorkflow" '
        f'AND WipStatus="{Status.WAITING_PRODUCER}"'
    )

    async def waiting() -> set[str]:
        return {w.id async for w in client.list_workflows(query)}

    expected = {submission_workflow_id(s) for s in pending}
    await until(waiting, lambda found: found == expected)
    now = await describe_all(client, ids)
    for s, offer in pending.items():
        assert now[s].get(STAGE) == "offered"
        assert abs((now[s].get(DEADLINE) - moment(offer["deadline"])).total_seconds()) < 1
    assert now[confirmed[0]].get(STATUS) == Status.WAITING_SESSION
    assert now[confirmed[0]].get(DEADLINE) is None
    for finished in [*declined, ids[8]]:  # the declined film and the ineligible short
        assert now[finished].get(STATUS) == Status.DONE and now[finished].get(DEADLINE) is None
    assert now[ids[8]].get(STAGE) == "ineligible"

    session = await client.get_workflow_handle(session_workflow_id(sid)).describe()
    attributes = session.typed_search_attributes
    assert attributes.get(STAGE) == "confirmation"
    assert attributes.get(STATUS) == Status.WAITING_PRODUCER
    first_lapse = min(moment(o["deadline"]) for o in pending.values())
    assert abs((attributes.get(DEADLINE) - first_lapse).total_seconds()) < 1


async def test_summaries_details_and_typed_queries(offered):
    client, ids, board = offered["client"], offered["ids"], offered["board"]
    offer = next(o for o in board["offers"] if o["status"] == "offered")
    handle = client.get_workflow_handle_for(
        SubmissionWorkflow.run, submission_workflow_id(offer["submission_id"])
    )
    description = await handle.describe()
    summary, details = await description.static_summary(), await description.static_details()
    assert summary.startswith(offer["title"]) and "(AR)" in summary
    assert "Producers:" in details and "Casa" in details

    state = await handle.query(SubmissionWorkflow.state)
    assert isinstance(state, SubmissionState) and state.stage.value == "offered"
    assert state.offer_deadline == moment(offer["deadline"])
    metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    assert offer["title"] in metadata.current_details
    assert "waiting for the producer's answer (until" in metadata.current_details
    assert {q.name for q in metadata.definition.query_definitions} >= {"state"}

    session = client.get_workflow_handle_for(
        SessionWorkflow.run, session_workflow_id(offered["session_id"])
    )
    status = await session.query(SessionWorkflow.status)
    assert isinstance(status, SessionStatus) and status.picks is not None
    assert [o.submission_id for o in status.picks.offers] == [
        o["submission_id"] for o in board["offers"]
    ]
    lapsed = await client.get_workflow_handle(submission_workflow_id(ids[8])).query(
        "__temporal_workflow_metadata", result_type=WorkflowMetadata
    )
    assert lapsed.current_details.startswith("**Corto** — Ineligible:")


async def test_cli_views(offered):
    env, sid, ids, board = offered["env"], offered["session_id"], offered["ids"], offered["board"]
    code, text, err = await starter(env, "session", "status", sid)
    assert code == 0, err
    assert "confirmation" in text and "waitlisted" in text and "answer by" in text
    waitlisted = [w["title"] for w in board["waitlisted"]]
    assert waitlisted and all(title in text for title in waitlisted)

    code, lines, err = await starter(
        env, "session", "watch", sid, "--count", "2", "--every", "0.2", "--json"
    )
    assert code == 0, err
    frames = [json.loads(line) for line in lines.splitlines()]
    assert len(frames) == 2 and frames[0]["at"] < frames[1]["at"]
    progress = {b["label"]: b for b in frames[-1]["progress"]}
    assert progress["call judged"]["done"] == progress["call judged"]["total"] == 9
    assert progress["reviews scored"]["done"] == progress["reviews scored"]["total"] == 24
    assert (progress["slots confirmed"]["done"], progress["slots confirmed"]["total"]) == (1, 6)
    assert progress["confirmation clock"]["clock"]
    code, live, err = await starter(env, "session", "watch", sid, "--count", "1")
    assert code == 0, err
    assert "slots confirmed" in live and "1/6" in live

    offer = next(o for o in board["offers"] if o["status"] == "offered")
    shown = await ok(env, "submission", "show", offer["submission_id"])
    timeline = shown["timeline"]
    assert [m["at"] for m in timeline] == sorted(m["at"] for m in timeline)
    stages = [m["what"] for m in timeline if m["kind"] == "stage"]
    assert stages == [
        "new → received",
        "received → eligible",
        "eligible → under_review",
        "under_review → offered",
    ]
    assert sum(m["kind"] == "score" for m in timeline) == 3
    messages = [m["what"] for m in timeline if m["kind"] == "message"]
    assert any(m.startswith("offer (") for m in messages) and len(messages) >= 3
    code, text, _ = await starter(env, "submission", "show", ids[8])
    assert code == 0 and "timeline" in text and "received → ineligible" in text


@pytest.mark.browser  # docs/screenshots.py drives Chromium
async def test_the_temporal_ui_shows_the_session_in_a_real_browser(offered, web, tmp_path):
    """docs/screenshots.py, as `make screenshots` runs it on the demo, against this session:
    signed in, so the activities' summaries and the user metadata, sealed, read in clear."""
    require(HAVE_CHROMIUM, "Chromium is not installed (apt-get install chromium)")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "docs/screenshots.py",
        *["--session", offered["session_id"], "--ui", offered["ui"], "--out", str(tmp_path)],
        *["--web", web["url"], "--staff", web["email"], "--password-stdin"],
        cwd=PROJECT_ROOT,
        env=offered["env"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(f"{web['password']}\n".encode()), 180)
    assert proc.returncode == 0, err.decode()[-2000:]
    lines = out.decode()
    # Nine films and the session; those owing an answer: five films and the session.
    assert "session-workflows.png: 10 workflows" in lines
    assert "waiting-on-producers.png: 6 workflows" in lines
    for name in (
        "session-workflows.png",
        "waiting-on-producers.png",
        "submission-timeline.png",
        "submission-metadata.png",
    ):
        assert (tmp_path / name).stat().st_size > 20_000, name


async def test_the_worker_serves_prometheus_metrics(ui_env, pg_url):
    env, _, _ = ui_env
    port, queue = free_port(), f"metrics-{uuid.uuid4().hex[:8]}"
    worker_env = {
        **os.environ,
        "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
        "TEMPORAL_TASK_QUEUE": queue,
        "DATABASE_URL": pg_url,
        "METRICS_ADDRESS": f"127.0.0.1:{port}",
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "worker.py", cwd=PROJECT_ROOT, env=worker_env, stderr=subprocess.PIPE
    )
    try:
        opened = await ok(
            {**worker_env, "METRICS_ADDRESS": ""},
            *["session", "open", "films-in-progress", "toulouse", cli_year(), "--deadline", "+1h"],
        )
        assert opened["session_id"]

        async def scrape() -> str:
            try:
                return await asyncio.to_thread(
                    lambda: urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
                )
            except OSError:
                return ""

        # The first workflow task of the session, picked up and run by this worker's queue.
        label = f'task_queue="{queue}"'
        wanted = [
            "temporal_workflow_task_schedule_to_start_latency_count",
            "temporal_workflow_task_execution_latency_count",
        ]

        def reported(text: str) -> bool:
            lines = [line for line in text.splitlines() if label in line]
            return all(any(line.startswith(m) for line in lines) for m in wanted)

        text = await until(scrape, reported)
        assert "temporal_worker_task_slots_available" in text
        assert "temporal_request" in text
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(worker.communicate(), 30)
        assert worker.returncode == 0, err.decode()[-2000:]


def test_the_readme_shows_the_screenshots():
    readme = (PROJECT_ROOT / "README.md").read_text()
    for name in ("session-workflows.png", "waiting-on-producers.png", "submission-metadata.png"):
        assert f"docs/{name}" in readme and (PROJECT_ROOT / "docs" / name).exists()


@pytest.mark.browser
async def test_a_films_input_reads_in_clear_signed_in_and_sealed_without(offered, web, browser):
    """Issue 18's proof, in Chromium on the real UI: with the codec endpoint configured and a
    staff session, a film's input reads in clear; without sign-in, the endpoint answers 401 and
    the UI shows the input as the ciphertext it is (and says the codec server failed)."""
    offer = next(o for o in offered["board"]["offers"] if o["status"] == "offered")
    workflow = quote(submission_workflow_id(offer["submission_id"]), safe="")
    url = f"{offered['ui']}/namespaces/default/workflows/{workflow}"
    endpoint = codec_endpoint(Settings(public_url=web["url"]))
    in_clear = re.escape(f'"original_title": "{offer["title"]}"')

    async def shown(signed_in: bool, until: str) -> tuple[str, set[int]]:
        """The workflow page's text once it matches `until`, and the codec endpoint's answers."""
        context = await browser.new_context(viewport={"width": 1800, "height": 3000})
        if signed_in:
            await sign_in(context, web["url"], web["email"], web["password"])
        await context.add_init_script(codec_settings(endpoint))
        page = await context.new_page()
        answers: set[int] = set()
        page.on(
            "response",
            lambda r: answers.add(r.status) if r.url.startswith(f"{endpoint}/decode") else None,
        )
        await page.goto(url)
        text = await until_shown(page, until)
        await context.close()
        return text, answers

    clear, answers = await shown(signed_in=True, until=in_clear)
    assert answers == {200}
    assert '"genre": "fiction"' in clear and "Codec Server could not connect" not in clear

    # The input is shown as it is stored: its sealed bytes, in base64.
    sealed, refusals = await shown(signed_in=False, until=r"Input\n\"[A-Za-z0-9+/]{200,}")
    assert refusals == {401} and "Codec Server could not connect" in sealed
    assert offer["title"] not in sealed and '"original_title"' not in sealed


async def until_shown(page, pattern: str, within: float = 30) -> str:
    deadline = asyncio.get_running_loop().time() + within
    while not re.search(pattern, body := await page.inner_text("body")):
        assert asyncio.get_running_loop().time() < deadline, (
            f"never shown: {pattern}\n{body[:3000]}"
        )
        await asyncio.sleep(0.3)
    return body
