"""The staff's board and a film's timeline, on the real stack: the dev server, the production
worker, the web app under uvicorn, PostgreSQL and Debian's Chromium. A session is taken to its
provisional ranking from the command line; then a read-only member signs in, reads the board
and a film's timeline, and finds there what `session status` and `submission show` print. The
same member is refused a command that would change the session, in their role's words; a
disabled account's cookie is sent back to sign in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.conftest import forget_staff
from tests.doors import door_stack
from tests.test_cli import starter
from tests.test_cli_sessions import ok
from tests.test_committee_door import review_started

pytestmark = [pytest.mark.integration, pytest.mark.browser]

PASSWORD = "tablero de la sesión 2027"
ADMIN, READER, PROGRAMMER = (f"{n}@cinelatino.example" for n in ("ines", "lea", "pablo"))


async def add(env: dict[str, str], email: str, role: str) -> None:
    code, _, err = await starter(
        env,
        *["staff", "add", email, "--name", email.split("@")[0].title(), "--role", role],
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err


@pytest_asyncio.fixture(scope="module")
async def board(local_env, pg_url, pg_sessions, tmp_path_factory) -> AsyncIterator[dict[str, Any]]:
    """Six films scored by the committee, the session in selection with its provisional
    ranking; then three accounts, the admin first, as on a fresh install. The accounts are
    deleted after: the run's other modules share this database (and its sealed payloads'
    keys, so a database of this module's own would not open the dev server's payloads), and an
    account would hold their commands to its rule."""
    async with door_stack(local_env, pg_url, pg_sessions) as stack:
        started = await review_started(stack.env, tmp_path_factory.mktemp("board"))
        sid, films = started["session_id"], started["ids"]
        for i, film in enumerate(films):
            for member in (await ok(stack.env, "submission", "show", film))["reviewers"]:
                await ok(stack.env, "review", "score", film, member, str(9 - i))
        await ok(stack.env, "session", "advance", sid, "--reason", "scores are in")
        await add(stack.env, ADMIN, "admin")
        as_admin = {**stack.env, "STAFF_ACTOR": ADMIN}
        await add(as_admin, READER, "read_only")
        await add(as_admin, PROGRAMMER, "programmer")
        try:
            yield {"url": stack.url, "env": stack.env, "session_id": sid, "films": films}
        finally:
            await forget_staff(pg_sessions, [READER, PROGRAMMER, ADMIN])


def as_(board, email: str) -> dict[str, str]:
    return {**board["env"], "STAFF_ACTOR": email}


async def sign_in(page, email: str) -> None:
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    async with page.expect_navigation():
        await page.click("#sign-in")


async def test_a_read_only_member_reads_the_board_and_a_films_timeline_as_the_cli(board, browser):
    sid = board["session_id"]
    said = await ok(as_(board, READER), "session", "status", sid)
    page = await browser.new_page()
    await page.goto(f"{board['url']}/staff/")
    await sign_in(page, READER)
    await page.fill("#board-session", sid)
    async with page.expect_navigation():
        await page.click("#show-board")
    assert await page.inner_text("#stage") == said["stage"] == "selection"
    assert int(await page.inner_text("#submitted")) == said["counts"]["submitted"] == 6
    ranked = page.locator("#ranking a")
    assert await ranked.all_inner_texts() == [r["title"] for r in said["ranking"]]

    first = said["ranking"][0]["submission_id"]
    shown = await ok(as_(board, READER), "submission", "show", first)
    async with page.expect_navigation():
        await ranked.first.click()
    assert await page.inner_text("h1") == shown["title"]
    assert await page.inner_text("#film-stage") == shown["stage"]
    rows = await page.locator("#timeline tr").all_inner_texts()
    assert len(rows) == len(shown["timeline"]) + 1  # and the heading
    for row, moment in zip(rows[1:], shown["timeline"], strict=True):
        assert moment["what"] in row and (moment["actor"] or "") in row
    assert any("scored 9" in row for row in rows)
    for member, score in shown["scores"].items():
        assert f"{member} {score:g}" in await page.inner_text("#reviewers")

    async with page.expect_navigation():
        await page.click("#to-board")
    assert page.url.endswith(f"/staff/board?session={sid}")
    async with page.expect_navigation():
        await page.click("#to-outbox")
    assert "/staff/outbox?session=" in page.url and await page.is_visible("#to-board")
    await page.close()


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("es", "Clasificación provisional"),
        ("pt", "Classificação provisória"),
        ("fr", "Classement provisoire"),
        ("en", "Provisional ranking"),
    ],
)
async def test_the_board_speaks_each_language(board, browser, lang, heading):
    page = await browser.new_page()
    await page.goto(f"{board['url']}/staff/board?session={board['session_id']}&lang={lang}")
    await sign_in(page, READER)
    assert await page.inner_text("h2 >> nth=1") == heading
    assert await page.get_attribute("html", "lang") == lang
    await page.close()


async def test_a_read_only_member_is_refused_a_command_in_the_words_of_their_role(board):
    sid = board["session_id"]
    code, _, err = await starter(
        as_(board, READER), "session", "advance", sid, "--reason", "too early"
    )
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert (
        f"{READER} is read_only (read only): `session advance` is for admin or programmer only"
    ) in err
    assert (await ok(as_(board, READER), "session", "status", sid))["stage"] == "selection"


async def test_a_disabled_accounts_cookie_is_sent_back_to_sign_in(board, browser):
    board_page = f"{board['url']}/staff/board?session={board['session_id']}"
    page = await browser.new_page()
    await page.goto(board_page)
    assert "/staff/sign-in" in page.url
    await sign_in(page, PROGRAMMER)
    assert page.url == board_page and await page.is_visible("#ranking")
    code, out, err = await starter(
        as_(board, ADMIN), "staff", "disable", PROGRAMMER, "--reason", "left", "--json"
    )
    assert code == 0 and json.loads(out)["active"] is False, err
    await page.goto(board_page)
    assert "/staff/sign-in" in page.url and await page.is_visible("#password")
    await page.close()
