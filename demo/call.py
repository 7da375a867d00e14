"""The demo's session from its opening to the event: the call, eligibility and its fixes, the
committee's scores, the offers and their answers; then the event (`demo/event.py`). Its calendar
is compressed to seconds."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client, WorkflowHandle

import devserver
from demo import producers
from demo.cast import COMMITTEE, CORRECTIONS, MALFORMED
from demo.committee import committee_works
from demo.event import follow_up, partner_up
from intake.batch import read_batch
from intake.generate import generate
from intake.opening import open_session, session_input, start_session, target_of
from intake.submit import submit_batch
from models.message_kinds import MessageKind
from models.messages import FilmStage
from models.orm import AuditRow, SubmissionRow
from models.session import (
    AdvanceInput,
    CommitteeInput,
    SessionStage,
)
from shared import submission_workflow_id
from store import repository
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow

# The session's calendar, in seconds after it opens.
CALENDAR = {
    "deadline": 40,
    "review_deadline": 65,
    "selection_announced": 70,
    "event_start": 110,
    "event_end": 86_400,  # two event days for the meetings; staff close the event
}


FIX_WINDOW = timedelta(seconds=20)
CONFIRM_WINDOW = timedelta(seconds=20)
REMINDER = timedelta(seconds=10)


async def run_session(settings, client: Client, database, programme, year, count, say) -> None:
    now = datetime.now(UTC)
    calendar = {k: now + timedelta(seconds=s) for k, s in CALENDAR.items()}
    row = await open_session(
        database, programme, "toulouse", year, calendar=calendar, fix_window=FIX_WINDOW
    )
    data = session_input(row, programme, confirm_window=CONFIRM_WINDOW, reminder_lead=REMINDER)
    handle = await start_session(client, settings.temporal_task_queue, data)
    await handle.execute_update(SessionWorkflow.set_committee, CommitteeInput(members=COMMITTEE))
    say(
        f"opened [bold]{row.id}[/bold]: {row.slots} slots, committee of {len(COMMITTEE)}; "
        f"calendar compressed to seconds: {json.dumps(CALENDAR)}"
    )

    path = devserver.VAR / "demo" / "submissions.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(generate(count) + MALFORMED, ensure_ascii=False, indent=1))
    report = await submit_batch(
        client, settings.temporal_task_queue, target_of(row), read_batch(path)
    )
    say(
        f"entered {path.relative_to(devserver.PROJECT_ROOT)}: "
        f"[green]{len(report.accepted)} accepted[/green], "
        f"[red]{len(report.rejected)} rejected[/red]"
    )
    for rejected in report.rejected:
        fields = ", ".join(f"{e.field} ({e.message})" for e in rejected.errors[:3])
        more = f" and {len(rejected.errors) - 3} more" if len(rejected.errors) > 3 else ""
        say(f"  row {rejected.row} refused: {fields}{more}", highlight=False)

    await _until_counted(database, row.id, len(report.accepted))
    fixed = await _correct_some(client, database, row.id)
    say(f"producers corrected {fixed} films flagged by eligibility; the others' window lapses")

    await _stage(handle, SessionStage.REVIEW)
    await _eligibility_table(database, row.id, say)
    scored, left, conflicted = await committee_works(database, row.id)
    say(
        f"pablo declared a conflict of interest with {conflicted} on his page; it went to a free "
        f"member. the committee scored {scored} films on their pages, through the links in "
        f"their invitations; lucia left {left} unscored"
    )
    await _stage(handle, SessionStage.CONFIRMATION)
    async with database() as db:
        reminders = (
            await db.execute(
                select(AuditRow.entity_id, AuditRow.reason).where(
                    AuditRow.action == "reminded", AuditRow.entity_id.startswith(row.id + "/")
                )
            )
        ).all()
    for member, what in reminders:
        say(f"reminded {member.rsplit('/', 1)[1]} before the review deadline: {what}")
    say("ranking done; offers are out")

    picks = (await handle.query(SessionWorkflow.status)).picks
    offered = [o.submission_id for o in picks.offers]
    for sid in offered[:4]:
        await producers.answer(database, sid, confirm=True)
    reason = "the film found its post-production elsewhere"
    await producers.answer(database, offered[4], confirm=False, reason=reason)
    say(
        f"four producers confirmed through the link in their offer, one declined, one "
        f"({offered[5].rsplit('/', 1)[1]}) stays silent past its "
        f"{CONFIRM_WINDOW.seconds}-second deadline"
    )
    await _confirm_promotions(handle, database, silent=offered[5])
    await _stage(handle, SessionStage.EVENT)
    say("[bold]the event begins[/bold]: partners, meetings, awards")
    await partner_up(client, database, row.id, say)
    await handle.execute_update(
        SessionWorkflow.advance,
        AdvanceInput(to=SessionStage.FOLLOW_UP, reason="the event is over", actor="staff"),
    )
    say("[bold]staff close the event[/bold]; each film of the lineup is followed:")
    await follow_up(client, database, row.id, say)


async def _stage(handle: WorkflowHandle, stage: SessionStage, within: float = 180) -> None:
    """Wait until the session has reached `stage` (or gone past it)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        now_at = (await handle.query(SessionWorkflow.status)).stage
        if now_at is stage or now_at.after(stage):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(
                f"the session did not reach {stage} within {within:.0f}s; see var/log/worker.log"
            )
        await asyncio.sleep(0.5)


