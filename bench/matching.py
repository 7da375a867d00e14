"""How much better, and how much slower, is the optimal film-partner matching than the greedy one?

Generates seeded random programmes (films with post-production needs, unsold territories and
missing budgets; post houses, sales agents, distributors, TV buyers, funds, co-producers and
residencies with capacities, bids, conflicts of interest and opt-outs), every film needing at least
one post house and at least one sales agent or distributor. For each size it runs
`domain.matching.solve.solve` and the `greedy` baseline (bench/greedy.py) in this process and
prints one row: the pairs the programme considers (allowed, and worth something or needed by a
quota), the optimum and HiGHS's proven bound, the gap, greedy's total, the ratio, the worst-off
film's total, both times.

    .venv/bin/python bench/matching.py                          # 6x20 50x40 200x120 500x300
    .venv/bin/python bench/matching.py --sizes 500x300 --seed 7 --fairness
    .venv/bin/python bench/matching.py --sizes 200x120 500x300 --json   # against the bare flow

Capacities are scaled so that every instance is feasible: a quota's partners can take at least
1.3 times the films that need them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.greedy import greedy  # noqa: E402
from domain.matching.flow import network, run_network  # noqa: E402
from domain.matching.instance import Instance  # noqa: E402
from domain.matching.solve import assign, solve  # noqa: E402
from domain.matching.types import InfeasibleMatching, MatchOptions, MatchResult, Quota  # noqa: E402
from models.matching import FilmNeeds, PartnerKind, PartnerOffer  # noqa: E402

NEEDS = ["grading", "sound_edit", "sound_mix", "music", "vfx", "subtitling", "dcp"]
GENRES = ["fiction", "documentary", "animation", "hybrid"]
GENRE_SHARE = [0.5, 0.3, 0.1, 0.1]
LANGUAGES = ["es", "pt", "en", "fr", "de", "it", "qu", "gn", "ar", "ja"]
# fmt: off
TERRITORIES = [
    "AR", "BR", "MX", "CL", "CO", "PE", "UY", "PY", "BO", "EC", "VE", "CR", "PA", "GT", "CU", "DO",
    "ES", "PT", "FR", "DE", "IT", "NL", "BE", "CH", "AT", "PL", "SE", "NO", "DK", "FI", "GB", "IE",
    "US", "CA", "JP", "KR", "CN", "TW", "IN", "AU",
]
# fmt: on
# A realistic call: post houses and sellers dominate, with a few funds, co-producers, residencies.
KIND_SHARE = {
    PartnerKind.POST_HOUSE: 0.25,
    PartnerKind.SALES_AGENT: 0.15,
    PartnerKind.DISTRIBUTOR: 0.20,
    PartnerKind.TV_BUYER: 0.10,
    PartnerKind.FUND: 0.12,
    PartnerKind.CO_PRODUCER: 0.10,
    PartnerKind.RESIDENCY: 0.08,
}
QUOTAS = (
    Quota(label="post house", kinds=frozenset({PartnerKind.POST_HOUSE}), min=1),
    Quota(
        label="sales or distribution",
        kinds=frozenset({PartnerKind.SALES_AGENT, PartnerKind.DISTRIBUTOR}),
        min=1,
    ),
)


def _pick(rng: np.random.Generator, items: list[str], low: int, high: int) -> frozenset[str]:
    k = int(rng.integers(low, high + 1))
    return frozenset(rng.choice(items, size=min(k, len(items)), replace=False).tolist())


def instance(
    n_films: int, n_partners: int, seed: int
) -> tuple[list[FilmNeeds], list[PartnerOffer]]:
    """A feasible random programme of this size, the same for the same seed."""
    rng = np.random.default_rng(seed)
    companies = [f"company {k}" for k in range(max(40, 3 * (n_films + n_partners)))]
    film_ids = [f"f{k:04d}" for k in range(n_films)]
    partner_ids = [f"p{k:04d}" for k in range(n_partners)]

    kinds = [kind for kind, share in KIND_SHARE.items() for _ in range(round(share * n_partners))]
    kinds = (kinds + list(KIND_SHARE) * n_partners)[:n_partners]
    # At least two partners per quota group, so even the smallest programme can be matched.
    essential = [PartnerKind.POST_HOUSE, PartnerKind.SALES_AGENT] * 2
    kinds[: len(essential)] = essential[:n_partners]
    rng.shuffle(kinds)

    films = []
    for k, film_id in enumerate(film_ids):
        films.append(
            FilmNeeds(
                id=film_id,
                title=f"Film {k}",
                needs=_pick(rng, NEEDS, 1, 4),
                genre=str(rng.choice(GENRES, p=GENRE_SHARE)),
                languages=_pick(rng, LANGUAGES[:4], 1, 2),
                unsold=_pick(rng, TERRITORIES, 5, 30),
                has_sales_agent=bool(rng.random() < 0.3),
                missing_budget=Decimal(0)
                if rng.random() < 0.4
                else Decimal(int(rng.integers(10, 200)) * 1000),
                people=_pick(rng, companies, 1, 3),
                opt_outs=_pick(rng, partner_ids, 0, 1),  # a producer refuses one at most
                max_partners=int(rng.integers(4, 9)),
            )
        )

    partners = []
    for k, kind in enumerate(kinds):
        services: frozenset[str] = frozenset()
        territories: frozenset[str] = frozenset()
        if kind in (PartnerKind.POST_HOUSE, PartnerKind.RESIDENCY):
            services = (
                _pick(rng, NEEDS, 2, 5)
                if kind == PartnerKind.POST_HOUSE
                else _pick(rng, NEEDS, 0, 2)
            )
        if kind == PartnerKind.SALES_AGENT:
            territories = _pick(rng, TERRITORIES, 15, 40)
        elif kind in (PartnerKind.DISTRIBUTOR, PartnerKind.TV_BUYER):
            territories = _pick(rng, TERRITORIES, 1, 3)
        bidders = rng.random(n_films) < 0.08
        bids = {
            film_ids[i]: round(float(rng.integers(1, 11)) / 10, 1) for i in np.nonzero(bidders)[0]
        }
        declines = rng.random(n_films) < 0.01
        partners.append(
            PartnerOffer(
                id=partner_ids[k],
                name=f"{kind.value.replace('_', ' ').title()} {k}",
                kind=kind,
                services=services,
                capacity=int(rng.integers(3, 11)),
                territories=territories,
                languages=_pick(rng, LANGUAGES[:5], 1, 3),
                genres=frozenset() if rng.random() < 0.4 else _pick(rng, GENRES, 1, 2),
                people=_pick(rng, companies, 1, 2),
                opt_outs=frozenset(film_ids[i] for i in np.nonzero(declines)[0]),
                bids=bids,
            )
        )

    # Scale each quota group's capacities to 1.3x its demand, so the instance is feasible.
    for quota in QUOTAS:
        group = [k for k, p in enumerate(partners) if p.kind in quota.kinds]
        total = sum(partners[k].capacity for k in group)
        factor = max(1.0, 1.3 * n_films / max(total, 1))
        for k in group:
            capacity = int(np.ceil(partners[k].capacity * factor))
            partners[k] = partners[k].model_copy(update={"capacity": capacity})
    return films, partners


def run(size: str, seed: int, fairness: bool, time_limit: float) -> dict[str, object]:
    n_films, n_partners = (int(x) for x in size.lower().split("x"))
    films, partners = instance(n_films, n_partners, seed)
    options = MatchOptions(quotas=QUOTAS, fairness=fairness)
    # The pairs the programme weighs: allowed, and worth something or of a kind a quota needs.
    considered = len(Instance(films, partners, options).variables()[0])
    best = solve(films, partners, options, time_limit=time_limit)
    started = time.perf_counter()
    try:
        base = greedy(films, partners, options)
        greedy_total: float | None = base.objective
    except InfeasibleMatching:
        greedy_total = None
    greedy_seconds = time.perf_counter() - started
    return {
        "size": f"{n_films}×{n_partners}",
        "pairs": considered,
        "objective": best.objective,
        "bound": best.bound,
        "gap": 100 * best.gap,
        "greedy": greedy_total,
        "ratio": best.objective / greedy_total if greedy_total else None,
        "seconds": best.seconds,
        "greedy seconds": greedy_seconds,
        "optimal": best.optimal,
        "worst film": best.worst_film,
    }


def bare_flow(films: list[FilmNeeds], partners: list[PartnerOffer], options: MatchOptions) -> float:
    """Seconds for the bare min-cost flow of the same graph: the network built beforehand, only
    OR-Tools' network simplex timed (best of three)."""
    inst = Instance(films, partners, options)
    fi, pj = inst.variables()
    net = network(inst, fi, pj)
    assert net is not None, "the bench's quotas are disjoint: a flow"
    times = []
    for _ in range(3):
        started = time.perf_counter()
        run_network(net)
        times.append(time.perf_counter() - started)
    return min(times)


