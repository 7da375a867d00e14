"""What actions and read models reach through: the settings, the database and Temporal.

A staff command makes one context per run (`async with context() as ctx`); the web app will make
one at its start and share it. The database engine and the Temporal client are made when first
asked for, so a command that needs only one of them never opens the other."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.client import Client

from codec.keyring import keyring_of
from codec.payloads import SealingCodec
from codec.session_keys import SessionKeys
from gateway.errors import ActionError
from notifications.links import Signer
from settings import Settings, get_settings
from store import db as store_db
from temporal_client import TemporalUnavailable, connect


class Context:
    def __init__(
        self,
        settings: Settings,
        *,
        database: async_sessionmaker | None = None,
        client: Client | None = None,
        actor: str | None = None,
    ) -> None:
        self.settings = settings
        self._actor = actor
        self._database = database
        self._client = client
        self._engine: AsyncEngine | None = None  # only the one this context made
        self._connecting = asyncio.Lock()  # a burst of first requests makes one client

    @property
    def database(self) -> async_sessionmaker:
        if self._database is None:
            self._engine = store_db.make_engine(self.settings.database_url)
            self._database = store_db.make_sessionmaker(self._engine)
        return self._database

    @property
    def named(self) -> str | None:
        """Whom the staff member said they are: `--as`, else STAFF_ACTOR (an account's address
        once staff accounts exist)."""
        return self._actor or self.settings.staff_actor

    def acting_as(self, email: str) -> None:
        """The staff account this context acts for, once checked: the audit trail names it."""
        self._actor = email

    @property
    def actor(self) -> str:
        """Who the audit trail names for what staff do through this context: the account, else
        `--as`, else STAFF_ACTOR, else the login name, marked as staff."""
        return f"{self.named or getpass.getuser()} (staff)"

    def on_behalf_of(self, whom: str) -> str:
        """A producer's or the jury's decision that staff enter for them: both are recorded."""
        return f"{self.actor}, for the {whom}"

    @cached_property
    def links(self) -> Signer:
        """The signer of the links in messages (its keys from the settings)."""
        return Signer.from_settings(self.settings)

    @cached_property
    def codec(self) -> SealingCodec:
        """The payload codec of the Temporal UI's codec endpoint, made once: it opens any
        wipflow payload (its key id and session travel in it), keeping each session's data key
        a minute for the UI's next request, and seals what the UI sends under the master key
        itself (the UI gives no workflow, so no session)."""
        return SealingCodec(SessionKeys(keyring_of(self.settings), self.database))

    async def client(self) -> Client:
        """Temporal's client; a server that cannot be reached is a refusal to explain in one
        line (where it was looked for, and how to start one), not a stack trace."""
        async with self._connecting:
            if self._client is None:
                try:
                    self._client = await connect(self.settings, self.database)
                except TemporalUnavailable as exc:
                    raise ActionError(str(exc)) from None
        return self._client

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = self._database = None


@asynccontextmanager
async def context(
    settings: Settings | None = None, actor: str | None = None
) -> AsyncIterator[Context]:
    ctx = Context(settings or get_settings(), actor=actor)
    try:
        yield ctx
    finally:
        await ctx.close()


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[async_sessionmaker]:
    """A database of its own for one piece of work, disposed after it."""
    engine = store_db.make_engine(settings.database_url)
    try:
        yield store_db.make_sessionmaker(engine)
    finally:
        await engine.dispose()
