"""The Temporal UI's remote codec endpoint (web/codec.py) over HTTP, under uvicorn on PostgreSQL
(the sessions' data keys live there): no staff cookie, no payload opened (401, readable by the
UI's origin); signed in, every role decodes, only those who may act encode; the browser's
preflight is answered for the UI's origin alone; a payload that does not open comes back sealed
while the rest of its batch opens."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import pytest_asyncio
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import WorkflowSerializationContext

from codec.keyring import Keyring
from codec.payloads import ENCODING, SealingCodec
from codec.session_keys import SessionKeys
from gateway.context import Context
from settings import Settings
from tests.conftest import staff_accounts
from web.app import create_app
from web.security import STAFF_COOKIE
from web.serve import serving

pytestmark = pytest.mark.integration

UI = "http://127.0.0.1:18233"
KEY = os.urandom(32)
PASSWORD = "payloads sealed in march"
FILM = {"original_title": "La sirga", "contact_email": "oscar@films.example"}


def clear(value: dict) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(value).encode())


def body(*payloads: Payload) -> dict[str, Any]:
    return json_format.MessageToDict(Payloads(payloads=payloads))


def read(answer: httpx.Response) -> list[Payload]:
    return list(json_format.ParseDict(answer.json(), Payloads()).payloads)


@pytest_asyncio.fixture(scope="module")
async def door(pg_url, pg_sessions) -> AsyncIterator[dict[str, Any]]:
    """The web app with the UI's origin configured, two staff accounts, and a session's film."""
    settings = Settings(
        link_keys={"k1": "the codec endpoint's test key"},
        link_key_id="k1",
        database_url=pg_url,
        temporal_ui_url=UI,
        payload_keys={"p1": base64.urlsafe_b64encode(KEY).decode()},
        payload_key_id="p1",
    )
    ctx = Context(settings, database=pg_sessions)
    accounts = [
        ("rita@cinelatino.example", "read_only"),
        ("pablo@cinelatino.example", "programmer"),
    ]
    async with staff_accounts(ctx, accounts, PASSWORD), serving(create_app(ctx=ctx)) as url:
        yield {"url": url, "ctx": ctx}


def sealing(pg_sessions, session_id: str) -> SealingCodec:
    keys = SessionKeys(Keyring({"p1": KEY}, "p1"), pg_sessions)
    context = WorkflowSerializationContext(
        namespace="default", workflow_id=f"submission/{session_id}/la-sirga"
    )
    return SealingCodec(keys).with_context(context)


@asynccontextmanager
async def signed_in(url: str, email: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=url) as http:
        yield await sign_in(http, email)


async def sign_in(http: httpx.AsyncClient, email: str) -> httpx.AsyncClient:
    form = await http.get("/staff/sign-in")
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    answer = await http.post(
        "/staff/sign-in", data={"email": email, "password": PASSWORD, "csrf": csrf}
    )
    assert answer.status_code == 303 and STAFF_COOKIE in http.cookies
    return http


def session_id() -> str:
    return f"films-in-progress/endpoint-{uuid.uuid4().hex[:8]}"


async def test_without_sign_in_the_endpoint_answers_401_the_ui_can_read(door, pg_sessions):
    [secret] = await sealing(pg_sessions, session_id()).encode([clear(FILM)])
    async with httpx.AsyncClient(base_url=door["url"]) as http:
        answer = await http.post("/staff/codec/decode", json=body(secret), headers={"origin": UI})
    assert answer.status_code == 401
    assert answer.headers["access-control-allow-origin"] == UI
    assert answer.headers["access-control-allow-credentials"] == "true"
    assert "La sirga" not in answer.text and "oscar" not in answer.text


async def test_a_read_only_member_decodes_what_a_session_sealed(door, pg_sessions):
    [secret] = await sealing(pg_sessions, session_id()).encode([clear(FILM)])
    never_sealed = clear({"note": "written before the codec"})
    async with signed_in(door["url"], "rita@cinelatino.example") as http:
        answer = await http.post(
            "/staff/codec/decode?preserveStorageRefs=true",
            json=body(secret, never_sealed),
            headers={"origin": UI, "x-namespace": "default"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["access-control-allow-origin"] == UI
        assert "Origin" in answer.headers["vary"]
        film, note = read(answer)
        assert json.loads(film.data) == FILM and film.metadata["encoding"] == b"json/plain"
        assert note == never_sealed

        refused = await http.post("/staff/codec/encode", json=body(clear(FILM)))
        assert refused.status_code == 403 and "read_only" in refused.json()["error"]


async def test_a_programmer_encodes_and_the_worker_side_opens_it(door, pg_sessions):
    async with signed_in(door["url"], "pablo@cinelatino.example") as http:
        answer = await http.post(
            "/staff/codec/encode", json=body(clear(FILM)), headers={"origin": UI}
        )
    assert answer.status_code == 200, answer.text
    [secret] = read(answer)
    assert secret.metadata["encoding"] == ENCODING and b"sirga" not in secret.data
    [again] = await sealing(pg_sessions, session_id()).decode([secret])  # as a worker opens it
    assert json.loads(again.data) == FILM


async def test_a_payload_that_does_not_open_comes_back_sealed(door, pg_sessions):
    gone = session_id()
    codec = sealing(pg_sessions, gone)
    [forgotten] = await codec.encode([clear(FILM)])
    await codec.keys.forget(gone)
    foreign_keys = SessionKeys(Keyring({"p9": os.urandom(32)}, "p9"), pg_sessions)
    [foreign] = await SealingCodec(foreign_keys).encode([clear(FILM)])
    [readable] = await sealing(pg_sessions, session_id()).encode([clear(FILM)])
    async with signed_in(door["url"], "rita@cinelatino.example") as http:
        answer = await http.post("/staff/codec/decode", json=body(forgotten, foreign, readable))
    assert answer.status_code == 200, answer.text
    still_forgotten, still_foreign, opened = read(answer)
    assert (still_forgotten, still_foreign) == (forgotten, foreign)
    assert json.loads(opened.data) == FILM


async def test_the_preflight_is_answered_for_the_uis_origin_only(door):
    asked = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-namespace",
    }
    async with httpx.AsyncClient(base_url=door["url"]) as http:
        ui = await http.options("/staff/codec/decode", headers={"origin": UI, **asked})
        other = await http.options(
            "/staff/codec/decode", headers={"origin": "http://evil.example", **asked}
        )
        posted = await http.post(
            "/staff/codec/decode", json=body(), headers={"origin": "http://evil.example"}
        )
    assert ui.status_code == 204
    assert ui.headers["access-control-allow-origin"] == UI
    assert ui.headers["access-control-allow-credentials"] == "true"
    assert "POST" in ui.headers["access-control-allow-methods"]
    allowed = ui.headers["access-control-allow-headers"]
    assert all(h in allowed for h in ("content-type", "x-namespace", "authorization"))
    assert other.status_code == 403 and "access-control-allow-origin" not in other.headers
    assert posted.status_code == 403 and "access-control-allow-origin" not in posted.headers
    assert "*" not in ui.headers["access-control-allow-origin"]


async def test_a_batch_of_payloads_may_pass_a_forms_size_limit(door):
    """A history's payloads outweigh a form: 2 MB reach the endpoint (here, its 401), not the
    413 a form that large gets."""
    big = body(Payload(metadata={"encoding": b"json/plain"}, data=b"0" * 1_500_000))
    async with httpx.AsyncClient(base_url=door["url"]) as http:
        codec = await http.post("/staff/codec/decode", json=big)
        form = await http.post("/staff/sign-in", json=big)
    assert codec.status_code == 401 and form.status_code == 413
