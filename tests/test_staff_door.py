"""The staff's sign-in, in Debian's Chromium against the web app under uvicorn and PostgreSQL
(no Temporal server: the pages here read the database). A staff page asked for without signing
in sends to the sign-in page and back; a wrong password is refused without saying which part was
wrong; the outbox then shows the session's messages; a disabled account's cookie, a tampered
cookie and a `next` that leaves the site open nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio

from actions.staff import add_staff, disable_staff
from gateway.context import Context
from models.orm import OutboxRow
from models.staff import StaffInput
from settings import Settings
from store import repository
from tests.conftest import forget_staff, new_session
from tests.test_store import submission_row
from web.app import create_app
from web.security import STAFF_COOKIE
from web.serve import serving

pytestmark = [pytest.mark.integration, pytest.mark.browser]

KEYS = {"k1": "the staff door's test key"}
PASSWORD = "sesiones de marzo 2027"
SUBJECT = "Votre film est sélectionné"


@pytest_asyncio.fixture(scope="module")
async def door(pg_url, pg_sessions, programmes) -> AsyncIterator[dict[str, Any]]:
    """The web app, a session with one message in its outbox, and one staff account."""
    settings = Settings(link_keys=KEYS, link_key_id="k1", database_url=pg_url)
    ctx = Context(settings, database=pg_sessions)
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    film = submission_row(session, "la-sirga")
    async with pg_sessions.begin() as db:
        await repository.insert_submission(db, film)
        db.add(
            OutboxRow(
                key="k" * 64,
                submission_id=film["id"],
                session_id=session.id,
                stage="offer",
                occurrence="1",
                language="fr",
                recipient="oscar@films.example",
                subject=SUBJECT,
                text="…",
                html="…",
                status="sent",
                attempts=1,
                created_at=datetime.now(UTC),
            )
        )
    admin = StaffInput(email="dir@cinelatino.example", name="Directora", role="admin")
    account = StaffInput(email="marta@cinelatino.example", name="Marta Ruiz", role="programmer")
    await add_staff(ctx, admin, PASSWORD)  # the first account is an admin's
    await add_staff(ctx, account, PASSWORD)
    try:
        async with serving(create_app(ctx=ctx)) as url:
            yield {"url": url, "ctx": ctx, "session_id": session.id}
    finally:
        await forget_staff(pg_sessions, [admin.email, account.email])


async def test_staff_sign_in_to_read_a_sessions_outbox(door, browser):
    outbox = f"{door['url']}/staff/outbox?session={door['session_id']}"
    page = await browser.new_page()
    await page.goto(outbox)
    assert "/staff/sign-in" in page.url and await page.is_visible("#password")
    await page.fill("#email", "marta@cinelatino.example")
    await page.fill("#password", "not the password at all")
    response = None
    async with page.expect_navigation() as sent:
        await page.click("#sign-in")
    response = await sent.value
    assert response.status == 401
    assert await page.inner_text("#refused") == "Wrong address or password."
    await page.fill("#email", "Marta@Cinelatino.example")
    await page.fill("#password", PASSWORD)
    async with page.expect_navigation():
        await page.click("#sign-in")
    assert page.url == outbox and SUBJECT in await page.inner_text("#outbox")
    cookie = next(c for c in await page.context.cookies() if c["name"] == STAFF_COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and "marta" not in cookie["value"]
    await page.close()


async def test_a_cookie_opens_nothing_once_tampered_or_its_account_disabled(door):
    outbox = f"{door['url']}/staff/outbox?session={door['session_id']}"
    async with httpx.AsyncClient() as http:
        form = await http.get(f"{door['url']}/staff/sign-in")
        csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
        signed = await http.post(
            f"{door['url']}/staff/sign-in",
            data={"email": "marta@cinelatino.example", "password": PASSWORD, "csrf": csrf},
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/staff/"
        cookie = signed.cookies[STAFF_COOKIE]
        assert (await http.get(outbox)).status_code == 200
        tampered = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
        http.cookies.set(STAFF_COOKIE, tampered, path="/staff")
        assert (await http.get(outbox)).status_code == 303
        http.cookies.set(STAFF_COOKIE, cookie, path="/staff")
        await disable_staff(door["ctx"], "marta@cinelatino.example", "left the festival")
        gone = await http.get(outbox)
        assert gone.status_code == 303 and gone.headers["location"].startswith("/staff/sign-in")


async def test_the_sign_in_page_never_sends_off_the_staff_pages(door):
    async with httpx.AsyncClient() as http:
        page = await http.get(f"{door['url']}/staff/sign-in", params={"next": "//evil.example/"})
        assert 'name="back" value="/staff/"' in page.text
