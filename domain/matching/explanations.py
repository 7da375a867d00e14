"""A matching as staff read it: each pair with its affinity and reasons, and per film the best
partners it did not get, each with why not (at capacity, the film full, a quota's max, ...).
Alternates sort by affinity, then partner id. The result is checked before it is returned.
"""

from __future__ import annotations

import math
import time

import numpy as np

from domain.matching.affinity import affinity
from domain.matching.check import check
from domain.matching.instance import Instance
from domain.matching.types import Alternate, MatchOptions, MatchResult, Pair
from domain.matching.wording import film_name, kinds_text


def build_result(
    inst: Instance,
    pairs: list[tuple[int, int]],
    options: MatchOptions,
    bound: float,
    optimal: bool,
    started: float,
    method: str,
) -> MatchResult:
    pairs = sorted(pairs)
    films, partners = inst.films, inst.partners
    totals = np.zeros(len(films))
    for i, j in pairs:
        totals[i] += inst.score[i, j]
    out = tuple(
        Pair(
            film=films[i].id,
            partner=partners[j].id,
            kind=partners[j].kind,
            affinity=float(inst.score[i, j]),
            reasons=affinity(films[i], partners[j], inst.weights).reasons,
        )
        for i, j in pairs
    )
    objective = math.fsum(p.affinity for p in out)
    alternates = _alternates(inst, pairs, options.alternates, method, optimal)
    result = MatchResult(
        pairs=out,
        alternates=alternates,
        objective=objective,
        bound=max(bound, objective),
        worst_film=float(totals.min()) if len(films) else 0.0,
        optimal=optimal,
        seconds=time.perf_counter() - started,
    )
    if problems := check(result, films, partners, options):
        raise RuntimeError(f"{method} produced an invalid matching: " + "; ".join(problems))
    return result.model_copy(update={"seconds": time.perf_counter() - started})


def _alternates(
    inst: Instance, pairs: list[tuple[int, int]], k: int, method: str, optimal: bool
) -> tuple[Alternate, ...]:
    """Per film, the k best allowed partners it did not get (worth something), and why not."""
    if k == 0:
        return ()
    nf = len(inst.films)
    chosen = np.zeros_like(inst.allowed)
    for i, j in pairs:
        chosen[i, j] = True
    load = chosen.sum(axis=0)
    count = chosen.sum(axis=1)
    quota_count = chosen.astype(np.int64) @ inst.in_quota.T.astype(np.int64)  # (F, Q)
    candidate = inst.allowed & ~chosen & (inst.score > 0)
    ranked = np.argsort(np.where(candidate, -inst.score, np.inf), axis=1, kind="stable")
    out = []
    for i in range(nf):
        for j in ranked[i, :k].tolist():
            if not candidate[i, j]:
                break
            film, partner = inst.films[i], inst.partners[j]
            why = _why_not(inst, chosen, load, count, quota_count, i, j, method, optimal)
            out.append(
                Alternate(
                    film=film.id,
                    partner=partner.id,
                    affinity=float(inst.score[i, j]),
                    reasons=affinity(film, partner, inst.weights).reasons,
                    why_not=why,
                )
            )
    return tuple(out)


def _why_not(
    inst: Instance,
    chosen: np.ndarray,
    load: np.ndarray,
    count: np.ndarray,
    quota_count: np.ndarray,
    i: int,
    j: int,
    method: str,
    optimal: bool,
) -> str:
    film, partner = inst.films[i], inst.partners[j]
    score = inst.score[i, j]
    if partner.capacity == 0:
        return f"{partner.name} takes no films this session"
    if load[j] >= partner.capacity:
        size = f"{partner.capacity} film{'s' if partner.capacity != 1 else ''}"
        holders = np.nonzero(chosen[:, j])[0]
        needed = all(
            any(
                inst.in_quota[q, j] and quota_count[g, q] - 1 < quota.min
                for q, quota in enumerate(inst.quotas)
            )
            for g in holders
        )
        if needed:
            return f"{partner.name} is at capacity ({size}), each needing it for a quota"
        if (inst.score[holders, j] >= score).all():
            return f"{partner.name} is at capacity ({size}), each at least as close a fit"
        return f"{partner.name} is at capacity ({size}); moving it here would lower the total"
    if count[i] >= film.max_partners:
        return f"{film_name(film)} already has its {film.max_partners} partners"
    for q, quota in enumerate(inst.quotas):
        if inst.in_quota[q, j] and quota.max is not None and quota_count[i, q] >= quota.max:
            return (
                f"{film_name(film)} already has {quota.max} "
                f"{kinds_text(quota.kinds, plural=quota.max != 1)} (quota '{quota.label}' "
                f"max {quota.max})"
            )
    if method == "greedy":
        return "there was no room when greedy reached it; the quota repair made room later"
    if not optimal:
        return "there is room, but the solver stopped before proving the matching optimal"
    return "there is room, but it is worth less than the solver's optimality tolerance"
