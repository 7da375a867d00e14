"""The committee's door, on the real stack: the dev server, the production worker mailing a real
SMTP server on loopback, the web app under uvicorn, PostgreSQL and Debian's Chromium driven by
Playwright. A session is opened, its call closed and its review started from the command line;
then four members (es, pt, fr, en) open the links in the invitations the SMTP server received,
score their films and declare a conflict on their pages; staff see it all from the command line.

The tests share one session and run in order: each takes the review a step further."""

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
from sqlalchemy import select
from temporalio.api.enums.v1 import EventType

from actions.review_answers import state_of_score
from models.orm import ReviewAssignmentRow, ScoreRow
from notifications.links import Purpose, Signer
from settings import PROJECT_ROOT
from shared import submission_workflow_id
from tests.conftest import cli_year
from tests.doors import KEYS, door_stack
from tests.forms import committee, form_dict
from tests.test_cli_sessions import ok, refused
from tests.test_operator_views import judged, until
from web.security import CSRF_COOKIE

pytestmark = [pytest.mark.integration, pytest.mark.browser]

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/review/[A-Za-z0-9._-]+)")
MEMBERS = ("ana", "beto", "caro", "dani")  # es, pt, fr, en (tests/forms.committee)
LANGUAGE = dict(zip(MEMBERS, ("es", "pt", "fr", "en"), strict=True))
# Each language's reminder subject says how many films are still to score.
REMINDER = {"es": "le quedan", "pt": "faltam", "fr": "restent à noter", "en": "still to score"}
FILMS = 6
DOCS = PROJECT_ROOT / "docs"
MEMBER_BY_LINK = "committee member {} (signed link)"


def password(i: int) -> str:
    return f"clave-{i}-solo-para-el-comite"


@pytest_asyncio.fixture(scope="module")
async def review(local_env, pg_url, pg_sessions, tmp_path_factory) -> AsyncIterator[dict[str, Any]]:
    """Six films under review by four members, three each; caro works for film 2's producer,
    so the assignment kept her from it. Every member was mailed an invitation."""
    async with door_stack(local_env, pg_url, pg_sessions) as stack:
        folder = tmp_path_factory.mktemp("committee")
        yield {
            "env": stack.env,
            "url": stack.url,
            "smtp": stack.smtp,
            "db": pg_sessions,
            "client": local_env.client,
            **await review_started(stack.env, folder),
        }


async def review_started(env: dict[str, str], folder: Path) -> dict[str, Any]:
    when = ["+1h", "+2h", "+3h", "+4h", "+5h"]
    opened = await ok(
        env,
        *["session", "open", "films-in-progress", "toulouse", cli_year()],
        *["--deadline", when[0], "--review-deadline", when[1], "--selection-at", when[2]],
        *["--event-start", when[3], "--event-end", when[4]],
    )
    sid = opened["session_id"]
    members = committee(*MEMBERS)
    members[2]["company"] = "Casa 2"
    (folder / "members.json").write_text(json.dumps(members))
    await ok(env, "review", "members", sid, str(folder / "members.json"))
    films = [
        form_dict(
            original_title=f"Película {i}",
            screener={"url": f"https://vimeo.com/10{i}", "password": password(i)},
            producers=[{"company": f"Casa {i}", "country": "AR", "share_pct": 100}],
            contact={"name": f"Productora {i}", "email": f"p{i}@films.example"},
        )
        for i in range(FILMS)
    ]
    (folder / "entries.json").write_text(json.dumps(films))
    accepted = (await ok(env, "submit", sid, str(folder / "entries.json")))["accepted"]
    await until(lambda: ok(env, "session", "status", sid), judged(FILMS))
    await ok(env, "session", "advance", sid, "--reason", "the call closed early")
    return {"session_id": sid, "ids": [a["submission_id"] for a in accepted]}


def mails_to(review, member: str, words: str = "") -> list:
    address = f"{member}@jury.example"
    return [
        m
        for m in review["smtp"].inbox.messages
        if m["To"] and address in m["To"] and words in m["Subject"]
    ]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


async def link_of(review, member: str) -> str:
    """The link in the member's invitation, once the SMTP server has it."""
    found = await until(lambda: _async(mails_to(review, member)), bool, within=90)
    return LINK.search(text_of(found[0])).group(1)


async def _async(value):
    return value


async def reviewers(review) -> dict[str, list[str]]:
    """Each film's reviewers as recorded."""
    async with review["db"]() as db:
        rows = (
            await db.execute(
                select(ReviewAssignmentRow.submission_id, ReviewAssignmentRow.member_id).where(
                    ReviewAssignmentRow.session_id == review["session_id"]
                )
            )
        ).all()
    films: dict[str, list[str]] = {}
    for sid, member in rows:
        films.setdefault(sid, []).append(member)
    return {sid: sorted(m) for sid, m in films.items()}


