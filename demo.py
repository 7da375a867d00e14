"""`make demo`: a whole session of Films in Progress on embedded defaults, in about two minutes.

It migrates the SQLite database, starts (or reuses) the Temporal dev server and a worker, and opens
the Toulouse session with its calendar compressed to seconds: the call closes 40 seconds after
opening, the committee reviews for 25, offers go out at 70 and must be answered within 20, the event
starts at 110. Into it go a generated call of realistic submissions (two rows deliberately
malformed); some producers fix what eligibility flagged, the others' window lapses; a simulated
committee scores, one member film by film (leaving two films unscored, and reminded), the others in
one sheet each; the six best films are offered their slots; four producers confirm, one declines and
one stays silent, and the waitlist refills both slots. At the event, staff import the partners, run
and approve the optimal matching, schedule and approve the one-to-one meetings (and re-plan around a
late partner), the jury grants two awards (one split between two films), and staff close the event.
Each film of the lineup then enters its follow-up: three producers send a first report (a picture
locked, a master delivered, a premiere with a French distributor). The demo ends on the board, the
matches with their reasons, the meetings, the awards, the follow-up, the programme's statistics and
the messages sent.

Run it again and it shows that session's board: a session runs once (`make clean` starts over).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from temporalio.client import Client, WorkflowHandle

import devserver
from actions.errors import ActionError
from cli.board import board, render_board
from cli.followup import followup_list
from cli.partnering import (
    awards_status,
    matching_view,
    meetings_view,
    render_matching,
    render_meetings,
)
from cli.stats import stats
from domain.followup import MilestoneUpdate, Report
from intake.batch import read_batch
from intake.generate import generate
from intake.opening import open_session, session_id, session_input, start_session, target_of
from intake.partners import import_partners
from intake.submit import submit_batch
from models.committee import Member
from models.followup import Milestone
from models.messages import FixInput, Stage
from models.orm import (
    AuditRow,
    FollowUpRow,
    MeetingRow,
    OutboxRow,
    ReviewAssignmentRow,
    SessionRow,
    SubmissionRow,
)
from models.partnering import (
    AbsenceRequest,
    ApproveRequest,
    GrantRequest,
    GrantShare,
    MatchingRequest,
    StepRequest,
)
from models.programme import AwardStep, load_programme
from models.session import (
    AdvanceInput,
    AnswerInput,
    CommitteeInput,
    ScoreInput,
    ScoreSheet,
    SessionStage,
)
from models.sheets import SheetScore
from settings import Settings
from shared import (
    award_workflow_id,
    followup_workflow_id,
    partnering_workflow_id,
    session_workflow_id,
    submission_workflow_id,
)
from store import db as store_db
from store import repository
from temporal_client import connect
from workflows.award import AwardWorkflow
from workflows.followup import FollowUpWorkflow
from workflows.partnering import PartneringWorkflow
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
PARTNERS = devserver.PROJECT_ROOT / "examples" / "partners-toulouse.json"
FIX_WINDOW = timedelta(seconds=20)
CONFIRM_WINDOW = timedelta(seconds=20)
REMINDER = timedelta(seconds=10)

COMMITTEE = [
    Member(id="lucia", name="Lucía Puenzo"),
    Member(id="marco", name="Marco Müller", company="Cine Sur"),  # works for a producer
    Member(id="ines", name="Inés Ortega", declared_conflicts=["Rio Bravo Films"]),
    Member(id="pablo", name="Pablo Cruz"),
    Member(id="sofia", name="Sofía Lara"),
]

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


async def run_demo(settings: Settings, *, count: int, year: int, console: Console) -> dict:
    say = console.print
    engine = store_db.make_engine(settings.database_url)
    await store_db.upgrade(engine)
    sessions = store_db.make_sessionmaker(engine)
    try:
        say(devserver.ensure_server(settings))
        say(devserver.ensure_worker())
        client = await connect(settings)
        programme = load_programme(settings.programmes_dir / "films-in-progress.toml")
        sid = session_id(programme, "toulouse", year)
        async with sessions() as db:
            ran_before = await repository.get_session(db, sid) is not None
        if ran_before:
            say(f"{sid} ran before; its board (`make clean` starts a new demo):")
        else:
            await _run_session(settings, client, sessions, programme, year, count, say)
        data = await board(sid)
        render_board(data, console)
        await _partnering_tables(sid)
        await _mail(sessions, sid, settings, say)
        workflows = f"{settings.temporal_ui_url}/namespaces/{settings.temporal_namespace}/workflows"
        session = f'WipSession="{sid}"'
        waiting = f'{session} AND WipStatus="waiting-producer"'
        say(
            f"\nTemporal UI, every workflow of the session:\n  {workflows}?query={quote(session)}"
            "\nand those waiting on a producer (a report, an award to accept), with their deadline:"
            f"\n  {workflows}?query={quote(waiting)}"
        )
        say(f"The board again: .venv/bin/python starter.py session status {sid}")
        say(f"Live, with progress bars: .venv/bin/python starter.py session watch {sid}")
        say(f"One film's timeline: .venv/bin/python starter.py submission show {sid}/<film>")
        say("Screenshots of the UI under docs/: make screenshots")
        say("Stop the server and worker with: make stop")
        return data
    finally:
        await engine.dispose()


async def _run_session(settings, client: Client, sessions, programme, year, count, say) -> None:
    now = datetime.now(UTC)
    calendar = {k: now + timedelta(seconds=s) for k, s in CALENDAR.items()}
    row = await open_session(
        sessions, programme, "toulouse", year, calendar=calendar, fix_window=FIX_WINDOW
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

    await _until_counted(sessions, row.id, len(report.accepted))
    fixed = await _correct_some(client, sessions, row.id)
    say(f"producers corrected {fixed} films flagged by eligibility; the others' window lapses")

    await _stage(handle, SessionStage.REVIEW)
    await _eligibility_table(sessions, row.id, say)
    scored, left = await _committee_scores(client, sessions, row.id)
    say(
        f"the committee scored {scored} assignments, lucia film by film and the others in one "
        f"sheet each; lucia left {left} unscored"
    )
    await _stage(handle, SessionStage.CONFIRMATION)
    async with sessions() as db:
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
        await handle.execute_update(SessionWorkflow.confirm, AnswerInput(submission_id=sid))
    await handle.execute_update(
        SessionWorkflow.decline,
        AnswerInput(
            submission_id=offered[4], reason="the film found its post-production elsewhere"
        ),
    )
    say(
        f"four producers confirmed, one declined, one ({offered[5].rsplit('/', 1)[1]}) stays "
        f"silent past its {CONFIRM_WINDOW.seconds}-second deadline"
    )
    await _confirm_promotions(handle, silent=offered[5])
    await _stage(handle, SessionStage.EVENT)
    say("[bold]the event begins[/bold]: partners, meetings, awards")
    await _partner_up(client, sessions, row.id, say)
    await handle.execute_update(
        SessionWorkflow.advance,
        AdvanceInput(to=SessionStage.FOLLOW_UP, reason="the event is over", actor="staff"),
    )
    say("[bold]staff close the event[/bold]; each film of the lineup is followed:")
    await _follow_up(client, sessions, row.id, say)


async def _follow_up(client: Client, sessions, sid: str, say) -> None:
    """The follow-up's first reports, compressed like the rest of the demo (each stands for
    months of work): a picture locked with its master expected, a master delivered, and a
    premiere with a French distributor, which ends that film's follow-up."""
    deadline = asyncio.get_running_loop().time() + 60
    while len(films := await _followed(sessions, sid)) < 6:
        assert asyncio.get_running_loop().time() < deadline, "follow-ups did not start"
        await asyncio.sleep(0.5)
    today = datetime.now(UTC).date()
    reports = {
        films[0]: Report(
            note="picture locked, grading booked",
            milestones=[
                MilestoneUpdate(milestone=Milestone.PICTURE_LOCK, done=today),
                MilestoneUpdate(milestone=Milestone.MASTER, expected=today + timedelta(days=240)),
            ],
        ),
        films[1]: Report(
            note="the DCP is delivered",
            milestones=[MilestoneUpdate(milestone=Milestone.MASTER, done=today)],
        ),
        films[2]: Report(
            note="finished, premiered, and sold in France",
            milestones=[
                MilestoneUpdate(milestone=Milestone.MASTER, done=today),
                MilestoneUpdate(
                    milestone=Milestone.PREMIERE,
                    done=today,
                    detail={"festival": "Cannes", "section": "ACID"},
                ),
                MilestoneUpdate(
                    milestone=Milestone.DISTRIBUTION,
                    done=today,
                    detail={"territory": "FR", "company": "Sur Distribution"},
                ),
            ],
        ),
    }
    for film, report in reports.items():
        handle = client.get_workflow_handle_for(FollowUpWorkflow.run, followup_workflow_id(film))
        state = await handle.execute_update(FollowUpWorkflow.report, report)
        say(f"{state.title}: {report.note} → {state.status.value}")
    say("the other three report next month; a month late, they are reminded, then staff alerted")


