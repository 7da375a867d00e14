"""The master keys, by id, from the settings: `PAYLOAD_KEYS` (JSON, each key 32 bytes in
url-safe base64) with `PAYLOAD_KEY_ID` naming the one that seals; every other key still opens
what it sealed. Unset, one key is made once and kept in `var/payload-keys.json`, so the demo runs
on a machine that configured nothing."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from settings import Settings

KEY_BYTES = 32  # AES-256


class KeyringError(ValueError):
    """Master keys that cannot be used: which key, and why."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    current: str

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise KeyringError(
                f"PAYLOAD_KEY_ID {self.current!r} is not among the payload keys {sorted(self.keys)}"
            )

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyringError(
                f"payload key {key_id!r} is not among the payload keys {sorted(self.keys)}: "
                "a key that sealed payloads still in Temporal must stay in PAYLOAD_KEYS"
            ) from None


def decoded(key_id: str, text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise KeyringError(f"payload key {key_id!r} is not url-safe base64") from None
    if len(key) != KEY_BYTES:
        raise KeyringError(
            f"payload key {key_id!r} is {len(key)} bytes; AES-256 needs {KEY_BYTES} "
            "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return key


def keyring_of(settings: Settings) -> Keyring:
    """The settings' master keys, or the key file's (made on first use)."""
    if settings.payload_keys:
        texts = {kid: key.get_secret_value() for kid, key in settings.payload_keys.items()}
    else:
        texts = kept(settings.payload_keys_file, settings.payload_key_id)
    keys = {kid: decoded(kid, text) for kid, text in texts.items()}
    return Keyring(keys, settings.payload_key_id)


def kept(path: Path, key_id: str) -> dict[str, str]:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole beside it, readable by its owner only, then linked into place: a process
        # reading it never finds it half written, and the first to link it wins.
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".payload-keys-")
        try:
            with os.fdopen(fd, "w") as file:
                file.write(json.dumps({key_id: secrets.token_urlsafe(KEY_BYTES)}))
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            os.unlink(draft)
    return json.loads(path.read_text())