def card(page, film: str):
    return page.locator(f"#film-{film.rsplit('/', 1)[1]}")


async def give(page, film: str, score: float, comment: str = "") -> None:
    """Score a film on the member's page, as a member does: the number, a comment, Save."""
    on = card(page, film)
    await on.locator("input[name=score]").fill(str(score))
    await on.locator("textarea[name=comment]").fill(comment)
    async with page.expect_navigation():
        await on.locator("form.score button").click()


async def test_each_member_is_invited_in_their_language_with_a_link_and_no_password(review):
    for member in MEMBERS:
        await link_of(review, member)
        invitation = mails_to(review, member)[0]
        assert invitation["Content-Language"] == LANGUAGE[member]
        assert not any(password(i) in text_of(invitation) for i in range(FILMS))


async def test_a_member_scores_from_the_mail_and_sees_the_others_only_once_scored(
    review, browser, tmp_path
):
    """With WIPFLOW_SCREENSHOTS=1 the page's picture is kept under docs/ for the README."""
    films = await reviewers(review)
    mine = sorted(f for f, members in films.items() if "ana" in members)
    shared = next(f for f in mine if "beto" in films[f])
    # beto scores `shared` from the command line, before ana.
    await ok(review["env"], "review", "score", shared, "beto", "6", "--comment", "frágil")
    page = await browser.new_page()
    await page.goto(await link_of(review, "ana"))
    assert await page.get_attribute("html", "lang") == "es"
    assert f"0 de {len(mine)} evaluadas" in await page.inner_text("#progress")
    number = review["ids"].index(shared)
    assert password(number) in await card(page, shared).inner_text()
    hidden = await card(page, shared).locator(".others").inner_text()
    assert "cuando haya evaluado" in hidden and "frágil" not in hidden

    for n, film in enumerate([shared, *[f for f in mine if f != shared][:2]]):
        await give(page, film, 7 + n, comment=f"nota {n}")
        assert f"{n + 1} de {len(mine)} evaluadas" in await page.inner_text("#progress")
    await page.goto(page.url.split("?")[0] + "?show=scored")
    shown = await card(page, shared).locator(".others").inner_text()
    assert "Beto" in shown and "6" in shown and "frágil" in shown
    await page.set_viewport_size({"width": 900, "height": 1100})
    await page.goto(page.url.split("?")[0] + "?show=all")
    folder = DOCS if os.environ.get("WIPFLOW_SCREENSHOTS") == "1" else tmp_path
    await page.screenshot(path=str(folder / "committee-member.png"))
    assert (folder / "committee-member.png").stat().st_size > 10_000

    async with review["db"]() as db:
        given = (
            await db.scalars(
                select(ScoreRow).where(
                    ScoreRow.member_id == "ana", ScoreRow.session_id == review["session_id"]
                )
            )
        ).all()
    assert sorted(s.score for s in given) == [7, 8, 9]
    assert {s.actor for s in given} == {MEMBER_BY_LINK.format("ana")}
    await page.close()


async def test_a_score_changed_on_the_page_replaces_the_first_and_a_replay_is_one(review, browser):
    films = await reviewers(review)
    film = sorted(f for f, members in films.items() if "ana" in members)[0]
    link = await link_of(review, "ana")
    page = await browser.new_page()
    await page.goto(link + "?show=scored")
    await give(page, film, 4.5, comment="lo pensé mejor")
    form = card(page, film).locator("form.score")
    fields = {
        name: await form.locator(f"[name={name}]").input_value()
        for name in ("csrf", "submission_id", "was", "show", "page_no", "score", "comment")
    }
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    # The same answer sent again (a reload of the post, a double click): one update.
    async with httpx.AsyncClient(cookies={CSRF_COOKIE: cookies[CSRF_COOKIE]}) as http:
        for _ in range(2):
            sent = await http.post(link + "/score", data={**fields, "score": "3"})
            assert sent.status_code == 303
    async with review["db"]() as db:
        row = await db.get(ScoreRow, (film, "ana"))
    assert row.score == 3 and row.comment == "lo pensé mejor"
    history = (
        await review["client"].get_workflow_handle(submission_workflow_id(film)).fetch_history()
    )
    updates = [
        e.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    ]
    assert sum(u.endswith(state_of_score(3.0, "lo pensé mejor")) for u in updates) == 1
    await page.close()


