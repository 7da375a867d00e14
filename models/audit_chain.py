"""The audit trail's chain: which chain a row belongs to, and the hash that links it.

Every audit row belongs to one chain: the session it concerns (a session's own rows, its films',
its committee members'), or `staff` for the staff accounts, which belong to no session. Each row
carries the SHA-256 of its content and of the hash of the row before it in its chain, so a row
changed, removed or slipped in afterwards no longer matches (`domain.audit_chain` walks a chain;
`store.audit` appends to one). The encoding is fixed here once: the writers, the migration that
chained the rows written before the chain existed, and the verifier all hash through it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from pydantic import BaseModel

# The chain of the rows that concern no session: the staff accounts.
STAFF_CHAIN = "staff"
# What the first row of a chain links to.
GENESIS = "0" * 64
# The fields a row's hash covers, in the encoding's order (JSON with sorted keys).
CONTENT = (
    "idempotency_key",
    "at",
    "actor",
    "entity_type",
    "entity_id",
    "action",
    "from_state",
    "to_state",
    "reason",
)


def chain_of(entity_type: str, entity_id: str) -> str:
    """The chain a row joins, from what it is about.

    Entity ids start with the session's id, `<programme>/<session>`: a session's own rows
    (and its notes on a film), a submission `<programme>/<session>/<film>`, a committee member
    `<programme>/<session>/<member>`. A staff account is an address, in no session."""
    if entity_type == "staff":
        return STAFF_CHAIN
    parts = entity_id.split("/")
    if len(parts) < 2 or not all(parts[:2]):
        raise ValueError(
            f"audit entity_id {entity_id!r} ({entity_type}) names no session "
            "(expected <programme>/<session>[/...])"
        )
    return "/".join(parts[:2])


def _moment(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError(f"refusing a naive datetime {at!r}: give it a time zone")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def link_hash(row: dict, prev_hash: str) -> str:
    """SHA-256 (hex) over the row's content fields and the previous row's hash, as canonical
    JSON: sorted keys, no spaces, the moment in UTC to the microsecond (what both databases
    keep), so the same row read back from either hashes the same."""
    content = {name: row.get(name) for name in CONTENT}
    content["at"] = _moment(row["at"])
    content["prev_hash"] = prev_hash
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class Link(BaseModel):
    """One row of a chain as the verifier reads it: its place, its content and its hashes."""

    id: int
    chain: str
    seq: int
    prev_hash: str
    row_hash: str
    idempotency_key: str
    at: datetime
    actor: str
    entity_type: str
    entity_id: str
    action: str
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None


class Break(BaseModel):
    """The first row of a chain that does not hold: which, and what differs."""

    kind: str  # changed | missing | inserted | relinked; against a kept head: rewritten | cut
    id: int
    seq: int
    entity_id: str
    action: str
    detail: str


class ChainReport(BaseModel):
    """What walking one chain found: its rows, its head, and the first break if any."""

    chain: str
    rows: int
    head_seq: int = 0
    head_hash: str = GENESIS
    broken: Break | None = None
