"""Why no matching meets the quotas, in one sentence per cause for staff: a film whose
max_partners cannot hold its quotas, a film with too few partners of a kind free to take it (and
what excluded the others), a quota's partners too few for every film; and, when only the solver
can tell, the tightest quotas.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from domain.matching.instance import Instance
from domain.matching.types import InfeasibleMatching, Quota
from domain.matching.wording import at_least, counted, film_name, kinds_text


def _required(quotas: Sequence[Quota]) -> tuple[int, list[Quota]]:
    """The most partners the quotas force on any film: the heaviest set of quotas with pairwise
    disjoint kinds (nested quotas share partners, so their mins must not be added up)."""
    binding = [q for q in quotas if q.min > 0]
    best: tuple[int, list[Quota]] = (0, [])
    if len(binding) > 12:  # never in practice; the largest single min is still a valid bound
        top = max(binding, key=lambda q: q.min)
        return top.min, [top]
    for size in range(1, len(binding) + 1):
        for group in itertools.combinations(binding, size):
            kinds = [k for q in group for k in q.kinds]
            if len(kinds) == len(set(kinds)) and sum(q.min for q in group) > best[0]:
                best = (sum(q.min for q in group), list(group))
    return best


def _supply(inst: Instance, q: int) -> int:
    """How many films the partners of quota `q` can take in all."""
    allowed_films = inst.allowed.sum(axis=0)
    mask = inst.in_quota[q]
    return int(np.minimum(inst.capacity[mask], allowed_films[mask]).sum())


def diagnose(inst: Instance) -> None:
    """Raise InfeasibleMatching for the usual reasons, before any solver runs."""
    explanations: list[str] = []
    needed, group = _required(inst.quotas)
    for film in inst.films:
        if film.max_partners < needed:
            parts = ", ".join(f"{at_least(q)} ('{q.label}')" for q in group)
            explanations.append(
                f"{film_name(film)} can take only {counted(film.max_partners, 'partner')}, but "
                f"its quotas need {needed}: {parts}."
            )
    for q, quota in enumerate(inst.quotas):
        if quota.min == 0:
            continue
        mask = inst.in_quota[q]
        total = int(mask.sum())
        short = False
        for i, film in enumerate(inst.films):
            free = int((inst.allowed[i] & mask & (inst.capacity > 0)).sum())
            if free >= quota.min:
                continue
            short = True
            causes = [
                (int((mask & inst.coi[i]).sum()), "a conflict of interest"),
                (int((mask & inst.unwanted[i] & ~inst.coi[i]).sum()), "the producer's opt-out"),
                (
                    int((mask & inst.declined[i] & ~inst.coi[i] & ~inst.unwanted[i]).sum()),
                    "their own opt-out",
                ),
                (int((mask & inst.allowed[i] & (inst.capacity == 0)).sum()), "no capacity"),
            ]
            why = "; ".join(f"{n} excluded by {cause}" for n, cause in causes if n)
            explanations.append(
                f"{film_name(film)} needs {at_least(quota)} (quota '{quota.label}'), but only "
                f"{free} of the {total} {kinds_text(quota.kinds, plural=True, joiner='and')} "
                f"can take it" + (f" ({why})." if why else ".")
            )
        demand = quota.min * len(inst.films)
        supply = _supply(inst, q)
        if demand > supply and not short:  # a film already named short says it better
            films = counted(len(inst.films), "film")
            need = f"{films} need {at_least(quota)}" + (
                "" if quota.min == 1 else f" each ({demand} in all)"
            )
            explanations.append(
                f"{need} (quota '{quota.label}'); the {total} "
                f"{kinds_text(quota.kinds, plural=True, joiner='and')} can take "
                f"{counted(supply, 'film')} in all."
            )
    if explanations:
        raise InfeasibleMatching(explanations)


def tight(inst: Instance) -> InfeasibleMatching:
    """The solver proved infeasibility that no simple count shows: name the tightest quotas."""
    rows = []
    for q, quota in enumerate(inst.quotas):
        if quota.min > 0:
            demand, supply = quota.min * len(inst.films), _supply(inst, q)
            rows.append((demand / max(supply, 1), quota, demand, supply))
    rows.sort(key=lambda r: (-r[0], r[1].label))
    explanations = ["No matching meets every quota at once, though no simple count shows it."]
    if inst.min_partners.any():
        explanations.append("Some films must meet a minimum number of partners (min_partners).")
    for _, quota, demand, supply in rows[:3]:
        explanations.append(
            f"Quota '{quota.label}' needs {demand} places with "
            f"{kinds_text(quota.kinds, plural=True)}, which offer {supply} in all."
        )
    explanations.append(
        "Conflicts of interest, opt-outs and films' max_partners leave too few places to share "
        "between them: add capacity, lower a quota, or relax an opt-out."
    )
    return InfeasibleMatching(explanations)