def _best(call: Callable[[], object], times: int = 3) -> tuple[object, float]:
    """The call's result and its best time of `times` runs (as the baseline is timed)."""
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    return result, min(seconds)


def figures(size: str, seed: int, time_limit: float) -> dict[str, object]:
    """One size's row for --json: the plain solve against the bare flow, and the fair solve.

    `ratio` is `assign` (from the films and partners to the proven optimum: scores, conflicts,
    diagnosis, network, simplex, bound) over the bare network simplex of the same graph, built
    beforehand; `ratio_solve` adds the explanations (reasons, alternates, the check).

    The fair figures keep the issue's two stages apart: `fair_optimal` says the worst-off film is
    proven (`fair_worst` equals `fair_bound`, `fair_gap` 0); `fair_total_optimal` says the total
    at that floor is proven too, against `fair_total_bound`."""
    n_films, n_partners = (int(x) for x in size.lower().split("x"))
    films, partners = instance(n_films, n_partners, seed)
    options = MatchOptions(quotas=QUOTAS)
    solve(films[:2], partners[:4], options.model_copy(update={"quotas": ()}))  # warm the imports
    plain, solve_s = _best(lambda: solve(films, partners, options, time_limit=time_limit))
    _, assign_s = _best(lambda: assign(films, partners, options, time_limit=time_limit))
    baseline = bare_flow(films, partners, options)
    fair = solve(
        films, partners, options.model_copy(update={"fairness": True}), time_limit=time_limit
    )
    assert isinstance(plain, MatchResult)
    return {
        "films": n_films,
        "partners": n_partners,
        "objective": plain.objective,
        "bound": plain.bound,
        "optimal": plain.optimal,
        "method": plain.method,
        "assign_s": assign_s,
        "solve_s": solve_s,
        "baseline_s": baseline,
        "ratio": assign_s / baseline,
        "ratio_solve": solve_s / baseline,
        "fair_worst": fair.fair_worst,
        "fair_bound": fair.fair_bound,
        "fair_gap": fair.fair_gap,
        "fair_optimal": fair.fair_exact,
        "fair_objective": fair.objective,
        "fair_total_bound": fair.bound,
        "fair_total_gap": fair.gap,
        "fair_total_optimal": fair.optimal,
        "fair_s": fair.seconds,
    }


