"""The session a fault drill runs: its plan, decided from the films before it runs, and the staff
and producers who drive it to its event's meetings.

The session is driven by staff and producers, never by the wall clock: stages move by `advance`
once what they need is done, and the fix and confirmation windows are long, so a worker that is
down for a while changes when things happen, never what happens. (A window of seconds, as in the
demo, made a drill's outcome depend on how long the worker was down: a producer's fix that
arrived after a restart found the window closed.)"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from bench.drill_retry import T, persist, until
from bench.drill_stack import Stack
from demo.cast import COMMITTEE, CORRECTIONS  # the demo's committee, and its producers' fixes
from domain.eligibility import evaluate
from intake.batch import validate_records
from intake.generate import generate
from intake.opening import open_session, session_input, start_session, target_of
from intake.partners import import_partners
from intake.submit import submit_batch
from models.eligibility import EligibilityContext, Outcome
from models.messages import FilmStage, FixInput, WithdrawInput
from models.orm import ReviewAssignmentRow
from models.partnering import ApproveRequest, MatchingRequest
from models.programme import Programme, load_programme
from models.session import AdvanceInput, AnswerInput, CommitteeInput, ScoreInput, SessionStage
from models.submission import SubmissionForm
from settings import PROJECT_ROOT
from shared import partnering_workflow_id, submission_workflow_id
from workflows.partnering import PartneringWorkflow
from workflows.session import SessionWorkflow
from workflows.submission import SubmissionWorkflow
from workflows.submission_fix import merge

PARTNERS = PROJECT_ROOT / "examples" / "partners-toulouse.json"
FIX_WINDOW = timedelta(minutes=10)  # producers answer (fix or withdraw) well before
CONFIRM_WINDOW = timedelta(hours=1)  # no offer lapses while a worker is down
FAR = timedelta(hours=2)  # calendar dates staff reach early with `advance`


class Plan(BaseModel):
    """What the session's people will do, decided before it runs from the films alone."""

    films: list[dict[str, Any]]
    fixes: dict[str, dict[str, Any]]  # film key → the correction its producer sends
    withdrawals: list[str]  # film keys whose producer withdraws rather than fix
    flagged: list[str]  # film keys eligibility first finds in need of a fix
    failed: list[str]  # film keys that fail a rule outright
    quality: dict[str, float]  # film key → every reviewer's score
    expected_eligible: list[str]


def plan(programme: Programme, count: int, seed: int) -> Plan:
    """Two of every three films that eligibility flags are corrected, the third withdrawn; each
    film has one quality, so the ranking is known: the domain's rules give what to expect."""
    films = generate(count, seed=seed)
    forms = {v.form.film_key(): v.form for v in validate_records(films).valid}
    context = EligibilityContext()
    verdicts = {k: evaluate(f, programme.eligibility, context) for k, f in forms.items()}
    flagged = sorted(k for k, r in verdicts.items() if r.outcome is Outcome.NEEDS_FIX)
    fixes: dict[str, dict[str, Any]] = {}
    withdrawals = flagged[2::3]
    for key in flagged:
        if key in withdrawals:
            continue
        changes: dict[str, Any] = {}
        for result in verdicts[key].results:
            if result.outcome is Outcome.NEEDS_FIX:
                for name, value in CORRECTIONS[result.rule_id].items():
                    nested = isinstance(value, dict)
                    changes[name] = {**changes.get(name, {}), **value} if nested else value
        fixes[key] = changes
    eligible = [k for k, r in verdicts.items() if r.outcome is Outcome.PASS]
    eligible += [k for k in fixes if _passes_after(forms[k], fixes[k], programme)]
    order = sorted(forms, key=lambda k: hashlib.sha256(k.encode()).hexdigest())
    quality = {k: 9.5 - 0.5 * i for i, k in enumerate(order)}
    return Plan(
        films=films,
        fixes=fixes,
        withdrawals=withdrawals,
        flagged=flagged,
        failed=sorted(k for k, r in verdicts.items() if r.outcome is Outcome.FAIL),
        quality=quality,
        expected_eligible=sorted(eligible),
    )


def _passes_after(form: SubmissionForm, changes: dict[str, Any], programme: Programme) -> bool:
    fixed = SubmissionForm.model_validate(merge(form.model_dump(mode="json"), changes))
    return evaluate(fixed, programme.eligibility, EligibilityContext()).outcome is Outcome.PASS


