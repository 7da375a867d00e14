"""The largest total as a min-cost flow (OR-Tools' network simplex), where the constraints are
those of a flow: several times faster than the LP at 500 × 300 (bench/matching.py), and proven
optimal by the flow's own optimality.

The network: source → film (a film's [min_partners, max_partners]) → one node per (film, quota)
for each quota that binds ([min, max] of that quota) → partner (one arc per allowed pair, capacity
1) → sink (the partner's capacity), and a source → sink bypass so that no partner need be used.
Lower bounds go in the standard way: an arc u → v with lower bound l carries l less, u supplies l
less and v l more. This needs each partner to sit under at most one quota node: quotas whose kind
sets are pairwise disjoint. Overlapping or nested quotas return None, and `solve` runs the LP/MILP.

Costs are integers: a pair's affinity times `SCALE`, rounded, negated; a zero-affinity pair a
quota needs costs +1 (the `_EPSILON` of solve.py, on this scale). Rounding moves each pair by at
most half a unit, so the true total of the flow's matching is within `slack` of the true optimum;
`bound` adds it, so it stays an upper bound. Affinities are sums of the weights times bids in
[0, 1]; at 10⁶ pairs differing by a millionth are told apart, as HiGHS's tolerances allowed.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from domain.matching.instance import Instance
from domain.matching.model import Solved

SCALE = 1_000_000


def flow_expressible(inst: Instance) -> bool:
    """Every partner under at most one binding quota (pairwise disjoint kind sets)."""
    binding = [q for q in inst.quotas if q.min > 0 or q.max is not None]
    return all(not (a.kinds & b.kinds) for a, b in itertools.combinations(binding, 2))


class Network(NamedTuple):
    """A min-cost flow's arcs (tail, head, capacity, unit cost) and node supplies; the pairs'
    arcs are `pairs` (a slice), in the order of the variables."""

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supply: np.ndarray
    pairs: slice


def network(inst: Instance, fi: np.ndarray, pj: np.ndarray) -> Network | None:
    """The flow network of the matching over the variables (fi, pj), or None if the quotas
    overlap. Raises the diagnosis of `tight` when a quota's min is above what a film can take."""
    from domain.matching.diagnosis import tight

    if not flow_expressible(inst):
        return None
    nf, np_ = len(inst.films), len(inst.partners)
    binding = [q for q, quota in enumerate(inst.quotas) if quota.min > 0 or quota.max is not None]
    source, sink = 0, 1
    film_node = 2 + np.arange(nf)
    partner_node = 2 + nf + np.arange(np_)
    quota_base = 2 + nf + np_
    n_nodes = quota_base + nf * len(binding)
    supply = np.zeros(n_nodes, dtype=np.int64)
    tails: list[np.ndarray] = []
    heads: list[np.ndarray] = []
    caps: list[np.ndarray] = []
    costs: list[np.ndarray] = []

    def arcs(t: np.ndarray, h: np.ndarray, cap: np.ndarray, cost: np.ndarray | int = 0) -> None:
        tails.append(np.asarray(t, dtype=np.int32))
        heads.append(np.asarray(h, dtype=np.int32))
        caps.append(np.asarray(cap, dtype=np.int64))
        costs.append(np.broadcast_to(np.asarray(cost, dtype=np.int64), np.shape(t)))

    low, high = inst.min_partners, inst.max_partners
    arcs(np.full(nf, source), film_node, high - low)
    supply[source] -= int(low.sum())
    supply[film_node] += low
    # Which node a partner's pairs leave from: its quota's (film, quota) node, or the film's.
    under = np.full(np_, -1, dtype=np.int64)
    for b, q in enumerate(binding):
        quota = inst.quotas[q]
        nodes = quota_base + b * nf + np.arange(nf)
        top = high if quota.max is None else np.minimum(high, quota.max)
        if (top < quota.min).any():
            raise tight(inst)
        arcs(film_node, nodes, top - quota.min)
        supply[film_node] -= quota.min
        supply[nodes] += quota.min
        under[inst.in_quota[q]] = b
    value = inst.score[fi, pj]
    b_of = under[pj]
    tail = np.where(b_of >= 0, quota_base + np.maximum(b_of, 0) * nf + fi, film_node[fi])
    pair_cost = np.where(value > 0, -np.rint(value * SCALE), 1).astype(np.int64)
    first = sum(len(t) for t in tails)
    arcs(tail, partner_node[pj], np.ones(len(fi)), pair_cost)
    arcs(partner_node, np.full(np_, sink), inst.capacity)
    through = int(high.sum())  # never more flow than the films can take
    arcs(np.array([source]), np.array([sink]), np.array([through]))
    supply[source] += through
    supply[sink] -= through
    return Network(
        np.concatenate(tails),
        np.concatenate(heads),
        np.concatenate(caps),
        np.concatenate(costs),
        supply,
        slice(first, first + len(fi)),
    )


def run_network(net: Network) -> tuple[bool, np.ndarray, int]:
    """Network simplex on `net`: (feasible, flow on each pair's arc, optimal cost)."""
    from ortools.graph.python import min_cost_flow  # where a solve starts: a heavy import

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, net.capacities, net.costs)
    flow.set_nodes_supplies(np.arange(len(net.supply)), net.supply)
    status = flow.solve()
    if status == flow.INFEASIBLE:
        return False, np.zeros(0), 0
    if status != flow.OPTIMAL:
        raise RuntimeError(f"the min-cost flow ended with status {status}")
    return True, flow.flows(np.arange(net.pairs.start, net.pairs.stop)), flow.optimal_cost()


def solve_flow(inst: Instance, fi: np.ndarray, pj: np.ndarray) -> Solved | None:
    """The best matching over the variables (fi, pj), or None if the quotas overlap. Raises the
    diagnosis of `tight` when no matching meets the mins (the flow is infeasible)."""
    from domain.matching.diagnosis import tight

    net = network(inst, fi, pj)
    if net is None:
        return None
    feasible, flows, cost = run_network(net)
    if not feasible:
        raise tight(inst)
    x = (flows > 0).astype(float)
    # Each pair's cost is off by at most half a unit, and at most Σ max_partners are chosen.
    slack = 0.5 * min(len(fi), int(inst.max_partners.sum())) / SCALE
    # The programme's objective: affinity less 1e-6 per zero pair, as the LP/MILP counts it.
    return Solved(x, -cost / SCALE + slack, True)