async def _followed(sessions, sid: str) -> list[str]:
    async with sessions() as db:
        return list(
            await db.scalars(
                select(FollowUpRow.submission_id)
                .where(FollowUpRow.session_id == sid)
                .order_by(FollowUpRow.submission_id)
            )
        )


async def _partner_up(client: Client, sessions, sid: str, say) -> None:
    """What staff and the jury do during the event: import the partners, run and approve the
    matching, schedule and approve the meetings, re-plan around a partner's absence, grant
    awards (one split between two films), and a producer accepts hers."""
    report = await import_partners(sessions, sid, PARTNERS)
    say(
        f"imported {len(report.imported)} partners from "
        f"{PARTNERS.relative_to(devserver.PROJECT_ROOT)}"
    )
    handle = client.get_workflow_handle(partnering_workflow_id(sid))
    matching = await handle.execute_update(PartneringWorkflow.run_matching, MatchingRequest())
    say(
        f"matching v{matching.version}: {sum(matching.counts.values())} pairs, total affinity "
        f"{matching.objective:.2f} (solver bound {matching.bound:.2f}, "
        f"{'optimal' if matching.optimal else 'not proven optimal'}) in {matching.seconds:.2f} s"
    )
    told = await handle.execute_update(
        PartneringWorkflow.approve_matching, ApproveRequest(reason="reviewed by staff")
    )
    say(f"staff approved the matches: {len(told)} producers told their partners")
    plan = await handle.execute_update(
        PartneringWorkflow.schedule_meetings, ApproveRequest(reason="schedule")
    )
    await handle.execute_update(
        PartneringWorkflow.approve_meetings, ApproveRequest(reason="reviewed by staff")
    )
    say(f"{sum(plan.counts.values())} one-to-one meetings scheduled ({plan.unplaced} unplaced)")
    await _absence(handle, sessions, sid, plan.version, say)
    lineup = (await handle.query(PartneringWorkflow.status)).lineup
    awards = [
        GrantRequest(
            award_id="toulouse-post-production", films=[GrantShare(submission_id=lineup[0])]
        ),
        GrantRequest(
            award_id="ccas-residency",
            films=[
                GrantShare(submission_id=lineup[1], share_pct=50),
                GrantShare(submission_id=lineup[2], share_pct=50),
            ],
            reason="the jury split the residency between two films",
        ),
    ]
    granted = []
    for request in awards:
        granted += await handle.execute_update(PartneringWorkflow.grant_award, request)
    for g in granted:
        say(
            f"the jury granted {g.award_id} ({g.share_pct:g}%) to {g.submission_id.rsplit('/')[-1]}"
        )
    award = client.get_workflow_handle(award_workflow_id(granted[0].grant_id))
    await award.execute_update(
        AwardWorkflow.record_step, StepRequest(step=AwardStep.ACCEPTED, actor="producer")
    )
    say("one producer accepted her award: its 90 days for the contract are running")


