"""wipflow's command line for festival staff.

    python starter.py --help
    python starter.py session open films-in-progress toulouse 2027
    python starter.py submit films-in-progress/toulouse-2027 entries.csv --json
    python starter.py submission show films-in-progress/toulouse-2027/la-sirga-82004e8dcb
    python starter.py session status films-in-progress/toulouse-2027

Every command takes `--json` for scripts. An error is one line on stderr and a non-zero exit code.
The commands live in `cli/`, one module per group; cli/registry.py says which module holds
which, and a module is imported only when one of its commands runs, so `--help` answers at once.
"""

from __future__ import annotations

import os
import sys

from cli.common import app


def main() -> None:
    try:
        app()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    # The command has finished and said everything. Leave without the interpreter's finalisation,
    # where the Temporal SDK's native threads can abort the process (sdk-python#300), turning a
    # success into exit code 134.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
