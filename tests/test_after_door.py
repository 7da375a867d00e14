"""After the selection, on the real stack (dev server, production worker mailing a real SMTP server
on loopback, the web app under uvicorn, PostgreSQL, Debian's Chromium): six confirmed films are
matched with partners and given meetings from the command line; then producers open the agenda
link in the meeting-schedule mail the SMTP server received, and download its calendar file."""

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
from icalendar import Calendar
from sqlalchemy import select
from temporalio.common import WorkflowIDReusePolicy

from gateway.context import Context
from models.followup import Cadence, FollowUpInput
from models.orm import AuditRow
from notifications.links import Purpose, Signer
from settings import PROJECT_ROOT, Settings
from shared import Status, WorkflowType, followup_workflow_id
from temporal_client import Tracking, start_tracked
from tests.conftest import cli_year
from tests.doors import KEYS, door_stack
from tests.forms import committee, form_dict
from tests.test_cli import starter
from tests.test_cli_sessions import ok, score_all
from tests.test_operator_views import until
from web.app import create_app
from web.security import Throttle
from web.serve import serving

pytestmark = [pytest.mark.integration, pytest.mark.browser]

DOCS = PROJECT_ROOT / "docs"
LANGS = ["es", "pt", "fr", "en", "es", "pt"]
AGENDA = re.compile(r"(http://127\.0\.0\.1:\d+/agenda/[A-Za-z0-9._-]+)")
PARTNERS = (
    "id,name,kind,company,capacity,services,territories\n"
    "laserfilm,Laserfilm,post_house,Laserfilm,3,grading;dcp,\n"
    "mactari,Studio Mactari,post_house,Studio Mactari,3,sound_mix,\n"
    "ff,Film Factory,sales_agent,Film Factory,3,,ES;FR\n"
    "sur,Sur Distribution,distributor,Sur,3,,FR\n"
)


@pytest_asyncio.fixture(scope="module")
async def after(local_env, pg_url, pg_sessions, tmp_path_factory) -> AsyncIterator[dict[str, Any]]:
    """Six films confirmed, matched and scheduled; every producer mailed their meetings."""
    async with door_stack(local_env, pg_url, pg_sessions) as stack:
        folder = tmp_path_factory.mktemp("after")
        yield {
            "env": stack.env,
            "url": stack.url,
            "smtp": stack.smtp,
            **await meetings_sent(stack.env, local_env.client, folder),
        }


async def meetings_sent(env: dict[str, str], client, folder: Path) -> dict[str, Any]:
    sid = (
        await ok(
            env,
            *["session", "open", "films-in-progress", "toulouse", cli_year()],
            *["--deadline", "+1h", "--review-deadline", "+2h", "--selection-at", "+3h"],
            *["--event-start", "+4h", "--event-end", "+28h"],
        )
    )["session_id"]
    members = folder / "members.json"
    members.write_text(json.dumps(committee("ana", "beto", "caro")))
    await ok(env, "review", "members", sid, str(members))
    entries = folder / "entries.json"
    entries.write_text(
        json.dumps(
            [
                form_dict(
                    original_title=f"Obra {i}",
                    producers=[{"company": f"Casa {i}", "country": "AR", "share_pct": 100}],
                    history={"territories_unsold": ["FR", "ES"]},
                    contact={
                        "name": f"Productora {i}",
                        "email": f"a{i}@films.example",
                        "language": lang,
                    },
                )
                for i, lang in enumerate(LANGS)
            ]
        )
    )
    films = [e["submission_id"] for e in (await ok(env, "submit", sid, str(entries)))["accepted"]]
    await until(lambda: ok(env, "session", "status", sid), lambda b: b["counts"]["eligible"] == 6)
    await ok(env, "session", "advance", sid, "--reason", "call closed")
    await score_all(client, films, {f: 9 - i for i, f in enumerate(films)})
    await ok(env, "review", "score", films[0], "ana", "9")
    await ok(env, "session", "advance", sid, "--reason", "scores are in")
    await ok(env, "selection", "run", sid)
    for film in films:
        await ok(env, "producer", "confirm", film)
    partners = folder / "partners.csv"
    partners.write_text(PARTNERS)
    await ok(env, "partners", "import", str(partners), "--session", sid)

    async def matching() -> int:  # partnering opens once the sixth film confirmed
        return (await starter(env, "matching", "run", sid, "--json"))[0]

    await until(matching, lambda code: code == 0)
    await ok(env, "matching", "approve", sid, "--version", "1")
    await ok(env, "meetings", "schedule", sid)
    await ok(env, "meetings", "approve", sid)
    return {"session_id": sid, "films": films}


