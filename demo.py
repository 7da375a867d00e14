"""`make demo`: the main job on embedded defaults, from an empty folder.

It migrates the SQLite database, starts (or reuses) the Temporal dev server and a worker, opens the
Toulouse session of Films in Progress, enters a generated call of realistic submissions (two rows
deliberately malformed), corrects some of the films that need a fix and lets the others' window
lapse, waits for every eligibility decision, and prints where each film stands and where to look.
Run it again and every film is recognised as already submitted: nothing is entered twice.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

import devserver
from intake.batch import read_batch
from intake.generate import generate
from intake.sessions import open_session, target_of
from intake.submit import submit_batch
from models.messages import FixInput, Stage
from models.orm import EligibilityResultRow, SubmissionRow
from models.programme import load_programme
from settings import Settings
from shared import submission_workflow_id
from store import db as store_db
from store import repository
from temporal_client import connect
from workflows.submission import SubmissionWorkflow

# What a producer sends back for each kind of needs-fix.
CORRECTIONS: dict[str, dict[str, Any]] = {
    "screener": {"screener": {"url": "https://vimeo.com/912345678"}},
    "subtitles": {"screener": {"subtitles": ["en"]}},
    "cut_runtime": {"cut_runtime_min": 78},
}

MALFORMED = [
    {"original_title": "Sin país", "genre": "fiction"},  # most fields missing
    {
        **generate(1, seed=7)[0],
        "original_title": "Tierra de nadie",
        "producers": [{"company": "Uno", "country": "XX", "share_pct": 120}],
    },
]


async def run_demo(
    settings: Settings, *, count: int, year: int, fix_window: timedelta, console: Console
) -> dict[str, Any]:
    say = console.print

    engine = store_db.make_engine(settings.database_url)
    await store_db.upgrade(engine)
    sessions = store_db.make_sessionmaker(engine)
    say(devserver.ensure_server(settings))
    say(devserver.ensure_worker())

    programme = load_programme(settings.programmes_dir / "films-in-progress.toml")
    now = datetime.now(UTC)
    row = await open_session(
        sessions, programme, "toulouse", year, fix_window=fix_window, exist_ok=True
    )
    if row.deadline <= now:
        raise RuntimeError(
            f"the call for {row.id} closed on {row.deadline:%Y-%m-%d}: "
            "run `starter.py demo --year` with a later year"
        )
    say(
        f"session [bold]{row.id}[/bold]: call open until {row.deadline:%Y-%m-%d %H:%M %Z}, "
        f"{row.slots} slots, fix window {fix_window}"
    )

    path = devserver.VAR / "demo" / "submissions.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(generate(count) + MALFORMED, ensure_ascii=False, indent=1))
    client = await connect(settings)
    report = await submit_batch(
        client, settings.temporal_task_queue, target_of(row), read_batch(path)
    )
    say(
        f"entered {path.relative_to(devserver.PROJECT_ROOT)}: "
        f"[green]{len(report.accepted)} accepted[/green], "
        f"[yellow]{len(report.duplicates)} already submitted[/yellow], "
        f"[red]{len(report.rejected)} rejected[/red]"
    )
    for rejected in report.rejected:
        fields = ", ".join(f"{e.field} ({e.message})" for e in rejected.errors[:3])
        more = f" and {len(rejected.errors) - 3} more" if len(rejected.errors) > 3 else ""
        say(f"  row {rejected.row} refused: {fields}{more}", highlight=False)

    expected = len(report.accepted) + len(report.duplicates)
    await _until(sessions, row.id, expected, {Stage.RECEIVED}, "first eligibility checks")
    fixed = await _correct_some(client, sessions, row.id)
    say(f"producers corrected {fixed} submissions; the others' fix window will lapse")
    await _until(
        sessions,
        row.id,
        expected,
        {Stage.RECEIVED, Stage.NEEDS_FIX},
        "corrections and lapsed fix windows",
        within=fix_window.total_seconds() + 120,
    )

    summary = await _summary(sessions, row.id, settings)
    _render(console, summary)
    await engine.dispose()
    return summary


async def _until(
    sessions, session_id: str, expected: int, pending: set[Stage], what: str, within: float = 300
) -> None:
    """Wait until the session has `expected` rows and none of them is in a `pending` stage."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        async with sessions() as db:
            counts = await repository.status_counts(db, session_id)
        recorded = sum(counts.values())
        if recorded >= expected and not any(counts.get(s.value) for s in pending):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(
                f"{what} not done after {within:.0f}s: {counts}; see var/log/worker.log"
            )
        await asyncio.sleep(0.5)


