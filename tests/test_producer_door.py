"""The producer's door, on the real stack: the dev server, the production worker sending mail to a
real SMTP server on loopback, the web app under uvicorn, PostgreSQL, and Debian's Chromium driven
by Playwright. A session is taken to its offers from the command line; then producers open the
links in the offer mails the SMTP server received, and confirm or decline in the browser."""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from models.orm import AuditRow
from notifications.links import GRACE, Purpose, Signer
from settings import PROJECT_ROOT
from tests.conftest import cli_year
from tests.doors import KEYS, door_stack
from tests.forms import committee, form_dict
from tests.test_cli_sessions import ok
from tests.test_operator_views import judged, score_every_film, until

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
DOCS = PROJECT_ROOT / "docs"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
LANGS = ["es", "pt", "fr", "en", "es", "pt", "fr", "en"]
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/answer/[A-Za-z0-9._-]+)")


@pytest_asyncio.fixture(scope="module")
async def door(local_env, pg_url, pg_sessions, tmp_path_factory) -> AsyncIterator[dict[str, Any]]:
    """Eight films offered six slots (two waitlisted), every producer mailed their offer."""
    async with door_stack(local_env, pg_url, pg_sessions) as stack:
        folder = tmp_path_factory.mktemp("door")
        yield {
            "env": stack.env,
            "url": stack.url,
            "smtp": stack.smtp,
            "films": await offers_sent(stack.env, local_env.client, folder),
        }


async def offers_sent(env: dict[str, str], client, folder: Path) -> dict[str, Any]:
    when = ["+1h", "+2h", "+3h", "+4h", "+5h"]
    opened = await ok(
        env,
        *["session", "open", "films-in-progress", "toulouse", cli_year()],
        *["--deadline", when[0], "--review-deadline", when[1], "--selection-at", when[2]],
        *["--event-start", when[3], "--event-end", when[4], "--confirm-window", "1h"],
    )
    sid = opened["session_id"]
    members = folder / "members.json"
    members.write_text(json.dumps(committee("ana", "beto", "caro")))
    await ok(env, "review", "members", sid, str(members))
    entries = folder / "entries.json"
    films = [
        form_dict(
            original_title=f"Película {i}",
            producers=[{"company": f"Casa {i}", "country": "AR", "share_pct": 100}],
            contact={"name": f"Productora {i}", "email": f"p{i}@films.example", "language": lang},
        )
        for i, lang in enumerate(LANGS)
    ]
    entries.write_text(json.dumps(films))
    ids = [e["submission_id"] for e in (await ok(env, "submit", sid, str(entries)))["accepted"]]
    await until(lambda: ok(env, "session", "status", sid), judged(8))
    await ok(env, "session", "advance", sid, "--reason", "the call closed early")
    await score_every_film(client, ids)
    await ok(env, "session", "advance", sid, "--reason", "scores are in")
    board = await ok(env, "selection", "run", sid)
    return {"session_id": sid, "ids": ids, "offers": [o["submission_id"] for o in board["offers"]]}


async def link_in_mail(door, number: int) -> str:
    """The answer link in the offer mail the SMTP server received for film `number`."""
    address = f"p{number}@films.example"

    async def mails() -> list:
        return [m for m in door["smtp"].inbox.messages if m["To"] and address in m["To"]]

    def has_link(found: list) -> bool:
        return any(LINK.search(m.get_body(("plain",)).get_content()) for m in found)

    found = await until(mails, has_link, within=90)
    text = next(
        m.get_body(("plain",)).get_content()
        for m in found
        if LINK.search(m.get_body(("plain",)).get_content())
    )
    return LINK.search(text).group(1)


async def shows(page, words: str, within: float = 30) -> str:
    """The page's text once it says `words`, reloading it meanwhile: the film's record follows
    the session's decision a moment after the answer."""

    async def read() -> str:
        text = await page.inner_text("main")
        if words not in text:
            await page.reload()
        return text

    return await until(read, lambda text: words in text, within=within)


async def confirmations(pg_sessions, film: str) -> int:
    async with pg_sessions() as db:
        return await db.scalar(
            select(func.count())
            .select_from(AuditRow)
            .where(AuditRow.entity_id == film, AuditRow.to_state == "confirmed")
        )


async def test_a_producer_confirms_from_the_mail_and_the_board_shows_it_once(
    door, browser, pg_sessions
):
    film = door["films"]["offers"][0]
    number = door["films"]["ids"].index(film)
    link = await link_in_mail(door, number)
    page = await browser.new_page()
    await page.goto(link)
    assert await page.get_attribute("html", "lang") == LANGS[number]
    await page.click("#confirm")
    await page.wait_for_selector("#answer")
    board = await ok(door["env"], "session", "status", door["films"]["session_id"])
    status = {o["submission_id"]: o["status"] for o in board["offers"]}
    assert status[film] == "confirmed"
    await until(lambda: confirmations(pg_sessions, film), lambda n: n >= 1)
    assert await confirmations(pg_sessions, film) == 1
    async with pg_sessions() as db:
        actor = await db.scalar(
            select(AuditRow.actor).where(
                AuditRow.entity_id == film, AuditRow.to_state == "confirmed"
            )
        )
    assert actor == "producer (signed link)"  # the producer, through their link
    # A second visit shows the answer already given, and no form.
    await page.goto(link)
    assert (
        await page.locator("#answer").count() == 1 and await page.locator("#confirm").count() == 0
    )
    await page.close()