async def mail_link(after, number: int, kind: str, pattern: re.Pattern) -> str:
    """The link of `pattern` in the mail whose subject says `kind`, received for film `number`."""
    address = f"a{number}@films.example"

    async def found() -> list[str]:
        return [
            pattern.search(m.get_body(("plain",)).get_content()).group(1)
            for m in after["smtp"].inbox.messages
            if m["To"] and address in m["To"] and kind in m["Subject"]
        ]

    return (await until(found, bool, within=90))[0]


async def screening_told(pg_sessions, film: str) -> datetime:
    """When the session told the film it screens, from the audit trail (minutes, UTC)."""
    async with pg_sessions() as db:
        reason = await db.scalar(
            select(AuditRow.reason).where(
                AuditRow.entity_id == film, AuditRow.action == "screening"
            )
        )
    return datetime.strptime(reason, "screens on %Y-%m-%d %H:%M UTC").replace(tzinfo=UTC)


SUBJECTS = {"es": "reuniones", "pt": "reuniões", "fr": "rendez-vous", "en": "meetings"}
SCREENS = {"es": "proyección", "pt": "projeção", "fr": "projection", "en": "screening"}
HEADINGS = {
    "es": "Sus reuniones",
    "pt": "As suas reuniões",
    "fr": "Vos rendez-vous",
    "en": "Your meetings",
}


async def mail_text(after, number: int, kind: str) -> str:
    address = f"a{number}@films.example"
    for m in after["smtp"].inbox.messages:
        if m["To"] and address in m["To"] and kind in m["Subject"]:
            return m.get_body(("plain",)).get_content()
    raise AssertionError(f"no {kind!r} mail to {address}")


def pictures(tmp_path: Path) -> Path:
    """Where a page's picture goes: docs/ for the README with WIPFLOW_SCREENSHOTS=1."""
    return DOCS if os.environ.get("WIPFLOW_SCREENSHOTS") == "1" else tmp_path


async def test_the_agenda_from_the_meeting_mail_and_its_calendar_file(
    after, browser, pg_sessions, tmp_path
):
    shown = await ok(after["env"], "meetings", "show", after["session_id"])
    page = await browser.new_page()
    for number, lang in enumerate(LANGS[:4]):
        film = after["films"][number]
        link = await mail_link(after, number, SUBJECTS[lang], AGENDA)
        placed = sorted(
            (datetime.fromisoformat(m["starts_at"]), m["partner"], m["table"])
            for m in shown["meetings"]
            if m["submission_id"] == film and m["status"] == "scheduled"
        )
        assert placed
        await page.goto(link)
        assert await page.get_attribute("html", "lang") == lang
        assert HEADINGS[lang] in await page.inner_text("main")
        rows = await page.locator("#meetings tbody tr").all_inner_texts()
        assert [r.split("\t")[1:] for r in rows] == [[p, str(t)] for _, p, t in placed]
        # The calendar file, as the page's link downloads it, parsed back.
        ics = page.url.split("?")[0] + ".ics"
        assert await page.get_attribute("#ics", "href") == ics.removeprefix(after["url"])
        async with httpx.AsyncClient() as client:
            got = await client.get(ics)
            again = await client.get(ics)
        assert got.status_code == 200
        assert got.headers["content-type"] == "text/calendar; charset=utf-8"
        assert 'filename="agenda.ics"' in got.headers["content-disposition"]
        calendar = Calendar.from_ical(got.content)
        assert str(calendar["VERSION"]) == "2.0" and "wipflow" in str(calendar["PRODID"])
        events = list(calendar.walk("VEVENT"))
        assert all("UID" in e and "DTSTAMP" in e and "DTSTART" in e for e in events)
        screening, *meetings = events  # the screening first, then the meetings by time
        told = await screening_told(pg_sessions, film)
        assert screening.decoded("DTSTART").replace(second=0, microsecond=0) == told
        assert [(e.decoded("DTSTART"), str(e["LOCATION"]).rsplit(" ", 1)[1]) for e in meetings] == [
            (at, str(table)) for at, _, table in placed
        ]
        assert all(p in str(e["SUMMARY"]) for e, (_, p, _) in zip(meetings, placed, strict=True))
        # Downloaded again: the same UIDs (a calendar updates its events, adds none).
        uids = [str(e["UID"]) for e in events]
        assert [str(e["UID"]) for e in Calendar.from_ical(again.content).walk("VEVENT")] == uids
        # The event-logistics mail's link opens the same agenda, the screening as the mail says.
        await page.goto(await mail_link(after, number, SCREENS[lang], AGENDA))
        said = (await page.inner_text("#screening")).rstrip(".")
        assert said in await mail_text(after, number, SCREENS[lang])
        if lang == "fr":
            await page.goto(link)
            await page.screenshot(path=str(pictures(tmp_path) / "producer-agenda.png"))
    # A tampered link opens nothing, page or file.
    tampered = link[:-3] + ("xyz" if not link.endswith("xyz") else "abc")
    async with httpx.AsyncClient() as client:
        for suffix in ("", ".ics"):
            got = await client.get(tampered + suffix)
            assert got.status_code == 403 and "Obra" not in got.text
    await page.close()


