"""Does the staff command line answer at once?

Times, in fresh interpreters, `python -c "import typer, rich"` (the baseline: what any typer
command line pays) and `starter.py --help` and every top-level group's or command's `--help`, and
prints the median of each with its ratio to the baseline. The aim (issue 15) is at most 4x: a help
screen, or a command refused for a wrong argument, must not wait for Temporal, SQLAlchemy, SciPy
and the models to load.

    .venv/bin/python bench/cli_startup.py              # 5 runs of each
    .venv/bin/python bench/cli_startup.py --runs 9
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AIM = 4.0


def names() -> list[str]:
    """The top-level names `starter.py` offers (groups and commands), as its app lists them."""
    listing = (
        "import typer, starter; "
        "group = typer.main.get_command(starter.app); "
        "print('\\n'.join(group.list_commands(None)))"
    )
    found = subprocess.run(
        [sys.executable, "-c", listing], cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    if found.returncode != 0:
        raise SystemExit(f"cannot list starter.py's commands:\n{found.stderr}")
    return found.stdout.split()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}


def timed(argv: list[str], runs: int) -> float:
    """The median wall time of `runs` runs of `argv`, each in a fresh interpreter."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (median)")
    args = parser.parse_args()

    baseline = timed([sys.executable, "-c", "import typer, rich"], args.runs)
    print(f"{'import typer, rich':<34} {baseline:6.3f} s   1.00x  (median of {args.runs})")
    worst = 0.0
    for name in ["", *names()]:
        argv = [sys.executable, "starter.py", *([name] if name else []), "--help"]
        seconds = timed(argv, args.runs)
        ratio = seconds / baseline
        worst = max(worst, ratio)
        label = f"starter.py {name} --help".replace("  ", " ")
        flag = "" if ratio <= AIM else f"  over {AIM:g}x"
        print(f"{label:<34} {seconds:6.3f} s  {ratio:5.2f}x{flag}")
    print(f"worst {worst:.2f}x the baseline (aim: at most {AIM:g}x)")


if __name__ == "__main__":
    main()
