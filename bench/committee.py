"""How fast does the committee's door take scores, against the same scores sent as sheets?

The real stack on loopback, as bench/web.py starts it (bench/web_stack.py): the Temporal dev server
in memory, a fresh PostgreSQL database (dropped after), the production worker in this process (its
mail in a throwaway Maildir) and the web app as a process of its own, served with a generous
throttle (1,000 answers a minute per film, 100,000 per member): the door's throttle of 60 answers a
minute per member (web/review.py) would measure the throttle, not the door. One session of
films-in-progress with a committee of M members (an address and a language each) takes N generated
films that pass its rules through intake and into review: each film goes to k = 3 members (N =
2,000, M = 12: 6,000 assignments, 500 a member), and each member's invitation, written to the outbox
as the review starts, gives the link to their page.

Then, in the same run, from a thread with an event loop of its own, the M members at once:
1. sheets: each member's scores of all their films sent to the session as sheets (`score_sheet`,
   up to 1,000 rows an update, the staff's path), timed: scores/s;
2. pages: each member opens their page (GET `/review/<token>?show=all`, 20 films a page), POSTs a
   score for each film on it as the page's form does (its form token and cookie, `was`), opens
   the next page after each 20 scores, and so on to the last; every GET and POST timed. A page's
   score is the sheet's plus a half (9.5 for a 10), so the end state tells which path wrote it.
Finally the database is checked: each (film, member) assignment must hold the page's score,
given by "committee member <id> (signed link)". It prints films, members, assignments, both
paths' scores/s and their ratio (pages ÷ sheets, from one run, never asserted), the page GET and
score POST p50/p99, the CPU a score cost each process, and lost (an assignment without the page's
score) and wrong (a score from the page that is not the one sent): both must be 0, or exit 1.

    .venv/bin/python bench/committee.py                # N = 2,000 films, 12 members
    .venv/bin/python bench/committee.py --films 200    # a quick run
    .venv/bin/python bench/committee.py --members 6 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client
from temporalio.converter import DataConverter

# Run as a script, the project root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pipeline_meters import percentile  # noqa: E402
from bench.pipeline_phases import progress, score, until  # noqa: E402
from bench.web import Session  # noqa: E402
from bench.web_load import eligible_forms, log_errors, measured  # noqa: E402
from bench.web_stack import stack  # noqa: E402
from domain.scoring import split_sheet  # noqa: E402
from models.committee import Member  # noqa: E402
from models.orm import OutboxRow, ReviewAssignmentRow, ScoreRow  # noqa: E402
from models.programme import load_programme  # noqa: E402
from models.session import ScoreSheet, SessionStage  # noqa: E402
from models.sheets import SheetScore  # noqa: E402
from readmodels.review_page import PER_PAGE  # noqa: E402
from settings import PROJECT_ROOT  # noqa: E402
from shared import session_workflow_id  # noqa: E402
from workflows.session import SessionWorkflow  # noqa: E402

LANGUAGES = ("es", "pt", "fr", "en")
REVIEW_LINK = re.compile(r"(https?://\S+/review/[A-Za-z0-9._-]+)")
SCORE_FORM = re.compile(r'action="[^"]*/score[^"]*" class="score">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
SHEET_ACTOR = "bench (score sheets)"
PAGE_ACTOR = "committee member {} (signed link)"  # actions/review_answers.member_actor


def committee(size: int) -> list[Member]:
    """`size` members, each with an address and one of the door's languages."""
    return [
        Member(
            id=f"m{i:02d}",
            name=f"Member {i}",
            email=f"m{i:02d}@jury.example",
            language=LANGUAGES[i % len(LANGUAGES)],
        )
        for i in range(size)
    ]


def page_score(submission_id: str, member: str) -> float:
    """The score a member gives on their page: the sheet's plus a half (a 10 becomes 9.5)."""
    sheet = score(submission_id, member)
    return sheet + 0.5 if sheet < 10 else 9.5


# --- the review ---------------------------------------------------------------------------------


