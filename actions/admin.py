"""Administration that needs no workflow: the database schema."""

from __future__ import annotations

from settings import Settings
from store import db as store_db


async def upgrade_schema(settings: Settings) -> None:
    """Create or migrate the schema to the latest revision (idempotent)."""
    engine = store_db.make_engine(settings.database_url)
    try:
        await store_db.upgrade(engine)
    finally:
        await engine.dispose()
