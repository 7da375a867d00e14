"""The audit chain's walk, pure (domain/audit_chain.py): any chain built as the writers build it
holds; change any row's content, remove any row, or slip a forged row in (even with a hash of its
own), and the walk names that row and says what differs. A row an erasure redacted (its actor and
reason cleared, its salt dropped) holds when a later erasure lists it, and only then. Hypothesis
draws the chains."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.audit_chain import verify
from models.audit_chain import GENESIS, Link, chain_of, committed, link_hash

CHAIN = "films-in-progress/toulouse-2027"
T0 = datetime(2027, 1, 1, tzinfo=UTC)

contents = st.lists(
    st.fixed_dictionaries(
        {
            "actor": st.text(max_size=12),
            "action": st.sampled_from(["submitted", "stage", "offered", "confirmed"]),
            "reason": st.none() | st.text(max_size=40),
            "to_state": st.none() | st.sampled_from(["eligible", "offered"]),
            "film": st.sampled_from(["", "/la-sirga", "/frontera"]),
        }
    ),
    min_size=1,
    max_size=12,
)


def row(i: int, c: dict) -> dict:
    return dict(
        idempotency_key=f"{CHAIN}:{i}",
        at=T0 + timedelta(seconds=i),
        actor=c["actor"],
        entity_type="submission" if c["film"] else "session",
        entity_id=CHAIN + c["film"],
        action=c["action"],
        from_state=None,
        to_state=c["to_state"],
        reason=c["reason"],
    )


def linked(rows: list[dict], start_id: int = 1) -> list[Link]:
    """`rows` chained as store/audit.append chains them."""
    links, prev = [], GENESIS
    for seq, r in enumerate(rows, 1):
        r = committed(r, f"{seq:032x}")
        h = link_hash(r, prev)
        links.append(Link(id=start_id + seq, chain=CHAIN, seq=seq, prev_hash=prev, row_hash=h, **r))
        prev = h
    return links


def build(cs: list[dict]) -> list[Link]:
    return linked([row(i, c) for i, c in enumerate(cs)])


@given(contents)
def test_a_chain_as_written_holds(cs):
    links = build(cs)
    report = verify(CHAIN, links)
    assert report.broken is None and report.rows == len(cs)
    assert (report.head_seq, report.head_hash) == (len(cs), links[-1].row_hash)


@settings(max_examples=200)
@given(contents, st.data())
def test_a_changed_row_is_named(cs, data):
    links = build(cs)
    i = data.draw(st.integers(0, len(links) - 1))
    field = data.draw(st.sampled_from(["actor", "action", "reason", "to_state", "at", "entity_id"]))
    old = getattr(links[i], field)
    new = {
        "at": T0 - timedelta(days=1),
        "entity_id": CHAIN + "/another",
        "action": "withdrawn",
    }.get(field, f"{old}!")
    links[i] = links[i].model_copy(update={field: new})
    broken = verify(CHAIN, links).broken
    assert (broken.kind, broken.id, broken.seq) == ("changed", links[i].id, i + 1)


@settings(max_examples=200)
@given(contents.filter(lambda cs: len(cs) >= 2), st.data())
def test_a_removed_row_is_named_by_its_number(cs, data):
    links = build(cs)
    i = data.draw(st.integers(0, len(links) - 2))  # not the head: see the README
    del links[i]
    broken = verify(CHAIN, links).broken
    assert broken.kind == "missing" and broken.seq == i + 2
    assert f"row {i + 1} is missing" in broken.detail


@settings(max_examples=200)
@given(contents, st.data())
def test_a_forged_row_slipped_in_is_named(cs, data):
    """A forger with write access adds a row with a correct hash of its own, linked to the row
    before, and renumbers the rows after it; the row after still links past the forgery."""
    rows = [row(i, c) for i, c in enumerate(cs)]
    links = linked(rows)
    i = data.draw(st.integers(0, len(links) - 1))
    forged = committed(row(99, cs[0]) | {"reason": "forged"}, "f" * 32)
    prev = links[i - 1].row_hash if i else GENESIS
    fake = Link(
        id=999, chain=CHAIN, seq=i + 1, prev_hash=prev, row_hash=link_hash(forged, prev), **forged
    )
    after = [link.model_copy(update={"seq": link.seq + 1}) for link in links[i:]]
    broken = verify(CHAIN, [*links[:i], fake, *after]).broken
    assert (broken.kind, broken.id, broken.seq) == ("inserted", 999, i + 1)


@given(contents.filter(lambda cs: len(cs) >= 2), st.data())
def test_a_row_rewritten_with_a_new_hash_is_named(cs, data):
    """The content changed and its hash recomputed: the next row's link still names it."""
    links = build(cs)
    i = data.draw(st.integers(0, len(links) - 2))
    changed = committed(links[i].model_dump() | {"reason": "rewritten"}, "e" * 32)
    changed["row_hash"] = link_hash(changed, links[i].prev_hash)
    links[i] = Link(**changed)
    broken = verify(CHAIN, links).broken
    assert (broken.kind, broken.id, broken.seq) == ("relinked", links[i].id, i + 1)


