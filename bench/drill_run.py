"""One fault drill: a session on its stack while a fault loop runs, compared with the reference,
and the report a person reads.

Shared by `tests/test_drills.py` (short, for CI) and `bench/drills.py` (longer, more rounds)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bench.drill_faults import Fault, during
from bench.drill_outcome import Delivery, FinalState, delivery, differences, reached, settled
from bench.drill_pair import Share, shares
from bench.drill_retry import persist
from bench.drill_session import Driver, Plan
from bench.drill_stack import Stack, logged_since
from models.programme import Programme


@dataclass
class Report:
    drill: str
    seconds: float
    delivery: Delivery
    differences: list[str]
    events: list[str]
    worker_starts: int
    failed_attempts: int  # activity attempts the worker saw fail (a cut, a refusal...)
    retries: dict[str, int]
    shares: list[Share] = field(default_factory=list)  # each worker's part, when there are two

    def summary(self) -> str:
        d = self.delivery
        split = "".join(f"\n        {share.line()}" for share in self.shares)
        return (
            f"{self.drill}: {len(self.events)} events, {self.worker_starts} worker starts, "
            f"{self.failed_attempts} activity attempts failed and retried, "
            f"{d.received} messages received for {d.sent} sent in the outbox, "
            f"{len(d.duplicates)} message(s) received twice or more, {len(d.in_window)} in "
            f"the SMTP window before a kill, {len(d.lost)} lost, "
            f"{len(d.strays)} stray(s), {len(self.differences)} difference(s) from the "
            f"reference, {self.seconds:.0f} s; staff and producers retried "
            + (", ".join(f"{n} × {kind}" for kind, n in self.retries.items()) or "nothing")
            + split
        )


async def run_drill(
    s: Stack,
    programme: Programme,
    the_plan: Plan,
    year: int,
    reference: FinalState | None,
    fault: Fault | None,
    name: str,
) -> tuple[FinalState, Report]:
    """One session under `fault` (none: the reference run), compared with `reference`."""
    started = time.monotonic()
    driver = Driver(s, programme, year, the_plan)
    work = driver.run()
    session_id = await (during(work, s, fault) if fault else work)
    await s.worker.revive()
    if reference is not None:
        await reached(s, session_id, reference)
    final = await settled(s, session_id)
    report = Report(
        drill=name,
        seconds=time.monotonic() - started,
        delivery=await persist(lambda: delivery(s, session_id)),
        differences=differences(reference, final) if reference else [],
        events=list(s.events),
        worker_starts=s.worker.starts,
        failed_attempts=sum(
            logged_since(w.log, 0).count(b"Completing activity as failed") for w in s.workers
        ),
        retries=dict(s.retries),
        shares=await persist(lambda: shares(s)) if len(s.workers) > 1 else [],
    )
    return final, report