async def review_started(
    session: Session, database: async_sessionmaker
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The session opened, its films through intake and into review; each member's link (read
    from their invitation in the outbox, once sent) and films."""
    await session.open(2090)
    await session.timed("intake", session.submit(len(session.forms)))
    await session.timed("assign reviews", session.advance(SessionStage.REVIEW))
    sid, members = session.session_id, len(session.members)

    async def invited() -> bool:
        async with database() as db:
            sent = await db.scalar(
                select(func.count()).where(
                    OutboxRow.session_id == sid,
                    OutboxRow.stage == "review_invitation",
                    OutboxRow.status == "sent",
                )
            )
        return sent == members

    await until(invited, 300)
    async with database() as db:
        mails = (
            await db.execute(
                select(OutboxRow.member_id, OutboxRow.text).where(
                    OutboxRow.session_id == sid, OutboxRow.stage == "review_invitation"
                )
            )
        ).all()
        rows = (
            await db.execute(
                select(ReviewAssignmentRow.member_id, ReviewAssignmentRow.submission_id).where(
                    ReviewAssignmentRow.session_id == sid
                )
            )
        ).all()
    links = {member: REVIEW_LINK.search(text).group(1) for member, text in mails}
    films: dict[str, list[str]] = {m.id: [] for m in session.members}
    for member, film in rows:
        films[member].append(film)
    return links, films


# --- the two paths ------------------------------------------------------------------------------


@dataclass
class Load:
    """One path's run: its wall time, the scores it sent, and what went wrong on the way."""

    wall: float = 0.0
    scores: int = 0
    gets: list[float] = field(default_factory=list)  # page GETs, seconds
    posts: list[float] = field(default_factory=list)  # score POSTs, seconds
    statuses: Counter = field(default_factory=Counter)  # the POSTs' (or sheets' refusals)
    unseen: int = 0  # a member's films no page showed them
    errors: list[str] = field(default_factory=list)


async def by_sheets(
    target: str, converter: DataConverter, session_id: str, films: dict[str, list[str]]
) -> Load:
    """Every member's scores as sheets sent to the session, the members at once."""
    client = await Client.connect(target, data_converter=converter)
    handle = client.get_workflow_handle_for(SessionWorkflow.run, session_workflow_id(session_id))
    load = Load()

    async def member(member_id: str, mine: list[str]) -> None:
        rows = [SheetScore(submission_id=f, score=score(f, member_id)) for f in mine]
        for part in split_sheet(rows):
            sheet = ScoreSheet(member_id=member_id, scores=part, actor=SHEET_ACTOR)
            result = await handle.execute_update(SessionWorkflow.score_sheet, sheet)
            load.scores += result.recorded
            load.statuses.update(r.reason for r in result.refused)

    began = time.perf_counter()
    await asyncio.gather(*(member(m, mine) for m, mine in films.items() if mine))
    load.wall = time.perf_counter() - began
    return load


async def by_pages(links: dict[str, str], films: dict[str, list[str]]) -> Load:
    """Every member on their page, the members at once, each one request at a time: a page of
    20 films, a score for each, the next page."""
    load = Load()

    async def member(member_id: str, link: str, mine: list[str]) -> None:
        seen: set[str] = set()
        async with httpx.AsyncClient(trust_env=False, timeout=120) as browser:
            try:
                for page_no in range(1, math.ceil(len(mine) / PER_PAGE) + 1):
                    began = time.perf_counter()
                    page = await browser.get(link, params={"show": "all", "page_no": page_no})
                    load.gets.append(time.perf_counter() - began)
                    if page.status_code != 200:
                        load.errors.append(f"{member_id}: page {page_no} {page.status_code}")
                        return
                    for form in SCORE_FORM.findall(page.text):
                        fields = dict(HIDDEN.findall(form))
                        film = fields["submission_id"]
                        seen.add(film)
                        value = page_score(film, member_id)
                        began = time.perf_counter()
                        sent = await browser.post(
                            f"{link}/score", data={**fields, "score": str(value), "comment": ""}
                        )
                        load.posts.append(time.perf_counter() - began)
                        load.statuses[str(sent.status_code)] += 1
                        load.scores += sent.status_code == 303
            except httpx.HTTPError as exc:
                load.errors.append(f"{member_id}: {exc!r}"[:300])
        load.unseen += len(set(mine) - seen)

    began = time.perf_counter()
    await asyncio.gather(*(member(m, links[m], mine) for m, mine in films.items() if mine))
    load.wall = time.perf_counter() - began
    return load


