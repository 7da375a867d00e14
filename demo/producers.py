"""The demo's producers answer as real ones do: they open the link in the offer mail (read back
from the outbox, as their mail client would show it) and press a button on the web app's page,
over HTTP, with the page's own form token."""

from __future__ import annotations

import asyncio
import re

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from models.message_kinds import MessageKind
from models.orm import OutboxRow

LINK = re.compile(r"(https?://\S+/answer/[A-Za-z0-9._-]+)")
FORM_TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
ASKING = (MessageKind.OFFER.value, MessageKind.PROMOTED.value)


async def offer_link(database: async_sessionmaker, film: str, within: float = 60) -> str:
    """The answer link of the film's offer (or promotion) message, once it is written."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        async with database() as db:
            texts = await db.scalars(
                select(OutboxRow.text).where(
                    OutboxRow.submission_id == film, OutboxRow.stage.in_(ASKING)
                )
            )
            for text in texts:
                if match := LINK.search(text):
                    return match.group(1)
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"no offer message with a link for {film}")
        await asyncio.sleep(0.3)


async def answer(database: async_sessionmaker, film: str, confirm: bool, reason: str = "") -> str:
    """Open the film's link and confirm or decline on its page; returns the link."""
    link = await offer_link(database, film)
    async with httpx.AsyncClient(timeout=60) as browser:
        page = await browser.get(link)
        page.raise_for_status()
        form = {"csrf": FORM_TOKEN.search(page.text).group(1), "reason": reason}
        form["answer"] = "confirm" if confirm else "decline"
        done = await browser.post(link, data=form)
        if done.status_code != 200 or 'id="answer"' not in done.text:
            raise RuntimeError(f"{film}: the page did not take the answer ({done.status_code})")
    return link
