"""The steps of the session workflow: what it does when it moves a stage or its selection
changes, each step an activity or a message to another workflow.

`SessionWorkflow` (workflows/session.py) inherits them; it holds the state (`self._s`, a
`SessionInput`), the main loop and the messages, and calls these steps under its lock. What
each film is told is worked out in `session_tells.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    import activity_refs
    from domain import screenings, selection
    from domain.selection import SelectionError
    from models.partnering import LineupChange
    from models.ranking import Aggregate
    from models.selection import OfferStatus, SelectionState
    from models.session import (
        STAGE_ENDS,
        AdvanceInput,
        AnswerInput,
        DecisionKind,
        SessionInput,
        SessionStage,
    )
    from models.session_io import (
        AssignInput,
        AssignResult,
        NotSelectedInput,
        RankInput,
        RemindInput,
        SessionNote,
        StageChange,
        Tell,
        TellInput,
    )
    from models.starts import OpenInput, StartFollowUps
    from shared import Status, partnering_workflow_id
    from workflows.progress import publish
    from workflows.session_tells import changes, confirmed_films, first_offers, screenings_of, told

RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
# Short writes: a worker killed inside one is retried after 30 s (the fault drills), not minutes.
DB_ACTIVITY = dict(start_to_close_timeout=timedelta(seconds=30), retry_policy=RETRY)
# Fan-outs to thousands of films heartbeat their progress.
FAN_OUT = dict(
    start_to_close_timeout=timedelta(hours=1),
    heartbeat_timeout=timedelta(minutes=2),
    retry_policy=RETRY,
)
# Messages to the committee's members: a few dozen, each sent once (activities/committee_mail.py).
MEMBER_MAIL = dict(start_to_close_timeout=timedelta(minutes=10), retry_policy=RETRY)
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


class SessionSteps:
    _s: SessionInput
    _advance: AdvanceInput | None

    # --- stage transitions ---------------------------------------------------------------------

    async def _move(self, request: AdvanceInput) -> None:
        s, to = self._s, request.to
        if to is SessionStage.REVIEW:
            await self._assign()
            if workflow.patched("invite-committee"):
                await workflow.execute_activity(
                    activity_refs.invite_reviewers,
                    RemindInput(
                        session_id=s.session_id,
                        review_deadline=s.calendar.review_deadline,
                        at=workflow.now(),
                    ),
                    summary="write to each member: their films and their page",
                    **MEMBER_MAIL,
                )
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
            now = workflow.now()
            await self._tell(
                [told(sid, DecisionKind.SESSION_CLOSED, now, request.reason) for sid in confirmed]
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

    async def _assign(
        self, only: list[str] | None = None, summary: str = "assign films to committee members"
    ) -> AssignResult:
        """Give reviewers to every eligible film without them (or to the films `only` names)."""
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
                only=only,
            ),
            summary=summary,
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
        offers, waitlist = first_offers(s.picks, now)
        await self._tell(offers)
        await self._tell(waitlist)
        await self._tell_not_selected_when_full()

    async def _close_confirmation(self) -> None:
        s, now = self._s, workflow.now()
        if s.picks is None:
            return
        closed, waiting = selection.close(s.picks, now=now, actor="wipflow")
        await self._change_picks(closed)
        why = "the confirmation stage closed before a slot opened"
        await self._tell([told(sid, DecisionKind.NOT_SELECTED, now, why) for sid in waiting])
        await self._tell_screenings()
        await self._sync_partnering(final=True)
        await self._tell_not_selected(now)

    # --- the selection ---------------------------------------------------------------------------

    async def _change_picks(
        self, after: SelectionState, answered: AnswerInput | None = None
    ) -> None:
        """Adopt a new selection state and tell every film whose situation it changed; the film
        whose answer changed it is told in its answerer's name."""
        before, now = self._s.picks, workflow.now()
        self._s.picks = after
        tells = changes(before, after, now)
        if answered is not None:
            tells = [
                t.model_copy(update={"actor": answered.actor})
                if t.submission_id == answered.submission_id
                else t
                for t in tells
            ]
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
        lineup = confirmed_films(s.picks)
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
        await self._tell(screenings_of(new, s.screenings, workflow.now()))

    async def _start_followups(self) -> None:
        """The event is over: each film of the lineup is followed until it is finished."""
        s = self._s
        lineup = confirmed_films(s.picks)
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
        lineup = confirmed_films(picks)
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
