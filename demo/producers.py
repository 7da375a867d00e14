"""The demo's producers answer as real ones do: they open the link in a message (read back from
the outbox, as their mail client would show it) and press a button on the web app's page, over
HTTP, with the page's own form token."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from models.message_kinds import MessageKind
from models.orm import OutboxRow

LINK = re.compile(r"(https?://\S+/answer/[A-Za-z0-9._-]+)")
FORM_TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
ASKING = (MessageKind.OFFER, MessageKind.PROMOTED)


async def link_in(
    database: async_sessionmaker,
    film: str,
    kinds: tuple[MessageKind, ...],
    door: str,
    within: float = 60,
) -> str:
    """The link to `door` (`answer`, `fix`, `award`...) in the film's message of one of `kinds`,
    once it is written."""
    pattern = re.compile(rf"(https?://\S+/{door}/[A-Za-z0-9._-]+)")
    deadline = asyncio.get_running_loop().time() + within
    while True:
        async with database() as db:
            texts = await db.scalars(
                select(OutboxRow.text).where(
                    OutboxRow.submission_id == film,
                    OutboxRow.stage.in_([k.value for k in kinds]),
                )
            )
            for text in texts:
                if match := pattern.search(text):
                    return match.group(1)
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"no {door} link in a message to {film}")
        await asyncio.sleep(0.3)


async def offer_link(database: async_sessionmaker, film: str, within: float = 60) -> str:
    """The answer link of the film's offer (or promotion) message, once it is written."""
    return await link_in(database, film, ASKING, "answer", within)


def form_fields(changes: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A partial form as a page's fields name it: `{"screener": {"url": u}}` is `screener.url`."""
    fields: dict[str, Any] = {}
    for key, value in changes.items():
        if isinstance(value, dict):
            fields |= form_fields(value, f"{prefix}{key}.")
        else:
            fields[f"{prefix}{key}"] = value
    return fields


async def press(link: str, form: dict[str, Any], done: str) -> None:
    """Open `link`, then send its form with `form`'s values and the page's own form token;
    the page that comes back must hold `done` (an element id the answered page shows)."""
    async with httpx.AsyncClient(timeout=60) as browser:
        page = await browser.get(link)
        page.raise_for_status()
        sent = await browser.post(
            link, data={"csrf": FORM_TOKEN.search(page.text).group(1), **form}
        )
        if sent.status_code != 200 or done not in sent.text:
            raise RuntimeError(f"{link}: the page did not take the answer ({sent.status_code})")


async def answer(database: async_sessionmaker, film: str, confirm: bool, reason: str = "") -> str:
    """Open the film's link and confirm or decline on its page; returns the link."""
    link = await offer_link(database, film)
    choice = "confirm" if confirm else "decline"
    await press(link, {"answer": choice, "reason": reason}, 'id="answer"')
    return link
