"""Each session's data key: 32 random bytes made on the session's first payload, kept in the
database only sealed under a master key, opened once per process and held for a minute.

One key per session, not one per film or one for all: a session's histories are what a
programme keeps or lets go together (its films, its review, its partnering), and forgetting a
closed session's key makes every one of them unreadable at once, wherever Temporal copied them
(crypto-shredding). The master key never touches a payload, so rotating it only means the
session's next payloads are sealed under a data key made for the new master key; the old data
key, still sealed under the old master key, keeps opening what it sealed."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.ext.asyncio import async_sessionmaker

from codec.keyring import KEY_BYTES, Keyring
from store import keys as store

NONCE_BYTES = 12
HELD_SECONDS = 60.0  # how long a process keeps an opened key: a forgotten key is gone within it


class SessionKeyForgotten(LookupError):
    """The session's key was forgotten: its payloads cannot be read, and no new one is written."""

    def __init__(self, session_id: str, on: datetime | None) -> None:
        when = f" on {on:%Y-%m-%d %H:%M} UTC" if on else ""
        super().__init__(
            f"the data key of session {session_id} was forgotten{when}: what it sealed in "
            "Temporal cannot be read, and nothing new of the session can be written there"
        )


class SessionKeyMissing(LookupError):
    """A payload names a session key this database never kept: another database's, or lost."""


def bound(session_id: str, master_key_id: str) -> bytes:
    """What a sealed data key is bound to: moved to another session or master key, it fails."""
    return f"wipflow/session-key/v1|{session_id}|{master_key_id}".encode()


class SessionKeys:
    def __init__(self, keyring: Keyring, database: async_sessionmaker) -> None:
        self.keyring = keyring
        self._database = database
        self._held: dict[tuple[str, str], tuple[bytes, float]] = {}

    async def for_sealing(self, session_id: str) -> tuple[str, bytes]:
        """The current master key's id and the session's data key under it, made if new."""
        master_id = self.keyring.current
        key = self._holding(session_id, master_id)
        if key is None:
            key = await self._open(session_id, master_id, make=True)
        return master_id, key

    async def for_opening(self, session_id: str, master_id: str) -> bytes:
        key = self._holding(session_id, master_id)
        return key if key is not None else await self._open(session_id, master_id, make=False)

    async def forget(self, session_id: str) -> int:
        """Forget the session's data keys here and in the database; how many were forgotten."""
        for held in [held for held in self._held if held[0] == session_id]:
            del self._held[held]
        async with self._database.begin() as db:
            return await store.forget(db, session_id, datetime.now(UTC))

    def _holding(self, session_id: str, master_id: str) -> bytes | None:
        held = self._held.get((session_id, master_id))
        if held is None or time.monotonic() - held[1] > HELD_SECONDS:
            return None
        return held[0]

    async def _open(self, session_id: str, master_id: str, make: bool) -> bytes:
        master = AESGCM(self.keyring.key(master_id))
        async with self._database() as db:
            sealed = await store.sealed_key(db, session_id, master_id)
            if sealed is None and make:
                if forgotten := await store.forgotten_on(db, session_id):
                    raise SessionKeyForgotten(session_id, forgotten)
                nonce = os.urandom(NONCE_BYTES)
                wrapped = nonce + master.encrypt(
                    nonce, AESGCM.generate_key(KEY_BYTES * 8), bound(session_id, master_id)
                )
                await store.keep_sealed(db, session_id, master_id, wrapped, datetime.now(UTC))
                await db.commit()
                sealed = await store.sealed_key(db, session_id, master_id)
        if sealed is None:
            raise SessionKeyMissing(
                f"no data key of session {session_id} under master key {master_id!r} in this "
                "database: the payload was sealed by a wipflow on another database"
            )
        if sealed.wrapped is None:
            raise SessionKeyForgotten(session_id, sealed.forgotten_at)
        nonce, body = sealed.wrapped[:NONCE_BYTES], sealed.wrapped[NONCE_BYTES:]
        key = master.decrypt(nonce, body, bound(session_id, master_id))
        self._held[(session_id, master_id)] = (key, time.monotonic())
        return key