@given(contents.filter(lambda cs: len(cs) >= 2), st.data())
def test_a_chain_rewritten_to_its_head_or_cut_shows_only_against_a_kept_head(cs, data):
    """Every hash recomputed from a changed row on, or the last rows removed: the chain holds by
    itself, and the head kept before names the rewritten row, or says the chain was cut."""
    rows = [row(i, c) for i, c in enumerate(cs)]
    links = linked(rows)
    kept = (len(links), links[-1].row_hash)
    i = data.draw(st.integers(0, len(rows) - 1))
    rewritten = linked([*rows[:i], rows[i] | {"reason": "rewritten"}, *rows[i + 1 :]])
    assert verify(CHAIN, rewritten).broken is None
    broken = verify(CHAIN, rewritten, kept).broken
    assert (broken.kind, broken.seq) == ("rewritten", len(links))
    cut = links[: data.draw(st.integers(0, len(links) - 1))]
    assert verify(CHAIN, cut).broken is None
    assert verify(CHAIN, cut, kept).broken.kind == "cut"
    assert verify(CHAIN, links, kept).broken is None


def test_an_empty_chain_holds():
    report = verify(CHAIN, [])
    assert report.broken is None and (report.rows, report.head_hash) == (0, GENESIS)


@pytest.mark.parametrize(
    ("entity_type", "entity_id", "chain"),
    [
        ("session", CHAIN, CHAIN),
        ("session", CHAIN + "/la-sirga", CHAIN),  # a staff note on a film of the session
        ("submission", CHAIN + "/la-sirga", CHAIN),
        ("committee_member", CHAIN + "/m1", CHAIN),
        ("staff", "ana@example.org", "staff"),
    ],
)
def test_each_writer_s_rows_join_their_session_s_chain(entity_type, entity_id, chain):
    assert chain_of(entity_type, entity_id) == chain


def test_a_row_of_no_session_is_refused_by_its_field():
    with pytest.raises(ValueError, match="entity_id 'lost'.*names no session"):
        chain_of("submission", "lost")


def erased(links: list[Link], seqs: list[int], listed: list[int]) -> list[Link]:
    """Rows `seqs` redacted as an erasure redacts them, and the erasure's row appended, listing
    `listed` (an honest erasure lists what it redacted)."""
    redacted = [
        link.model_copy(update={"actor": "(erased) (staff)", "reason": "(erased)", "salt": None})
        if link.seq in seqs
        else link
        for link in links
    ]
    head = redacted[-1]
    last = row(
        len(links) + 1,
        {
            "actor": "staff",
            "action": "erased",
            "reason": "asked",
            "to_state": None,
            "film": "/la-sirga",
        },
    )
    last = committed(last | {"redacts": listed}, "d" * 32)
    tail = Link(
        id=head.id + 1,
        chain=CHAIN,
        seq=head.seq + 1,
        prev_hash=head.row_hash,
        row_hash=link_hash(last, head.row_hash),
        **last,
    )
    return [*redacted, tail]


@settings(max_examples=100)
@given(contents, st.data())
def test_rows_an_erasure_redacted_and_listed_hold(cs, data):
    links = build(cs)
    seqs = data.draw(st.lists(st.integers(1, len(links)), unique=True))
    report = verify(CHAIN, erased(links, seqs, seqs))
    assert report.broken is None and report.redacted == len(seqs)


@settings(max_examples=100)
@given(contents, st.data())
def test_a_row_redacted_without_an_erasure_listing_it_is_named(cs, data):
    links = build(cs)
    seqs = data.draw(st.lists(st.integers(1, len(links)), min_size=1, unique=True))
    hidden = data.draw(st.sampled_from(seqs))
    broken = verify(CHAIN, erased(links, seqs, [s for s in seqs if s != hidden])).broken
    assert (broken.kind, broken.seq) == ("unlisted", hidden)
    assert "no erasure after it lists it" in broken.detail


@given(contents, st.data())
def test_a_redacted_row_still_holds_its_other_fields(cs, data):
    links = erased(build(cs), [1], [1])
    field = data.draw(st.sampled_from(["action", "to_state", "entity_id"]))
    links[0] = links[0].model_copy(update={field: "changed"})
    broken = verify(CHAIN, links).broken
    assert (broken.kind, broken.seq) == ("changed", 1)


def test_a_personal_field_changed_while_its_salt_is_kept_is_named():
    links = build(
        [{"actor": "ana", "action": "stage", "reason": "r", "to_state": None, "film": ""}]
    )
    links[0] = links[0].model_copy(update={"reason": "another reason"})
    broken = verify(CHAIN, links).broken
    assert broken.kind == "changed"
    assert broken.detail == "its reason no longer matches its commitment"