async def test_a_link_opens_its_members_page_of_its_session_and_nothing_else(review):
    link = await link_of(review, "ana")
    signer = Signer(KEYS, "k1")
    until_then = datetime.now(UTC) + timedelta(days=1)
    sid = review["session_id"]
    strangers = [
        signer.sign(sid, Purpose.REVIEW, "zoe", until_then),  # not on the committee
        signer.sign(sid.replace("toulouse", "san-sebastian"), Purpose.REVIEW, "ana", until_then),
        signer.sign(review["ids"][0], Purpose.FILM, "ana", until_then),  # another door's link
    ]
    async with httpx.AsyncClient() as http:
        assert (await http.get(link[:-3] + "xyz")).status_code == 403
        for token in strangers:
            assert (await http.get(f"{review['url']}/review/{token}")).status_code == 403
        # ana's link cannot score a film that is not hers.
        films = await reviewers(review)
        other = next(f for f, members in films.items() if "ana" not in members)
        page = await http.get(link)
        csrf = page.cookies[CSRF_COOKIE]
        sent = await http.post(
            link + "/score",
            data={"csrf": csrf, "submission_id": other, "score": "5"},
        )
    assert sent.status_code == 409 and "no le está asignada" in sent.text


async def test_a_declared_conflict_moves_the_film_to_a_free_member(review, browser):
    films = await reviewers(review)
    async with review["db"]() as db:
        scored = set(
            await db.scalars(select(ScoreRow.submission_id).where(ScoreRow.member_id == "ana"))
        )
    kept_from_caro = review["ids"][2]  # her company produces it: no one is free to take it
    film = next(
        f
        for f, members in sorted(films.items())
        if "ana" in members and f not in scored and f != kept_from_caro
    )
    free = next(m for m in MEMBERS if m not in films[film])
    page = await browser.new_page()
    await page.goto(await link_of(review, "ana"))
    on = card(page, film)
    await on.locator("details.conflict summary").click()
    await on.locator("input[value=works_for]").check()
    await on.locator("input[name=detail]").fill("Conflict Films S.A.")
    async with page.expect_navigation():
        await on.locator("details.conflict button").click()
    assert await page.is_visible("#declared")
    assert await card(page, film).count() == 0
    assert "Conflict Films S.A." in await page.inner_text("#conflicts")

    after = await reviewers(review)
    assert "ana" not in after[film] and free in after[film]
    theirs = await browser.new_page()
    await theirs.goto(await link_of(review, free))
    assert await card(theirs, film).count() == 1
    # Staff see it, with its source; ana's score of the film is refused with its words.
    lines = await ok(review["env"], "review", "conflicts", review["session_id"])
    declared = [c for c in lines if c["source"] == "declared"]
    assert [(c["member_id"], c["submission_id"]) for c in declared] == [("ana", film)]
    assert any(c["source"] == "assignment" and c["member_id"] == "caro" for c in lines)
    said = await refused(review["env"], "review", "score", film, "ana", "5")
    assert "conflict of interest declared: works for Conflict Films S.A." in said
    await page.close()
    await theirs.close()


async def test_reminders_go_once_each_only_to_members_with_films_still_to_score(review):
    sid = review["session_id"]
    # The review's first reminder went out as it started (the deadline is nearer than the
    # programme's reminder lead): one to each member, in their language.
    for member in MEMBERS:
        words = REMINDER[LANGUAGE[member]]
        await until(lambda m=member, w=words: _async(mails_to(review, m, w)), bool, within=60)
    # Everyone but dani finishes; the deadline moves later: a second reminder, to dani only.
    films = await reviewers(review)
    async with review["db"]() as db:
        scored = set((await db.execute(select(ScoreRow.submission_id, ScoreRow.member_id))).all())
    for film, members in films.items():
        for member in members:
            if member != "dani" and (film, member) not in scored:
                await ok(review["env"], "review", "score", film, member, "5")
    await ok(review["env"], "session", "extend", sid, "review_deadline", "+150m", "--reason", "x")
    await until(
        lambda: _async(mails_to(review, "dani", REMINDER["en"])), lambda m: len(m) == 2, within=60
    )
    for member in ("ana", "beto", "caro"):
        assert len(mails_to(review, member, REMINDER[LANGUAGE[member]])) == 1
    assert len(mails_to(review, "dani", "your")) == 3  # the invitation and two reminders


async def test_after_the_review_the_page_is_read_only_and_the_ranking_has_its_scores(
    review, browser
):
    sid = review["session_id"]
    films = await reviewers(review)
    async with review["db"]() as db:
        scored = set((await db.execute(select(ScoreRow.submission_id, ScoreRow.member_id))).all())
    for film, members in films.items():
        for member in members:
            if (film, member) not in scored:
                await ok(review["env"], "review", "score", film, member, "5")
    best = sorted(f for f, m in films.items() if "ana" in m)[1]
    page = await browser.new_page()
    await page.goto(await link_of(review, "ana") + "?show=all")
    await give(page, best, 10, comment="la mejor")
    await ok(review["env"], "session", "advance", sid, "--reason", "scores are in")
    board = await ok(review["env"], "session", "status", sid)
    assert board["ranking"][0]["submission_id"] == best

    await page.reload()
    assert await page.is_visible("#closed")
    assert await page.locator("form.score").count() == 0
    assert "10" in await card(page, best).locator(".mine").inner_text()
    await page.close()
