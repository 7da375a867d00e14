"""What sealing costs a payload: the production converter (pydantic JSON, then AES-256-GCM under
the session's data key, codec/) against pydantic JSON alone, in the same process, on the payload
every film's workflow starts with (its submission: the whole form). Each round converts a batch
to payloads and back, as a client sends and a worker reads it.

    .venv/bin/python bench/codec.py [--payloads 2000] [--rounds 5]

The sessions' data keys live in a SQLite file of the run's own (the embedded default); the key
is opened once and held, as in a worker, so the figures are the cipher's and the converter's,
not the database's. Prints the best round of each, per payload, and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, WorkflowSerializationContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from codec.converter import sealing_converter  # noqa: E402
from codec.keyring import Keyring  # noqa: E402
from codec.session_keys import SessionKeys  # noqa: E402
from intake.generate import generate  # noqa: E402
from models.messages import SubmissionInput  # noqa: E402
from models.submission import SubmissionForm  # noqa: E402
from shared import submission_workflow_id  # noqa: E402
from store import db as store_db  # noqa: E402

SESSION = "films-in-progress/toulouse-2027"


def inputs(n: int) -> list[SubmissionInput]:
    forms = [SubmissionForm.model_validate(f) for f in generate(n, seed=7)]
    return [
        SubmissionInput(
            submission_id=f"{SESSION}/{form.film_key()}",
            programme_id="films-in-progress",
            session_id=SESSION,
            film_key=form.film_key(),
            form=form,
            fix_window=timedelta(days=10),
            submitted_at=datetime.now(UTC),
        )
        for form in forms
    ]


async def round_trip(converter: DataConverter, values: list[SubmissionInput]) -> float:
    """Seconds to convert every value to a payload and back, each in its workflow's context."""
    began = time.perf_counter()
    for value in values:
        context = WorkflowSerializationContext(
            namespace="default", workflow_id=submission_workflow_id(value.submission_id)
        )
        scoped = converter.with_context(context)
        payloads = await scoped.encode([value])
        [back] = await scoped.decode(payloads, [SubmissionInput])
        assert back.submission_id == value.submission_id
    return time.perf_counter() - began


async def measure(n: int, rounds: int) -> dict[str, float]:
    """The best round of each converter over `n` submissions: seconds, and a payload's size."""
    values = inputs(n)
    with tempfile.TemporaryDirectory(prefix="wipflow-bench-codec-") as tmp:
        engine = store_db.make_engine(f"sqlite+aiosqlite:///{tmp}/keys.db")
        await store_db.upgrade(engine)
        try:
            keys = SessionKeys(Keyring({"p1": b"k" * 32}, "p1"), store_db.make_sessionmaker(engine))
            sealed = sealing_converter(keys)
            await round_trip(sealed, values[:1])  # the session's key made and held
            plain = min([await round_trip(pydantic_data_converter, values) for _ in range(rounds)])
            best = min([await round_trip(sealed, values) for _ in range(rounds)])
        finally:
            await engine.dispose()
    size = len((await pydantic_data_converter.encode([values[0]]))[0].data)
    return {"payloads": n, "bytes": size, "plain_s": plain, "sealed_s": best}


async def main(n: int, rounds: int) -> None:
    m = await measure(n, rounds)
    print(f"{n} submissions ({m['bytes']:,} bytes of JSON each), best of {rounds} rounds:")
    print(f"  pydantic JSON alone: {m['plain_s'] / n * 1e6:8.1f} µs a payload, there and back")
    print(f"  sealed (AES-256-GCM): {m['sealed_s'] / n * 1e6:7.1f} µs a payload, there and back")
    print(f"  ratio sealed / plain: {m['sealed_s'] / m['plain_s']:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payloads", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.payloads, args.rounds))