# --- the check ----------------------------------------------------------------------------------


async def check(
    database: async_sessionmaker, session_id: str, films: dict[str, list[str]]
) -> dict[str, int]:
    """Each assignment against its score row: lost (no row, or the sheet's still), wrong (from
    the page, but not the score or the actor sent), and rows for no assignment."""
    async with database() as db:
        rows = {
            (r.submission_id, r.member_id): r
            for r in await db.scalars(select(ScoreRow).where(ScoreRow.session_id == session_id))
        }
    lost = wrong = 0
    assigned = {(f, m) for m, mine in films.items() for f in mine}
    for film, member in assigned:
        row = rows.get((film, member))
        if row is None or row.actor == SHEET_ACTOR:
            lost += 1
        elif row.score != page_score(film, member) or row.actor != PAGE_ACTOR.format(member):
            wrong += 1
    return {"lost": lost, "wrong": wrong, "unassigned_rows": len(rows.keys() - assigned)}


# --- the run ------------------------------------------------------------------------------------


def ms(values: list[float], q: float) -> float:
    return round(1000 * percentile(values, q), 1) if values else float("nan")


def per_score(cpu: dict[str, float], load: Load) -> dict[str, float]:
    return {part: round(1000 * s / max(1, load.scores), 3) for part, s in cpu.items()}


async def run(films: int, members: int, seed: int = 11) -> dict[str, Any]:
    """The whole bench: the figures as a dict (bench/committee.py prints them)."""
    begun = time.monotonic()
    programme = load_programme(PROJECT_ROOT / "programmes" / "films-in-progress.toml")
    forms = eligible_forms(programme, films, seed)
    with tempfile.TemporaryDirectory(prefix="wipflow-bench-committee-") as tmp:
        async with stack(Path(tmp), "bench-committee", True, max(5000, 2 * films)) as s:
            session = Session(
                s.client,
                s.settings.temporal_task_queue,
                s.database,
                programme=programme,
                forms=forms,
                members=committee(members),
            )
            links, assigned = await review_started(session, s.database)
            setup = time.monotonic() - begun
            total = sum(len(mine) for mine in assigned.values())
            progress(f"{total} assignments after {setup:.0f} s: the sheets")
            target = s.client.service_client.config.target_host
            sheets, sheet_cpu = await measured(
                s.meter,
                s.web.pid,
                by_sheets(target, s.client.data_converter, session.session_id, assigned),
            )
            progress(f"sheets took {sheets.wall:.1f} s: the pages")
            pages, page_cpu = await measured(s.meter, s.web.pid, by_pages(links, assigned))
            progress(f"pages took {pages.wall:.1f} s: the check")
            checked = await check(s.database, session.session_id, assigned)
        web_log = (Path(tmp) / "web.log").read_text(errors="replace")
    sheet_rate = sheets.scores / sheets.wall if sheets.wall else 0.0
    page_rate = pages.scores / pages.wall if pages.wall else 0.0
    return {
        "films": films,
        "members": members,
        "assignments": total,
        "server": "the web app with a generous throttle, every request from 127.0.0.1",
        "sheets": {
            "scores": sheets.scores,
            "wall_s": round(sheets.wall, 3),
            "scores_per_s": round(sheet_rate, 1),
            "refused": dict(sheets.statuses),
        },
        "pages": {
            "scores": pages.scores,
            "wall_s": round(pages.wall, 3),
            "scores_per_s": round(page_rate, 1),
            "gets": len(pages.gets),
            "get_p50_ms": ms(pages.gets, 0.5),
            "get_p99_ms": ms(pages.gets, 0.99),
            "posts": len(pages.posts),
            "post_p50_ms": ms(pages.posts, 0.5),
            "post_p99_ms": ms(pages.posts, 0.99),
            "statuses": dict(sorted(pages.statuses.items())),
            "unseen": pages.unseen,
        },
        "ratio": round(page_rate / sheet_rate, 4) if sheet_rate else 0.0,
        "cpu_ms_per_score": {
            "sheets": per_score(sheet_cpu, sheets),
            "pages": per_score(page_cpu, pages),
        },
        "check": checked,
        "errors": (sheets.errors + pages.errors)[:5],
        "web_log_errors": log_errors(web_log),
        "setup_s": round(setup, 1),
        "steps_s": {k: round(v, 1) for k, v in session.steps.items()},
        "wall_s": round(time.monotonic() - begun, 1),
    }


