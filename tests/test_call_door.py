"""Producers submit themselves, on the real stack: the dev server, the production worker mailing
a real SMTP server on loopback, the web app under uvicorn, PostgreSQL, and Debian's Chromium
driven by Playwright. A producer fills the public call page of an open session in Portuguese
(their browser's language), makes one mistake (the error beside its field, in Portuguese, what
they typed kept), corrects it: the film is received once, a second send says it was already
received, and the receipt mail carries the film's link. Once staff close the call early, the
page and its form say the call is closed."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from models.orm import SubmissionRow
from tests.conftest import cli_year
from tests.doors import door_stack
from tests.test_cli_sessions import ok
from tests.test_operator_views import until
from tests.test_producer_door import DOCS

pytestmark = [pytest.mark.integration, pytest.mark.browser]

FILM_LINK = re.compile(r"(http://127\.0\.0\.1:\d+/film/[A-Za-z0-9._-]+)")


@pytest_asyncio.fixture(scope="module")
async def call(local_env, pg_url, pg_sessions) -> AsyncIterator[dict[str, Any]]:
    """An open call, its page served, its receipts mailed."""
    async with door_stack(local_env, pg_url, pg_sessions) as stack:
        when = ["+1h", "+2h", "+3h", "+4h", "+5h"]
        opened = await ok(
            stack.env,
            *["session", "open", "films-in-progress", "toulouse", cli_year()],
            *["--deadline", when[0], "--review-deadline", when[1]],
            *["--selection-at", when[2], "--event-start", when[3]],
            *["--event-end", when[4]],
        )
        sid = opened["session_id"]
        yield {
            "env": stack.env,
            "url": stack.url,
            "smtp": stack.smtp,
            "sid": sid,
            "page": f"{stack.url}/call/{sid}",
        }


async def fill(page, share: str) -> None:
    """A whole submission, as a producer types it; `share` is the second producer's share."""
    await page.fill("#f-original_title", "A casa do rio")
    await page.select_option("#f-genre", "fiction")
    await page.select_option("#f-dialogue_languages", ["pt"])
    await page.fill("#f-runtime_expected_min", "95")
    await page.fill("#f-cut_runtime_min", "88")
    await page.select_option("#f-post_stage", "rough_cut")
    await page.fill("#f-logline", "Uma família espera a cheia.")
    await page.fill("#f-screener-url", "https://vimeo.com/123456")
    await page.select_option("#f-screener-access", "password")
    await page.fill("#f-screener-password", "rio2027")
    await page.select_option("#f-screener-subtitles", ["en"])
    await page.fill("#f-directors-0-name", "Marina Lopes")
    await page.select_option("#f-directors-0-nationality", "BR")
    await page.fill("#f-producers-0-company", "Rio Filmes")
    await page.select_option("#f-producers-0-country", "BR")
    await page.fill("#f-producers-0-share_pct", "70")
    await page.fill("#f-producers-1-company", "Paris Post")
    await page.select_option("#f-producers-1-country", "FR")
    await page.fill("#f-producers-1-share_pct", share)
    await page.fill("#f-finance-total_budget", "800000")
    await page.fill("#f-finance-secured", "650000")
    await page.fill("#f-finance-post_budget_missing", "90000")
    await page.fill("#f-contact-name", "Ana Souza")
    await page.fill("#f-contact-email", "ana@rio.example")


async def films(pg_sessions, sid: str) -> int:
    async with pg_sessions() as db:
        return await db.scalar(
            select(func.count()).select_from(SubmissionRow).where(SubmissionRow.session_id == sid)
        )


async def test_a_producer_submits_corrects_and_is_received_once(call, browser, pg_sessions):
    context = await browser.new_context(locale="pt-BR")
    page = await context.new_page()
    await page.goto(call["page"])
    assert await page.get_attribute("html", "lang") == "pt"  # the browser's language
    assert await page.locator("#f-contact-language").input_value() == "pt"
    await fill(page, share="20")  # 70 + 20: the shares do not add up to 100
    await page.click("#send")
    error = page.locator("#error-f-producers")
    assert await error.inner_text() == (
        "As participações dos produtores devem somar 100% (somam 90%)."
    )
    assert await page.locator(".error").count() == 1
    assert await page.locator("#f-original_title").input_value() == "A casa do rio"  # kept
    assert await films(pg_sessions, call["sid"]) == 0  # nothing started
    if os.environ.get("WIPFLOW_SCREENSHOTS") == "1":
        await page.screenshot(path=str(DOCS / "producer-call.png"), full_page=True)

    await page.fill("#f-producers-1-share_pct", "30")
    await page.click("#send")
    received = await page.locator("#received").inner_text()
    assert "A casa do rio" in received and "recebemos" in received
    await until(lambda: films(pg_sessions, call["sid"]), lambda n: n == 1)

    # The same film sent again: one workflow, and the page says so.
    await page.goto(call["page"])
    await fill(page, share="30")
    await page.click("#send")
    assert "já tinha sido recebido" in await page.locator("#received").inner_text()
    assert await films(pg_sessions, call["sid"]) == 1

    # The receipt, in Portuguese, carries the film's own page.
    async def receipts() -> list:
        inbox = call["smtp"].inbox.messages
        return [
            m for m in inbox if "ana@rio.example" in (m["To"] or "") and "recebemos" in m["Subject"]
        ]

    [receipt] = await until(receipts, lambda found: len(found) >= 1, within=60)
    text = receipt.get_body(("plain",)).get_content()
    link = FILM_LINK.search(text).group(1)
    await page.goto(link)
    assert await page.locator("h1").inner_text() == "A casa do rio"
    assert await page.get_attribute("html", "lang") == "pt"
    await context.close()


@pytest.mark.parametrize("lang", ["es", "pt", "fr", "en"])
async def test_the_call_page_in_each_language(call, lang):
    async with httpx.AsyncClient() as web:
        page = await web.get(f"{call['page']}?lang={lang}")
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    assert 'name="producers.2.share_pct"' in page.text


async def test_an_unknown_session_is_not_found(call):
    async with httpx.AsyncClient() as web:
        page = await web.get(f"{call['url']}/call/films-in-progress/nowhere-1999")
    assert page.status_code == 404 and "films-in-progress" not in page.text


async def test_a_call_closed_early_by_staff_is_closed_on_its_page_too(call, browser, pg_sessions):
    """Runs last: staff move the session past its call; the page and its form refuse films."""
    page = await browser.new_page()
    await page.goto(f"{call['page']}?lang=es")
    await fill(page, share="30")
    await page.fill("#f-original_title", "Llegó tarde")
    await ok(call["env"], "session", "advance", call["sid"], "--reason", "the call closed early")
    await page.click("#send")  # a form opened before the call closed
    assert "está cerrada" in await page.locator("#closed").inner_text()
    assert await films(pg_sessions, call["sid"]) == 1  # the late film is not entered
    async with httpx.AsyncClient() as web:
        closed = await web.get(call["page"])
    assert closed.status_code == 410 and 'id="closed"' in closed.text
    await page.close()
