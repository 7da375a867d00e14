"""Messages to the committee's members: the invitation when the review starts, and the reminder
before its deadline, each with the signed link to the member's page, in the member's language.

They go through the outbox like a producer's messages (activities/notify.py): written under a key
(the session, the kind, the address, the occurrence) before they are sent, so a retry or a replay
sends none twice. A reminder's occurrence is the deadline it reminds of: a deadline moved later
brings one more reminder, a retry of the same one none. A member who has scored everything
receives no reminder; a member without an address (a committee saved before members had one) is
recorded as not written to.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.notify import write_message
from models.message_kinds import MessageKind
from models.notices import Recipient
from models.orm import CommitteeMemberRow, SessionRow
from models.programme import SessionCalendar
from models.session_io import RemindInput
from notifications import outbox
from notifications.links import LINK_PATHS, Purpose, Signer
from notifications.mailer import Mailer
from settings import Settings
from store import committee, repository

# The titles a reminder lists; past these it says how many more.
LISTED = 10


def review_link(
    links: Signer, public_url: str, session_id: str, member_id: str, until: datetime
) -> str:
    """The member's page: the link names the session and the member, and opens it until the
    event ends (the page itself closes scoring at the review's deadline, however it moves)."""
    token = links.sign(session_id, Purpose.REVIEW, member_id, until)
    return f"{public_url}{LINK_PATHS[Purpose.REVIEW][1]}{token}"


class CommitteeMailActivities:
    def __init__(
        self, database: async_sessionmaker, mailer: Mailer, sender: str, settings: Settings
    ) -> None:
        self._database = database
        self._mailer = mailer
        self._sender = sender
        self._links = Signer.from_settings(settings)
        self._public_url = settings.public_url.rstrip("/")

    @activity.defn
    async def invite_reviewers(self, data: RemindInput) -> dict[str, int]:
        """Write to each member their films' count and their page; returns the count by member."""
        return await self._write_to_members(data, MessageKind.REVIEW_INVITATION, "invitation")

    @activity.defn
    async def remind_reviewers(self, data: RemindInput) -> dict[str, int]:
        """Write to each member with films still to score what is missing; returns how many, by
        member. Each reminder is in the audit trail too."""
        return await self._write_to_members(
            data, MessageKind.REVIEW_REMINDER, data.review_deadline.isoformat()
        )

    async def _write_to_members(
        self, data: RemindInput, kind: MessageKind, occurrence: str
    ) -> dict[str, int]:
        reminding = kind is MessageKind.REVIEW_REMINDER
        async with self._database.begin() as db:
            session = await db.get(SessionRow, data.session_id)
            calendar = SessionCalendar.model_validate(session.calendar)
            programme = await repository.load_programme(db, session.programme_id)
            done = await committee.progress(db, data.session_id)
            told: dict[str, int] = {}
            keys: list[str] = []
            for member in await committee.members(db, data.session_id):
                mine = done.get(member.member_id, committee.Progress())
                count = len(mine.missing) if reminding else mine.assigned
                if count == 0:
                    continue
                told[member.member_id] = count
                fields = {
                    "recipient_name": member.name,
                    "programme": programme.name,
                    "session": session.name,
                    "timezone": calendar.timezone,
                    "review_url": review_link(
                        self._links,
                        self._public_url,
                        data.session_id,
                        member.member_id,
                        calendar.event_end,
                    ),
                    "review_deadline": data.review_deadline,
                    "assigned": mine.assigned,
                    "to_score": len(mine.missing),
                    "films": mine.missing[:LISTED],
                }
                if key := await self._write(db, data, member, kind, occurrence, fields, count):
                    keys.append(key)
        for key in keys:
            await outbox.deliver(self._database, self._mailer, self._sender, key)
        return told

    async def _write(
        self,
        db: AsyncSession,
        data: RemindInput,
        member: CommitteeMemberRow,
        kind: MessageKind,
        occurrence: str,
        fields: dict,
        count: int,
    ) -> str | None:
        """Promise the member's message in the outbox (its key), or record why it cannot be."""
        what = f"{count} film(s) to score by {data.review_deadline.isoformat()}"
        if member.email is None:
            what += ": not written to, the member has no address"
        await repository.audit(
            db,
            key=f"{data.session_id}:{kind.value}:{member.member_id}:{occurrence}",
            at=data.at,
            actor="wipflow",
            entity_type="committee_member",
            entity_id=f"{data.session_id}/{member.member_id}",
            action="reminded" if kind is MessageKind.REVIEW_REMINDER else "invited",
            reason=what,
        )
        if member.email is None:
            return None
        to = Recipient(email=member.email, name=member.name, language=member.language)
        key, _ = await write_message(
            db, data.session_id, None, kind, occurrence, fields, to, member_id=member.member_id
        )
        return key

    def all(self) -> list:
        return [self.invite_reviewers, self.remind_reviewers]
