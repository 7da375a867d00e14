"""The demo's event and after: staff import the partners, run and approve the matching, schedule
the meetings and re-plan around a late partner, the jury grants awards; then the follow-up's
first reports."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from temporalio.client import Client, WorkflowHandle

import devserver
from demo import producers
from intake.partners import import_partners
from models.choices import Milestone
from models.followup import MilestoneUpdate, Report
from models.message_kinds import MessageKind
from models.orm import FollowUpRow, MeetingRow, SessionRow
from models.partnering import (
    AbsenceRequest,
    ApproveRequest,
    GrantRequest,
    GrantShare,
    MatchingRequest,
)
from shared import followup_workflow_id, partnering_workflow_id
from workflows.followup import FollowUpWorkflow
from workflows.partnering import PartneringWorkflow

PARTNERS = devserver.PROJECT_ROOT / "examples" / "partners-toulouse.json"


async def follow_up(client: Client, database, sid: str, say) -> None:
    """The follow-up's first reports, compressed like the rest of the demo (each stands for
    months of work): a picture locked with its master expected, a master delivered, and a
    premiere with a French distributor, which ends that film's follow-up."""
    deadline = asyncio.get_running_loop().time() + 60
    while len(films := await _followed(database, sid)) < 6:
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


async def _followed(database, sid: str) -> list[str]:
    async with database() as db:
        return list(
            await db.scalars(
                select(FollowUpRow.submission_id)
                .where(FollowUpRow.session_id == sid)
                .order_by(FollowUpRow.submission_id)
            )
        )


async def partner_up(client: Client, database, sid: str, say) -> None:
    """What staff and the jury do during the event: import the partners, run and approve the
    matching, schedule and approve the meetings, re-plan around a partner's absence, grant
    awards (one split between two films), and a producer accepts hers."""
    report = await import_partners(database, sid, PARTNERS)
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
    await _absence(handle, database, sid, plan.version, say)
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
    # The first film's producer accepts from the link in her award mail, over HTTP.
    link = await producers.link_in(
        database, granted[0].submission_id, (MessageKind.AWARD_GRANTED,), "award"
    )
    await producers.press(link, {"answer": "accept"}, 'id="answer"')
    say("one producer accepted her award from its link: its 90 days for the contract are running")


async def _absence(handle: WorkflowHandle, database, sid: str, version: int, say) -> None:
    """The partner with the most meetings is late on its first afternoon: only its meetings in
    that window move."""
    async with database() as db:
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
