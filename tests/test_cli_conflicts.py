"""Conflicts of interest from the command line: real `starter.py` processes against the dev server
and PostgreSQL. Staff declare a member's conflict for them and read every conflict, those the
assignment avoided beside those declared."""

from __future__ import annotations

import json

from tests.conftest import cli_year, running_worker
from tests.forms import committee
from tests.test_cli import starter
from tests.test_cli_sessions import enter_films, ok, refused


async def test_staff_declare_a_conflict_and_read_them_all(
    env_for, local_env, pg_sessions, tmp_path
):
    year = cli_year()
    async with running_worker(local_env.client, pg_sessions) as queue:
        env = env_for(queue)
        calendar = ("--deadline", "+1h", "--review-deadline", "+2h", "--selection-at", "+3h")
        events = ("--event-start", "+4h", "--event-end", "+5h")
        opened = await ok(
            env, "session", "open", "films-in-progress", "toulouse", year, *calendar, *events
        )
        sid = opened["session_id"]
        members = tmp_path / "members.json"
        members.write_text(
            json.dumps(
                [
                    {**m, "company": "Casa 1"} if m["id"] == "beto" else m
                    for m in committee("ana", "beto", "caro", "dani", "eva")
                ]
            )
        )
        await ok(env, "review", "members", sid, str(members))
        films, _ = await enter_films(env, sid, tmp_path, 3)
        assert "conflicts are declared during review" in await refused(
            env, "review", "conflict", sid, "ana", films[0], "--relation", "other"
        )
        await ok(env, "session", "advance", sid, "--reason", "the call closed early")

        reviewers = (await ok(env, "submission", "show", films[0]))["reviewers"]
        member = reviewers[0]
        declared = await ok(
            env,
            "review",
            "conflict",
            sid,
            member,
            films[0],
            "--relation",
            "works_for",
            "--detail",
            "Conflict Films S.A.",
        )
        assert declared["why"] == "works for Conflict Films S.A."
        assert declared["replaced_by"] not in [*reviewers, None]
        assert "relation" in await refused(
            env, "review", "conflict", sid, member, films[0], "--relation", "cousin"
        )

        lines = await ok(env, "review", "conflicts", sid)
        kinds = {(c["member_id"], c["submission_id"]): c for c in lines}
        assert kinds[(member, films[0])]["source"] == "declared"
        assert kinds[(member, films[0])]["actor"].endswith("(staff)")
        assert kinds[("beto", films[1])]["source"] == "assignment"
        assert kinds[("beto", films[1])]["title"] == "Film 1"
        code, table, err = await starter(env, "review", "conflicts", sid)
        assert code == 0, err
        assert "declared" in table and "assignment" in table and member in table
