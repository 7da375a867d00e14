"""bench/matching.py --json, run small: every figure the issue asks for, the flow path taken,
and the fair figures honest (the bound never below the worst-off film, a zero gap only when
proven)."""

from __future__ import annotations

from bench.matching import figures


def test_the_json_figures_at_a_small_size():
    row = figures("30x20", seed=3, time_limit=20.0)
    for key in (
        "films",
        "partners",
        "objective",
        "bound",
        "assign_s",
        "solve_s",
        "baseline_s",
        "ratio",
        "ratio_solve",
        "fair_worst",
        "fair_bound",
        "fair_optimal",
        "fair_total_bound",
        "fair_total_gap",
        "fair_total_optimal",
        "fair_s",
    ):
        assert key in row, key
    assert (row["films"], row["partners"], row["method"]) == (30, 20, "flow")
    assert row["optimal"] and row["bound"] >= row["objective"]
    assert row["ratio"] == row["assign_s"] / row["baseline_s"]
    assert row["solve_s"] > 0 and row["ratio_solve"] == row["solve_s"] / row["baseline_s"]
    assert row["fair_bound"] >= row["fair_worst"]
    assert row["fair_total_bound"] >= row["fair_objective"] - 1e-6
    # fair_optimal speaks of the worst-off film alone; the total at its floor has its own proof
    assert row["fair_optimal"] == (row["fair_gap"] <= 1e-6)
    if row["fair_total_optimal"]:  # the total proven only once the floor under it is
        assert row["fair_optimal"] and row["fair_total_gap"] < 1e-6