async def _absence(handle: WorkflowHandle, sessions, sid: str, version: int, say) -> None:
    """The partner with the most meetings is late on its first afternoon: only its meetings in
    that window move."""
    async with sessions() as db:
        rows = (
            await db.scalars(
                select(MeetingRow).where(
                    MeetingRow.session_id == sid,
                    MeetingRow.version == version,
                    MeetingRow.status == "scheduled",
                )
            )
        ).all()
        zone = ZoneInfo((await db.get(SessionRow, sid)).timezone)
    busiest = max({r.partner_id for r in rows}, key=lambda p: sum(r.partner_id == p for r in rows))
    first = min(r.starts_at for r in rows if r.partner_id == busiest)
    until = first + timedelta(hours=1)
    plan = await handle.execute_update(
        PartneringWorkflow.absent,
        AbsenceRequest(
            who=busiest, start=first, end=until, reason="its team arrives in the afternoon"
        ),
    )
    told = await handle.execute_update(
        PartneringWorkflow.approve_meetings, ApproveRequest(reason="re-plan approved")
    )
    say(
        f"{busiest} is late and cannot meet before {until.astimezone(zone):%H:%M %Z}: re-planned "
        f"(v{plan.version}), only its meetings moved; the {len(told)} producer(s) concerned "
        "were sent their new schedule"
    )


