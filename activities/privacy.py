"""The retention's one activity: erase every film a programme's retention is due to erase.

A session may hold 20,000 films: they are erased a page at a time, each page in one transaction
(the films locked, so two runs at once share the work rather than repeat it), heartbeating the
count. An erased film leaves the query, so the query itself is where a retry resumes, and a run
with nothing left to do erases nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity

from domain.privacy import RETAINED_UNTIL_ERASED, due_sessions, retention_reason
from models.retention import EraseDueInput, EraseDueResult
from store import privacy as store


class PrivacyActivities:
    def __init__(self, database: async_sessionmaker) -> None:
        self._database = database

    @activity.defn
    async def erase_due(self, data: EraseDueInput) -> EraseDueResult:
        """Erase the films not selected of the programme's sessions past their retention."""
        months = data.not_selected_months
        async with self._database() as db:
            ended = await store.ended_sessions(db, data.programme_id)
        sessions = due_sessions(ended, months, data.now)
        erased = 0
        while True:
            async with self._database.begin() as db:
                page = await store.due_films(db, sessions, RETAINED_UNTIL_ERASED, data.page)
                for row in page:
                    await store.erase_film(
                        db, row, at=data.now, actor="wipflow", reason=retention_reason(months)
                    )
            erased += len(page)
            activity.heartbeat(erased)
            if len(page) < data.page:
                return EraseDueResult(sessions=sessions, erased=erased)

    def all(self) -> list:
        return [self.erase_due]
