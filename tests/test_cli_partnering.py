"""Partners, matching, meetings, awards and follow-up as staff run them: real `starter.py`
processes against the dev server and PostgreSQL, from a lineup to a reopened follow-up."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from shared import COUNTRY, followup_workflow_id
from tests.conftest import cli_year, running_worker
from tests.forms import committee, form_dict
from tests.test_cli import starter
from tests.test_cli_sessions import ok, refused, score_all


async def test_partnering_and_follow_up_from_the_command_line(
    env_for, local_env, pg_sessions, tmp_path
):
    year = cli_year()
    async with running_worker(local_env.client, pg_sessions) as queue:
        env = env_for(queue)
        sid = (
            await ok(
                env,
                "session", "open", "films-in-progress", "toulouse", year,
                "--deadline", "+1h", "--review-deadline", "+2h", "--selection-at", "+3h",
                "--event-start", "+4h", "--event-end", "+28h",
            )
        )["session_id"]  # fmt: skip
        members = tmp_path / "members.json"
        members.write_text(json.dumps(committee("ana", "beto", "caro")))
        await ok(env, "review", "members", sid, str(members))
        entries = tmp_path / "entries.json"
        entries.write_text(
            json.dumps(
                [
                    form_dict(
                        original_title=f"Obra {i}",
                        producers=[{"company": f"Casa {i}", "country": "AR", "share_pct": 100}],
                        history={"territories_unsold": ["FR", "ES"]},
                    )
                    for i in range(6)
                ]
            )
        )
        films = [
            e["submission_id"] for e in (await ok(env, "submit", sid, str(entries)))["accepted"]
        ]
        for _ in range(100):
            if (await ok(env, "session", "status", sid))["counts"]["eligible"] == 6:
                break
            await asyncio.sleep(0.3)
        await ok(env, "session", "advance", sid, "--reason", "call closed")
        await score_all(local_env.client, films, {f: 9 - i for i, f in enumerate(films)})
        await ok(env, "review", "score", films[0], "ana", "9")
        await ok(env, "session", "advance", sid, "--reason", "scores are in")
        await ok(env, "selection", "run", sid)
        assert "opens once every slot is confirmed" in await refused(env, "matching", "run", sid)
        for film in films:
            await ok(env, "producer", "confirm", film)

        partners = tmp_path / "partners.csv"
        partners.write_text(
            "id,name,kind,company,capacity,services,territories\n"
            "laserfilm,Laserfilm,post_house,Laserfilm,3,grading;dcp,\n"
            "mactari,Studio Mactari,post_house,Studio Mactari,3,sound_mix,\n"
            "ff,Film Factory,sales_agent,Film Factory,3,,ES;FR\n"
            "sur,Sur Distribution,distributor,Sur,3,,FR\n"
            "casa,Casa 1 Films,distributor,Casa 1,3,,AR\n"
            "broken,Broken,sales_agent,Broken,two,,\n"
        )
        report = await ok(env, "partners", "import", str(partners), "--session", sid)
        assert len(report["imported"]) == 5
        assert [e["field"] for e in report["rejected"][0]["errors"]] == ["capacity"]
        listed = await ok(env, "partners", "list", sid)
        assert {p["id"] for p in listed} == {"laserfilm", "mactari", "ff", "sur", "casa"}

        for _ in range(100):  # the session opens partnering once the sixth film confirmed
            code, out, _ = await _try(env, "matching", "run", sid)
            if code == 0:
                break
            await asyncio.sleep(0.3)
        proposal = json.loads(out)
        assert proposal["summary"]["optimal"] and len(proposal["films"]) == 6
        for film in proposal["films"]:
            partners_of = {m["partner_id"] for m in film["match"]}
            assert partners_of & {"laserfilm", "mactari"} and partners_of & {"ff", "sur", "casa"}
            assert all(m["reasons"] for m in film["match"])
        casa_1 = next(f for f in proposal["films"] if f["title"] == "Obra 1")
        assert "casa" not in {m["partner_id"] for m in casa_1["match"]}
        assert "cannot meet" in await refused(
            env, "matching", "override", sid, casa_1["submission_id"], "casa",
            "--action", "add", "--reason", "staff insist",
        )  # fmt: skip
        code, text, _ = await _try(env, "matching", "show", sid, json_out=False)
        assert code == 0 and "Obra 1" in text and "alternate" in text

        assert "proposal is version 1, not 2" in await refused(
            env, "matching", "approve", sid, "--version", "2"
        )
        told = await ok(env, "matching", "approve", sid, "--version", "1")
        assert sorted(told["told"]) == sorted(films)
        assert "no matching proposal" in await refused(env, "matching", "approve", sid)

        plan = await ok(env, "meetings", "schedule", sid)
        placed = [m for m in plan["meetings"] if m["status"] == "scheduled"]
        assert len(placed) == sum(len(f["match"]) for f in proposal["films"])
        slots = [(m["starts_at"], m["partner_id"]) for m in placed]
        assert len(set(slots)) == len(slots)  # no partner in two meetings at once
        await ok(env, "meetings", "approve", sid)
        partner = placed[0]["partner_id"]
        moved = await ok(
            env, "meetings", "absent", sid, partner, "--from", placed[0]["starts_at"],
            "--to", "+48h", "--reason", "flight cancelled",
        )  # fmt: skip
        assert moved["version"] == plan["version"] + 1 and moved["status"] == "proposed"

        grant = await ok(
            env, "awards", "grant", sid, "ccas-residency", f"{films[0]}=50", films[1] + "=50"
        )
        assert [g["share_pct"] for g in grant] == [50, 50]
        assert "add up to 110%" in await refused(
            env,
            "awards",
            "grant",
            sid,
            "toulouse-post-production",
            f"{films[2]}=60",
            f"{films[3]}=50",
        )
        status = await ok(env, "awards", "status", sid)
        assert [g["step"] for g in status] == ["offered", "offered"]
        accepted = await ok(env, "awards", "record", grant[0]["grant_id"], "accepted")
        assert accepted["step"] == "accepted" and accepted["next_step"] == "contract_signed"
        assert "next step is contract_signed" in await refused(
            env, "awards", "record", grant[0]["grant_id"], "delivered"
        )

        # The event ends: each film is followed; a producer reports; staff close and reopen.
        await ok(env, "session", "advance", sid, "--reason", "the event is over")
        assert (await ok(env, "session", "advance", sid, "--reason", "x"))["stage"] == "follow_up"
        for _ in range(100):
            followed = await ok(env, "followup", "list", sid)
            if len(followed) == 6:
                break
            await asyncio.sleep(0.3)
        assert {f["status"] for f in followed} == {"following"}
        today = datetime.now(UTC).date().isoformat()
        assert "premiere.detail.festival: required" in await refused(
            env, "followup", "milestone", films[0], "premiere", "--done", today
        )
        state = await ok(env, "followup", "milestone", films[0], "master", "--done", today)
        assert state["status"] == "completed" and state["milestones"]["master"]["done"] == today
        closed = await ok(env, "followup", "close", films[1], "--reason", "no news")
        assert closed["status"] == "closed"
        assert "only a stalled or closed one reopens" in await refused(
            env, "followup", "reopen", films[0], "--reason", "x"
        )
        assert (await ok(env, "followup", "reopen", films[1], "--reason", "news came"))[
            "status"
        ] == "following"
        again = local_env.client.get_workflow_handle(followup_workflow_id(films[1]))
        assert (await again.describe()).typed_search_attributes.get(COUNTRY) == "AR"
        shown = await ok(env, "followup", "show", films[0])
        assert shown["milestones"]["master"]["done"] == today
        assert [a["award"] for a in shown["awards"]] == ["ccas-residency"]
        figures = await ok(env, "stats", "films-in-progress", "--session", sid)
        assert figures["films"] == 6 and figures["finished"] == 1


async def _try(env, *args, json_out: bool = True):
    return await starter(env, *args, *(["--json"] if json_out else []))
