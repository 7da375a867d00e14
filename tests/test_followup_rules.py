"""The follow-up's rules, pure: what a report may change, and when each step of a cycle falls."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.followup import ReportError, apply_report, next_step, status_after, status_after_reopen
from models.choices import Milestone
from models.followup import Cadence, FollowUpStatus, MilestoneState, MilestoneUpdate, Report, Step

TODAY = date(2027, 6, 1)
START = datetime(2027, 4, 1, 12, tzinfo=UTC)


def update(milestone: Milestone, **fields) -> MilestoneUpdate:
    return MilestoneUpdate(milestone=milestone, **fields)


def refused(milestones, *updates: MilestoneUpdate) -> str:
    with pytest.raises(ReportError) as exc:
        apply_report(milestones, Report(milestones=list(updates)), TODAY)
    return str(exc.value)


def test_a_report_sets_and_revises_dates_and_records_what_was_done():
    after = apply_report(
        {},
        Report(
            milestones=[
                update(Milestone.MASTER, expected=date(2028, 1, 15)),
                update(Milestone.PICTURE_LOCK, done=date(2027, 5, 20)),
            ]
        ),
        TODAY,
    )
    assert after[Milestone.MASTER].expected == date(2028, 1, 15)
    assert after[Milestone.PICTURE_LOCK].done == date(2027, 5, 20)
    later = apply_report(
        after, Report(milestones=[update(Milestone.MASTER, expected=date(2028, 3, 1))]), TODAY
    )
    assert later[Milestone.MASTER].expected == date(2028, 3, 1)
    assert after[Milestone.MASTER].expected == date(2028, 1, 15)  # the input is not changed


def test_dates_do_not_go_backwards_without_a_reason():
    current = {Milestone.MASTER: MilestoneState(expected=date(2028, 1, 15), done=None)}
    assert "earlier than 2028-01-15; say why" in refused(
        current, update(Milestone.MASTER, expected=date(2027, 12, 1))
    )
    earlier = apply_report(
        current,
        Report(
            milestones=[
                update(Milestone.MASTER, expected=date(2027, 12, 1), reason="a lab slot freed")
            ]
        ),
        TODAY,
    )
    assert earlier[Milestone.MASTER].expected == date(2027, 12, 1)
    done = {Milestone.GRADING: MilestoneState(done=date(2027, 5, 1))}
    assert "already done on 2027-05-01" in refused(
        done, update(Milestone.GRADING, done=date(2027, 5, 20))
    )


def test_every_refused_field_is_named_and_nothing_is_applied():
    message = refused(
        {},
        update(Milestone.PICTURE_LOCK, done=TODAY + timedelta(days=1)),
        update(Milestone.PREMIERE, done=TODAY),
        update(Milestone.DISTRIBUTION, done=TODAY, detail={"territory": "France", "company": "X"}),
        update(Milestone.GRADING),
    )
    assert "picture_lock.done: 2027-06-02 is in the future" in message
    assert "premiere.detail.festival: required" in message
    assert "distribution.detail.territory: 'France' is not an ISO country code" in message
    assert "grading: give an expected date or the date it was done" in message


def test_an_unknown_milestone_is_refused_by_the_model():
    with pytest.raises(ValueError, match="milestone"):
        Report.model_validate({"milestones": [{"milestone": "catering", "done": "2027-01-01"}]})


def test_deals_in_several_territories_are_each_recorded():
    first = apply_report(
        {},
        Report(
            milestones=[
                update(
                    Milestone.DISTRIBUTION,
                    done=date(2027, 5, 1),
                    detail={"territory": "FR", "company": "Sur"},
                )
            ]
        ),
        TODAY,
    )
    second = apply_report(
        first,
        Report(
            milestones=[
                update(
                    Milestone.DISTRIBUTION,
                    done=date(2027, 5, 20),
                    detail={"territory": "ES", "company": "Vértigo"},
                )
            ]
        ),
        TODAY,
    )
    assert second[Milestone.DISTRIBUTION].done == date(2027, 5, 1)  # the first deal


def test_a_master_completes_and_a_premiere_ends():
    master = {Milestone.MASTER: MilestoneState(done=date(2027, 5, 1))}
    assert status_after(FollowUpStatus.FOLLOWING, master) is FollowUpStatus.COMPLETED
    premiere = master | {Milestone.PREMIERE: MilestoneState(done=TODAY, detail={"festival": "X"})}
    assert status_after(FollowUpStatus.COMPLETED, premiere) is FollowUpStatus.PREMIERED
    assert status_after(FollowUpStatus.CLOSED, premiere) is FollowUpStatus.CLOSED


def test_a_reopened_film_is_followed_again_completed_only_if_its_master_was_delivered():
    assert status_after_reopen({}) is FollowUpStatus.FOLLOWING
    expected = {Milestone.MASTER: MilestoneState(expected=date(2028, 1, 15))}
    assert status_after_reopen(expected) is FollowUpStatus.FOLLOWING
    delivered = {Milestone.MASTER: MilestoneState(done=date(2027, 5, 20))}
    assert status_after_reopen(delivered) is FollowUpStatus.COMPLETED
    # Staff reopened it: never an ending, even with its premiere recorded.
    premiered = delivered | {
        Milestone.PREMIERE: MilestoneState(done=date(2027, 5, 30), detail={"festival": "Cannes"})
    }
    assert status_after_reopen(premiered) is FollowUpStatus.COMPLETED
    assert status_after_reopen({Milestone.PREMIERE: premiered[Milestone.PREMIERE]}) is (
        FollowUpStatus.FOLLOWING
    )


def test_a_cycle_asks_reminds_escalates_then_stalls():
    cadence = Cadence()
    done: set[Step] = set()
    seen = []
    while (planned := next_step(cadence, FollowUpStatus.FOLLOWING, START, done)) is not None:
        seen.append((planned[0], (planned[1] - START).days))
        done.add(planned[0])
    assert seen == [(Step.DUE, 30), (Step.REMIND, 37), (Step.ESCALATE, 44), (Step.STALL, 180)]
    finished = next_step(cadence, FollowUpStatus.COMPLETED, START, {Step.DUE, Step.REMIND})
    assert finished == (Step.ESCALATE, START + timedelta(days=104))
    assert next_step(cadence, FollowUpStatus.STALLED, START, set()) is None
    master = START + timedelta(days=100)
    done = {Step.DUE, Step.REMIND, Step.ESCALATE}
    concluded = next_step(cadence, FollowUpStatus.COMPLETED, master, done, finished=master)
    assert concluded == (Step.CONCLUDE, master + timedelta(days=540))


@given(
    every=st.integers(1, 90),
    again=st.integers(1, 30),
    escalate=st.integers(1, 60),
    stall=st.integers(1, 400),
)
def test_steps_come_in_time_order_and_each_once(every, again, escalate, stall):
    cadence = Cadence(
        report_every_days=every,
        remind_again_days=again,
        escalate_after_days=escalate,
        stalled_after_days=stall,
    )
    done: set[Step] = set()
    times = []
    while (planned := next_step(cadence, FollowUpStatus.FOLLOWING, START, done)) is not None:
        assert planned[0] not in done
        done.add(planned[0])
        times.append(planned[1])
    assert times == sorted(times) and len(times) == 4
