"""A French producer's needs-fix and ineligible messages, as an SMTP server on loopback receives
them, give the eligibility reasons in French: the workflow sends the failing rules' results, the
notify activity says them in the recipient's language (time-skipping server, production worker,
PostgreSQL, aiosmtpd)."""

from __future__ import annotations

from models.messages import FilmStage
from tests.conftest import new_session, running_worker
from tests.forms import make_form
from tests.test_outbox import Inbox, free_port, smtp_server
from tests.test_submission_workflow import start


async def test_a_french_producer_reads_the_reasons_in_french(ts_env, pg_sessions, programmes):
    session = await new_session(pg_sessions, programmes["films-in-progress"])
    form = make_form(
        original_title="Les Heures creuses",
        cut_runtime_min=40,
        contact={"name": "Claire Martin", "email": "claire@example.org", "language": "fr"},
    )
    inbox, port = Inbox(), free_port()
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
    with smtp_server(inbox, port):
        async with running_worker(ts_env.client, pg_sessions, **smtp) as queue:
            final = await (await start(ts_env.client, queue, session, form)).result()
    assert final.stage is FilmStage.INELIGIBLE
    by_subject = {m["Subject"]: m.get_body(("plain",)).get_content() for m in inbox.messages}
    [fix] = [text for subject, text in by_subject.items() if "correction" in subject]
    assert "La version envoyée dure 40 minutes ; envoyez une version d’au moins 60 minutes." in fix
    assert "The cut you sent" not in fix
    [ineligible] = [
        text for subject, text in by_subject.items() if "ne peut pas participer" in subject
    ]
    assert "Non corrigé avant le " in ineligible
    assert "La version envoyée dure 40 minutes" in ineligible
    assert {m["To"] for m in inbox.messages} == {"Claire Martin <claire@example.org>"}
    assert len(inbox.messages) == 3  # received, needs a fix, not eligible