def main(sizes: list[str], seed: int, fairness: bool, time_limit: float) -> None:
    table = Table(title=f"film-partner matching, seed {seed}" + (", fair" if fairness else ""))
    for column in (
        "films×partners",
        "pairs considered",
        "objective",
        "bound",
        "gap %",
        "greedy",
        "opt/greedy",
        "worst film",
        "solve s",
        "greedy s",
        "optimal",
    ):
        table.add_column(column, justify="right")
    for size in sizes:
        row = run(size, seed, fairness, time_limit)
        table.add_row(
            str(row["size"]),
            f"{row['pairs']:,}",
            f"{row['objective']:,.2f}",
            f"{row['bound']:,.2f}",
            f"{row['gap']:.4f}",
            "failed" if row["greedy"] is None else f"{row['greedy']:,.2f}",
            "-" if row["ratio"] is None else f"{row['ratio']:.4f}",
            f"{row['worst film']:.2f}",
            f"{row['seconds']:.3f}",
            f"{row['greedy seconds']:.3f}",
            "yes" if row["optimal"] else "no",
        )
    Console(width=160).print(table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=["6x20", "50x40", "200x120", "500x300"],
        help="films x partners, e.g. 500x300",
    )
    parser.add_argument("--seed", type=int, default=2050)
    parser.add_argument("--fairness", action="store_true", help="max-min first, then the total")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per solve")
    parser.add_argument(
        "--json",
        action="store_true",
        help="per size: the plain solve against the bare flow, and the fair solve, as JSON",
    )
    args = parser.parse_args()
    if args.json:
        rows = [figures(size, args.seed, args.time_limit) for size in args.sizes]
        print(json.dumps(rows, indent=2))
    else:
        main(args.sizes, args.seed, args.fairness, args.time_limit)