class Driver:
    """Staff and producers at work on one session, each command retried as a person would."""

    def __init__(self, s: Stack, programme: Programme, year: int, the_plan: Plan) -> None:
        self.s = s
        self.programme = programme
        self.year = year
        self.plan = the_plan
        self.session_id = ""
        self.handle: WorkflowHandle | None = None

    def film(self, submission_id: str) -> WorkflowHandle:
        return self.s.client.get_workflow_handle_for(
            SubmissionWorkflow.run, submission_workflow_id(submission_id)
        )

    async def retry(self, call: Callable[[], Awaitable[T]]) -> T:
        return await persist(call, tally=self.s.retries)

    async def update(self, handle: WorkflowHandle, update, arg: Any = None, *, id: str) -> Any:
        args = [] if arg is None else [arg]
        return await self.retry(
            lambda: handle.execute_update(update, *args, id=f"{self.session_id}:{id}")
        )

    async def advance(self, to: SessionStage) -> None:
        request = AdvanceInput(to=to, reason=f"drill: {to.value}", actor="staff")
        await self.update(self.handle, SessionWorkflow.advance, request, id=f"advance-{to.value}")

    async def run(self) -> str:
        """The whole session up to its event's meetings; returns its id."""
        await self.open_and_submit()
        await self.eligibility()
        await self.advance(SessionStage.REVIEW)
        await self.review()
        await self.advance(SessionStage.SELECTION)
        await self.advance(SessionStage.CONFIRMATION)
        await self.confirmation()
        await self.advance(SessionStage.EVENT)
        await self.partnering()
        return self.session_id

    async def open_and_submit(self) -> None:
        now = datetime.now(UTC)
        names = ["deadline", "review_deadline", "selection_announced", "event_start", "event_end"]
        calendar = {name: now + FAR * (i + 1) for i, name in enumerate(names)}
        row = await self.retry(
            lambda: open_session(
                self.s.database,
                self.programme,
                "toulouse",
                self.year,
                calendar=calendar,
                fix_window=FIX_WINDOW,
                exist_ok=True,
            )
        )
        self.session_id = row.id
        # The reminder falls a minute before the review's deadline, which staff never wait for:
        # a reminder due at once would race the scores, and a drill's messages must not depend
        # on timing.
        data = session_input(
            row, self.programme, confirm_window=CONFIRM_WINDOW, reminder_lead=timedelta(minutes=1)
        )
        self.handle = await self.retry(lambda: start_session(self.s.client, self.s.queue, data))
        members = CommitteeInput(members=COMMITTEE)
        await self.update(self.handle, SessionWorkflow.set_committee, members, id="committee")
        batch = validate_records(self.plan.films)
        report = await self.retry(
            lambda: submit_batch(self.s.client, self.s.queue, target_of(row), batch)
        )
        entered = len(report.accepted) + len(report.duplicates)
        assert entered == len(self.plan.films), report.rejected[:3]
        self.s.note(f"opened {row.id} and entered {entered} films")

    def key(self, submission_id: str) -> str:
        return submission_id.rsplit("/", 1)[1]

    def ids(self) -> list[str]:
        return [f"{self.session_id}/{k}" for k in sorted(self.plan.quality)]

    async def stage_of(self, submission_id: str) -> FilmStage:
        state = await self.retry(lambda: self.film(submission_id).query(SubmissionWorkflow.state))
        return state.stage

    async def eligibility(self) -> None:
        """Producers correct what eligibility flagged, or withdraw the film, as planned; done when
        every film is judged for good."""
        answered: set[str] = set()

        async def judged() -> bool:
            stages = {sid: await self.stage_of(sid) for sid in self.ids()}
            for sid, stage in stages.items():
                key = self.key(sid)
                if stage is FilmStage.NEEDS_FIX and key not in answered:
                    await self.answer_flag(sid, key)
                    answered.add(key)
                    return False
            final = (FilmStage.ELIGIBLE, FilmStage.INELIGIBLE, FilmStage.WITHDRAWN)
            return all(s in final for s in stages.values())

        await until(judged, "eligibility", 240)
        self.s.note(f"eligibility done, {len(answered)} flagged films fixed or withdrawn")

    async def answer_flag(self, sid: str, key: str) -> None:
        film = self.film(sid)
        if key in self.plan.withdrawals:
            withdrawal = WithdrawInput(reason="we will not make the deadline")
            await self.update(film, SubmissionWorkflow.withdraw, withdrawal, id=f"wd:{key}")
        else:
            fix = FixInput(changes=self.plan.fixes[key])
            await self.update(film, SubmissionWorkflow.submit_fix, fix, id=f"fix:{key}")

    async def review(self) -> None:
        """Every assigned member scores the film's quality, a few at a time."""
        assignments = await self.retry(self._assignments)
        limit = asyncio.Semaphore(6)

        async def score(sid: str, member: str) -> None:
            async with limit:
                await until(lambda: self._under_review(sid), f"{sid} under review", 240)
                request = ScoreInput(member_id=member, score=self.plan.quality[self.key(sid)])
                await self.update(
                    self.film(sid), SubmissionWorkflow.score, request, id=f"{sid}:{member}"
                )

        async with asyncio.TaskGroup() as group:  # one failing stops the others
            for sid, member in assignments:
                group.create_task(score(sid, member))
        self.s.note(f"{len(assignments)} scores given")

    async def _assignments(self) -> list[tuple[str, str]]:
        async with self.s.database() as db:
            rows = await db.execute(
                select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id)
                .where(ReviewAssignmentRow.session_id == self.session_id)
                .order_by(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id)
            )
            return [(sid, member) for sid, member in rows.all()]

    async def _under_review(self, sid: str) -> bool:
        return await self.stage_of(sid) is FilmStage.UNDER_REVIEW

    async def confirmation(self) -> None:
        """Four producers confirm, one declines, one withdraws the film once it holds its offer
        (as a producer who has read it); each film promoted from the waitlist confirms; done when
        every slot is confirmed.

        The wait matters when a worker dies: the session's offer can sit in the film's signal
        queue while its workflow task waits out the dead worker's sticky queue, and a withdrawal
        taken in the same task as the offer is recorded without the session hearing of it (the
        film was not yet in play), so the slot stays offered until its window lapses (the pair
        drill met it; workflows/submission.py `_withdraw`)."""
        status = await self.retry(lambda: self.handle.query(SessionWorkflow.status))
        offered = [o.submission_id for o in status.picks.offers]
        for sid in offered[:4]:
            answer = AnswerInput(submission_id=sid, actor="producer")
            await self.update(self.handle, SessionWorkflow.confirm, answer, id=f"confirm:{sid}")
        decline = AnswerInput(submission_id=offered[4], reason="other plans", actor="producer")
        await self.update(self.handle, SessionWorkflow.decline, decline, id="decline")

        async def holds_offer() -> bool:
            return await self.stage_of(offered[5]) is FilmStage.OFFERED

        await until(holds_offer, f"{offered[5]} offered", 240)
        withdrawal = WithdrawInput(reason="the director fell ill")
        await self.update(self.film(offered[5]), SubmissionWorkflow.withdraw, withdrawal, id="wd")

        async def full() -> bool:
            picks = (await self.retry(lambda: self.handle.query(SessionWorkflow.status))).picks
            for offer in picks.offers:
                if offer.status.value == "offered" and offer.from_waitlist:
                    sid = offer.submission_id
                    answer = AnswerInput(submission_id=sid, actor="producer")
                    await self.update(
                        self.handle, SessionWorkflow.confirm, answer, id=f"confirm:{sid}"
                    )
            complete = picks.all_confirmed and len(picks.offers) == picks.slots
            return complete and offered[5] in picks.released

        await until(full, "every slot confirmed", 240)
        self.s.note("every slot confirmed")

    async def partnering(self) -> None:
        """Staff import the partners, run and approve the matching, schedule and approve the
        meetings: each producer of the lineup hears their partners, then their meetings."""
        handle = self.s.client.get_workflow_handle(partnering_workflow_id(self.session_id))

        async def opened() -> bool:
            try:
                await self.retry(lambda: handle.query(PartneringWorkflow.status))
            except RPCError as exc:
                if exc.status is RPCStatusCode.NOT_FOUND:
                    return False
                raise
            return True

        await until(opened, "partnering opened", 240)
        await self.retry(lambda: import_partners(self.s.database, self.session_id, PARTNERS))
        steps = [
            (PartneringWorkflow.run_matching, MatchingRequest()),
            (PartneringWorkflow.approve_matching, ApproveRequest(reason="drill")),
            (PartneringWorkflow.schedule_meetings, ApproveRequest(reason="drill")),
            (PartneringWorkflow.approve_meetings, ApproveRequest(reason="drill")),
        ]
        for i, (update, request) in enumerate(steps):
            await self.update(handle, update, request, id=f"partnering-{i}")
        self.s.note("matches and meetings approved")


def load_fip() -> Programme:
    return load_programme(PROJECT_ROOT / "programmes" / "films-in-progress.toml")
