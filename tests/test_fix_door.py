"""The fix form, on the real stack: the dev server, the production worker mailing a real SMTP
server on loopback, the web app under uvicorn, PostgreSQL, and Debian's Chromium driven by
Playwright. A Portuguese producer whose screener is a download link opens the link in the
needs-fix mail the SMTP server received: the reason in Portuguese, only the screener's fields;
a wrong value is refused beside its field, in Portuguese, and nothing is sent; the right one
makes the film eligible, once, however often the form is posted."""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from models.orm import EligibilityResultRow, SubmissionRow
from tests.conftest import cli_year
from tests.doors import door_stack
from tests.forms import form_dict
from tests.test_cli_sessions import ok
from tests.test_operator_views import until
from tests.test_producer_door import DOCS
from web.security import CSRF_COOKIE

pytestmark = [pytest.mark.integration, pytest.mark.browser]

FIX_LINK = re.compile(r"(http://127\.0\.0\.1:\d+/fix/[A-Za-z0-9._-]+)")
ADDRESS = "rita@lisboa.example"
LAPSING = "rui@porto.example"


@pytest_asyncio.fixture(scope="module")
async def fixing(local_env, pg_url, pg_sessions, tmp_path_factory) -> AsyncIterator[dict[str, Any]]:
    """A film whose screener is a download link, its producer mailed a needs-fix."""
    async with door_stack(local_env, pg_url, pg_sessions) as stack:
        when = ["+1h", "+2h", "+3h", "+4h", "+5h"]
        opened = await ok(
            stack.env,
            *["session", "open", "films-in-progress", "toulouse", cli_year()],
            *["--deadline", when[0], "--review-deadline", when[1]],
            *["--selection-at", when[2], "--event-start", when[3]],
            *["--event-end", when[4]],
        )
        entries = tmp_path_factory.mktemp("fix") / "entries.json"
        film = form_dict(
            original_title="O barco parado",
            screener={"url": "https://wetransfer.com/downloads/abc", "password": "x"},
            contact={"name": "Rita Alves", "email": ADDRESS, "language": "pt"},
        )
        entries.write_text(json.dumps([film]))
        [entry] = (await ok(stack.env, "submit", opened["session_id"], str(entries)))["accepted"]
        # Another session's film, whose fix window of a few seconds closes uncorrected.
        short = await ok(
            stack.env,
            *["session", "open", "films-in-progress", "toulouse", cli_year()],
            *["--deadline", when[0], "--review-deadline", when[1]],
            *["--selection-at", when[2], "--event-start", when[3]],
            *["--event-end", when[4], "--fix-window", "4s"],
        )
        late = form_dict(
            original_title="A janela fechada",
            screener={"url": "https://wetransfer.com/downloads/xyz", "password": "x"},
            contact={"name": "Rui Costa", "email": LAPSING, "language": "pt"},
        )
        entries.write_text(json.dumps([late]))
        [lapsing] = (await ok(stack.env, "submit", short["session_id"], str(entries)))["accepted"]
        yield {
            "url": stack.url,
            "smtp": stack.smtp,
            "film": entry["submission_id"],
            "lapsing": lapsing["submission_id"],
        }


async def fix_link(fixing, address: str = ADDRESS) -> str:
    async def mails() -> list:
        return [m for m in fixing["smtp"].inbox.messages if address in (m["To"] or "")]

    def has_link(found: list) -> bool:
        return any(FIX_LINK.search(m.get_body(("plain",)).get_content()) for m in found)

    found = await until(mails, has_link, within=90)
    texts = [m.get_body(("plain",)).get_content() for m in found]
    return next(FIX_LINK.search(t).group(1) for t in texts if FIX_LINK.search(t))


async def film_row(pg_sessions, film: str) -> tuple[str, int]:
    """The film's stage, and how many times it was checked."""
    async with pg_sessions() as db:
        status = await db.scalar(select(SubmissionRow.status).where(SubmissionRow.id == film))
        checks = await db.scalar(
            select(func.max(EligibilityResultRow.check_no)).where(
                EligibilityResultRow.submission_id == film
            )
        )
    return status, checks


