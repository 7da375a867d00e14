"""Every activity a workflow calls, as a typed reference with no implementation.

Workflows call `workflow.execute_activity(activity_refs.notify, NotifyInput(...), ...)`: the
reference carries the registered name and the input and result types, and importing it loads
only temporalio and the shapes in models/, never the database, templates or mail code that the
implementations in activities/ need. `tests/test_activity_refs.py` holds each reference equal
to the implementation the worker registers under its name.
"""

from __future__ import annotations

from temporalio import activity

from models.committee import ConflictResult
from models.eligibility import EligibilityReport
from models.followup import EndingRecord, ReportRecord
from models.messages import (
    CheckInput,
    RecordReportInput,
    RecordScoreInput,
    RegisterInput,
    TransitionInput,
)
from models.notices import AlertInput, NotifyInput
from models.partnering import GrantSummary, RunSummary
from models.partnering_io import (
    ApproveInput,
    AwardStepInput,
    GrantInput,
    OverrideInput,
    PlanInput,
    ProposeInput,
)
from models.retention import EraseDueInput, EraseDueResult
from models.session_io import (
    AssignInput,
    AssignResult,
    CalendarChange,
    CommitteeSave,
    DeclareInput,
    NotSelectedInput,
    RankInput,
    RankResult,
    RecordSheetInput,
    RemindInput,
    SessionNote,
    StageChange,
    TellInput,
)
from models.sheets import SheetResult
from models.starts import OpenInput, StartFollowUps

# --- a film's submission (activities/submissions.py) ----------------------------------------


@activity.defn(name="register_submission")
async def register_submission(data: RegisterInput) -> bool: ...


@activity.defn(name="evaluate_eligibility")
async def evaluate_eligibility(data: CheckInput) -> EligibilityReport: ...


@activity.defn(name="record_report")
async def record_report(data: RecordReportInput) -> None: ...


@activity.defn(name="record_transition")
async def record_transition(data: TransitionInput) -> None: ...


@activity.defn(name="record_score")
async def record_score(data: RecordScoreInput) -> None: ...


# --- messages (activities/notify.py) ----------------------------------------------------------


@activity.defn(name="notify")
async def notify(data: NotifyInput) -> str: ...


@activity.defn(name="alert")
async def alert(data: AlertInput) -> list[str]: ...


# --- a session's records, review and decisions ------------------------------------------------


@activity.defn(name="record_stage")
async def record_stage(data: StageChange) -> None: ...


@activity.defn(name="record_note")
async def record_note(data: SessionNote) -> None: ...


@activity.defn(name="record_calendar")
async def record_calendar(data: CalendarChange) -> None: ...


@activity.defn(name="record_committee")
async def record_committee(data: CommitteeSave) -> None: ...


@activity.defn(name="assign_reviews")
async def assign_reviews(data: AssignInput) -> AssignResult: ...


@activity.defn(name="invite_reviewers")
async def invite_reviewers(data: RemindInput) -> dict[str, int]: ...


@activity.defn(name="remind_reviewers")
async def remind_reviewers(data: RemindInput) -> dict[str, int]: ...


@activity.defn(name="record_score_sheet")
async def record_score_sheet(data: RecordSheetInput) -> SheetResult: ...


@activity.defn(name="rank_films")
async def rank_films(data: RankInput) -> RankResult: ...


@activity.defn(name="tell_films")
async def tell_films(data: TellInput) -> int: ...


@activity.defn(name="tell_not_selected")
async def tell_not_selected(data: NotSelectedInput) -> int: ...


# --- partnering and awards ----------------------------------------------------------------------


@activity.defn(name="open_partnering")
async def open_partnering(data: OpenInput) -> str: ...


@activity.defn(name="propose_matches")
async def propose_matches(data: ProposeInput) -> RunSummary: ...


@activity.defn(name="override_match")
async def override_match(data: OverrideInput) -> RunSummary: ...


@activity.defn(name="approve_run")
async def approve_run(data: ApproveInput) -> list[str]: ...


@activity.defn(name="plan_meetings")
async def plan_meetings(data: PlanInput) -> RunSummary: ...


@activity.defn(name="grant_award")
async def grant_award(data: GrantInput) -> list[GrantSummary]: ...


@activity.defn(name="record_award_step")
async def record_award_step(data: AwardStepInput) -> None: ...


# --- follow-up ----------------------------------------------------------------------------------


@activity.defn(name="start_followups")
async def start_followups(data: StartFollowUps) -> list[str]: ...


@activity.defn(name="record_progress")
async def record_progress(data: ReportRecord) -> None: ...


@activity.defn(name="record_followup_end")
async def record_followup_end(data: EndingRecord) -> None: ...


# --- conflicts of interest (activities/reviews.py) ----------------------------------------------


@activity.defn(name="declare_conflict")
async def declare_conflict(data: DeclareInput) -> ConflictResult: ...


# --- retention (activities/privacy.py) ------------------------------------------------------------


@activity.defn(name="erase_due")
async def erase_due(data: EraseDueInput) -> EraseDueResult: ...
