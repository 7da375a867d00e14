"""A drill's faults: the worker killed, one of two workers killed for good, PostgreSQL's
connections cut, the mail server gone or refusing, the Temporal server restarted on its file; each
at random moments from a seeded RNG.

A fault, once begun, ends: the loop is told to stop between faults (`calm`), never cancelled in
the middle of one, so a session that ends while the server is down does not leave it down."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

import asyncpg

from bench.drill_retry import T, until
from bench.drill_stack import Stack


async def pause(calm: asyncio.Event, seconds: float) -> bool:
    """Wait before the next fault; False when the session ended meanwhile (no more faults)."""
    with suppress(TimeoutError):
        await asyncio.wait_for(calm.wait(), seconds)
    return not calm.is_set()


async def kill_worker(
    s: Stack, calm: asyncio.Event, rng: random.Random, times: int, gap: tuple[float, float]
) -> None:
    """SIGKILL the worker at random moments and start it again at once, `times` times."""
    for i in range(times):
        if not await pause(calm, rng.uniform(*gap)):
            return
        s.worker.kill()
        s.kills.append(time.time())
        s.note(f"worker killed ({i + 1}/{times})")
        await s.worker.revive()
        s.note("worker polling again")


async def kill_one_of_two(
    s: Stack,
    calm: asyncio.Event,
    rng: random.Random,
    times: int,
    floor: float,
    after: tuple[float, float],
) -> None:
    """Two workers carry the session until each has spent `floor` CPU seconds on it (an idle
    worker spends next to none), then, a random moment later, the second is SIGKILLed and not
    started again: the first finishes alone. One kill whatever `times`: one worker must live."""
    first, second = s.workers

    async def both_at_work() -> bool:
        return calm.is_set() or min(first.cpu(), second.cpu()) >= floor

    await until(both_at_work, "both workers at work", 600)
    if not await pause(calm, rng.uniform(*after)):
        return
    second.kill()
    s.kills.append(time.time())
    s.note(
        f"worker {second.pid} killed for good after {second.cpu():.2f} s of CPU on the session "
        f"(worker {first.pid}: {first.cpu():.2f} s so far)"
    )


async def terminate_backends(admin_dsn: str, database: str) -> int:
    admin = await asyncpg.connect(admin_dsn)
    try:
        rows = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
    finally:
        await admin.close()
    return sum(bool(r[0]) for r in rows)


async def cut_database(
    s: Stack, calm: asyncio.Event, rng: random.Random, times: int, gap: tuple[float, float]
) -> None:
    """Terminate every connection to the session's database at random moments."""
    for i in range(times):
        if not await pause(calm, rng.uniform(*gap)):
            return
        cut = await terminate_backends(s.admin_dsn, s.database_name)
        s.note(f"cut {cut} database connections ({i + 1}/{times})")


async def smtp_outages(
    s: Stack, calm: asyncio.Event, rng: random.Random, times: int, down: float
) -> None:
    """The mail server goes away for `down` seconds (connections refused), then, the next time,
    stays up but answers 451 to every recipient; and so on, `times` times."""
    for i in range(times):
        if not await pause(calm, rng.uniform(2, 6)):
            return
        if i % 2 == 0:
            s.smtp.stop()
            s.note(f"SMTP server stopped ({i + 1}/{times})")
            await asyncio.sleep(down)
            s.smtp.start()
        else:
            s.smtp.inbox.refusing = True
            s.note(f"SMTP server refusing with 451 ({i + 1}/{times})")
            await asyncio.sleep(down)
            s.smtp.inbox.refusing = False
        s.note("SMTP server back")


async def restart_server(
    s: Stack,
    calm: asyncio.Event,
    rng: random.Random,
    times: int,
    gap: tuple[float, float],
    down: float,
) -> None:
    """Kill the Temporal dev server and start it again on the same file and port; the worker is
    started again if it gave up meanwhile."""
    for i in range(times):
        if not await pause(calm, rng.uniform(*gap)):
            return
        s.server.kill()
        s.note(f"Temporal dev server killed ({i + 1}/{times})")
        await asyncio.sleep(down)
        await s.server.start()
        s.note("Temporal dev server started again on its file")
        if await s.worker.revive():
            s.note("the worker had exited: started again")


FAULTS: dict[str, Callable[..., Awaitable[None]]] = {
    "kill": kill_worker,
    "pair": kill_one_of_two,
    "pg": cut_database,
    "smtp": smtp_outages,
    "server": restart_server,
}


Fault = Callable[[Stack, asyncio.Event], Awaitable[None]]


def fault(name: str, rng: random.Random, times: int) -> Fault:
    """A drill's fault loop, `times` faults: kills every 2-6 s (a worker takes a few seconds to
    start); one of two workers killed 0-0.5 s after each has spent 0.4 s of CPU on the session
    (the stack must run two; a whole session costs the pair about 3.5 s, so the kill falls in its
    first half); connection cuts every 0.2-1 s (most find the pool idle, a few cut
    a query); mail outages of 8 s (past the mail activity's first retry, at 5 s); server
    restarts every 1-5 s, down 2 s each (a short session must still meet one)."""
    settings: dict[str, dict[str, Any]] = {
        "kill": {"gap": (2, 6)},
        "pair": {"floor": 0.4, "after": (0, 0.5)},
        "pg": {"gap": (0.2, 1.0)},
        "smtp": {"down": 8},
        "server": {"gap": (1, 5), "down": 2},
    }
    return lambda s, calm: FAULTS[name](s, calm, rng, times, **settings[name])


async def during(work: Awaitable[T], s: Stack, fault: Fault) -> T:
    """Run the session while the fault loop does its worst; when it is done, the loop finishes
    the fault it is in (a server killed is started again) and makes no other."""
    calm = asyncio.Event()
    faults = asyncio.ensure_future(fault(s, calm))
    try:
        return await work
    finally:
        calm.set()
        await faults