async def _partnering_tables(sid: str) -> None:
    """The approved matches and meetings, and the awards' lifecycles, as staff see them."""
    try:
        matching = await matching_view(sid, None)
        meetings = await meetings_view(sid, None)
    except ActionError:
        return  # the session did not reach its partnering
    render_matching(matching)
    render_meetings(meetings)
    await awards_status.__wrapped__(sid)
    await followup_list.__wrapped__(sid)
    await stats.__wrapped__(sid.split("/")[0])


async def _mail(sessions, sid: str, settings: Settings, say) -> None:
    """What the producers were sent, by stage and language (each message is a file in var/mail)."""
    async with sessions() as db:
        rows = (
            await db.execute(
                select(OutboxRow.stage, OutboxRow.language, func.count())
                .where(OutboxRow.session_id == sid, OutboxRow.status == "sent")
                .group_by(OutboxRow.stage, OutboxRow.language)
            )
        ).all()
    by_stage: dict[str, dict[str, int]] = {}
    for stage, language, n in rows:
        by_stage.setdefault(stage, {})[language] = n
    table = Table("message", "es", "pt", "fr", "en")
    for stage, counts in sorted(by_stage.items()):
        table.add_row(stage, *(str(counts.get(lang, "")) for lang in ("es", "pt", "fr", "en")))
    say(table)
    where = settings.smtp_host or settings.maildir_path
    say(f"{sum(n for *_, n in rows)} messages to producers, each in their language, in {where}")


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


async def _until_counted(sessions, sid: str, expected: int, within: float = 120) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        async with sessions() as db:
            counts = await repository.status_counts(db, sid)
        if sum(counts.values()) >= expected and not counts.get(Stage.RECEIVED.value):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"eligibility not done after {within:.0f}s: {counts}")
        await asyncio.sleep(0.5)


async def _correct_some(client: Client, sessions, sid: str) -> int:
    """Two of every three producers whose film needs a fix send the correction."""
    async with sessions() as db:
        needing = (
            await db.scalars(
                select(SubmissionRow.id)
                .where(
                    SubmissionRow.session_id == sid, SubmissionRow.status == Stage.NEEDS_FIX.value
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
        await film.execute_update(SubmissionWorkflow.submit_fix, FixInput(changes=changes))
        fixed += 1
    return fixed


async def _eligibility_table(sessions, sid: str, say) -> None:
    async with sessions() as db:
        counts = await repository.status_counts(db, sid)
    table = Table("at the call's deadline", "films")
    for status, n in sorted(counts.items()):
        table.add_row(status, str(n))
    say(table)


async def _committee_scores(client: Client, sessions, sid: str) -> tuple[int, int]:
    """Each member scores their films (a stable pseudo-random 3–10): lucia film by film, and
    forgets two; the others each send the session one sheet of all their films."""
    async with sessions() as db:
        assignments = (
            await db.execute(
                select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id)
                .where(ReviewAssignmentRow.session_id == sid)
                .order_by(ReviewAssignmentRow.submission_id)
            )
        ).all()
    lucia = [a for a in assignments if a[1] == "lucia"]
    forgotten = set(lucia[-2:])
    scored = 0
    sheets: dict[str, list[SheetScore]] = {}
    for submission_id, member in assignments:
        digest = hashlib.sha256(f"{submission_id}{member}".encode()).digest()
        score = 3 + digest[0] % 8
        if member != "lucia":
            sheets.setdefault(member, []).append(
                SheetScore(submission_id=submission_id, score=score, comment="demo score")
            )
        elif (submission_id, member) not in forgotten:
            film = client.get_workflow_handle_for(
                SubmissionWorkflow.run, submission_workflow_id(submission_id)
            )
            await film.execute_update(
                SubmissionWorkflow.score,
                ScoreInput(member_id=member, score=score, comment="demo score"),
            )
            scored += 1
    session = client.get_workflow_handle_for(SessionWorkflow.run, session_workflow_id(sid))
    for member, scores in sheets.items():
        sheet = ScoreSheet(member_id=member, scores=scores)
        scored += (await session.execute_update(SessionWorkflow.score_sheet, sheet)).recorded
    return scored, len(forgotten)


async def _confirm_promotions(handle: WorkflowHandle, silent: str, within: float = 120) -> None:
    """Producers of films promoted from the waitlist accept at once."""
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
                await handle.execute_update(
                    SessionWorkflow.confirm, AnswerInput(submission_id=offer.submission_id)
                )
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the promotions were not answered in time")
        await asyncio.sleep(0.5)
