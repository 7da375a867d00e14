"""The payload codec: AES-256-GCM on every payload a wipflow process sends to Temporal.

A sealed payload says in its metadata how to open it: `encoding: binary/encrypted`, the master
key's id, and, for a payload of a session's workflow, the session whose data key sealed it. So
opening needs no context (the Temporal UI's codec endpoint has none): only sealing does, and the
SDK gives it, as the workflow id each payload belongs to. A payload without that encoding was
written before the codec and passes as it is: histories saved earlier still replay.

The metadata and the ciphertext are bound together (associated data): a payload moved to another
session or relabelled with another key does not open."""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec, SerializationContext, WithSerializationContext

from codec.session_keys import NONCE_BYTES, SessionKeys
from shared import session_of_workflow

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
SESSION = "encryption-session"


class PayloadUnreadable(ValueError):
    """A sealed payload that does not open: tampered with, or under a key it does not name."""


def bound(key_id: str, session_id: str) -> bytes:
    return f"wipflow/payload/v1|{key_id}|{session_id}".encode()


class SealingCodec(PayloadCodec, WithSerializationContext):
    """Seals under the session's data key when the payload belongs to a session's workflow,
    else under the current master key itself (a workflow of no session, the UI's own input)."""

    def __init__(self, keys: SessionKeys, session_id: str | None = None) -> None:
        self.keys = keys
        self.session_id = session_id

    def with_context(self, context: SerializationContext) -> SealingCodec:
        return SealingCodec(self.keys, self.session_for(context))

    @staticmethod
    def session_for(context: SerializationContext) -> str | None:
        """The session whose key seals a payload of this context's workflow, if any."""
        workflow_id = getattr(context, "workflow_id", None)
        return session_of_workflow(workflow_id) if workflow_id else None

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        keyring = self.keys.keyring
        if self.session_id:
            key_id, key = await self.keys.for_sealing(self.session_id)
        else:
            key_id, key = keyring.current, keyring.key(keyring.current)
        aead, scope = AESGCM(key), self.session_id or ""
        sealed = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            metadata = {"encoding": ENCODING, KEY_ID: key_id.encode()}
            if scope:
                metadata[SESSION] = scope.encode()
            body = aead.encrypt(nonce, payload.SerializeToString(), bound(key_id, scope))
            sealed.append(Payload(metadata=metadata, data=nonce + body))
        return sealed

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        opened = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                opened.append(payload)  # written before the codec
                continue
            key_id = payload.metadata[KEY_ID].decode()
            scope = payload.metadata[SESSION].decode() if SESSION in payload.metadata else ""
            if scope:
                key = await self.keys.for_opening(scope, key_id)
            else:
                key = self.keys.keyring.key(key_id)
            nonce, body = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
            try:
                inner = AESGCM(key).decrypt(nonce, body, bound(key_id, scope))
            except Exception as exc:  # cryptography's InvalidTag says nothing more
                raise PayloadUnreadable(
                    f"a payload sealed under key {key_id!r}"
                    + (f" of session {scope}" if scope else "")
                    + " does not open: it was altered, or moved from another session"
                ) from exc
            opened.append(Payload.FromString(inner))
        return opened