async def test_a_double_click_and_a_replayed_post_are_one_answer(door, browser, pg_sessions):
    film = door["films"]["offers"][1]
    number = door["films"]["ids"].index(film)
    link = await link_in_mail(door, number)
    page = await browser.new_page()
    await page.goto(link)
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    csrf = await page.get_attribute("input[name=csrf]", "value")
    posts: list = []
    page.on("response", lambda r: posts.append(r) if r.request.method == "POST" else None)
    await page.dblclick("#confirm")
    await page.wait_for_selector("#answer")
    # Each post of the double click was taken as the same answer: none refused (a second update
    # under another id would be refused by the session, 409).
    assert posts and all(r.status == 200 for r in posts), [r.status for r in posts]
    assert await page.locator("#refused").count() == 0
    # The same form sent again, as a retried request or a reload would.
    async with httpx.AsyncClient(cookies=cookies) as client:
        again = await client.post(link, data={"answer": "confirm", "csrf": csrf})
    assert again.status_code == 200 and 'id="answer"' in again.text
    assert 'id="refused"' not in again.text
    await until(lambda: confirmations(pg_sessions, film), lambda n: n >= 1)
    assert await confirmations(pg_sessions, film) == 1
    await page.close()


async def test_a_decline_gives_the_slot_to_the_first_waitlisted_film(door, browser):
    board = await ok(door["env"], "session", "status", door["films"]["session_id"])
    first_waiting = board["waitlist"][0]
    film = door["films"]["offers"][2]
    link = await link_in_mail(door, door["films"]["ids"].index(film))
    page = await browser.new_page()
    await page.goto(link + "?lang=fr")
    assert await page.get_attribute("html", "lang") == "fr"
    await page.fill("#reason", "Nous avons trouvé un autre financement")
    await page.click("#decline")
    text = await (await page.wait_for_selector("#answer")).inner_text()
    assert "Vous avez décliné la place" in text
    board = await ok(door["env"], "session", "status", door["films"]["session_id"])
    assert first_waiting in {o["submission_id"] for o in board["offers"]}
    # The promoted producer's mail carries a link of their own.
    promoted = await link_in_mail(door, door["films"]["ids"].index(first_waiting))
    await page.goto(promoted)
    assert await page.locator("#confirm").count() == 1
    await page.close()


async def test_an_expired_and_a_tampered_link_get_their_pages(door, browser):
    film = door["films"]["offers"][3]
    signer = Signer(KEYS, "k1")
    expired = signer.sign(film, Purpose.OFFER, "1", datetime.now(UTC) - GRACE - timedelta(hours=1))
    late = signer.sign(film, Purpose.OFFER, "1", datetime.now(UTC) - timedelta(hours=1))
    page = await browser.new_page()
    response = await page.goto(f"{door['url']}/answer/{expired}?lang=es")
    assert response.status == 410 and "Este enlace ha caducado" in await page.inner_text("main")
    link = await link_in_mail(door, door["films"]["ids"].index(film))
    response = await page.goto(link[:-3] + ("xyz" if not link.endswith("xyz") else "abc"))
    assert response.status == 403
    # Past the deadline, within the grace: the page shows, with no form to answer.
    response = await page.goto(f"{door['url']}/answer/{late}?lang=en")
    assert response.status == 200 and await page.locator("#confirm").count() == 0
    assert "has passed" in await page.inner_text("#refused")
    await page.close()


async def test_the_offer_page_as_a_producer_sees_it(door, browser, tmp_path):
    """The open offer as its producer opens it, in their language; with WIPFLOW_SCREENSHOTS=1 the
    picture is kept under docs/ for the README."""
    film = door["films"]["offers"][5]
    number = door["films"]["ids"].index(film)
    page = await browser.new_page(viewport={"width": 900, "height": 620})
    await page.goto(await link_in_mail(door, number) + "?lang=es")
    assert (
        await page.locator("#confirm").count() == 1 and await page.locator("#decline").count() == 1
    )
    assert "Responda antes del" in await page.inner_text("main")
    folder = DOCS if os.environ.get("WIPFLOW_SCREENSHOTS") == "1" else tmp_path
    await page.screenshot(path=str(folder / "producer-offer.png"))
    assert (folder / "producer-offer.png").stat().st_size > 10_000
    # Its film's page says what is expected, by when, and names no member of the committee.
    await page.click("#film")
    text = await shows(page, "Esperamos su respuesta")
    assert "se le ofrece una plaza" in text
    assert not {"Ana", "Beto", "Caro"} & set(text.split())
    await page.close()
