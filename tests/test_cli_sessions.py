"""The session commands as staff and producers run them: real `starter.py` processes against the
dev server and PostgreSQL, from opening a session to answering its offers."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from temporalio.client import Client

from models.session import ScoreInput
from shared import submission_workflow_id
from tests.conftest import cli_year, running_worker
from tests.forms import committee, form_dict
from tests.test_cli import starter
from workflows.submission import SubmissionWorkflow


async def ok(env: dict[str, str], *args: str):
    code, out, err = await starter(env, *args, "--json")
    assert code == 0, err
    return json.loads(out)


async def enter_films(
    env: dict[str, str], sid: str, folder: Path, n: int
) -> tuple[list[str], dict]:
    """`n` eligible films entered from a file, each from a company of its own; their ids, and the
    session's board once every one is judged eligible (or after 30 s)."""
    entries = folder / "entries.json"
    entries.write_text(
        json.dumps(
            [
                form_dict(
                    original_title=f"Film {i}",
                    producers=[{"company": f"Casa {i}", "country": "AR", "share_pct": 100}],
                )
                for i in range(n)
            ]
        )
    )
    films = [e["submission_id"] for e in (await ok(env, "submit", sid, str(entries)))["accepted"]]
    for _ in range(100):
        status = await ok(env, "session", "status", sid)
        if status["counts"]["eligible"] == n:
            break
        await asyncio.sleep(0.3)
    return films, status


async def refused(env: dict[str, str], *args: str) -> str:
    code, _, err = await starter(env, *args)
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    return err


async def score_all(
    client: Client, films: list[str], quality: dict[str, float], by_sheet: str | None = None
) -> list[str]:
    """Every score but one (films[0]'s first, for the CLI) and those of `by_sheet`, whose films
    it returns for the member's sheet."""
    on_sheet = []
    for sid in films:
        handle = client.get_workflow_handle_for(SubmissionWorkflow.run, submission_workflow_id(sid))
        state = await handle.query(SubmissionWorkflow.state)
        for member in state.reviewers:
            if (sid, member) == (films[0], state.reviewers[0]):
                continue
            if member == by_sheet:
                on_sheet.append(sid)
                continue
            await handle.execute_update(
                SubmissionWorkflow.score, ScoreInput(member_id=member, score=quality[sid])
            )
    return on_sheet


