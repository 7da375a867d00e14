"""`make demo`'s entry (`starter.py demo`): the database migrated, the dev server and a worker
started or reused, the session run once (`demo/call.py`), then its board and what it sent."""

from __future__ import annotations

from urllib.parse import quote

from rich.console import Console

import devserver
from cli.board import board, render_board
from demo import producers
from demo.call import run_session
from demo.show import mail_summary, partnering_tables
from demo.staff import demo_staff
from gateway.context import Context
from intake.opening import session_id
from models.programme import load_programme
from settings import Settings
from store import db as store_db
from store import repository
from temporal_client import connect


async def run_demo(settings: Settings, *, count: int, year: int, console: Console) -> dict:
    say = console.print
    engine = store_db.make_engine(settings.database_url)
    await store_db.upgrade(engine)
    database = store_db.make_sessionmaker(engine)
    try:
        say(devserver.ensure_server(settings))
        say(devserver.ensure_worker())
        say(devserver.ensure_web(settings))
        client = await connect(settings, database)
        programme = load_programme(settings.programmes_dir / "films-in-progress.toml")
        sid = session_id(programme, "toulouse", year)
        async with database() as db:
            ran_before = await repository.get_session(db, sid) is not None
        if ran_before:
            say(f"{sid} ran before; its board (`make clean` starts a new demo):")
        else:
            await run_session(settings, client, database, programme, year, count, say)
        data = await board(sid)
        render_board(data, console)
        await partnering_tables(sid)
        await mail_summary(database, sid, settings, say)
        workflows = f"{settings.temporal_ui_url}/namespaces/{settings.temporal_namespace}/workflows"
        session = f'WipSession="{sid}"'
        waiting = f'{session} AND WipStatus="waiting-producer"'
        say(
            f"\nTemporal UI, every workflow of the session:\n  {workflows}?query={quote(session)}"
            "\nand those waiting on a producer (a report, an award to accept), with their deadline:"
            f"\n  {workflows}?query={quote(waiting)}"
        )
        if confirmed := next(
            (o.submission_id for o in data.offers if o.status == "confirmed"), None
        ):
            link = await producers.offer_link(database, confirmed)
            say(
                f"A producer's page, behind the link in their offer (confirmed):\n  {link}",
                soft_wrap=True,
            )
        if staff := await demo_staff(Context(settings, database=database)):
            say(
                f"The staff pages: {settings.public_url}/staff/sign-in as {staff[0]}, password "
                f"{staff[1]} (kept in var/demo-staff.json); the command line now acts for that "
                "account (var/demo.env). In the Temporal UI, turn on the codec's 'include "
                "cross-origin credentials' once to read the payloads (README, 'Reading sealed "
                "payloads in the Temporal UI').",
                soft_wrap=True,
            )
        say(f"The board again: .venv/bin/python starter.py session status {sid}")
        say(f"Live, with progress bars: .venv/bin/python starter.py session watch {sid}")
        say(f"One film's timeline: .venv/bin/python starter.py submission show {sid}/<film>")
        say("Screenshots of the UI under docs/: make screenshots")
        say("Stop the server, the worker and the web app with: make stop")
        return data
    finally:
        await engine.dispose()
