"""The award's door, on the real stack: the dev server, the production worker mailing a real SMTP
server on loopback, the web app under uvicorn, PostgreSQL and Debian's Chromium. One film holds
four awards; each award's mail carries a link bound to its own share. The grants are written and
their award workflows started as `grant_award` does (activities/award_grants.py), without the
session's partnering before them: what is proved here is what follows a grant."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select
from temporalio.api.enums.v1 import EventType

from actions.answers import PRODUCER_BY_LINK
from bench.drill_stack import SmtpServer
from gateway.context import Context
from models.choices import AwardStep
from models.orm import AuditRow, AwardGrantRow
from models.partnering import AwardInput
from notifications.links import Purpose, Signer
from settings import Settings
from shared import award_workflow_id
from store import repository
from tests.conftest import new_session, running_worker
from tests.test_operator_views import until
from tests.test_producer_door import KEYS
from tests.test_store import submission_row
from web.app import create_app
from web.security import CSRF_COOKIE
from web.serve import free_port, serving
from workflows.award import AwardWorkflow

pytestmark = [pytest.mark.integration, pytest.mark.browser]

HOUR = timedelta(hours=1)
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/award/[A-Za-z0-9._-]+)")
AWARDS = ("film-factory", "ccas-residency", "toulouse-post-production", "ibermedia-tv-fiction")


@pytest_asyncio.fixture(scope="module")
async def door(local_env, pg_url, pg_sessions, programmes) -> AsyncIterator[dict[str, Any]]:
    """One Spanish-speaking producer's film, granted four awards, its producer mailed each."""
    smtp = SmtpServer()
    smtp.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    mail = {"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_starttls": False}
    links = {"public_url": url, "link_keys": KEYS, "link_key_id": "k1"}
    programme = programmes["films-in-progress"]
    session = await new_session(pg_sessions, programme)
    film = submission_row(
        session, "la-sirga", contact_email="oscar@films.example", contact_language="es"
    )
    async with pg_sessions.begin() as db:
        await repository.insert_submission(db, film)
    try:
        async with running_worker(local_env.client, pg_sessions, **mail, **links) as queue:
            settings = Settings(temporal_task_queue=queue, database_url=pg_url, **links)
            ctx = Context(settings, database=pg_sessions, client=local_env.client)
            grants = {}
            for award in (a for a in programme.awards if a.id in AWARDS):
                grant_id = f"{session.id}/{award.id}/la-sirga"
                grants[award.id] = grant_id
                await grant(pg_sessions, local_env.client, queue, film, award, grant_id)
            async with serving(create_app(ctx=ctx), port=port):
                yield {"url": url, "smtp": smtp, "grants": grants, "client": local_env.client}
    finally:
        smtp.stop()


async def grant(database, client, queue: str, film: dict, award, grant_id: str) -> None:
    """What `grant_award` does for one share: its row, then its workflow."""
    value = award.value
    async with database.begin() as db:
        db.add(
            AwardGrantRow(
                id=grant_id,
                session_id=film["session_id"],
                award_id=award.id,
                submission_id=film["id"],
                share_pct=100,
                value=value,
                currency=award.currency,
                step=AwardStep.OFFERED.value,
                due_at=None,
                overdue=False,
                workflow_id=award_workflow_id(grant_id),
                granted_at=datetime.now(UTC),
                actor="jury",
                reason="the jury's choice",
            )
        )
    await client.start_workflow(
        AwardWorkflow.run,
        AwardInput(
            grant_id=grant_id,
            session_id=film["session_id"],
            programme_id=film["programme_id"],
            submission_id=film["id"],
            award=award,
            share_pct=100,
            value=value,
            currency=award.currency,
            granted_at=datetime.now(UTC),
        ),
        id=award_workflow_id(grant_id),
        task_queue=queue,
    )