REPORT = re.compile(r"(http://127\.0\.0\.1:\d+/report/[A-Za-z0-9._-]+)")
ASKED = {"es": "cómo avanza", "pt": "como avança", "fr": "où en est", "en": "coming along"}


async def a_report_falls_due(after, client, film: str) -> None:
    """The film's follow-up as it would stand a month after the session: its first report due
    (the dev server cannot skip a month, so its run is started again from a month ago)."""
    handle = client.get_workflow_handle(followup_workflow_id(film))
    await handle.terminate("the test moves this follow-up a month back")
    await start_tracked(
        client,
        WorkflowType.FOLLOW_UP,
        FollowUpInput(
            submission_id=film,
            session_id=after["session_id"],
            programme_id="films-in-progress",
            title=f"Obra {after['films'].index(film)}",
            cadence=Cadence(),
            started_at=datetime.now(UTC) - timedelta(days=31),
        ),
        id=followup_workflow_id(film),
        task_queue=after["env"]["TEMPORAL_TASK_QUEUE"],
        tracking=Tracking(
            programme_id="films-in-progress",
            session_id=after["session_id"],
            stage="following",
            status=Status.WAITING_PRODUCER,
            summary="follow-up",
            details="moved a month back by the test",
        ),
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )


async def reports_recorded(pg_sessions, film: str) -> list[tuple[str, str]]:
    async with pg_sessions() as db:
        rows = await db.execute(
            select(AuditRow.actor, AuditRow.reason).where(
                AuditRow.entity_id == film, AuditRow.action == "reported"
            )
        )
    return [tuple(row) for row in rows]


