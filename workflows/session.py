"""SessionWorkflow: one session of a programme, from its call to its close.

Stages follow the session's calendar as durable timers, and staff can move any of them:

    call_open → review → selection → confirmation → event → follow_up → closed

- review: the committee's members are assigned k films each (load balanced, conflicts of interest
  never assigned) and score them, one film on its own workflow or many in one sheet sent here;
  members with missing scores are reminded before the review deadline;
- selection: the films are ranked (provisionally, as staff pin or exclude films);
- confirmation: the `slots` best films are offered a slot with a confirmation deadline, the next
  ones are waitlisted; a decline, a withdrawal or a lapsed deadline offers the slot to the next
  waitlisted film at once (domain/selection.py); films below the waitlist hear "not selected" only
  once every slot is confirmed, or when the stage closes;
- event: unanswered offers lapse, the remaining waitlist is not selected; once the lineup is final
  (here, or earlier when every slot is confirmed) a PartneringWorkflow opens for matches,
  meetings and awards;
- follow_up: each film of the lineup gets its FollowUpWorkflow, until staff close the session.

The session never holds its films: they are independent workflows, told of decisions by
activities that page through the database, so a call of 20,000 films costs this workflow the same
few dozen events as a call of 150.

Messages (all updates are validated before they are accepted):
- updates `set_committee`, `assign_reviews`, `score_sheet` (a member's scores for many films),
  `extend`, `advance`, `pin`, `exclude`, `confirm`, `decline`; signal `film_withdrawn` (from a
  film's workflow); query `status`.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    import activity_refs
    from domain import calendar, screenings, selection
    from domain.ranking import Aggregate
    from domain.scoring import SheetRefusal, SheetResult
    from domain.selection import OfferStatus, Release, SelectionError, SelectionState
    from models.partnering import LineupChange
    from models.session import (
        NEXT_STAGE,
        STAGE_ENDS,
        AdvanceInput,
        AnswerInput,
        CommitteeInput,
        DecisionKind,
        ExtendInput,
        FilmDecision,
        PinInput,
        ScoreSheet,
        SessionInput,
        SessionStage,
        SessionStatus,
    )
    from models.session_io import (
        AssignInput,
        AssignResult,
        CalendarChange,
        CommitteeSave,
        NotSelectedInput,
        RankInput,
        RecordSheetInput,
        RemindInput,
        SessionNote,
        StageChange,
        Tell,
        TellInput,
    )
    from models.starts import OpenInput, StartFollowUps
    from shared import Status, WorkflowType, partnering_workflow_id
    from workflows.progress import publish

RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
# Short writes: a worker killed inside one is retried after 30 s (the fault drills), not minutes.
DB_ACTIVITY = dict(start_to_close_timeout=timedelta(seconds=30), retry_policy=RETRY)
# Fan-outs to thousands of films heartbeat their progress.
FAN_OUT = dict(
    start_to_close_timeout=timedelta(hours=1),
    heartbeat_timeout=timedelta(minutes=2),
    retry_policy=RETRY,
)
# Whom a session waits for in each stage: films from producers, scores from the committee, the
# staff's pins and excludes before the offers, producers' answers, then staff running the event.
WAITING_ON = {
    SessionStage.CALL_OPEN: Status.WAITING_PRODUCER,
    SessionStage.REVIEW: Status.WAITING_COMMITTEE,
    SessionStage.SELECTION: Status.WAITING_STAFF,
    SessionStage.CONFIRMATION: Status.WAITING_PRODUCER,
    SessionStage.EVENT: Status.WAITING_STAFF,
    SessionStage.FOLLOW_UP: Status.WAITING_STAFF,
    SessionStage.CLOSED: Status.DONE,
}
RELEASE_KIND = {Release.DECLINED: DecisionKind.DECLINED, Release.LAPSED: DecisionKind.LAPSED}


@workflow.defn(name=WorkflowType.SESSION)
class SessionWorkflow:
    @workflow.init
    def __init__(self, input: SessionInput) -> None:
        self._s = input.model_copy(deep=True)
        self._advance: AdvanceInput | None = None
        self._withdrawn: list[AnswerInput] = []
        self._wake = False
        # Handlers and the main loop both change the selection and run activities: one at a time.
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, input: SessionInput) -> SessionStatus:
        self._show()
        while self._s.stage is not SessionStage.CLOSED:
            await self._sleep()
            async with self._lock:
                await self._on_wake()
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._s)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    # --- the main loop -------------------------------------------------------------------------

    def _wake_at(self) -> datetime | None:
        s = self._s
        times = []
        if (milestone := STAGE_ENDS.get(s.stage)) is not None:
            times.append(getattr(s.calendar, milestone))
        if s.stage is SessionStage.REVIEW and s.reminded_for != s.calendar.review_deadline:
            times.append(s.calendar.review_deadline - s.reminder_lead)
        if s.stage is SessionStage.CONFIRMATION and s.picks:
            times.append(selection.next_deadline(s.picks))
        return min((t for t in times if t is not None), default=None)

    async def _sleep(self) -> None:
        wake_at = self._wake_at()
        timeout = None if wake_at is None else max(wake_at - workflow.now(), timedelta(0))
        if timeout != timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._wake, timeout=timeout, timeout_summary=f"{self._s.stage} timer"
                )
        self._wake = False

    async def _on_wake(self) -> None:
        s, now = self._s, workflow.now()
        for request in self._withdrawn:
            await self._film_left(request)
        self._withdrawn.clear()
        if (
            s.stage is SessionStage.REVIEW
            and s.reminded_for != s.calendar.review_deadline
            and now >= s.calendar.review_deadline - s.reminder_lead
        ):
            await workflow.execute_activity(
                activity_refs.remind_reviewers,
                RemindInput(
                    session_id=s.session_id, review_deadline=s.calendar.review_deadline, at=now
                ),
                summary="remind members with missing scores",
                **DB_ACTIVITY,
            )
            s.reminded_for = s.calendar.review_deadline
        if s.stage is SessionStage.CONFIRMATION and s.picks:
            await self._change_picks(selection.lapse(s.picks, now=now))
        milestone = STAGE_ENDS.get(s.stage)
        due = milestone is not None and now >= getattr(s.calendar, milestone)
        if self._advance is not None or due:
            request = self._advance or AdvanceInput(
                to=NEXT_STAGE[s.stage], reason=f"calendar: {milestone} reached", actor="wipflow"
            )
            await self._move(request)

    # --- stage transitions ---------------------------------------------------------------------

    async def _move(self, request: AdvanceInput) -> None:
        s, to = self._s, request.to
        if to is SessionStage.REVIEW:
            await self._assign()
        elif to is SessionStage.SELECTION:
            await self._rank(final=False)
        elif to is SessionStage.CONFIRMATION:
            await self._open_offers()
        elif to is SessionStage.EVENT:
            await self._close_confirmation()
        elif to is SessionStage.FOLLOW_UP:
            await self._start_followups()
        elif to is SessionStage.CLOSED:
            if s.partnering is not None:
                await self._partnering().signal("session_over")
            confirmed = [o.submission_id for o in s.picks.offers] if s.picks else []
            await self._tell(
                [
                    Tell(
                        submission_id=sid,
                        decision=FilmDecision(
                            kind=DecisionKind.SESSION_CLOSED,
                            at=workflow.now(),
                            reason=request.reason,
                        ),
                    )
                    for sid in confirmed
                ]
            )
        await workflow.execute_activity(
            activity_refs.record_stage,
            StageChange(
                session_id=s.session_id,
                workflow_id=workflow.info().workflow_id,
                from_stage=s.stage.value,
                to_stage=to.value,
                at=workflow.now(),
                actor=request.actor,
                reason=request.reason,
            ),
            summary=f"stage {to.value}",
            **DB_ACTIVITY,
        )
        s.stage = to
        self._advance = None
        self._show()

    async def _assign(self) -> AssignResult:
        s = self._s
        result = await workflow.execute_activity(
            activity_refs.assign_reviews,
            AssignInput(
                session_id=s.session_id,
                members=s.committee,
                k=s.selection.reviews_per_film,
                review_deadline=s.calendar.review_deadline,
                score_range=(s.selection.score_min, s.selection.score_max),
                at=workflow.now(),
            ),
            summary="assign films to committee members",
            **FAN_OUT,
        )
        s.tells += 1
        return result

    async def _rank(self, *, final: bool) -> None:
        s = self._s
        ranked = await workflow.execute_activity(
            activity_refs.rank_films,
            RankInput(
                session_id=s.session_id,
                method=Aggregate(s.selection.aggregate),
                pinned=list(s.pins),
                excluded=list(s.excludes),
                top=s.slots + s.selection.waitlist_length,
                final=final,
            ),
            summary="final ranking" if final else "provisional ranking",
            **DB_ACTIVITY,
        )
        s.provisional, s.ranked_total = ranked.top, ranked.total

    async def _open_offers(self) -> None:
        s, now = self._s, workflow.now()
        await self._rank(final=True)
        picks = selection.start(
            s.provisional,
            slots=s.slots,
            waitlist_length=s.selection.waitlist_length,
            confirm_window=s.confirm_window,
            now=now,
            actor="wipflow",
        )
        s.picks = picks.model_copy(
            update={"not_selected": s.ranked_total - len(s.provisional) + picks.not_selected}
        )
        # Offers first, then the waitlist: producers offered a slot hear it before anyone else.
        await self._tell(
            [
                Tell(
                    submission_id=o.submission_id,
                    decision=FilmDecision(
                        kind=DecisionKind.OFFERED,
                        at=now,
                        deadline=o.deadline,
                        reason="ranked within the slots: please confirm by the deadline",
                    ),
                )
                for o in s.picks.offers
            ]
        )
        await self._tell(
            [
                Tell(
                    submission_id=sid,
                    decision=FilmDecision(
                        kind=DecisionKind.WAITLISTED,
                        at=now,
                        position=i,
                        reason=f"waitlisted at position {i}",
                    ),
                )
                for i, sid in enumerate(s.picks.waitlist, start=1)
            ]
        )
        await self._tell_not_selected_when_full()

    async def _close_confirmation(self) -> None:
        s, now = self._s, workflow.now()
        if s.picks is None:
            return
        closed, waiting = selection.close(s.picks, now=now, actor="wipflow")
        await self._change_picks(closed)
        await self._tell(
            [
                Tell(
                    submission_id=sid,
                    decision=FilmDecision(
                        kind=DecisionKind.NOT_SELECTED,
                        at=now,
                        reason="the confirmation stage closed before a slot opened",
                    ),
                )
                for sid in waiting
            ]
        )
        await self._tell_screenings()
        await self._sync_partnering(final=True)
        await self._tell_not_selected(now)

    # --- the selection ---------------------------------------------------------------------------

    async def _change_picks(self, after: SelectionState) -> None:
        """Adopt a new selection state and tell every film whose situation it changed."""
        before, now = self._s.picks, workflow.now()
        self._s.picks = after
        tells = []
        for sid, why in after.released.items():
            if sid not in before.released and why in RELEASE_KIND:
                reason = next(
                    d.reason
                    for d in reversed(after.log)
                    if d.submission_id == sid and d.action == why.value
                )
                kind = RELEASE_KIND[why]
                tells.append(
                    Tell(
                        submission_id=sid,
                        decision=FilmDecision(kind=kind, at=now, reason=reason),
                    )
                )
        for offer in after.offers:
            earlier = before.offer_of(offer.submission_id)
            if earlier is None:
                tells.append(
                    Tell(
                        submission_id=offer.submission_id,
                        decision=FilmDecision(
                            kind=DecisionKind.OFFERED,
                            at=now,
                            deadline=offer.deadline,
                            reason="a slot opened: promoted from the waitlist",
                        ),
                    )
                )
            elif offer.status is OfferStatus.CONFIRMED and earlier.status is OfferStatus.OFFERED:
                tells.append(
                    Tell(
                        submission_id=offer.submission_id,
                        decision=FilmDecision(
                            kind=DecisionKind.CONFIRMED, at=now, reason="slot confirmed"
                        ),
                    )
                )
        await self._tell(tells)
        await self._tell_not_selected_when_full()
        await self._sync_partnering(final=False)
        self._show()

    async def _tell_not_selected_when_full(self) -> None:
        """Once every slot is confirmed the lineup is final: the films in it learn when they
        screen, the films below the waitlist learn they were not selected."""
        picks = self._s.picks
        full = picks and picks.all_confirmed and len(picks.offers) == picks.slots
        if full or self._s.screenings:
            await self._tell_screenings()
        if full:
            await self._tell_not_selected(workflow.now())

    async def _tell_screenings(self) -> None:
        s = self._s
        lineup = [o.submission_id for o in s.picks.offers if o.status is OfferStatus.CONFIRMED]
        new = [sid for sid in lineup if sid not in s.screenings]
        if not new:
            return
        minutes = s.selection.screening_minutes
        if not s.screenings:
            s.screenings = screenings.schedule(
                lineup, s.calendar.event_start, s.calendar.event_end, minutes
            )
        else:
            for sid in new:
                s.screenings[sid] = screenings.place(s.screenings, lineup, sid, minutes)
        await self._tell(
            [
                Tell(
                    submission_id=sid,
                    decision=FilmDecision(
                        kind=DecisionKind.SCREENING,
                        at=workflow.now(),
                        screening_at=s.screenings[sid],
                        reason=f"screens on {s.screenings[sid]:%Y-%m-%d %H:%M %Z}",
                    ),
                )
                for sid in new
            ]
        )

    async def _start_followups(self) -> None:
        """The event is over: each film of the lineup is followed until it is finished."""
        s = self._s
        lineup = (
            [o.submission_id for o in s.picks.offers if o.status is OfferStatus.CONFIRMED]
            if s.picks
            else []
        )
        if not lineup:
            return
        await workflow.execute_activity(
            activity_refs.start_followups,
            StartFollowUps(
                session_id=s.session_id,
                programme_id=s.programme_id,
                lineup=lineup,
                at=workflow.now(),
                task_queue=workflow.info().task_queue,
            ),
            summary=f"start the follow-up of {len(lineup)} films",
            **FAN_OUT,
        )

    async def _sync_partnering(self, *, final: bool) -> None:
        """Once the lineup is final, partnering opens; later changes to the lineup reach it."""
        s = self._s
        picks = s.picks
        lineup = [o.submission_id for o in picks.offers if o.status is OfferStatus.CONFIRMED]
        if s.partnering is None:
            full = picks.all_confirmed and len(picks.offers) == picks.slots
            if not lineup or not (full or final):
                return
            await workflow.execute_activity(
                activity_refs.open_partnering,
                OpenInput(
                    session_id=s.session_id,
                    programme_id=s.programme_id,
                    name=s.name,
                    lineup=lineup,
                    screenings={sid: s.screenings[sid] for sid in lineup if sid in s.screenings},
                    screening_minutes=s.selection.screening_minutes,
                    task_queue=workflow.info().task_queue,
                ),
                summary="open partnering: matches, meetings, awards",
                **DB_ACTIVITY,
            )
        elif lineup != s.partnering:
            await self._partnering().signal(
                "lineup_changed",
                LineupChange(
                    lineup=lineup,
                    screenings={sid: s.screenings[sid] for sid in lineup if sid in s.screenings},
                ),
            )
        s.partnering = lineup

    def _partnering(self) -> workflow.ExternalWorkflowHandle:
        return workflow.get_external_workflow_handle(partnering_workflow_id(self._s.session_id))

    async def _tell_not_selected(self, now: datetime) -> None:
        if self._s.not_selected_told:
            return
        await workflow.execute_activity(
            activity_refs.tell_not_selected,
            NotSelectedInput(
                session_id=self._s.session_id,
                keep=[],
                at=now,
                reason="the session's slots are filled",
            ),
            summary="tell the films not selected",
            **FAN_OUT,
        )
        self._s.not_selected_told = True

    async def _film_left(self, request: AnswerInput) -> None:
        s = self._s
        if s.stage in (SessionStage.CONFIRMATION, SessionStage.EVENT) and s.picks:
            try:
                after = selection.withdraw(
                    s.picks,
                    request.submission_id,
                    now=workflow.now(),
                    actor=request.actor,
                    reason=request.reason,
                )
            except SelectionError:
                return  # a film the selection no longer counts on
            if s.stage is SessionStage.EVENT:
                # Too late to offer the slot: the event has begun.
                after = after.model_copy(update={"waitlist": []})
            await self._change_picks(after)

    async def _tell(self, tells: list[Tell]) -> None:
        if not tells:
            return
        self._s.tells += 1
        await workflow.execute_activity(
            activity_refs.tell_films,
            TellInput(
                session_id=self._s.session_id,
                tells=tells,
                actor="wipflow",
                key=f"{self._s.session_id}:{self._s.tells}",
            ),
            summary=f"tell {len(tells)} film(s): {tells[0].decision.kind.value}",
            **FAN_OUT,
        )

    async def _note(self, action: str, entity_id: str, actor: str, reason: str) -> None:
        self._s.tells += 1
        await workflow.execute_activity(
            activity_refs.record_note,
            SessionNote(
                session_id=self._s.session_id,
                key=f"{self._s.session_id}:{self._s.tells}",
                at=workflow.now(),
                actor=actor,
                action=action,
                entity_id=entity_id,
                reason=reason,
            ),
            summary=action,
            **DB_ACTIVITY,
        )

    def _show(self) -> None:
        s = self._s
        text = f"**{s.name}** — stage {s.stage.value}"
        deadline = None
        if (milestone := STAGE_ENDS.get(s.stage)) is not None:
            deadline = getattr(s.calendar, milestone)
            text += f", until {deadline:%Y-%m-%d %H:%M %Z} ({milestone})"
        if s.stage is SessionStage.CONFIRMATION and s.picks and s.picks.offers:
            # The pending step is the first unanswered offer's deadline, if before the event.
            deadline = min(deadline, selection.next_deadline(s.picks) or deadline)
        if s.picks:
            confirmed = sum(o.status is OfferStatus.CONFIRMED for o in s.picks.offers)
            text += (
                f"; {confirmed}/{s.slots} confirmed, {len(s.picks.offers) - confirmed} "
                f"offered, {len(s.picks.waitlist)} waitlisted"
            )
        publish(s.stage.value, WAITING_ON[s.stage], deadline, text)

    # --- messages --------------------------------------------------------------------------------

    @workflow.query
    def status(self) -> SessionStatus:
        s = self._s
        return SessionStatus(
            session_id=s.session_id,
            programme_id=s.programme_id,
            name=s.name,
            stage=s.stage,
            calendar=s.calendar,
            slots=s.slots,
            committee=[m.id for m in s.committee],
            pins=s.pins,
            excludes=s.excludes,
            provisional=s.provisional,
            picks=s.picks,
        )

    @workflow.signal
    def film_withdrawn(self, request: AnswerInput) -> None:
        self._withdrawn.append(request)
        self._wake = True

    @workflow.update
    async def set_committee(self, request: CommitteeInput) -> SessionStatus:
        async with self._lock:
            self._s.tells += 1
            await workflow.execute_activity(
                activity_refs.record_committee,
                CommitteeSave(
                    session_id=self._s.session_id,
                    members=request.members,
                    at=workflow.now(),
                    actor=request.actor,
                    key=f"{self._s.session_id}:{self._s.tells}",
                ),
                summary="record the committee",
                **DB_ACTIVITY,
            )
            self._s.committee = request.members
        return self.status()

    @set_committee.validator
    def validate_set_committee(self, request: CommitteeInput) -> None:
        if self._s.stage is not SessionStage.CALL_OPEN:
            raise ValueError(
                f"the committee is set while the call is open; the session is {self._s.stage}"
            )
        ids = [m.id for m in request.members]
        if len(set(ids)) != len(ids):
            raise ValueError("two committee members share an id")
        if len(ids) < self._s.selection.reviews_per_film:
            raise ValueError(
                f"each film needs {self._s.selection.reviews_per_film} reviews: "
                f"the committee needs at least that many members"
            )

    @workflow.update
    async def assign_reviews(self) -> AssignResult:
        async with self._lock:
            return await self._assign()

    @assign_reviews.validator
    def validate_assign_reviews(self) -> None:
        if self._s.stage is not SessionStage.REVIEW:
            raise ValueError(f"films are assigned during review; the session is {self._s.stage}")

    @workflow.update
    async def score_sheet(self, sheet: ScoreSheet) -> SheetResult:
        async with self._lock:
            s = self._s
            if s.stage is not SessionStage.REVIEW:  # moved on while the sheet waited its turn
                reason = f"the review is over: the session is {s.stage}"
                refused = [
                    SheetRefusal(index=i, submission_id=r.submission_id, reason=reason)
                    for i, r in enumerate(sheet.scores)
                ]
                return SheetResult(recorded=0, refused=refused)
            result = await workflow.execute_activity(
                activity_refs.record_score_sheet,
                RecordSheetInput(
                    session_id=s.session_id,
                    sheet=sheet,
                    score_range=(s.selection.score_min, s.selection.score_max),
                    at=workflow.now(),
                ),
                summary=f"score sheet from {sheet.member_id}",
                **DB_ACTIVITY,
            )
            # Sheets carry many scores: the main loop looks again whether to continue as new.
            self._wake = True
        return result

    @score_sheet.validator
    def validate_score_sheet(self, sheet: ScoreSheet) -> None:
        s = self._s
        if s.stage is not SessionStage.REVIEW:
            raise ValueError(f"scores are given during review; the session is {s.stage}")
        if workflow.now() > s.calendar.review_deadline:
            closed = s.calendar.review_deadline
            raise ValueError(f"the review closed at {closed:%Y-%m-%d %H:%M} UTC")
        members = [m.id for m in s.committee]
        if sheet.member_id not in members:
            raise ValueError(
                f"{sheet.member_id} is not on the committee (its members: {', '.join(members)})"
            )

    @workflow.update
    async def extend(self, request: ExtendInput) -> SessionStatus:
        async with self._lock:
            s = self._s
            s.calendar = s.calendar.model_copy(update={request.milestone: request.to})
            s.tells += 1
            await workflow.execute_activity(
                activity_refs.record_calendar,
                CalendarChange(
                    session_id=s.session_id,
                    workflow_id=workflow.info().workflow_id,
                    calendar=s.calendar.model_dump(mode="json"),
                    deadline=s.calendar.deadline,
                    at=workflow.now(),
                    actor=request.actor,
                    reason=f"{request.milestone} → {request.to.isoformat()}: {request.reason}",
                    key=f"{s.session_id}:{s.tells}",
                ),
                summary=f"move {request.milestone}",
                **DB_ACTIVITY,
            )
            self._wake = True
            self._show()
        return self.status()

    @extend.validator
    def validate_extend(self, request: ExtendInput) -> None:
        s = self._s
        ending = [stage for stage, m in STAGE_ENDS.items() if m == request.milestone][0]
        if s.stage.after(ending):
            raise ValueError(f"{request.milestone} has passed: the session is {s.stage}")
        if request.to <= workflow.now():
            raise ValueError(f"{request.milestone} must move to a time still to come")
        moved = s.calendar.model_copy(update={request.milestone: request.to})
        if (why := calendar.misordered(moved)) is not None:
            raise ValueError(why)

    @workflow.update
    async def advance(self, request: AdvanceInput) -> SessionStatus:
        self._advance = request
        self._wake = True
        await workflow.wait_condition(lambda: self._s.stage is request.to)
        return self.status()

    @advance.validator
    def validate_advance(self, request: AdvanceInput) -> None:
        stage = self._s.stage
        if self._advance is not None:
            raise ValueError(f"the session is already moving to {self._advance.to}")
        if stage is SessionStage.CLOSED or NEXT_STAGE[stage] is not request.to:
            raise ValueError(
                f"the session is {stage}; it can only move to the next stage"
                + (f", {NEXT_STAGE[stage]}" if stage in NEXT_STAGE else "")
            )

    @workflow.update
    async def pin(self, request: PinInput) -> SessionStatus:
        return await self._pin_or_exclude(request, self._s.pins, "pinned")

    @pin.validator
    def validate_pin(self, request: PinInput) -> None:
        self._validate_ranking_change(request, self._s.excludes, "excluded")

    @workflow.update
    async def exclude(self, request: PinInput) -> SessionStatus:
        return await self._pin_or_exclude(request, self._s.excludes, "excluded")

    @exclude.validator
    def validate_exclude(self, request: PinInput) -> None:
        self._validate_ranking_change(request, self._s.pins, "pinned")

    async def _pin_or_exclude(self, request: PinInput, into: dict[str, str], action: str):
        async with self._lock:
            into[request.submission_id] = request.reason
            await self._note(action, request.submission_id, request.actor, request.reason)
            if self._s.stage is SessionStage.SELECTION:
                await self._rank(final=False)
        return self.status()

    def _validate_ranking_change(self, request: PinInput, other: dict[str, str], what: str):
        if self._s.stage.after(SessionStage.SELECTION):
            raise ValueError(f"offers have gone out; the session is {self._s.stage}")
        if not request.submission_id.startswith(self._s.session_id + "/"):
            raise ValueError(f"{request.submission_id} is not a film of {self._s.session_id}")
        if request.submission_id in other:
            raise ValueError(f"{request.submission_id} is {what}: undo that first")

    @workflow.update
    async def confirm(self, answer: AnswerInput) -> SessionStatus:
        async with self._lock:
            await self._change_picks(
                self._answer(
                    lambda picks: selection.confirm(
                        picks, answer.submission_id, now=workflow.now(), actor=answer.actor
                    )
                )
            )
        return self.status()

    @confirm.validator
    def validate_confirm(self, answer: AnswerInput) -> None:
        self._validate_answer(
            lambda picks: selection.confirm(
                picks, answer.submission_id, now=workflow.now(), actor=answer.actor
            )
        )

    @workflow.update
    async def decline(self, answer: AnswerInput) -> SessionStatus:
        async with self._lock:
            await self._change_picks(
                self._answer(
                    lambda picks: selection.decline(
                        picks,
                        answer.submission_id,
                        now=workflow.now(),
                        actor=answer.actor,
                        reason=answer.reason or "the producer declined",
                    )
                )
            )
        return self.status()

    @decline.validator
    def validate_decline(self, answer: AnswerInput) -> None:
        self._validate_answer(
            lambda picks: selection.decline(
                picks, answer.submission_id, now=workflow.now(), actor=answer.actor, reason="check"
            )
        )

    def _answer(self, transition) -> SelectionState:
        """Apply an answer that its validator accepted. The selection may have moved since (a
        deadline lapsed while the answer waited for the lock): that fails the update, not the
        workflow task."""
        try:
            return transition(self._s.picks)
        except SelectionError as exc:
            raise ApplicationError(str(exc), type="SelectionError", non_retryable=True) from None

    def _validate_answer(self, transition) -> None:
        if self._s.stage is not SessionStage.CONFIRMATION or self._s.picks is None:
            raise ValueError(
                f"offers are answered during confirmation; the session is {self._s.stage}"
            )
        try:
            transition(self._s.picks)
        except SelectionError as exc:
            raise ValueError(str(exc)) from None