async def link_in_mail(door, award_name: str) -> str:
    """The link in the mail the SMTP server received for the award named `award_name`."""

    async def mails() -> list[str]:
        return [
            m.get_body(("plain",)).get_content()
            for m in door["smtp"].inbox.messages
            if award_name in m["Subject"]
        ]

    found = await until(mails, lambda texts: any(LINK.search(t) for t in texts), within=90)
    return next(LINK.search(t).group(1) for t in found if LINK.search(t))


def handle(door, award: str):
    return door["client"].get_workflow_handle_for(
        AwardWorkflow.run, award_workflow_id(door["grants"][award])
    )


async def updates_accepted(door, award: str) -> int:
    history = await handle(door, award).fetch_history()
    kind = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    return sum(1 for e in history.events if e.event_type == kind)


async def test_the_producer_accepts_from_the_mail_once(door, browser, pg_sessions, programmes):
    award = next(a for a in programmes["films-in-progress"].awards if a.id == "film-factory")
    link = await link_in_mail(door, award.name)
    page = await browser.new_page()
    await page.goto(link)
    assert await page.get_attribute("html", "lang") == "es"
    text = await page.inner_text("main")
    assert award.name in text and award.partner in text
    assert "40.000,00" in await page.inner_text("#value") and award.value == Decimal("40000")
    posts: list = []
    page.on("response", lambda r: posts.append(r) if r.request.method == "POST" else None)
    await page.dblclick("#accept")
    answer = await (await page.wait_for_selector("#answer")).inner_text()
    assert "Ha aceptado el premio" in answer
    # Each post of the double click was the same update: none refused (another update id would
    # be refused by the workflow's validator: the next step is then contract_signed, 409).
    assert posts and all(r.status == 200 for r in posts), [r.status for r in posts]
    state = await handle(door, "film-factory").query(AwardWorkflow.state)
    assert state.step is AwardStep.ACCEPTED and state.next_step is AwardStep.CONTRACT_SIGNED
    assert await updates_accepted(door, "film-factory") == 1
    grant_id = door["grants"]["film-factory"]

    async def actors() -> list[str]:
        async with pg_sessions() as db:
            rows = await db.scalars(
                select(AuditRow.actor).where(AuditRow.idempotency_key == f"{grant_id}:accepted")
            )
            return list(rows)

    assert await until(actors, bool) == [PRODUCER_BY_LINK]
    # A second visit shows the answer given, and no form.
    await page.goto(link)
    assert await page.locator("#answer").count() == 1 and await page.locator("#accept").count() == 0
    await page.close()


async def test_the_other_award_is_declined_with_a_reason_in_spanish(
    door, browser, pg_sessions, programmes
):
    award = next(a for a in programmes["films-in-progress"].awards if a.id == "ccas-residency")
    link = await link_in_mail(door, award.name)
    page = await browser.new_page()
    await page.goto(link)
    await page.fill("#reason", "Ya tenemos una residencia en otro país, ¡gracias!")
    await page.click("#decline")
    answer = await (await page.wait_for_selector("#answer")).inner_text()
    assert "Ha rechazado el premio" in answer
    state = await handle(door, "ccas-residency").query(AwardWorkflow.state)
    assert state.declined == "Ya tenemos una residencia en otro país, ¡gracias!"
    assert state.next_step is None
    # The first award stands: each link answers its own share.
    other = await handle(door, "film-factory").query(AwardWorkflow.state)
    assert other.declined is None
    # Accepting the declined share afterwards shows the answer given, and changes nothing.
    grant_id = door["grants"]["ccas-residency"]

    async def step() -> str:
        async with pg_sessions() as db:
            return (await db.get(AwardGrantRow, grant_id)).step

    await until(step, lambda s: s == "declined")
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    async with httpx.AsyncClient(cookies=cookies) as client:
        again = await client.post(link, data={"answer": "accept", "csrf": cookies[CSRF_COOKIE]})
    assert again.status_code == 200 and "Ha rechazado el premio" in again.text
    assert 'id="accept"' not in again.text
    assert (await handle(door, "ccas-residency").query(AwardWorkflow.state)).declined
    assert await updates_accepted(door, "ccas-residency") == 1
    await page.close()


