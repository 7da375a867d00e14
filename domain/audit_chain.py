"""Walking an audit chain: the first row that does not hold, and what differs.

A chain holds when its rows, in `seq` order, are numbered 1, 2, 3 ... with no gap, each row's
hash is the hash of its own content and of the hash the previous row carries, and the first row
links to GENESIS. Pure: the rows are handed in (`readmodels.audit` reads them), so the rules can
be tried on any chain, forged ones included (tests/test_audit_chain.py).

What a walk can tell apart, naming the row at fault:
- changed: a row's content no longer matches its own hash (an UPDATE of any field);
- missing: a gap in the numbering (a DELETE), named by the row after the gap and the numbers
  that are gone; or a first row that links to something other than GENESIS;
- inserted: a row the next one skips (the next row links to the row before it);
- relinked: a row whose content matches a hash that is not the one the next row recorded for
  it (the row rewritten along with its hash, or a row after it removed and the rest renumbered);
- unlisted: a row whose personal fields were cleared (its salt dropped) with no erasure after it
  in the chain that lists it. A row an erasure did redact holds: its values are checked no more
  (that is what erasing them means), the rest of it is, through the hash as before.

A chain rewritten whole from some row to its head, every hash recomputed, or cut at its end,
still holds by itself; only a head kept elsewhere shows it (`kept`): rewritten, or cut.
"""

from __future__ import annotations

from collections.abc import Sequence

from models.audit_chain import GENESIS, Break, ChainReport, Link, link_hash, unmatched


def _break(kind: str, row: Link, detail: str) -> Break:
    return Break(
        kind=kind,
        id=row.id,
        seq=row.seq,
        entity_id=row.entity_id,
        action=row.action,
        detail=detail,
    )


def _first_break(links: Sequence[Link]) -> Break | None:
    # A row's hash -> its index, for the rows walked so far (the chain's start before them).
    where: dict[str, int] = {GENESIS: -1}
    for i, row in enumerate(links):
        prev = links[i - 1] if i else None
        expected_seq = prev.seq + 1 if prev else 1
        if row.seq > expected_seq:
            gone = (
                f"row {expected_seq} is"
                if row.seq == expected_seq + 1
                else f"rows {expected_seq} to {row.seq - 1} are"
            )
            return _break("missing", row, f"{gone} missing before it")
        if row.seq < expected_seq:
            return _break("inserted", row, f"numbered {row.seq} where {expected_seq} was due")
        if link_hash(row.model_dump(), row.prev_hash) != row.row_hash:
            return _break("changed", row, "its content no longer matches its hash")
        if fields := unmatched(row.model_dump()):
            what = " and ".join(fields)
            verb = "matches its commitment" if len(fields) == 1 else "match their commitments"
            return _break("changed", row, f"its {what} no longer {verb}")
        expected_prev = prev.row_hash if prev else GENESIS
        if row.prev_hash != expected_prev:
            if row.prev_hash in where:
                before = where[row.prev_hash]
                to = f"row {links[before].seq}" if before >= 0 else "the chain's start"
                return _break(
                    "inserted",
                    links[before + 1],
                    f"not in the chain: row {row.seq} (id {row.id}) links past it, to {to}",
                )
            if prev is None:
                return _break("missing", row, "the first row links to a row that is not there")
            return _break(
                "relinked",
                prev,
                f"its hash is not the one row {row.seq} (id {row.id}) recorded for it: "
                "it was rewritten with a new hash, or a row after it was removed and the rest "
                "renumbered",
            )
        where[row.row_hash] = i
    return _unlisted(links)


def _unlisted(links: Sequence[Link]) -> Break | None:
    """The first redacted row that no erasure after it lists."""
    listed: set[int] = set()
    first: Link | None = None
    for row in reversed(links):  # from the head: what the rows after each one list
        if row.salt is None and row.seq not in listed:
            first = row
        listed.update(row.redacts or ())
    if first is None:
        return None
    return _break(
        "unlisted", first, "its actor and reason were cleared, and no erasure after it lists it"
    )


def _against_kept(links: Sequence[Link], seq: int, kept_hash: str) -> Break | None:
    """A head kept outside the database (`audit head`): its row must still carry its hash."""
    if seq > len(links):
        last = links[-1] if links else None
        return Break(
            kind="cut",
            id=last.id if last else 0,
            seq=last.seq if last else 0,
            entity_id=last.entity_id if last else "",
            action=last.action if last else "",
            detail=f"the chain ends before row {seq}, the head kept: its last rows were removed",
        )
    row = links[seq - 1]
    if row.row_hash != kept_hash:
        return _break(
            "rewritten",
            row,
            "its hash is not the one kept for it: the chain was rewritten from here or before",
        )
    return None


def verify(chain: str, links: Sequence[Link], kept: tuple[int, str] | None = None) -> ChainReport:
    """Walk `links` (one chain's rows in `seq` order) and report the first row that breaks it;
    with `kept` (a head's number and hash printed earlier), also that the chain still holds it."""
    head = links[-1] if links else None
    broken = _first_break(links)
    if broken is None and kept is not None:
        broken = _against_kept(links, *kept)
    return ChainReport(
        chain=chain,
        rows=len(links),
        redacted=sum(link.salt is None for link in links),
        head_seq=head.seq if head else 0,
        head_hash=head.row_hash if head else GENESIS,
        broken=broken,
    )
