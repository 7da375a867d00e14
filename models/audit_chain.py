"""The audit trail's chain: which chain a row belongs to, and the hash that links it.

Every audit row belongs to one chain: the session it concerns (a session's own rows, its films',
its committee members'), or `staff` for the staff accounts, which belong to no session. Each row
carries the SHA-256 of its content and of the hash of the row before it in its chain, so a row
changed, removed or slipped in afterwards no longer matches (`domain.audit_chain` walks a chain;
`store.audit` appends to one). The encoding is fixed here once: the writers, the migration that
chained the rows written before the chain existed, and the verifier all hash through it.

A row's actor and reason may name a person (a producer's address, "María asked to leave"), and a
film's erasure must clear them without breaking the chain. So the hash covers them only through
commitments: SHA-256 of a random salt of the row's own and the value. While the salt is there, the
verifier checks each value against its commitment; an erasure clears the values' personal parts
and drops the salt (the commitment then says nothing of what it was), and the erasure's own row,
appended after, lists the rows it redacted (`redacts`), so a salt dropped by anyone else shows.
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
# The fields that may name a person: the hash covers them through their commitments.
PERSONAL = ("actor", "reason")
# The fields a row's hash covers, in the encoding's order (JSON with sorted keys).
CONTENT = (
    "idempotency_key",
    "at",
    "entity_type",
    "entity_id",
    "action",
    "from_state",
    "to_state",
    "redacts",
    *(f"{name}_commit" for name in PERSONAL),
)
# The row's fields as written (the commitments and the salt are added to them).
WRITTEN = (
    "idempotency_key",
    "at",
    "actor",
    "entity_type",
    "entity_id",
    "action",
    "from_state",
    "to_state",
    "reason",
    "redacts",
)


def commitment(salt: str, name: str, value: str | None) -> str:
    """SHA-256 (hex) of the salt, the field's name and its value: binding while the salt is
    kept, and, once it is dropped, no way back to a value even by trying likely ones."""
    encoded = json.dumps([salt, name, value], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def committed(row: dict, salt: str) -> dict:
    """The row with its salt and the commitments to its personal fields, ready to be linked."""
    commits = {f"{name}_commit": commitment(salt, name, row.get(name)) for name in PERSONAL}
    return {**row, "salt": salt, **commits}


def unmatched(row: dict) -> list[str]:
    """The personal fields whose value no longer matches its commitment (none once redacted:
    the salt dropped, nothing is left to check them against)."""
    salt = row.get("salt")
    if salt is None:
        return []
    return [n for n in PERSONAL if commitment(salt, n, row.get(n)) != row.get(f"{n}_commit")]


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
    """SHA-256 (hex) over the row's content fields (its personal ones by their commitments) and
    the previous row's hash, as canonical JSON: sorted keys, no spaces, the moment in UTC to the
    microsecond (what both databases keep), so the same row read back from either hashes the
    same."""
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
    redacts: list[int] | None = None  # an erasure's row: the rows of the chain it redacted
    salt: str | None = None  # None: the row was redacted
    actor_commit: str
    reason_commit: str


class Break(BaseModel):
    """The first row of a chain that does not hold: which, and what differs."""

    # changed | missing | inserted | relinked | unlisted (redacted, and no erasure says so);
    # against a kept head: rewritten | cut
    kind: str
    id: int
    seq: int
    entity_id: str
    action: str
    detail: str


class ChainReport(BaseModel):
    """What walking one chain found: its rows, its head, and the first break if any."""

    chain: str
    rows: int
    redacted: int = 0  # rows whose personal fields an erasure cleared
    head_seq: int = 0
    head_hash: str = GENESIS
    broken: Break | None = None