async def test_a_form_sent_empty_is_refused_beside_a_field_not_with_an_error(fixing, pg_sessions):
    """Runs first: every field cleared is nothing to correct, said on the page (422)."""
    link = await fix_link(fixing)
    async with httpx.AsyncClient() as web:
        page = await web.get(link)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        sent = await web.post(link, data={"csrf": csrf, "screener.url": "", "screener.access": ""})
    assert sent.status_code == 422 and 'id="error-f-screener-url"' in sent.text
    assert await film_row(pg_sessions, fixing["film"]) == ("needs_fix", 1)


async def test_a_wrong_value_is_refused_beside_its_field_then_the_fix_is_taken_once(
    fixing, browser, pg_sessions
):
    link = await fix_link(fixing)
    page = await browser.new_page()
    await page.goto(link)
    assert await page.get_attribute("html", "lang") == "pt"
    reasons = await page.locator("#reasons").inner_text()
    assert "Links de download (wetransfer.com) não são aceitos" in reasons
    # Only the fields that correct the screener: nothing of the film's identity.
    assert await page.locator("#f-screener-url").count() == 1
    assert await page.locator("#f-original_title").count() == 0
    assert await page.locator("#f-screener-password").input_value() == ""  # never read back

    await page.fill("#f-screener-url", "vimeo.com/123456")  # no scheme: not a web address
    await page.click("#send")
    error = await page.locator("#error-f-screener-url").inner_text()
    assert error == "Um endereço web, por favor, começando por https://."
    assert await page.locator("#f-screener-url").input_value() == "vimeo.com/123456"  # kept
    assert await film_row(pg_sessions, fixing["film"]) == ("needs_fix", 1)  # nothing sent
    if os.environ.get("WIPFLOW_SCREENSHOTS") == "1":
        await page.screenshot(path=str(DOCS / "producer-fix.png"), full_page=True)

    await page.fill("#f-screener-url", "https://vimeo.com/123456")
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    csrf = await page.get_attribute("input[name=csrf]", "value")
    await page.click("#send")
    await page.wait_for_selector("#answer")
    assert await film_row(pg_sessions, fixing["film"]) == ("eligible", 2)

    # The same correction posted again (a retried request): still one correction.
    form = {"csrf": csrf, "screener.url": "https://vimeo.com/123456", "screener.access": "password"}
    async with httpx.AsyncClient(cookies=cookies) as web:
        again = await web.post(link, data=form)
    assert again.status_code == 200 and 'id="answer"' in again.text
    assert await film_row(pg_sessions, fixing["film"]) == ("eligible", 2)

    # A second visit shows the correction received, and no form.
    await page.goto(link)
    assert await page.locator("#answer").count() == 1 and await page.locator("#send").count() == 0
    await page.close()


@pytest.mark.parametrize("lang", ["es", "pt", "fr", "en"])
async def test_the_fix_page_in_each_language(fixing, lang):
    link = await fix_link(fixing)
    async with httpx.AsyncClient() as web:
        page = await web.get(f"{link}?lang={lang}")
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text


async def test_a_tampered_fix_link_is_refused(fixing):
    link = await fix_link(fixing)
    async with httpx.AsyncClient() as web:
        page = await web.get(link[:-3] + ("abc" if not link.endswith("abc") else "xyz"))
    assert page.status_code == 403 and "O barco parado" not in page.text


async def test_a_fix_window_that_closed_is_no_correction_received(fixing, pg_sessions):
    """The window's close is a check of its own: the page says no correction is expected (the
    film is not eligible), never that a correction was received; a post is refused (409)."""
    link = await fix_link(fixing, LAPSING)
    lapsed = await until(
        lambda: film_row(pg_sessions, fixing["lapsing"]), lambda row: row[0] == "ineligible"
    )
    assert lapsed == ("ineligible", 2)
    async with httpx.AsyncClient() as web:
        page = await web.get(link)
        assert page.status_code == 200 and 'id="answer"' not in page.text
        assert 'id="refused"' in page.text and 'id="send"' not in page.text
        csrf = web.cookies[CSRF_COOKIE]  # no form on the page: the token its cookie holds
        sent = await web.post(link, data={"csrf": csrf, "screener.url": "https://vimeo.com/1"})
    assert sent.status_code == 409
    assert await film_row(pg_sessions, fixing["lapsing"]) == ("ineligible", 2)
