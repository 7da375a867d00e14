"""The demo's committee works as real members do: each opens the link in their invitation (read
back from the outbox, as their mail client would show it) and, on their page over HTTP with the
page's own form token, scores their films one at a time; one declares a conflict of interest
with a film there, and it goes to a free member. Lucía forgets two films, and is reminded."""

from __future__ import annotations

import asyncio
import hashlib
import re

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from demo.producers import FORM_TOKEN
from models.message_kinds import MessageKind
from models.orm import OutboxRow, ReviewAssignmentRow

LINK = re.compile(r"(https?://\S+/review/[A-Za-z0-9._-]+)")
FORGETFUL, FORGOTTEN = "lucia", 2
# Pablo finds he is related to someone on his first film.
CONFLICTED = "pablo"


async def member_link(database: async_sessionmaker, session_id: str, member: str) -> str:
    """The link in the member's invitation, once it is written."""
    for _ in range(200):
        async with database() as db:
            text = await db.scalar(
                select(OutboxRow.text).where(
                    OutboxRow.session_id == session_id,
                    OutboxRow.member_id == member,
                    OutboxRow.stage == MessageKind.REVIEW_INVITATION.value,
                )
            )
        if text and (found := LINK.search(text)):
            return found.group(1)
        await asyncio.sleep(0.3)
    raise TimeoutError(f"no invitation to {member}")


async def assignments(database: async_sessionmaker, session_id: str) -> dict[str, list[str]]:
    """Each member's films, as assigned now."""
    async with database() as db:
        rows = (
            await db.execute(
                select(ReviewAssignmentRow.member_id, ReviewAssignmentRow.submission_id)
                .where(ReviewAssignmentRow.session_id == session_id)
                .order_by(ReviewAssignmentRow.submission_id)
            )
        ).all()
    films: dict[str, list[str]] = {}
    for member, film in rows:
        films.setdefault(member, []).append(film)
    return films


async def post(http: httpx.AsyncClient, link: str, action: str, form: dict) -> None:
    """Send one of the page's forms with the page's own token; the page answers with a redirect
    back to itself."""
    page = await http.get(link)
    page.raise_for_status()
    sent = await http.post(
        f"{link}/{action}", data={"csrf": FORM_TOKEN.search(page.text).group(1), **form}
    )
    if sent.status_code != 303:
        raise RuntimeError(f"{link}/{action}: the page did not take it ({sent.status_code})")


def demo_score(film: str, member: str) -> int:
    """A stable pseudo-random score from 3 to 10."""
    return 3 + hashlib.sha256(f"{film}{member}".encode()).digest()[0] % 8


async def committee_works(database: async_sessionmaker, session_id: str) -> tuple[int, int, str]:
    """Pablo declares his conflict, then every member scores on their page at once; returns the
    scores given, the films Lucía left unscored, and the conflicted film's key."""
    links = {
        member: await member_link(database, session_id, member)
        for member in await assignments(database, session_id)
    }
    async with httpx.AsyncClient(timeout=60) as http:
        conflicted = (await assignments(database, session_id))[CONFLICTED][0]
        await post(
            http,
            links[CONFLICTED],
            "conflict",
            {"submission_id": conflicted, "relation": "related", "detail": "the director's cousin"},
        )
        films = await assignments(database, session_id)

        async def score(member: str) -> int:
            mine = films.get(member, [])
            if member == FORGETFUL:
                mine = mine[:-FORGOTTEN]
            async with httpx.AsyncClient(timeout=60) as browser:
                for film in mine:
                    form = {"submission_id": film, "score": demo_score(film, member)}
                    await post(browser, links[member], "score", form | {"comment": "demo score"})
            return len(mine)

        given = await asyncio.gather(*(score(member) for member in links))
    left = len(films.get(FORGETFUL, [])) - given[list(links).index(FORGETFUL)]
    return sum(given), left, conflicted.rsplit("/", 1)[1]
