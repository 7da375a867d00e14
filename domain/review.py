"""Who on the committee reviews which film: k reviews per film, load balanced, and never by a
member with a conflict of interest.

A conflict is declared (the member names the film or a company) or inferred (the member works for
a company that produces the film, or is one of its directors). Names are compared case-, accent-
and spacing-insensitively, so "Cine Sur S.A." and "cine sur sa" are the same company.

Assignment is greedy and deterministic: the films with the fewest members free to review them go
first, and each takes the least-loaded free members (ties by member id). Without conflicts the
loads differ by at most one (tests/test_review.py); a film with fewer free members than k gets all
of them and is reported as short, never a conflicted member.

A member may also declare a conflict with a film assigned to them: the film then goes to the
member the assignment would have chosen (`replacement`), and the conflict is said in the words
of `declared_why`; a score the member gives the film later is refused with `refusal`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from models.committee import ConflictSource, Member, Relation
from models.names import normalise_name


class ReviewTarget(BaseModel):
    submission_id: str
    companies: list[str]
    people: list[str]


class Conflict(BaseModel):
    member_id: str
    submission_id: str
    why: str


class Assignment(BaseModel):
    reviewers: dict[str, list[str]]
    conflicts: list[Conflict]
    short: dict[str, int] = Field(description="films with fewer than k reviewers: how many")

    def load(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for members in self.reviewers.values():
            for member in members:
                counts[member] = counts.get(member, 0) + 1
        return counts


def conflict(member: Member, target: ReviewTarget) -> str | None:
    """Why `member` must not review `target`, or None."""
    declared = {normalise_name(d) for d in member.declared_conflicts}
    if normalise_name(target.submission_id) in declared:
        return "declared a conflict with this film"
    companies = {normalise_name(c) for c in target.companies}
    if hit := companies & declared:
        return f"declared a conflict with {sorted(hit)[0]}"
    if member.company and normalise_name(member.company) in companies:
        return f"works for {member.company}, a producer of this film"
    if normalise_name(member.name) in {normalise_name(p) for p in target.people}:
        return "is credited on this film"
    return None


def assign(
    targets: list[ReviewTarget],
    members: list[Member],
    k: int,
    *,
    load: dict[str, int] | None = None,
) -> Assignment:
    """`load` is what each member already reviews, so a later round (films that became eligible
    after the first assignment) keeps the committee balanced."""
    if k < 1:
        raise ValueError("each film needs at least one review")
    if len({m.id for m in members}) != len(members):
        raise ValueError("two committee members share an id")
    conflicts: list[Conflict] = []
    free: dict[str, list[Member]] = {}
    for target in targets:
        free[target.submission_id] = []
        for member in members:
            why = conflict(member, target)
            if why:
                conflicts.append(
                    Conflict(member_id=member.id, submission_id=target.submission_id, why=why)
                )
            else:
                free[target.submission_id].append(member)

    load = {m.id: (load or {}).get(m.id, 0) for m in members}
    reviewers: dict[str, list[str]] = {}
    short: dict[str, int] = {}
    for sid in sorted(free, key=lambda s: (len(free[s]), s)):
        chosen = sorted(free[sid], key=lambda m: (load[m.id], m.id))[:k]
        for member in chosen:
            load[member.id] += 1
        reviewers[sid] = sorted(m.id for m in chosen)
        if len(chosen) < k:
            short[sid] = len(chosen)
    return Assignment(reviewers=reviewers, conflicts=conflicts, short=short)


def declared_why(relation: Relation, detail: str | None) -> str:
    """A declared conflict in words, as recorded and as a refused score says it:
    (works_for, "Conflict Films S.A.") → "works for Conflict Films S.A."."""
    whom = " ".join(detail.split()) if detail else ""
    if relation is Relation.WORKS_FOR:
        return f"works for {whom}" if whom else "works for one of the film's producers"
    if relation is Relation.CREDITED:
        return f"is credited on this film ({whom})" if whom else "is credited on this film"
    if relation is Relation.RELATED:
        return f"is related to {whom}" if whom else "is related to someone on the film"
    return whom or "has a conflict of interest with this film"


def refusal(source: ConflictSource, why: str) -> str:
    """What a member with a conflict reads when they score the film anyway."""
    if source is ConflictSource.DECLARED:
        return f"conflict of interest declared: {why}"
    return f"conflict of interest: {why}"


def replacement(
    target: ReviewTarget,
    members: list[Member],
    reviewers: list[str],
    load: dict[str, int],
    kept_out: set[str],
) -> str | None:
    """Who reviews `target` instead of a member who declared a conflict with it, by the rules of
    `assign`: a member not already reviewing it, not kept from it (`kept_out`: the members with
    a recorded conflict, the declaring one included) and with no conflict with it, the least
    loaded, ties by id. None when no one is free: the film is short of a reviewer."""
    free = [
        m
        for m in members
        if m.id not in reviewers and m.id not in kept_out and conflict(m, target) is None
    ]
    if not free:
        return None
    return min(free, key=lambda m: (load.get(m.id, 0), m.id)).id
