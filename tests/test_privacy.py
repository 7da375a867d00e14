"""`privacy erase` as staff run it: real `starter.py` processes, the dev server, the production
worker and PostgreSQL. A film of a real session is erased; `submission show`, the outbox, the
board and the stats then show its anonymous record, no personal value of it is left anywhere in
the database, and the rest of the session goes on as before."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from sqlalchemy import text
from temporalio.client import Client

from codec.converter import data_converter
from models.orm import Base, SubmissionRow
from models.privacy import ERASED
from settings import Settings
from tests.conftest import cli_year, running_worker
from tests.forms import form_dict
from tests.test_cli import starter
from tests.test_cli_sessions import ok, refused


def personal(i: int, tag: str) -> dict[str, str]:
    """Values found nowhere else in the database: one film's people, contacts and screener."""
    return {
        "email": f"maria.{tag}.{i}@casa.example",
        "phone": f"+54 11 4{tag[:3]} {i:04d}",
        "password": f"screener-{tag}-{i}",
        "director": f"Directora {tag} {i}",
        "company": f"Casa {tag} {i}",
        "contact": f"María Contacto {tag} {i}",
        "bio": f"Born in Rosario ({tag} {i})",
    }


def entry(i: int, tag: str) -> dict:
    p = personal(i, tag)
    return form_dict(
        original_title=f"Película {tag} {i}",
        screener={"url": f"https://vimeo.com/{i}{tag}", "password": p["password"]},
        directors=[{"name": p["director"], "nationality": "AR", "bio": p["bio"]}],
        producers=[{"company": p["company"], "country": "AR", "share_pct": 100}],
        contact={"name": p["contact"], "email": p["email"], "phone": p["phone"], "language": "es"},
    )


async def database_text(pg_sessions) -> str:
    """Every row of every table, as text: where a value left anywhere would be found."""
    rows = []
    async with pg_sessions() as db:
        for name in Base.metadata.tables:
            query = text(f'SELECT row_to_json(t)::text FROM "{name}" t')
            rows += (await db.scalars(query)).all()
    return "\n".join(rows)


async def session_with_films(
    env: dict[str, str], year: str, tag: str, n: int, folder
) -> tuple[str, list[str]]:
    """A session opened from the command line and `n` films entered in it (`entry`): its id,
    their ids."""
    sid = (await ok(env, "session", "open", "films-in-progress", "toulouse", year))["session_id"]
    entries = folder / "entries.json"
    entries.write_text(json.dumps([entry(i, tag) for i in range(n)], ensure_ascii=False))
    accepted = (await ok(env, "submit", sid, str(entries)))["accepted"]
    return sid, [e["submission_id"] for e in accepted]


async def status_of(pg_sessions, submission_id: str) -> str:
    async with pg_sessions() as db:
        return (await db.get(SubmissionRow, submission_id)).status


async def test_erase_a_film_and_the_session_goes_on(env_for, local_env, pg_sessions, tmp_path):
    year, tag = cli_year(), uuid.uuid4().hex[:6]
    async with running_worker(local_env.client, pg_sessions) as queue:
        env = env_for(queue)
        sid, films = await session_with_films(env, year, tag, 3, tmp_path)
        for _ in range(100):
            board = await ok(env, "session", "status", sid)
            if board["counts"]["eligible"] == 3 and not (
                await ok(env, "notifications", "outbox", sid, "--status", "pending")
            ):
                break
            await asyncio.sleep(0.3)
        film, other = films[0], films[1]
        mine, theirs = personal(0, tag), personal(1, tag)
        before = await database_text(pg_sessions)
        assert all(value in before for value in mine.values())

        # Its session still counts on it: refused, naming the stage and what to do.
        err = await refused(env, "privacy", "erase", film, "--reason", "the producer asked")
        assert f"{film} is eligible" in err and "withdraw it first" in err

        await ok(
            env, "submission", "withdraw", film, "--reason", f"{mine['contact']} asked to leave"
        )
        for _ in range(50):
            if await status_of(pg_sessions, film) == "withdrawn":
                break
            await asyncio.sleep(0.2)

        erased = await ok(env, "privacy", "erase", film, "--reason", "the producer asked (art. 17)")
        assert erased["already"] is False and erased["submission_id"] == film
        code, out, err = await starter(env, "privacy", "erase", film, "--reason", "again")
        assert code == 0, err
        assert f"already erased on {erased['erased_at'][:10]}" in out and "nothing changed" in out
        again = await ok(env, "privacy", "erase", film, "--reason", "again")
        assert again["already"] is True and again["erased_at"] == erased["erased_at"]
        assert again["reason"] == "the producer asked (art. 17)"

        # No personal value of the film is left anywhere in the database; the other film's are.
        after = await database_text(pg_sessions)
        assert [v for v in mine.values() if v in after] == []
        assert all(value in after for value in theirs.values())

        # `submission show`: the anonymous record, when it was erased, no personal field.
        shown = await ok(env, "submission", "show", film)
        assert shown["erased_at"] == erased["erased_at"] and shown["stage"] == "withdrawn"
        assert shown["title"] == f"Película {tag} 0" and shown["check_no"] == 1
        assert {r["rule_id"] for r in shown["results"]} >= {"genre", "latam_share", "screener"}
        assert not [v for v in mine.values() if v in json.dumps(shown, ensure_ascii=False)]
        assert any(
            m["what"] == "erased" or "erased" in (m["detail"] or "") for m in shown["timeline"]
        )
        code, out, _ = await starter(env, "submission", "show", film)
        assert code == 0 and f"personal data erased on {erased['erased_at'][:10]}" in out
        assert not [v for v in mine.values() if v in out]

        # The outbox lists its messages, without their address or subject.
        lines = [
            m for m in await ok(env, "notifications", "outbox", sid) if m["submission_id"] == film
        ]
        assert lines and all(m["recipient"] == ERASED == m["subject"] for m in lines)
        assert {m["stage"] for m in lines} >= {"submission_received"}

        # The audit trail says who erased, when and why, never what.
        async with pg_sessions() as db:
            audit = (
                await db.execute(
                    text(
                        "SELECT actor, reason, from_state FROM audit_log "
                        "WHERE entity_id = :id AND action = 'erased'"
                    ),
                    {"id": film},
                )
            ).all()
        assert len(audit) == 1 and audit[0].reason == "the producer asked (art. 17)"
        assert audit[0].from_state == "withdrawn" and "(staff)" in audit[0].actor
        # ... and the session's audit chain still holds: the rows that named the film's people
        # (its submission by the contact's address, the withdrawal "María asked to leave") were
        # redacted, and the erasure's row lists them.
        chain = await ok(env, "audit", "verify", sid)
        assert chain["broken"] is None and chain["redacted"] >= 2

        # The rest of the session still works: the board counts it, the other films are whole.
        board = await ok(env, "session", "status", sid)
        assert board["counts"]["withdrawn"] == 1 and board["counts"]["eligible"] == 2
        whole = await ok(env, "submission", "show", other)
        assert whole["erased_at"] is None and whole["stage"] == "eligible"
        await ok(env, "submission", "withdraw", films[2], "--reason", "changed plans")
        stats = await ok(env, "stats", "films-in-progress", "--session", f"toulouse-{year}")
        assert not [v for v in mine.values() if v in json.dumps(stats, ensure_ascii=False)]

        # A film that is not there is one line, as every refusal.
        assert "no submission" in await refused(
            env, "privacy", "erase", f"{sid}/nope", "--reason", "x"
        )


