"""Forgetting a closed session's data key: everything the session sealed in Temporal (its films'
forms, answers, messages' inputs, failures) becomes unreadable at once, wherever Temporal copied
it (histories, archives, backups): crypto-shredding. The database keeps the rest of the session
(stages, scores, statistics), so its board, its films and its figures still read as before.

Refused while any workflow of the session still runs (a selected film's follow-up can run for
months after the session closes): a running workflow whose history cannot be opened cannot go on.
A process that opened the key in the last minute holds it until then (codec/session_keys.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.context import Context
from gateway.errors import ActionError
from models.session import SessionStage
from models.session_keys import ForgottenKey
from store import keys, repository


async def forget_session_key(ctx: Context, session_id: str, reason: str) -> ForgottenKey:
    if not reason.strip():
        raise ActionError("--reason: say why the session's data is let go (the audit keeps it)")
    async with ctx.database() as db:
        session = await repository.get_session(db, session_id)
    if session is None:
        raise ActionError(f"no session {session_id}")
    if session.stage != SessionStage.CLOSED:
        raise ActionError(
            f"session {session_id} is at {session.stage}: a session's key is forgotten only "
            "once the session is closed (`session advance` to closed first)"
        )
    client = await ctx.client()
    running = await client.count_workflows(
        f'WipSession="{session_id}" AND ExecutionStatus="Running"'
    )
    if running.count:
        raise ActionError(
            f"{running.count} workflow(s) of {session_id} still running (a selected film's "
            "follow-up, an award?): they would no longer open their own history; "
            f'`temporal workflow list --query \'WipSession="{session_id}" AND '
            'ExecutionStatus="Running"\'` lists them'
        )
    now = datetime.now(UTC)
    async with ctx.database.begin() as db:
        emptied = await keys.forget(db, session_id, now)
        if emptied:
            await repository.audit(
                db,
                key=f"session-key:{session_id}:forgotten",
                at=now,
                actor=ctx.actor,
                entity_type="session",
                entity_id=session_id,
                action="session_key_forgotten",
                reason=reason.strip(),
            )
        forgotten = await keys.forgotten_on(db, session_id)
    if forgotten is None:
        raise ActionError(
            f"session {session_id} never sealed anything in Temporal: no key to forget"
        )
    return ForgottenKey(session_id=session_id, keys=emptied, at=forgotten)