async def _until_counted(database, sid: str, expected: int, within: float = 120) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        async with database() as db:
            counts = await repository.status_counts(db, sid)
        if sum(counts.values()) >= expected and not counts.get(FilmStage.RECEIVED.value):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"eligibility not done after {within:.0f}s: {counts}")
        await asyncio.sleep(0.5)


async def _correct_some(client: Client, database, sid: str) -> int:
    """Two of every three producers whose film needs a fix send the correction, on the fix form
    behind the link in their needs-fix mail, over HTTP."""
    async with database() as db:
        needing = (
            await db.scalars(
                select(SubmissionRow.id)
                .where(
                    SubmissionRow.session_id == sid,
                    SubmissionRow.status == FilmStage.NEEDS_FIX.value,
                )
                .order_by(SubmissionRow.id)
            )
        ).all()
    fixed = 0
    for index, submission_id in enumerate(needing):
        if index % 3 == 2:
            continue
        film = client.get_workflow_handle_for(
            SubmissionWorkflow.run, submission_workflow_id(submission_id)
        )
        state = await film.query(SubmissionWorkflow.state)
        changes: dict[str, Any] = {}
        for result in state.results:
            if result.outcome.value == "needs_fix":
                for key, value in CORRECTIONS[result.rule_id].items():
                    changes[key] = (
                        {**changes.get(key, {}), **value} if isinstance(value, dict) else value
                    )
        link = await producers.link_in(database, submission_id, (MessageKind.NEEDS_FIX,), "fix")
        await producers.press(link, producers.form_fields(changes), 'id="answer"')
        fixed += 1
    return fixed


async def _eligibility_table(database, sid: str, say) -> None:
    async with database() as db:
        counts = await repository.status_counts(db, sid)
    table = Table("at the call's deadline", "films")
    for status, n in sorted(counts.items()):
        table.add_row(status, str(n))
    say(table)


async def _confirm_promotions(
    handle: WorkflowHandle, database: async_sessionmaker, silent: str, within: float = 120
) -> None:
    """Producers of films promoted from the waitlist accept at once, from their link."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        status = await handle.query(SessionWorkflow.status)
        if (
            status.stage is not SessionStage.CONFIRMATION
            or status.picks.all_confirmed
            and (silent in status.picks.released)
        ):
            return
        for offer in status.picks.offers:
            if offer.status.value == "offered" and offer.from_waitlist:
                await producers.answer(database, offer.submission_id, confirm=True)
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the promotions were not answered in time")
        await asyncio.sleep(0.5)
