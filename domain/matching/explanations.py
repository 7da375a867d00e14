"""A matching as staff read it: each pair with its affinity and reasons, and per film the best
partners it did not get, each with why not (at capacity, the film full, a quota's max, ...).
Alternates sort by affinity, then partner id. The result is checked before it is returned.
"""

from __future__ import annotations

import math
import time
from typing import NamedTuple

import numpy as np

from domain.matching.affinity import scored
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
    """The result staff read, checked."""
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
            reasons=scored(films[i], partners[j], inst.weights)[1],
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


class _Held(NamedTuple):
    """What the chosen pairs hold, for saying why a film did not get a partner: each partner's
    load, each film's count and per-quota counts, whether every film holding a partner needs it
    for a quota, and the poorest fit among a partner's films."""

    load: np.ndarray  # (P,)
    count: np.ndarray  # (F,)
    quota_count: np.ndarray  # (F, Q)
    all_need_it: np.ndarray  # (P,) bool
    poorest: np.ndarray  # (P,) the lowest affinity among the films holding it (inf if none)


def _held(inst: Instance, chosen: np.ndarray) -> _Held:
    quota_count = chosen.astype(np.int64) @ inst.in_quota.T.astype(np.int64)  # (F, Q)
    mins = np.array([quota.min for quota in inst.quotas], dtype=np.int64)
    # A film needs a partner for a quota when losing it would take that quota below its min.
    short_without = (quota_count - 1 < mins[None, :]).astype(np.int64)  # (F, Q)
    needs = (short_without @ inst.in_quota.astype(np.int64)) > 0  # (F, P)
    return _Held(
        load=chosen.sum(axis=0),
        count=chosen.sum(axis=1),
        quota_count=quota_count,
        all_need_it=(needs | ~chosen).all(axis=0),
        poorest=np.where(chosen, inst.score, np.inf).min(axis=0),
    )


def _ranked(inst: Instance, candidate: np.ndarray, k: int) -> list[list[int]]:
    """Per film, its k best candidate partners by affinity, then partner id: a partition finds
    each film's k-th key, and only the few keys at or above it are sorted."""
    nf, np_ = candidate.shape
    keys = np.where(candidate, -inst.score, np.inf)
    kth = np.partition(keys, k - 1, axis=1)[:, k - 1]
    rows, cols = np.nonzero(candidate & (keys <= kth[:, None]))
    order = np.lexsort((cols, keys[rows, cols], rows))
    best: list[list[int]] = [[] for _ in range(nf)]
    for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        if len(best[i]) < k:
            best[i].append(j)
    return best


def _alternates(
    inst: Instance, pairs: list[tuple[int, int]], k: int, method: str, optimal: bool
) -> tuple[Alternate, ...]:
    """Per film, the k best allowed partners it did not get (worth something), and why not."""
    k = min(k, len(inst.partners))
    if k == 0:
        return ()
    chosen = np.zeros_like(inst.allowed)
    for i, j in pairs:
        chosen[i, j] = True
    held = _held(inst, chosen)
    candidate = inst.allowed & ~chosen & (inst.score > 0)
    out = []
    for i, best in enumerate(_ranked(inst, candidate, k)):
        film = inst.films[i]
        for j in best:
            partner = inst.partners[j]
            out.append(
                Alternate(
                    film=film.id,
                    partner=partner.id,
                    affinity=float(inst.score[i, j]),
                    reasons=scored(film, partner, inst.weights)[1],
                    why_not=_why_not(inst, held, i, j, method, optimal),
                )
            )
    return tuple(out)


def _why_not(inst: Instance, held: _Held, i: int, j: int, method: str, optimal: bool) -> str:
    film, partner = inst.films[i], inst.partners[j]
    if partner.capacity == 0:
        return f"{partner.name} takes no films this session"
    if held.load[j] >= partner.capacity:
        size = f"{partner.capacity} film{'s' if partner.capacity != 1 else ''}"
        if held.all_need_it[j]:
            return f"{partner.name} is at capacity ({size}), each needing it for a quota"
        if held.poorest[j] >= inst.score[i, j]:
            return f"{partner.name} is at capacity ({size}), each at least as close a fit"
        return f"{partner.name} is at capacity ({size}); moving it here would lower the total"
    if held.count[i] >= film.max_partners:
        return f"{film_name(film)} already has its {film.max_partners} partners"
    for q, quota in enumerate(inst.quotas):
        if inst.in_quota[q, j] and quota.max is not None and held.quota_count[i, q] >= quota.max:
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
