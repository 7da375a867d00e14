"""Payloads sealed before they reach Temporal (codec/): what a sealed payload carries, what it
refuses, how master keys rotate, what forgetting a session's key does, and that histories saved
before the codec still replay with it on. On PostgreSQL (the sessions' data keys live there) and
the Temporal dev server."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHistory
from temporalio.converter import WorkflowSerializationContext
from temporalio.worker import Replayer

from codec.converter import sealing_converter
from codec.keyring import Keyring, KeyringError, decoded, keyring_of
from codec.payloads import ENCODING, KEY_ID, SESSION, PayloadUnreadable, SealingCodec
from codec.session_keys import SessionKeyForgotten, SessionKeys
from models.messages import FilmStage, WithdrawInput
from settings import Settings
from tests.conftest import HISTORIES, new_session, running_worker
from tests.forms import make_form
from tests.test_submission_workflow import stage_becomes, start
from worker import WORKFLOWS
from workflows.submission import SubmissionWorkflow

P1, P2 = os.urandom(32), os.urandom(32)
SECRET = {"contact_email": "ana.secreta@example.org", "password": "hunter2-screener"}


def context(session_id: str) -> WorkflowSerializationContext:
    return WorkflowSerializationContext(
        namespace="default", workflow_id=f"submission/{session_id}/a-film"
    )


def session_id() -> str:
    return f"films-in-progress/codec-{uuid.uuid4().hex[:8]}"


def clear(payload: dict) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(payload).encode())


@pytest.fixture
def keys(pg_sessions) -> SessionKeys:
    return SessionKeys(Keyring({"p1": P1}, "p1"), pg_sessions)


async def test_a_sealed_payload_names_its_key_and_session_and_shows_nothing_else(keys):
    sid = session_id()
    codec = SealingCodec(keys).with_context(context(sid))
    [sealed] = await codec.encode([clear(SECRET)])
    assert sealed.metadata["encoding"] == ENCODING
    assert (sealed.metadata[KEY_ID], sealed.metadata[SESSION]) == (b"p1", sid.encode())
    assert b"ana.secreta" not in sealed.data and b"hunter2" not in sealed.data
    [opened] = await SealingCodec(keys).decode([sealed])  # opening needs no context
    assert json.loads(opened.data) == SECRET
    [again] = await codec.encode([clear(SECRET)])
    assert again.data != sealed.data  # a fresh nonce each time


async def test_one_converter_serves_every_payload_of_a_session(keys):
    """The SDK asks for a converter per payload's context; a fresh one each time rebuilt the
    payload converter and its cache of validators for every payload."""
    converter = sealing_converter(keys)
    first, again = converter.with_context(context("a/b")), converter.with_context(context("a/b"))
    other = converter.with_context(context("c/d"))
    assert first is again and first is not other
    assert first.payload_converter is converter.payload_converter
    assert first.payload_codec.session_id == "a/b" and other.payload_codec.session_id == "c/d"
    [sealed] = await first.encode([SECRET])
    assert sealed.metadata[SESSION] == b"a/b"
    assert await converter.decode([sealed], [dict]) == [SECRET]


async def test_a_payload_of_no_session_is_sealed_under_the_master_key_itself(keys):
    codec = SealingCodec(keys).with_context(
        WorkflowSerializationContext(namespace="default", workflow_id="retention/fip")
    )
    [sealed] = await codec.encode([clear(SECRET)])
    assert SESSION not in sealed.metadata and sealed.metadata[KEY_ID] == b"p1"
    [opened] = await SealingCodec(keys).decode([sealed])
    assert json.loads(opened.data) == SECRET


async def test_a_payload_moved_to_another_session_or_relabelled_does_not_open(keys):
    mine, other = session_id(), session_id()
    [sealed] = await SealingCodec(keys).with_context(context(mine)).encode([clear(SECRET)])
    await SealingCodec(keys).with_context(context(other)).encode([clear({})])  # other has a key
    moved = Payload(metadata={**sealed.metadata, SESSION: other.encode()}, data=sealed.data)
    with pytest.raises(PayloadUnreadable, match=f"of session {other}"):
        await SealingCodec(keys).decode([moved])
    flipped = Payload(metadata=sealed.metadata, data=sealed.data[:-1] + b"\x00")
    with pytest.raises(PayloadUnreadable, match="altered"):
        await SealingCodec(keys).decode([flipped])


async def test_a_payload_written_before_the_codec_passes_as_it_was(keys):
    payload = clear(SECRET)
    assert await SealingCodec(keys).decode([payload]) == [payload]


async def test_a_new_master_key_seals_and_the_old_one_still_opens(pg_sessions):
    sid = session_id()
    before = SessionKeys(Keyring({"p1": P1}, "p1"), pg_sessions)
    [old] = await SealingCodec(before).with_context(context(sid)).encode([clear({"n": 1})])
    rotated = SessionKeys(Keyring({"p1": P1, "p2": P2}, "p2"), pg_sessions)
    [new] = await SealingCodec(rotated).with_context(context(sid)).encode([clear({"n": 2})])
    assert (old.metadata[KEY_ID], new.metadata[KEY_ID]) == (b"p1", b"p2")
    opened = await SealingCodec(rotated).decode([old, new])
    assert [json.loads(p.data) for p in opened] == [{"n": 1}, {"n": 2}]
    dropped = SessionKeys(Keyring({"p2": P2}, "p2"), pg_sessions)
    with pytest.raises(KeyringError, match="'p1' is not among the payload keys"):
        await SealingCodec(dropped).decode([old])


async def test_forgetting_a_sessions_key_leaves_its_payloads_unreadable_and_others_intact(
    pg_sessions,
):
    gone, kept = session_id(), session_id()
    keys = SessionKeys(Keyring({"p1": P1}, "p1"), pg_sessions)
    [lost] = await SealingCodec(keys).with_context(context(gone)).encode([clear(SECRET)])
    [safe] = await SealingCodec(keys).with_context(context(kept)).encode([clear({"ok": 1})])
    assert await keys.forget(gone) == 1
    assert await keys.forget(gone) == 0  # once
    elsewhere = SessionKeys(Keyring({"p1": P1}, "p1"), pg_sessions)  # another process
    for reader in (keys, elsewhere):
        with pytest.raises(SessionKeyForgotten, match=f"session {gone} was forgotten on"):
            await SealingCodec(reader).decode([lost])
        [opened] = await SealingCodec(reader).decode([safe])
        assert json.loads(opened.data) == {"ok": 1}
    with pytest.raises(SessionKeyForgotten, match="nothing new of the session"):
        await SealingCodec(elsewhere).with_context(context(gone)).encode([clear({})])
    rotated = SessionKeys(Keyring({"p1": P1, "p2": P2}, "p2"), pg_sessions)
    with pytest.raises(SessionKeyForgotten):  # not even under a new master key
        await SealingCodec(rotated).with_context(context(gone)).encode([clear({})])


def test_master_keys_are_checked_by_id_and_made_once_when_none_is_configured(tmp_path):
    with pytest.raises(KeyringError, match="'short' is 5 bytes; AES-256 needs 32"):
        decoded("short", "aGVsbG8")
    with pytest.raises(KeyringError, match="PAYLOAD_KEY_ID 'p9' is not among"):
        keyring_of(Settings(payload_keys={"p1": "A" * 43}, payload_key_id="p9"))
    settings = Settings(payload_keys_file=tmp_path / "keys.json", payload_key_id="p1")
    first, second = keyring_of(settings), keyring_of(settings)
    assert first.keys == second.keys and len(first.keys["p1"]) == 32
    assert oct((tmp_path / "keys.json").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("name", sorted(p.stem for p in HISTORIES.glob("*.json")))
async def test_histories_saved_before_the_codec_replay_with_it_on(name, converter):
    history = WorkflowHistory.from_json(name, json.loads((HISTORIES / f"{name}.json").read_text()))
    await Replayer(workflows=WORKFLOWS, data_converter=converter).replay_workflow(history)


async def test_a_film_started_under_one_master_key_finishes_under_the_next(
    local_env, pg_sessions, programmes
):
    """Workers and clients on key p1 start a film; the key is rotated (p2 seals, p1 still
    opens) and new ones take over: the film finishes, its history holds both keys, and the
    history replays with the rotated keys."""
    target = local_env.client.service_client.config.target_host
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    form = make_form(
        original_title=f"Rotación {uuid.uuid4().hex[:6]}",
        screener={"password": "pw-rotacion-7741"},
        contact={"email": "rotacion.7741@lasirga.example", "phone": "+54 11 7741 0000"},
    )
    queue = f"codec-{uuid.uuid4().hex[:6]}"
    first = sealing_converter(SessionKeys(Keyring({"p1": P1}, "p1"), pg_sessions))
    client = await Client.connect(target, data_converter=first)
    async with running_worker(client, pg_sessions, temporal_task_queue=queue):
        handle = await start(client, queue, session, form)
        await stage_becomes(handle, FilmStage.ELIGIBLE)
    rotated = sealing_converter(SessionKeys(Keyring({"p1": P1, "p2": P2}, "p2"), pg_sessions))
    client = await Client.connect(target, data_converter=rotated)
    async with running_worker(client, pg_sessions, temporal_task_queue=queue):
        handle = client.get_workflow_handle_for(SubmissionWorkflow.run, handle.id)
        await handle.execute_update(SubmissionWorkflow.withdraw, WithdrawInput(reason="rotated"))
        state = await handle.result()
    assert state.stage is FilmStage.WITHDRAWN
    history = await handle.fetch_history()
    raw = history.to_json()
    for secret in ("pw-rotacion-7741", "rotacion.7741@lasirga.example", "7741 0000"):
        assert secret not in raw
    used = {
        p["metadata"][KEY_ID]
        for p in payloads_of(json.loads(raw))
        if KEY_ID in p.get("metadata", {})
    }
    assert used == {"cDE=", "cDI="}  # p1 and p2, as the history's JSON spells them in base64
    await Replayer(workflows=[SubmissionWorkflow], data_converter=rotated).replay_workflow(history)


def payloads_of(node) -> list[dict]:
    if isinstance(node, list):
        return [p for item in node for p in payloads_of(item)]
    if not isinstance(node, dict):
        return []
    here = [node] if "metadata" in node and "data" in node else []
    return here + [p for value in node.values() for p in payloads_of(value)]
