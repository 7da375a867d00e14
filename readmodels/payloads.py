"""Payloads as a signed-in operator reads them in the Temporal UI (its remote codec endpoint,
web/codec.py): every sealed payload opened with the keys of this wipflow."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload

from gateway.context import Context

# Why a sealed payload may not open here: altered or moved (PayloadUnreadable, a ValueError), a
# master key no longer configured (KeyringError, a ValueError), its session's key forgotten or
# never kept in this database (LookupErrors), metadata missing its key id (KeyError), a data key
# whose wrapping does not open (InvalidTag).
UNREADABLE = (ValueError, LookupError, InvalidTag)


async def opened(ctx: Context, payloads: Sequence[Payload]) -> list[Payload]:
    """Each payload opened, in order; one that cannot be opened (its session's key forgotten,
    a key this wipflow does not hold, altered) comes back as it came, still sealed, rather than
    failing the batch: the UI then shows what it can read, and ciphertext for the rest. A
    payload that was never sealed comes back as it is."""
    result = []
    for payload in payloads:
        # Left sealed if it does not open: a forgotten session stays unreadable, as it must.
        with contextlib.suppress(*UNREADABLE):
            [payload] = await ctx.codec.decode([payload])
        result.append(payload)
    return result