def render(r: dict[str, Any]) -> str:
    sh, pg, c = r["sheets"], r["pages"], r["check"]
    cpu = r["cpu_ms_per_score"]
    lines = [
        f"{r['films']} films, {r['members']} members, {r['assignments']} assignments; "
        f"server: {r['server']}",
        "",
        f"sheets: {sh['scores']} scores in {sh['wall_s']:.2f} s = {sh['scores_per_s']:.1f} "
        "scores/s" + (f"; refused {sh['refused']}" if sh["refused"] else ""),
        f"pages:  {pg['scores']} scores in {pg['wall_s']:.2f} s = {pg['scores_per_s']:.1f} "
        "scores/s",
        f"ratio pages ÷ sheets: {r['ratio']:.4f} (one run's ratio, never a target)",
        f"page GET (20 films):  {pg['gets']} requests, p50 {pg['get_p50_ms']:.1f} ms, "
        f"p99 {pg['get_p99_ms']:.1f} ms",
        f"score POST (303):     {pg['posts']} requests, p50 {pg['post_p50_ms']:.1f} ms, "
        f"p99 {pg['post_p99_ms']:.1f} ms; statuses "
        + " ".join(f"{k}×{v}" for k, v in pg["statuses"].items()),
        *[
            f"CPU ms per score, {part}: sheets {ms_:.2f}, pages {cpu['pages'][part]:.2f}"
            for part, ms_ in cpu["sheets"].items()
        ],
        f"lost {c['lost']}, wrong {c['wrong']} (of {r['assignments']}); rows for no assignment "
        f"{c['unassigned_rows']}; films no page showed {pg['unseen']}",
        f"set-up (stack, intake, assignment, invitations) {r['setup_s']:.0f} s "
        f"({', '.join(f'{k} {v:.0f} s' for k, v in r['steps_s'].items())}); "
        f"whole run {r['wall_s']:.0f} s",
        *[f"load error: {e}" for e in r["errors"]],
        *[f"web app log: {e}" for e in r["web_log_errors"]],
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--films", type=int, default=2000, help="films under review (2,000)")
    parser.add_argument("--members", type=int, default=12, help="committee members (12)")
    parser.add_argument("--seed", type=int, default=11, help="the generated films (11)")
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    args = parser.parse_args()
    if args.films < 1 or args.members < 3:
        parser.error("--films must be at least 1 and --members at least 3 (3 reviews a film)")
    # The SDK's native logs write to stdout: stdout is stderr during the run, the figures alone.
    stdout = os.dup(1)
    os.dup2(2, 1)
    report = asyncio.run(run(args.films, args.members, args.seed))
    text = json.dumps(report, indent=2) if args.json else render(report)
    os.write(stdout, (text + "\n").encode())
    bad = report["check"]["lost"] or report["check"]["wrong"]
    sys.stderr.flush()
    # Skip the interpreter's finalisation, where the SDK's native threads can abort the process
    # (sdk-python#300), as bench/web.py does.
    os._exit(1 if bad else 0)


if __name__ == "__main__":
    main()
