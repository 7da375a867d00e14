"""Alembic environment: async engines, and a connection handed in by `store.db.upgrade`."""

import asyncio

from alembic import context
from sqlalchemy import Connection

from models.orm import Base
from settings import get_settings
from store.db import make_engine

target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    # Batch mode lets later ALTERs work on SQLite, which cannot alter most columns in place.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = make_engine(get_settings().database_url)
    async with engine.begin() as conn:
        await conn.run_sync(run_migrations)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
elif context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
else:
    asyncio.run(run_async_migrations())
