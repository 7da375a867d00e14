"""Does the staff command line answer at once?

Times, in fresh interpreters, `python -c "import typer, rich"` (the baseline: what any typer
command line pays), a bare typer group's `--help` (typer's own floor for a help screen), and
`starter.py --help` and every top-level group's or command's `--help`, and prints the median of
each with its ratio to the baseline. The aim (issue 15) is at most 4x: a help
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


# typer's own floor for a group's help screen: a one-command group with an option, no wipflow.
BARE_GROUP = (
    "import typer\n"
    "app = typer.Typer()\n"
    "group = typer.Typer(help='A group.')\n"
    "app.add_typer(group, name='group')\n"
    "@group.command()\n"
    "def run(name: str, json: bool = False):\n"
    "    'A command.'\n"
    "app()\n"
)


def timed(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """The median wall time of each command over `runs` rounds, each in a fresh interpreter. The
    rounds interleave the commands, so a machine that slows down mid-run slows them all alike."""
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, argv in commands.items():
            start = time.perf_counter()
            done = subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True)
            times[label].append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}")
    return {label: statistics.median(t) for label, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds of every command (median)")
    args = parser.parse_args()

    commands = {
        "import typer, rich": [sys.executable, "-c", "import typer, rich"],
        "a bare typer group --help": [sys.executable, "-c", BARE_GROUP, "group", "--help"],
    }
    for name in ["", *names()]:
        label = f"starter.py {name} --help".replace("  ", " ")
        commands[label] = [sys.executable, "starter.py", *([name] if name else []), "--help"]
    medians = timed(commands, args.runs)
    baseline = medians["import typer, rich"]
    print(f"(medians of {args.runs} interleaved rounds)")
    worst = 0.0
    for label, seconds in medians.items():
        ratio = seconds / baseline
        if label.startswith("starter.py"):
            worst = max(worst, ratio)
        flag = "" if ratio <= AIM or not label.startswith("starter.py") else f"  over {AIM:g}x"
        print(f"{label:<34} {seconds:6.3f} s  {ratio:5.2f}x{flag}")
    print(f"worst {worst:.2f}x the baseline (aim: at most {AIM:g}x)")


if __name__ == "__main__":
    main()