async def test_a_session_from_the_command_line(env_for, local_env, pg_sessions, tmp_path):
    year = cli_year()
    async with running_worker(local_env.client, pg_sessions) as queue:
        env = env_for(queue)
        opened = await ok(
            env,
            "session",
            "open",
            "films-in-progress",
            "toulouse",
            year,
            "--deadline",
            "+1h",
            "--review-deadline",
            "+2h",
            "--selection-at",
            "+3h",
            "--event-start",
            "+4h",
            "--event-end",
            "+5h",
            "--confirm-window",
            "1h",
        )
        sid = opened["session_id"]
        assert opened["confirm_window_seconds"] == 3600

        members = tmp_path / "members.json"
        members.write_text(
            json.dumps(
                [
                    {**m, "company": "Casa 1"} if m["id"] == "beto" else m
                    for m in committee("ana", "beto", "caro", "dani")
                ]
            )
        )
        assert (await ok(env, "review", "members", sid, str(members)))["committee"] == [
            "ana",
            "beto",
            "caro",
            "dani",
        ]

        films, status = await enter_films(env, sid, tmp_path, 9)
        assert status["stage"] == "call_open" and status["counts"]["submitted"] == 9

        assert "only move to the next stage" not in await refused(
            env, "session", "extend", sid, "deadline", "+6h", "--reason", "x"
        )
        status = await ok(env, "session", "advance", sid, "--reason", "the call closed early")
        assert status["stage"] == "review"

        quality = {sid_: 9 - i * 0.5 for i, sid_ in enumerate(films)}
        first = await ok(env, "submission", "show", films[0])
        assert len(first["reviewers"]) == 3
        second = await ok(env, "submission", "show", films[1])  # produced by Beto's company
        assert "beto" not in second["reviewers"] and len(second["reviewers"]) == 3
        # One member scores from a spreadsheet: her films, one not hers, one of hers twice and a
        # score that is not a number; each bad row is refused on its own, the rest recorded.
        member = next(m for m in ("ana", "caro", "dani") if m != first["reviewers"][0])
        hers = await score_all(local_env.client, films, quality, by_sheet=member)
        not_hers = next(f for f in films if f not in hers)
        sheet = tmp_path / "sheet.csv"
        sheet.write_text(
            "submission_id,title,score,comment\n"
            + "".join(f"{f},Film,{quality[f]},\n" for f in hers)
            + f"{not_hers},Film,5,\n{hers[0]},Film,7,again\n{hers[0]},Film,ten,\n"
        )
        answer = await ok(env, "review", "sheet", sid, member, str(sheet))
        rows = len(hers)
        assert answer["recorded"] == rows
        assert [(r["row"], r["errors"][0]["field"]) for r in answer["refused"]] == [
            (rows + 1, "submission_id"),
            (rows + 2, "submission_id"),  # hers[0] twice on the sheet: only its first row counts
            (rows + 3, "score"),
        ]
        assert "not assigned to " + member in answer["refused"][0]["errors"][0]["message"]
        assert "twice" in answer["refused"][1]["errors"][0]["message"]
        assert "valid number" in answer["refused"][2]["errors"][0]["message"]
        outside = await refused(env, "review", "sheet", sid, "zoe", str(sheet))
        assert "not on the committee" in outside
        missing = await ok(env, "review", "missing", sid)
        assert missing == {first["reviewers"][0]: 1}
        scored = await ok(
            env, "review", "score", films[0], first["reviewers"][0], str(quality[films[0]])
        )
        assert len(scored["scores"]) == 3
        outsider = next(m for m in ("ana", "beto", "caro", "dani") if m not in first["reviewers"])
        assert "not assigned" in await refused(env, "review", "score", films[0], outsider, "5")
        assert await ok(env, "review", "missing", sid) == {}

        status = await ok(env, "session", "advance", sid, "--reason", "scores are in")
        assert status["stage"] == "selection"
        await ok(env, "selection", "pin", sid, films[8], "--reason", "the jury's discovery")
        ranking = (await ok(env, "selection", "status", sid))["ranking"]
        assert [r["submission_id"] for r in ranking][:2] == [films[8], films[0]]

        board = await ok(env, "selection", "run", sid)
        assert board["stage"] == "confirmation"
        assert {
            "session_id",
            "programme",
            "stage",
            "slots",
            "counts",
            "offers",
            "waitlist",
            "declined",
            "not_selected",
        } <= set(board)
        assert set(board["counts"]) >= {
            "submitted",
            "eligible",
            "ineligible",
            "needs_fix",
            "withdrawn",
        }
        offers = [o["submission_id"] for o in board["offers"]]
        assert offers == [films[8], *films[:5]]
        assert board["offers"][0]["status"] == "offered" and board["offers"][0]["title"]
        assert board["waitlist"] == films[5:8]
        assert board["not_selected"] == 0

        await ok(env, "--as", "Marta Ruiz", "producer", "confirm", offers[0])
        board = await ok(env, "producer", "decline", offers[1], "--reason", "other plans")
        assert board["declined"] == [
            {"submission_id": offers[1], "title": "Film 0", "why": "declined"}
        ]
        assert board["offers"][-1]["submission_id"] == films[5]
        assert "already confirmed" in await refused(env, "producer", "confirm", offers[0])

        await ok(env, "producer", "withdraw", offers[0], "--reason", "the director fell ill")
        for _ in range(100):
            board = await ok(env, "session", "status", sid)
            if any(d["why"] == "withdrawn" for d in board["declined"]):
                break
            await asyncio.sleep(0.2)
        assert board["offers"][-1]["submission_id"] == films[6]  # the next waitlisted film
        # Who did what: the staff member who typed each answer, for the producer.
        actors = {m["actor"] for m in (await ok(env, "submission", "show", offers[0]))["timeline"]}
        assert "Marta Ruiz (staff), for the producer" in actors
        assert any(
            a and a.endswith("(staff), for the producer") and "Marta" not in a for a in actors
        )
        assert "review_deadline has passed" in await refused(
            env, "session", "extend", sid, "review_deadline", "+9h", "--reason", "x"
        )