async def test_a_producer_reports_from_the_reminder_once_fields_refused_in_their_language(
    after, browser, pg_sessions, local_env, tmp_path
):
    env, sid = after["env"], after["session_id"]
    await ok(env, "session", "advance", sid, "--reason", "the event is over")
    await ok(env, "session", "advance", sid, "--reason", "follow-up")
    await until(lambda: ok(env, "followup", "list", sid), lambda films: len(films) == 6)
    number = 1  # Portuguese
    film = after["films"][number]
    await a_report_falls_due(after, local_env.client, film)
    link = await mail_link(after, number, ASKED["pt"], REPORT)
    page = await browser.new_page()
    # The film's page says the report is awaited, and leads to the form.
    await page.goto(link.replace("/report/", "/film/"))
    assert "Aguardamos o seu relatório" in await page.inner_text("#expected")
    await page.click("#expected a")
    assert page.url == link
    assert await page.get_attribute("html", "lang") == "pt"
    today = datetime.now(UTC).date().isoformat()
    await page.fill('[name="master.done"]', today)
    await page.fill('[name="premiere.expected"]', "2031-09-01")
    await page.fill('[name="distribution.done"]', today)
    await page.fill('[name="distribution.detail.territory"]', "Francia")
    await page.fill('[name="distribution.detail.company"]', "Sur Distribution")
    await page.click("#send")
    # Refused beside its field, in Portuguese; every value as typed, still there.
    error = await page.inner_text("#error-distribution-detail-territory")
    assert "não é um código de país" in error and "Francia" in error
    assert await page.locator(".error").count() == 1
    await page.screenshot(path=str(pictures(tmp_path) / "producer-report.png"), full_page=True)
    assert await page.input_value('[name="distribution.detail.company"]') == "Sur Distribution"
    assert await page.input_value('[name="master.done"]') == today
    assert await reports_recorded(pg_sessions, film) == []
    await page.fill('[name="distribution.detail.territory"]', "FR")
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    sent_form = {
        "csrf": await page.get_attribute("input[name=csrf]", "value"),
        "master.done": today,
        "premiere.expected": "2031-09-01",
        "distribution.done": today,
        "distribution.detail.territory": "FR",
        "distribution.detail.company": "Sur Distribution",
    }
    await page.click("#send")
    await page.wait_for_selector("#sent")
    standing = await page.inner_text("#standing-distribution")
    assert "Sur Distribution" in standing and "FR" in standing
    assert "2031" in await page.inner_text("#standing-premiere")
    # The same report sent again, as a retried request or a reload would: one report.
    async with httpx.AsyncClient(cookies=cookies) as client:
        again = await client.post(link, data=sent_form)
    assert again.status_code == 200 and 'id="sent"' in again.text
    # And from the cycle's second reminder (another link): still the one report.
    second = Signer(KEYS, "k1").sign(
        film, Purpose.REPORT, "1-again", datetime.now(UTC) + timedelta(days=7)
    )
    async with httpx.AsyncClient(cookies=cookies) as client:
        again = await client.post(f"{after['url']}/report/{second}", data=sent_form)
    assert again.status_code == 200 and 'id="sent"' in again.text
    recorded = await reports_recorded(pg_sessions, film)
    assert len(recorded) == 1 and recorded[0][0] == "producer (signed link)"
    shown = await ok(env, "followup", "show", film)
    assert shown["reports"] == 1 and shown["status"] == "completed"
    assert shown["milestones"]["distribution"]["detail"]["territory"] == "FR"
    # The page in each language; a closed follow-up refuses the report, in Portuguese.
    for lang, word in (
        ("es", "Estreno"),
        ("pt", "Estreia"),
        ("fr", "Première"),
        ("en", "Premiere"),
    ):
        await page.goto(f"{link}?lang={lang}")
        assert await page.get_attribute("html", "lang") == lang
        assert word in await page.inner_text("#standing")
    await page.goto(link)
    await page.fill('[name="subtitles.done"]', today)
    await ok(env, "followup", "close", film, "--reason", "the producer stopped answering")
    await page.click("#send")
    assert "acompanhamento do seu filme terminou" in await page.inner_text("#refused")
    assert len(await reports_recorded(pg_sessions, film)) == 1
    await page.close()


async def test_agenda_reads_are_throttled_apart_from_the_links_answers():
    """The page and its file share one budget per link, counted apart from the link's answers:
    a script trying tokens on the agenda is slowed to a 429 page, the same link's answer is not."""
    app = create_app(
        ctx=Context(Settings(link_keys=KEYS, link_key_id="k1")),
        throttle=Throttle("3/minute", "100/minute"),
    )
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        tried = "/agenda/not-a-token"
        codes = [(await client.get(tried + suffix)).status_code for suffix in ("", ".ics", "")]
        assert codes == [403, 403, 403]
        assert (await client.get(tried + ".ics")).status_code == 429
        refused = await client.get(tried, params={"lang": "es"})
        assert refused.status_code == 429 and "Demasiados intentos" in refused.text
        assert (await client.post("/answer/not-a-token", data={})).status_code == 403