# The accept button and the share's value as each language writes them (USD 25,000).
SAID = {
    "es": ("Aceptar el premio", "25.000,00\xa0US$"),
    "pt": ("Aceitar o prêmio", "US$\xa025.000,00"),
    "fr": ("Accepter le prix", "25\u202f000,00\xa0$US"),
    "en": ("Accept the award", "$25,000.00"),
}


@pytest.mark.parametrize("lang", list(SAID))
async def test_the_award_page_in_each_language(door, browser, programmes, lang):
    award = next(
        a for a in programmes["films-in-progress"].awards if a.id == "ibermedia-tv-fiction"
    )
    link = await link_in_mail(door, award.name)
    page = await browser.new_page()
    await page.goto(f"{link}?lang={lang}")
    assert await page.get_attribute("html", "lang") == lang
    button, value = SAID[lang]
    assert (await page.inner_text("#accept")).strip() == button
    assert value in await page.inner_text("#value")
    assert award.partner in await page.inner_text("main")
    await page.close()


async def test_a_tampered_award_link_gets_its_page(door, browser, programmes):
    award = next(a for a in programmes["films-in-progress"].awards if a.id == "film-factory")
    link = await link_in_mail(door, award.name)
    page = await browser.new_page()
    tampered = link[:-3] + ("xyz" if not link.endswith("xyz") else "abc")
    response = await page.goto(tampered + "?lang=es")
    assert response.status == 403
    assert "Utilice el enlace del mensaje" in await page.inner_text("main")
    # The offer's door does not open an award's link, nor the award's door an offer's.
    response = await page.goto(link.replace("/award/", "/answer/"))
    assert response.status == 403
    async with httpx.AsyncClient() as client:
        assert (await client.get(link)).status_code == 200
    await page.close()


async def test_answers_sent_at_once_are_one_update(door, browser, programmes):
    """Six posts of the same answer in flight together (a retried request, a reload, a browser
    sending again): one update, each post answered with the page of the accepted award."""
    award = next(
        a for a in programmes["films-in-progress"].awards if a.id == "toulouse-post-production"
    )
    link = await link_in_mail(door, award.name)
    page = await browser.new_page()
    await page.goto(link)
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    csrf = await page.get_attribute("input[name=csrf]", "value")
    async with httpx.AsyncClient(cookies=cookies, timeout=30) as client:
        posts = await asyncio.gather(
            *(client.post(link, data={"answer": "accept", "csrf": csrf}) for _ in range(6))
        )
    assert [p.status_code for p in posts] == [200] * 6
    assert all('id="answer"' in p.text and 'id="refused"' not in p.text for p in posts)
    assert await updates_accepted(door, "toulouse-post-production") == 1
    await page.close()


async def test_a_late_link_and_a_share_the_film_does_not_hold(door, browser):
    """Past its deadline, within the grace, the award's page shows and takes no answer; a link
    signed for an award the film was not granted opens nothing."""
    signer = Signer(KEYS, "k1")
    film = door["grants"]["film-factory"].replace("/film-factory/", "/")
    late = signer.sign(film, Purpose.AWARD, "ibermedia-tv-fiction", datetime.now(UTC) - HOUR)
    page = await browser.new_page()
    response = await page.goto(f"{door['url']}/award/{late}")
    assert response.status == 200 and await page.locator("#accept").count() == 0
    assert "ha vencido" in await page.inner_text("#refused")
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    async with httpx.AsyncClient(cookies=cookies) as client:
        sent = await client.post(
            f"{door['url']}/award/{late}", data={"answer": "accept", "csrf": cookies[CSRF_COOKIE]}
        )
    assert sent.status_code == 409 and "El plazo para responder ha vencido" in sent.text
    state = await handle(door, "ibermedia-tv-fiction").query(AwardWorkflow.state)
    assert state.step is AwardStep.OFFERED
    foreign = signer.sign(film, Purpose.AWARD, "no-such-award", datetime.now(UTC) + HOUR)
    response = await page.goto(f"{door['url']}/award/{foreign}")
    assert response.status == 403
    await page.close()
