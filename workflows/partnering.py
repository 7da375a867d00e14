"""PartneringWorkflow: who each selected film meets, when, and which awards it receives.

The session starts it once its lineup is final (every slot confirmed, or the event begun), and
tells it when the lineup changes afterwards. Staff drive it; nothing reaches a producer before
staff approve:

    matching:  run → (override)* → approve      each approval tells every film whose partners
    meetings:  schedule → approve               (or meetings) changed, in its own language
    absences:  someone cannot meet for a while → a re-plan that moves only their meetings
    awards:    the jury grants an award to a film, or splits it → each share's AwardWorkflow

Matches and meetings are versioned rows in the database; this workflow holds only the lineup,
the version numbers and what was granted, so its history stays a few dozen events per session.

Messages: updates `run_matching`, `override_match`, `approve_matching`, `schedule_meetings`,
`approve_meetings`, `absent`, `grant_award`; signals `lineup_changed`, `session_over`; query
`status`.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    import activity_refs
    from domain.awards import split_refusal
    from models.meetings import Busy
    from models.partnering import (
        AbsenceRequest,
        ApproveRequest,
        DeclinedShare,
        GrantRequest,
        GrantSummary,
        LineupChange,
        MatchingRequest,
        OverrideRequest,
        PartneringInput,
        PartneringStatus,
        RunStatus,
        RunSummary,
    )
    from models.partnering_io import (
        ApproveInput,
        GrantInput,
        OverrideInput,
        PlanInput,
        ProposeInput,
    )
    from models.session import DecisionKind, FilmDecision
    from models.session_io import Tell, TellInput
    from shared import Status, WorkflowType
    from workflows.partnering_checks import recheck, refuse_closed, require_proposal
    from workflows.progress import publish

# Every activity here runs inside a staff request that holds the lock: a fault that retrying
# does not cure must end that request, not block every later one behind it.
RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=6,
)
# A refused request (an infeasible quota, a conflict) fails at once; the solver gets its time,
# and heartbeats while it works, so a worker that dies mid-solve is retried within seconds.
SOLVE = dict(
    start_to_close_timeout=timedelta(minutes=5),
    heartbeat_timeout=timedelta(seconds=30),
    retry_policy=RETRY,
)
DB_ACTIVITY = dict(start_to_close_timeout=timedelta(seconds=30), retry_policy=RETRY)
# Once an approval is recorded its films must hear of it: telling them retries until it works.
TELL = dict(
    start_to_close_timeout=timedelta(hours=1),
    heartbeat_timeout=timedelta(minutes=2),
    retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1)),
)


@workflow.defn(name=WorkflowType.PARTNERING)
class PartneringWorkflow:
    @workflow.init
    def __init__(self, input: PartneringInput) -> None:
        self._s = input.model_copy(deep=True)
        # Updates each run activities on the same versions: one at a time.
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, input: PartneringInput) -> PartneringStatus:
        self._show()
        await workflow.wait_condition(
            lambda: self._s.session_over or workflow.info().is_continue_as_new_suggested()
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        if not self._s.session_over:
            workflow.continue_as_new(self._s)
        return self.status()

    # --- matching --------------------------------------------------------------------------------

    @workflow.update
    async def run_matching(self, request: MatchingRequest) -> RunSummary:
        async with self._lock:
            recheck(self.validate_run_matching, request)
            s = self._s
            lineup = set(s.lineup)
            version = s.matching_version + 1
            summary = await workflow.execute_activity(
                activity_refs.propose_matches,
                ProposeInput(
                    session_id=s.session_id,
                    version=version,
                    lineup=s.lineup,
                    fairness=request.fairness,
                    at=workflow.now(),
                    actor=request.actor,
                ),
                summary=f"match {len(s.lineup)} films with partners (version {version})",
                **SOLVE,
            )
            s.matching_version = version
            # The lineup may have changed while the solver ran: then this proposal is stale.
            s.matching = RunStatus.PROPOSED if set(s.lineup) == lineup else RunStatus.STALE
            self._show()
            return summary

    @run_matching.validator
    def validate_run_matching(self, request: MatchingRequest) -> None:
        refuse_closed(self._s)
        if not self._s.lineup:
            raise ValueError("the session has no confirmed films to match")

    @workflow.update
    async def override_match(self, request: OverrideRequest) -> RunSummary:
        async with self._lock:
            recheck(self.validate_override_match, request)
            return await workflow.execute_activity(
                activity_refs.override_match,
                OverrideInput(
                    session_id=self._s.session_id,
                    version=self._s.matching_version,
                    request=request,
                    at=workflow.now(),
                ),
                summary=f"{request.action.value} {request.partner_id}",
                **DB_ACTIVITY,
            )

    @override_match.validator
    def validate_override_match(self, request: OverrideRequest) -> None:
        require_proposal(self._s, "matching", self._s.matching)
        if request.submission_id not in self._s.lineup:
            raise ValueError(f"{request.submission_id} is not in the session's lineup")

    @workflow.update
    async def approve_matching(self, request: ApproveRequest) -> list[str]:
        async with self._lock:
            recheck(self.validate_approve_matching, request)
            s = self._s
            lineup = set(s.lineup)
            told = await self._approve("matching", s.matching_version, s.approved_matching, request)
            s.approved_matching = s.matching_version
            s.matching = RunStatus.APPROVED if set(s.lineup) == lineup else RunStatus.STALE
            if s.meetings is not RunStatus.NONE:  # planned on the matches before these
                s.meetings = RunStatus.STALE
            self._show()
            return told

    @approve_matching.validator
    def validate_approve_matching(self, request: ApproveRequest) -> None:
        require_proposal(
            self._s, "matching", self._s.matching, self._s.matching_version, request.version
        )

    # --- meetings --------------------------------------------------------------------------------

    @workflow.update
    async def schedule_meetings(self, request: ApproveRequest) -> RunSummary:
        async with self._lock:
            recheck(self.validate_schedule_meetings, request)
            return await self._plan(request.actor)

    @schedule_meetings.validator
    def validate_schedule_meetings(self, request: ApproveRequest) -> None:
        refuse_closed(self._s)
        if self._s.matching is not RunStatus.APPROVED:
            raise ValueError(
                f"meetings follow approved matches; the matching is {self._s.matching.value}"
            )

    @workflow.update
    async def approve_meetings(self, request: ApproveRequest) -> list[str]:
        async with self._lock:
            recheck(self.validate_approve_meetings, request)
            s = self._s
            lineup = set(s.lineup)
            told = await self._approve("meetings", s.meetings_version, s.approved_meetings, request)
            s.approved_meetings = s.meetings_version
            s.meetings = RunStatus.APPROVED if set(s.lineup) == lineup else RunStatus.STALE
            self._show()
            return told

    @approve_meetings.validator
    def validate_approve_meetings(self, request: ApproveRequest) -> None:
        require_proposal(
            self._s, "meetings", self._s.meetings, self._s.meetings_version, request.version
        )

    @workflow.update
    async def absent(self, request: AbsenceRequest) -> RunSummary | None:
        """Someone cannot meet for a while: a new proposal moves only the meetings it touches."""
        async with self._lock:
            recheck(self.validate_absent, request)
            self._s.absences.append(
                Busy(who=request.who, start=request.start, end=request.end, reason=request.reason)
            )
            if self._s.matching is not RunStatus.APPROVED:
                return None
            return await self._plan(request.actor)

    @absent.validator
    def validate_absent(self, request: AbsenceRequest) -> None:
        refuse_closed(self._s)
        if request.end <= request.start:
            raise ValueError("an absence must end after it starts")

    # --- awards ----------------------------------------------------------------------------------

    @workflow.update
    async def grant_award(self, request: GrantRequest) -> list[GrantSummary]:
        async with self._lock:
            recheck(self.validate_grant_award, request)  # another grant may have landed
            s = self._s
            grants = await workflow.execute_activity(
                activity_refs.grant_award,
                GrantInput(
                    session_id=s.session_id,
                    programme_id=s.programme_id,
                    request=request,
                    lineup=s.lineup,
                    at=workflow.now(),
                    task_queue=workflow.info().task_queue,
                ),
                summary=f"grant {request.award_id} to {len(request.films)} film(s)",
                **DB_ACTIVITY,
            )
            for g in grants:
                s.grants.setdefault(g.award_id, {})[g.submission_id] = g.share_pct
            self._show()
            return grants

    @grant_award.validator
    def validate_grant_award(self, request: GrantRequest) -> None:
        s = self._s
        refuse_closed(self._s)
        given = s.grants.get(request.award_id, {})
        if (why := split_refusal(request, s.session_id, s.award_ids, s.lineup, given)) is not None:
            raise ValueError(why)

    # --- from the session ------------------------------------------------------------------------

    @workflow.signal
    def lineup_changed(self, change: LineupChange) -> None:
        s = self._s
        if set(change.lineup) != set(s.lineup):
            if s.matching is not RunStatus.NONE:
                s.matching = RunStatus.STALE
            if s.meetings is not RunStatus.NONE:
                s.meetings = RunStatus.STALE
        s.lineup, s.screenings = change.lineup, change.screenings
        self._show()

    @workflow.signal
    def award_declined(self, share: DeclinedShare) -> None:
        """A film declined its share: the jury may give it to another film."""
        self._s.grants.get(share.award_id, {}).pop(share.submission_id, None)
        self._show()

    @workflow.signal
    def session_over(self) -> None:
        self._s.session_over = True
        self._show()

    @workflow.query
    def status(self) -> PartneringStatus:
        s = self._s
        return PartneringStatus(
            session_id=s.session_id,
            lineup=s.lineup,
            matching_version=s.matching_version,
            matching=s.matching,
            approved_matching=s.approved_matching,
            meetings_version=s.meetings_version,
            meetings=s.meetings,
            approved_meetings=s.approved_meetings,
            absences=s.absences,
            grants=s.grants,
        )

    # --- helpers ---------------------------------------------------------------------------------

    async def _plan(self, actor: str) -> RunSummary:
        s = self._s
        lineup = set(s.lineup)
        version = s.meetings_version + 1
        summary = await workflow.execute_activity(
            activity_refs.plan_meetings,
            PlanInput(
                session_id=s.session_id,
                version=version,
                matching_version=s.approved_matching,
                base=s.approved_meetings,
                screenings=s.screenings,
                screening_minutes=s.screening_minutes,
                absences=s.absences,
                at=workflow.now(),
                actor=actor,
            ),
            summary=f"schedule meetings (version {version})",
            **SOLVE,
        )
        s.meetings_version = version
        s.meetings = RunStatus.PROPOSED if set(s.lineup) == lineup else RunStatus.STALE
        self._show()
        return summary

    async def _approve(
        self, kind: str, version: int, previous: int | None, request: ApproveRequest
    ) -> list[str]:
        """Approve a version and tell the films it changed; returns them."""
        s = self._s
        changed = await workflow.execute_activity(
            activity_refs.approve_run,
            ApproveInput(
                session_id=s.session_id,
                kind=kind,
                version=version,
                previous=previous,
                at=workflow.now(),
                actor=request.actor,
                reason=request.reason,
            ),
            summary=f"approve {kind} version {version}",
            **DB_ACTIVITY,
        )
        films = [sid for sid in changed if sid in s.lineup]
        decision = DecisionKind.MATCHED if kind == "matching" else DecisionKind.MEETINGS
        if films:
            s.tells += 1
            await workflow.execute_activity(
                activity_refs.tell_films,
                TellInput(
                    session_id=s.session_id,
                    tells=[
                        Tell(
                            submission_id=sid,
                            decision=FilmDecision(
                                kind=decision,
                                at=workflow.now(),
                                version=version,
                                reason=f"{kind} version {version} approved: {request.reason}",
                            ),
                        )
                        for sid in films
                    ],
                    actor=request.actor,
                    key=f"partnering:{s.session_id}:{s.tells}",
                ),
                summary=f"tell {len(films)} film(s): {decision.value}",
                **TELL,
            )
        return films

    def _show(self) -> None:
        s = self._s
        granted = sum(len(films) for films in s.grants.values())
        stage = f"matching {s.matching.value}, meetings {s.meetings.value}"
        # Staff run, approve and re-run the matching and the meetings until the session is over.
        publish(
            stage,
            Status.DONE if s.session_over else Status.WAITING_STAFF,
            None,
            f"**{s.name}** partnering — {len(s.lineup)} films; matching "
            f"{s.matching.value} (v{s.matching_version}); meetings {s.meetings.value} "
            f"(v{s.meetings_version}); {granted} award share(s) granted",
        )
