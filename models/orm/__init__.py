"""The relational record: programmes, sessions, submissions and their eligibility, the
committee's work, the outbox, partnering and follow-up, staff accounts, the sessions' data keys
and the audit log, one module each.

Temporal holds each workflow's live state; the database holds what staff and statistics need across
thousands of submissions and many years. Every write an activity makes is keyed so that a retry or
a replay lands on the same row (see `store.repository`). Portable across PostgreSQL and SQLite.
Importing this package registers every table on `Base.metadata` (the migrations compare with it).
"""

from models.orm.base import NAMING, Base, Json, UtcDateTime
from models.orm.core import AuditRow, EligibilityResultRow, ProgrammeRow, SessionRow, SubmissionRow
from models.orm.followup import FollowUpRow, MilestoneRow, SaleRow
from models.orm.keys import SessionKeyRow
from models.orm.messages import EmbargoRow, OutboxRow
from models.orm.partnering import AwardGrantRow, MatchRow, MeetingRow, PartneringRunRow, PartnerRow
from models.orm.review import CommitteeMemberRow, ReviewAssignmentRow, ReviewConflictRow, ScoreRow
from models.orm.staff import StaffRow

__all__ = [
    "AuditRow",
    "AwardGrantRow",
    "Base",
    "CommitteeMemberRow",
    "EligibilityResultRow",
    "EmbargoRow",
    "FollowUpRow",
    "Json",
    "MatchRow",
    "MeetingRow",
    "MilestoneRow",
    "NAMING",
    "OutboxRow",
    "PartnerRow",
    "PartneringRunRow",
    "ProgrammeRow",
    "ReviewAssignmentRow",
    "ReviewConflictRow",
    "SaleRow",
    "ScoreRow",
    "SessionKeyRow",
    "SessionRow",
    "StaffRow",
    "SubmissionRow",
    "UtcDateTime",
]