async def test_a_closed_sessions_key_forgotten_leaves_its_histories_unreadable(
    env_for, local_env, pg_sessions, tmp_path
):
    """`privacy forget-key`: refused while the session or any of its workflows runs; once it
    is closed, its payloads in Temporal no longer open (the codec says why), a second time
    changes nothing, and its board, films and figures read as before."""
    year, tag = cli_year(), uuid.uuid4().hex[:6]
    async with running_worker(local_env.client, pg_sessions) as queue:
        env = env_for(queue)
        sid, films = await session_with_films(env, year, tag, 2, tmp_path)
        err = await refused(env, "privacy", "forget-key", sid, "--reason", "too soon")
        assert f"session {sid} is at call_open" in err and "once the session is closed" in err
        for film in films:
            await ok(env, "submission", "withdraw", film, "--reason", "changed plans")
        for _ in range(6):  # review, selection, confirmation, event, follow-up, closed
            await ok(env, "session", "advance", sid, "--reason", "to its end")
        assert (await ok(env, "session", "status", sid))["stage"] == "closed"
        for _ in range(100):  # the last workflows (the films', the partnering) end
            running = await local_env.client.count_workflows(
                f'WipSession="{sid}" AND ExecutionStatus="Running"'
            )
            if not running.count:
                break
            await asyncio.sleep(0.3)
        handle = local_env.client.get_workflow_handle(f"submission/{films[0]}")
        assert (await handle.query("state"))["stage"] == "withdrawn"

        forgotten = await ok(env, "privacy", "forget-key", sid, "--reason", "retention: 2 years")
        assert forgotten["keys"] == 1 and forgotten["session_id"] == sid
        again = await ok(env, "privacy", "forget-key", sid, "--reason", "again")
        assert again["keys"] == 0 and again["at"] == forgotten["at"]

        # A fresh process (the codec holds an opened key for a minute) cannot read its history.
        cold = await Client.connect(
            local_env.client.service_client.config.target_host,
            data_converter=data_converter(Settings(), pg_sessions),
        )
        with pytest.raises(Exception, match=f"session {sid} was forgotten on"):
            await cold.get_workflow_handle(f"submission/{films[0]}").result()

        # Everything the database holds of the session still reads.
        shown = await ok(env, "submission", "show", films[0])
        assert shown["stage"] == "withdrawn" and shown["title"] == f"Película {tag} 0"
        assert (await ok(env, "session", "status", sid))["counts"]["withdrawn"] == 2
        await ok(env, "stats", "films-in-progress", "--session", f"toulouse-{year}")
        async with pg_sessions() as db:
            audit = (
                await db.execute(
                    text(
                        "SELECT reason FROM audit_log "
                        "WHERE entity_id = :id AND action = 'session_key_forgotten'"
                    ),
                    {"id": sid},
                )
            ).all()
        assert [a.reason for a in audit] == ["retention: 2 years"]
