"""The greedy baseline the matching benchmark (bench/matching.py) compares `solve` against: best
pairs first, then a repair of each quota still short. It never breaks a constraint, but it can
fail to meet quotas that `domain.matching.solve.solve` meets.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from domain.matching.diagnosis import diagnose
from domain.matching.explanations import build_result
from domain.matching.instance import Instance, Tally
from domain.matching.types import DEFAULT_OPTIONS, InfeasibleMatching, MatchOptions, MatchResult
from domain.matching.wording import at_least, film_name
from models.matching import FilmNeeds, PartnerOffer


class _Greedy(Tally):
    """A tally that also knows each partner's films, so a quota's repair can move a partner from
    a film that can spare it."""

    def __init__(self, inst: Instance) -> None:
        super().__init__(inst)
        self.holders: dict[int, set[int]] = {j: set() for j in range(len(inst.partners))}

    def spare(self, i: int, j: int) -> bool:
        """Removing (i, j) keeps film i at or above every quota min."""
        return all(self.quota[q, i] - 1 >= self.inst.quotas[q].min for q in self.quotas_of(j))

    def add(self, i: int, j: int) -> None:
        super().add(i, j)
        self.holders[j].add(i)

    def remove(self, i: int, j: int) -> None:
        self.chosen[i].discard(j)
        self.holders[j].discard(i)
        self.load[j] -= 1
        self.count[i] -= 1
        for q in self.quotas_of(j):
            self.quota[q, i] -= 1

    def repair(self, i: int, q: int) -> bool:
        """Give film i one more partner of quota q: a free one; else one taken from a film that
        can spare it (the cheapest such move). Makes room on film i by dropping its weakest pair
        that no quota needs. Returns False when nothing works."""
        inst = self.inst
        score = inst.score[i]
        candidates = [
            j
            for j in np.nonzero(inst.in_quota[q] & inst.allowed[i])[0].tolist()
            if j not in self.chosen[i] and inst.capacity[j] > 0
        ]
        candidates.sort(key=lambda j: (-score[j], j))
        if self.count[i] >= inst.max_partners[i]:
            droppable = [j for j in self.chosen[i] if self.spare(i, j)]
            if not droppable:
                return False
            self.remove(i, min(droppable, key=lambda j: (score[j], j)))
        for j in candidates:
            if self.fits(i, j):
                self.add(i, j)
                return True
        moves = []
        for j in candidates:
            for g in self.holders[j]:
                if self.spare(g, j):
                    moves.append((inst.score[g, j] - score[j], j, g))
        for _, j, g in sorted(moves):
            self.remove(g, j)
            if self.fits(i, j):
                self.add(i, j)
                return True
            self.add(g, j)
        return False


def greedy(
    films: Sequence[FilmNeeds],
    partners: Sequence[PartnerOffer],
    options: MatchOptions = DEFAULT_OPTIONS,
) -> MatchResult:
    """The baseline: take pairs best first (affinity, then film id, then partner id) whenever the
    partner, the film and the film's quota maxima have room; then, film by film, repair each
    quota still below its min (`_Greedy.repair`). It never breaks a constraint, but it can fail
    to meet quotas that `solve` meets: then it raises InfeasibleMatching. `bound` is the cheap
    bound min(Σ films' best max_partners scores, Σ partners' best capacity scores), and the
    result is `optimal` only when it reaches that bound."""
    started = time.perf_counter()
    inst = Instance(films, partners, options)
    diagnose(inst)
    state = _Greedy(inst)
    fi, pj = inst.variables()
    value = inst.score[fi, pj]
    for k in np.lexsort((pj, fi, -value)).tolist():
        i, j = int(fi[k]), int(pj[k])
        if value[k] > 0 and state.fits(i, j):
            state.add(i, j)
    failures = []
    for i, film in enumerate(inst.films):
        for q, quota in enumerate(inst.quotas):
            while state.quota[q, i] < quota.min:
                if not state.repair(i, q):
                    failures.append(
                        f"greedy could not give {film_name(film)} {at_least(quota)} "
                        f"(quota '{quota.label}'): the allowed ones are full with films that "
                        f"need them too."
                    )
                    break
    if failures:
        raise InfeasibleMatching(failures)
    pairs = [(i, j) for i in sorted(state.chosen) for j in sorted(state.chosen[i])]
    bound = _cheap_bound(inst)
    reached = math.fsum(inst.score[i, j] for i, j in pairs) >= bound - 1e-9
    return build_result(inst, pairs, options, bound, reached, started, "greedy")


def _cheap_bound(inst: Instance) -> float:
    score = np.where(inst.allowed, inst.score, 0.0)
    by_film = -np.sort(-score, axis=1)
    films = sum(float(by_film[i, : inst.max_partners[i]].sum()) for i in range(len(inst.films)))
    by_partner = -np.sort(-score, axis=0)
    partners = sum(
        float(by_partner[: inst.capacity[j], j].sum()) for j in range(len(inst.partners))
    )
    return min(films, partners)
