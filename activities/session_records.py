"""Activities of the session workflow that keep its records: its stage, its calendar, its
committee, and the staff decisions worth an audit line. Each write is keyed, so a retry changes
nothing."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity

from models.orm import CommitteeMemberRow, SessionRow
from models.session_io import CalendarChange, CommitteeSave, SessionNote, StageChange
from store import repository


class SessionRecordActivities:
    def __init__(self, database: async_sessionmaker) -> None:
        self._database = database

    @activity.defn
    async def record_stage(self, data: StageChange) -> None:
        async with self._database.begin() as db:
            await db.execute(
                update(SessionRow)
                .where(SessionRow.id == data.session_id)
                .values(stage=data.to_stage)
            )
            await repository.audit(
                db,
                key=f"{data.workflow_id}:stage:{data.to_stage}",
                at=data.at,
                actor=data.actor,
                entity_type="session",
                entity_id=data.session_id,
                action="stage",
                from_state=data.from_stage,
                to_state=data.to_stage,
                reason=data.reason,
            )

    @activity.defn
    async def record_note(self, data: SessionNote) -> None:
        async with self._database.begin() as db:
            await repository.audit(
                db,
                key=data.key,
                at=data.at,
                actor=data.actor,
                entity_type="session",
                entity_id=data.entity_id,
                action=data.action,
                reason=data.reason,
            )

    @activity.defn
    async def record_calendar(self, data: CalendarChange) -> None:
        """Keep the row's calendar current: intake refuses late entries by the stored deadline."""
        async with self._database.begin() as db:
            await db.execute(
                update(SessionRow)
                .where(SessionRow.id == data.session_id)
                .values(calendar=data.calendar, deadline=data.deadline)
            )
            await repository.audit(
                db,
                key=data.key,
                at=data.at,
                actor=data.actor,
                entity_type="session",
                entity_id=data.session_id,
                action="calendar",
                reason=data.reason,
            )

    @activity.defn
    async def record_committee(self, data: CommitteeSave) -> None:
        async with self._database.begin() as db:
            await db.execute(
                delete(CommitteeMemberRow).where(CommitteeMemberRow.session_id == data.session_id)
            )
            db.add_all(
                CommitteeMemberRow(
                    session_id=data.session_id,
                    member_id=m.id,
                    name=m.name,
                    company=m.company,
                    declared_conflicts=m.declared_conflicts,
                    email=m.email,
                    language=m.language,
                )
                for m in data.members
            )
            await repository.audit(
                db,
                key=data.key,
                at=data.at,
                actor=data.actor,
                entity_type="session",
                entity_id=data.session_id,
                action="committee",
                reason=", ".join(m.id for m in data.members),
            )

    def all(self) -> list:
        return [self.record_stage, self.record_note, self.record_calendar, self.record_committee]
