"""Committee assignment, score sheets and ranking, pure: conflicts never assigned, loads balanced,
every row of a sheet recorded or refused with why, and a total, documented order over the
scores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.ranking import rank
from domain.review import (
    ReviewTarget,
    assign,
    conflict,
    declared_why,
    refusal,
    replacement,
)
from domain.scoring import judge_sheet, split_sheet
from models.committee import ConflictSource, Member, Relation
from models.ranking import Aggregate, ScoredFilm
from models.session import ScoreSheet
from models.sheets import MAX_SHEET_COMMENTS, MAX_SHEET_ROWS, SheetScore

T0 = datetime(2027, 1, 10, tzinfo=UTC)


def target(i: int, companies=("Cine Sur",), people=("Ana García",)) -> ReviewTarget:
    return ReviewTarget(submission_id=f"s/{i}", companies=list(companies), people=list(people))


def test_declared_and_inferred_conflicts():
    film = target(1, companies=["Cine Sur S.A.", "Les Films du Sud"], people=["Tomás Pérez"])
    assert conflict(Member(id="a", name="A", company="CINE SUR SA"), film).startswith("works for")
    assert conflict(Member(id="b", name="Tomas Perez"), film) == "is credited on this film"
    assert "declared" in conflict(Member(id="c", name="C", declared_conflicts=["s/1"]), film)
    assert "les films du sud" in conflict(
        Member(id="d", name="D", declared_conflicts=["Les Films du Sud"]), film
    )
    assert conflict(Member(id="e", name="E", company="Otra Casa"), film) is None


def test_a_film_with_too_few_free_members_is_short_never_conflicted():
    members = [
        Member(id="m1", name="M1", company="Cine Sur"),
        Member(id="m2", name="M2"),
        Member(id="m3", name="M3"),
    ]
    result = assign([target(1)], members, k=3)
    assert result.reviewers == {"s/1": ["m2", "m3"]}
    assert result.short == {"s/1": 2}
    assert [(c.member_id, c.submission_id) for c in result.conflicts] == [("m1", "s/1")]


member_lists = st.lists(
    st.builds(
        Member,
        id=st.uuids().map(lambda u: u.hex[:8]),
        # Any name a person has: no control characters (Member refuses them, see models/text.py).
        name=st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=8),
        company=st.sampled_from([None, "Cine Sur", "Rio Bravo", "Altamar"]),
        declared_conflicts=st.lists(st.sampled_from(["s/1", "s/2", "Altamar"]), max_size=2),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda m: m.id,
)
target_lists = st.lists(
    st.builds(
        ReviewTarget,
        submission_id=st.integers(0, 500).map(lambda i: f"s/{i}"),
        companies=st.lists(
            st.sampled_from(["Cine Sur", "Rio Bravo", "Altamar", "Otra"]), min_size=1, max_size=2
        ),
        people=st.just(["Nadie"]),
    ),
    max_size=60,
    unique_by=lambda t: t.submission_id,
)


@given(targets=target_lists, members=member_lists, k=st.integers(1, 4))
def test_assignment_never_gives_a_film_to_a_conflicted_member(targets, members, k):
    result = assign(targets, members, k)
    by_id = {m.id: m for m in members}
    for t in targets:
        chosen = result.reviewers[t.submission_id]
        assert len(chosen) == len(set(chosen)) <= k
        assert all(conflict(by_id[m], t) is None for m in chosen)
        free = sum(conflict(m, t) is None for m in members)
        assert len(chosen) == min(k, free)
        assert (t.submission_id in result.short) == (free < k)


@given(n_films=st.integers(0, 300), n_members=st.integers(1, 15), k=st.integers(1, 4))
def test_without_conflicts_loads_differ_by_at_most_one(n_films, n_members, k):
    members = [Member(id=f"m{i:02d}", name=f"M{i}") for i in range(n_members)]
    result = assign([target(i, companies=["X"], people=["Y"]) for i in range(n_films)], members, k)
    loads = [result.load().get(m.id, 0) for m in members]
    assert max(loads) - min(loads) <= 1
    assert sum(loads) == n_films * min(k, n_members)


# --- declared conflicts -------------------------------------------------------------------------


def test_a_declared_conflict_is_said_from_its_relation_and_detail():
    said = declared_why
    assert said(Relation.WORKS_FOR, "Conflict Films S.A.") == "works for Conflict Films S.A."
    assert said(Relation.WORKS_FOR, None) == "works for one of the film's producers"
    assert said(Relation.CREDITED, "editor") == "is credited on this film (editor)"
    assert said(Relation.RELATED, "  Tomás   Pérez ") == "is related to Tomás Pérez"
    assert said(Relation.OTHER, "co-wrote an earlier draft") == "co-wrote an earlier draft"
    assert said(Relation.OTHER, None) == "has a conflict of interest with this film"
    declared = refusal(ConflictSource.DECLARED, said(Relation.WORKS_FOR, "Conflict Films S.A."))
    assert declared == "conflict of interest declared: works for Conflict Films S.A."
    film = target(1, companies=["Cine Sur"])
    avoided = conflict(Member(id="b", name="B", company="Cine Sur"), film)
    assert refusal(ConflictSource.ASSIGNMENT, avoided) == (
        "conflict of interest: works for Cine Sur, a producer of this film"
    )


def test_the_replacement_is_the_least_loaded_free_member_ties_by_id():
    members = [
        Member(id="ana", name="Ana"),
        Member(id="bruno", name="Bruno", company="Cine Sur"),  # a producer of the film
        Member(id="carla", name="Carla"),
        Member(id="diego", name="Diego"),
        Member(id="elena", name="Elena"),
    ]
    film = target(1, companies=["Cine Sur"])
    load = {"ana": 3, "bruno": 0, "carla": 2, "diego": 2, "elena": 5}
    # ana declares; elena already reviews the film; bruno works for its producer.
    chosen = replacement(film, members, ["ana", "elena"], load, kept_out={"ana"})
    assert chosen == "carla"  # carla and diego are as loaded: by id
    assert replacement(film, members, ["ana", "elena"], load, kept_out={"ana", "carla"}) == "diego"
    assert replacement(film, members, ["ana", "carla", "diego", "elena"], load, {"ana"}) is None


@given(
    film=target_lists.filter(bool).map(lambda ts: ts[0]),
    members=member_lists,
    data=st.data(),
)
def test_a_replacement_is_free_and_no_one_freer_is_passed_over(film, members, data):
    ids = [m.id for m in members]
    reviewers = data.draw(st.lists(st.sampled_from(ids), unique=True))
    kept_out = set(data.draw(st.lists(st.sampled_from(ids), unique=True)))
    load = {m: data.draw(st.integers(0, 5)) for m in ids}
    chosen = replacement(film, members, reviewers, load, kept_out)
    free = [
        m
        for m in members
        if m.id not in reviewers and m.id not in kept_out and conflict(m, film) is None
    ]
    if chosen is None:
        assert free == []
    else:
        assert chosen in {m.id for m in free}
        assert all((load[chosen], chosen) <= (load[m.id], m.id) for m in free)


def scored(sid: str, scores, minutes=0) -> ScoredFilm:
    return ScoredFilm(
        submission_id=sid, scores=scores, submitted_at=T0 + timedelta(minutes=minutes)
    )


def test_ties_are_broken_by_the_documented_rule():
    films = [
        scored("e", [8, 8], minutes=5),
        scored("d", [8, 8], minutes=1),  # same as e, submitted earlier
        scored("c", [7, 9]),  # same mean, lower minimum
        scored("b", [8]),  # same mean, fewer reviews
        scored("a", [9, 9, 9]),
        scored("z", []),  # no score: last
    ]
    order = [r.submission_id for r in rank(films, Aggregate.MEAN)]
    assert order == ["a", "d", "e", "c", "b", "z"]


def test_median_pins_and_exclusions():
    films = [scored("a", [1, 9, 9]), scored("b", [8, 8, 8]), scored("c", [2, 2, 2])]
    assert [r.submission_id for r in rank(films, Aggregate.MEAN)] == ["b", "a", "c"]
    assert [r.submission_id for r in rank(films, Aggregate.MEDIAN)] == ["a", "b", "c"]
    ranked = rank(films, Aggregate.MEAN, pinned={"c"}, excluded={"b"})
    assert [(r.submission_id, r.pinned, r.position) for r in ranked] == [
        ("c", True, 1),
        ("a", False, 2),
    ]


@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcdefgh"), st.lists(st.integers(0, 10), max_size=4), st.integers(0, 3)
        ),
        unique_by=lambda t: t[0],
    ),
    st.sampled_from(list(Aggregate)),
    st.randoms(),
)
def test_the_ranking_does_not_depend_on_input_order(rows, method, rnd):
    films = [scored(sid, scores, minutes) for sid, scores, minutes in rows]
    shuffled = films[:]
    rnd.shuffle(shuffled)
    assert rank(films, method) == rank(shuffled, method)


# --- score sheets -------------------------------------------------------------------------------


def test_a_sheet_records_its_good_rows_and_says_why_of_each_other():
    assigned = {"s/1": "under_review", "s/2": "under_review", "s/3": "withdrawn"}
    rows = [
        SheetScore(submission_id="s/1", score=7.5, comment="strong"),
        SheetScore(submission_id="s/2", score=12),
        SheetScore(submission_id="s/3", score=5),
        SheetScore(submission_id="s/9", score=5),
        SheetScore(submission_id="s/1", score=2),
    ]
    accepted, refused = judge_sheet("ana", rows, assigned, (0, 10))
    assert accepted == [rows[0]]
    assert [(r.index, r.submission_id, r.field) for r in refused] == [
        (1, "s/2", "score"),
        (2, "s/3", "submission_id"),
        (3, "s/9", "submission_id"),
        (4, "s/1", "submission_id"),
    ]
    assert [r.reason for r in refused] == [
        "a score is between 0 and 10, not 12",
        "this film is withdrawn, not under review",
        "not assigned to ana in this session",
        "scored twice in this sheet: only its first row counts",
    ]


def test_a_sheet_row_of_a_film_kept_for_a_conflict_says_the_conflict():
    assigned = {"s/1": "under_review"}
    conflicts = {
        "s/2": "conflict of interest declared: works for Conflict Films S.A.",
        "s/3": "conflict of interest: works for Cine Sur, a producer of this film",
    }
    rows = [SheetScore(submission_id=f"s/{i}", score=5) for i in (1, 2, 3, 4)]
    accepted, refused = judge_sheet("ana", rows, assigned, (0, 10), conflicts)
    assert accepted == rows[:1]
    assert [r.reason for r in refused] == [
        conflicts["s/2"],
        conflicts["s/3"],
        "not assigned to ana in this session",
    ]


films = st.sampled_from([f"s/{i}" for i in range(8)])


@given(
    rows=st.lists(
        st.builds(SheetScore, submission_id=films, score=st.floats(-5, 15, allow_nan=False)),
        max_size=20,
    ),
    assigned=st.dictionaries(films, st.sampled_from(["under_review", "withdrawn", "confirmed"])),
)
def test_every_row_of_a_sheet_is_recorded_or_refused_never_both(rows, assigned):
    accepted, refused = judge_sheet("ana", rows, assigned, (0, 10))
    refused_at = {r.index for r in refused}
    assert len(accepted) + len(refused) == len(rows) and len(refused_at) == len(refused)
    kept = [row for i, row in enumerate(rows) if i not in refused_at]
    assert kept == accepted
    assert len({row.submission_id for row in accepted}) == len(accepted)
    assert all(
        assigned.get(row.submission_id) == "under_review" and 0 <= row.score <= 10
        for row in accepted
    )


def test_a_long_sheet_is_split_within_the_row_and_comment_caps():
    rows = [SheetScore(submission_id=f"s/{i}", score=5) for i in range(2 * MAX_SHEET_ROWS + 1)]
    assert [len(part) for part in split_sheet(rows)] == [MAX_SHEET_ROWS, MAX_SHEET_ROWS, 1]
    wordy = [SheetScore(submission_id=f"s/{i}", score=5, comment="x" * 5000) for i in range(120)]
    parts = split_sheet(wordy)
    assert [s.submission_id for part in parts for s in part] == [s.submission_id for s in wordy]
    assert len(parts) == 3 and all(ScoreSheet(member_id="ana", scores=part) for part in parts)
    with pytest.raises(ValidationError, match="split it"):
        ScoreSheet(member_id="ana", scores=wordy[: MAX_SHEET_COMMENTS // 5000 + 1])