async def _correct_some(client, sessions, session_id: str) -> int:
    """Correct two of every three films that need a fix, as producers would."""
    async with sessions() as db:
        needing = (
            await db.scalars(
                select(SubmissionRow.id)
                .where(
                    SubmissionRow.session_id == session_id,
                    SubmissionRow.status == Stage.NEEDS_FIX.value,
                )
                .order_by(SubmissionRow.id)
            )
        ).all()
    fixed = 0
    for index, submission_id in enumerate(needing):
        if index % 3 == 2:
            continue
        handle = client.get_workflow_handle_for(
            SubmissionWorkflow.run, submission_workflow_id(submission_id)
        )
        state = await handle.query(SubmissionWorkflow.state)
        changes: dict[str, Any] = {}
        for result in state.results:
            if result.outcome.value == "needs_fix":
                changes = _deep_update(changes, CORRECTIONS[result.rule_id])
        await handle.execute_update(SubmissionWorkflow.submit_fix, FixInput(changes=changes))
        fixed += 1
    return fixed


def _deep_update(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        merged[key] = (
            _deep_update(merged[key], value)
            if isinstance(value, dict) and isinstance(merged.get(key), dict)
            else value
        )
    return merged


async def _summary(sessions, session_id: str, settings: Settings) -> dict[str, Any]:
    async with sessions() as db:
        counts = await repository.status_counts(db, session_id)
        failed = (
            await db.execute(
                select(EligibilityResultRow.rule_id, EligibilityResultRow.submission_id)
                .join(SubmissionRow, SubmissionRow.id == EligibilityResultRow.submission_id)
                .where(
                    SubmissionRow.session_id == session_id,
                    SubmissionRow.status == Stage.INELIGIBLE.value,
                    EligibilityResultRow.outcome == "fail",
                )
            )
        ).all()
        example = await db.scalar(
            select(SubmissionRow.id)
            .where(
                SubmissionRow.session_id == session_id,
                SubmissionRow.status == Stage.INELIGIBLE.value,
            )
            .order_by(SubmissionRow.id)
            .limit(1)
        )
    # One rule per film is enough to say why; a film failing several counts under each.
    reasons = Counter(rule for rule, _ in set(failed))
    query = quote(f'WipSession="{session_id}"')
    return {
        "session_id": session_id,
        "counts": counts,
        "ineligible_by_rule": dict(reasons.most_common()),
        "temporal_ui": f"{settings.temporal_ui_url}/namespaces/{settings.temporal_namespace}"
        f"/workflows?query={query}",
        "database": settings.database_url,
        "example_submission": example,
    }


def _render(console: Console, summary: dict[str, Any]) -> None:
    console.print(f"\n[bold]Eligibility of {summary['session_id']}[/bold]")
    table = Table("stage", "films")
    for stage in Stage:
        table.add_row(stage.value, str(summary["counts"].get(stage.value, 0)))
    console.print(table)
    if summary["ineligible_by_rule"]:
        console.print(
            "ineligible films, by failing rule: "
            + ", ".join(f"{rule} {n}" for rule, n in summary["ineligible_by_rule"].items())
        )
    console.print(f"\nTemporal UI (every submission of the session):\n  {summary['temporal_ui']}")
    console.print(f"Database: {summary['database']}")
    if summary["example_submission"]:
        console.print(
            "One film's reasons:\n  .venv/bin/python starter.py submission show "
            f"{summary['example_submission']}"
        )
    console.print("Stop the server and worker with: make stop")
