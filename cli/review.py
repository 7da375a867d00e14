"""The selection committee from the staff's side: its members, the films each reviews, scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.common import JsonFlag, command, emit, group, out, print_rejected, staff

review_app = group("review")


@command(review_app, "members")
async def review_members(
    session_id: str,
    file: Annotated[
        Path, typer.Argument(help='JSON list: [{"id", "name", "company", "declared_conflicts"}]')
    ],
    as_json: JsonFlag = False,
) -> None:
    """Set the session's committee (while the call is open)."""
    from actions.review import set_committee
    from intake.committee import read_members

    members = read_members(file)
    async with staff() as ctx:
        done = await set_committee(ctx, session_id, members)
    emit(
        done,
        as_json,
        lambda: out.print(f"committee of {session_id}: {', '.join(done.committee)}"),
    )


@command(review_app, "assign")
async def review_assign(session_id: str, as_json: JsonFlag = False) -> None:
    """Assign the films that became eligible since the last assignment (during review)."""
    from actions.review import assign

    async with staff() as ctx:
        result = await assign(ctx, session_id)
    emit(
        result,
        as_json,
        lambda: out.print(
            f"{result.assigned} film(s) assigned; {len(result.short)} short of reviewers; "
            f"{result.conflicts_avoided} conflict(s) of interest avoided"
        ),
    )


@command(review_app, "conflicts")
async def review_conflicts(session_id: str, as_json: JsonFlag = False) -> None:
    """The members kept from films for a conflict of interest: avoided by the assignment or
    declared, with who recorded each and why."""
    from readmodels.review import conflicts

    async with staff() as ctx:
        lines = await conflicts(ctx, session_id)

    def render() -> None:
        table = Table("member", "film", "source", "why", "by", "at (UTC)")
        for c in lines:
            table.add_row(
                c.member_id,
                f"{c.title} ({c.submission_id})",
                c.source.value,
                c.why,
                c.actor,
                f"{c.at:%Y-%m-%d %H:%M}",
            )
        out.print(table if lines else "no conflict of interest recorded")

    emit(lines, as_json, render)


@command(review_app, "conflict")
async def review_conflict(
    session_id: str,
    member: Annotated[str, typer.Argument(help="The committee member's id")],
    submission_id: str,
    relation: Annotated[
        str,
        typer.Option(
            help="What ties the member to the film: works_for, credited, related or other"
        ),
    ],
    detail: Annotated[
        str | None, typer.Option(help="Whom: the company, the person, or what else")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """A member's conflict of interest with a film assigned to them (during review): the film
    goes to the least-loaded free member, or is short; the member's score of it goes."""
    from actions.review import declare_conflict

    async with staff() as ctx:
        result = await declare_conflict(ctx, session_id, member, submission_id, relation, detail)
    instead = (
        f"{result.replaced_by} reviews it instead"
        if result.replaced_by
        else "no member is free: the film is short of a reviewer"
    )
    emit(
        result,
        as_json,
        lambda: out.print(f"{member} {result.why}: {instead}", highlight=False),
    )


@command(review_app, "score")
async def review_score(
    submission_id: str,
    member: Annotated[str, typer.Argument(help="The committee member's id")],
    score: float,
    comment: str | None = None,
    as_json: JsonFlag = False,
) -> None:
    """A committee member's score for a film (scoring again replaces it)."""
    from actions.review import score as give_score

    async with staff() as ctx:
        state = await give_score(ctx, submission_id, member, score, comment)
    emit(state, as_json, lambda: out.print(f"{state.title}: scores {json.dumps(state.scores)}"))


@command(review_app, "sheet")
async def review_sheet(
    session_id: str,
    member: Annotated[str, typer.Argument(help="The committee member's id")],
    file: Annotated[
        Path, typer.Argument(help="CSV or JSON: submission_id, score, comment (title ignored)")
    ],
    as_json: JsonFlag = False,
) -> None:
    """A member's scores for many films from one file, as a committee scores a large call. Each
    row is recorded or refused on its own, with why; scoring again replaces."""
    from actions.review import score_sheet
    from intake.scores import read_score_sheet

    sheet = read_score_sheet(file)
    async with staff() as ctx:
        result = await score_sheet(ctx, session_id, member, sheet)

    def render() -> None:
        out.print(
            f"{member}: [green]{result.recorded} score(s) recorded[/green], "
            f"[red]{len(result.refused)} row(s) refused[/red]"
        )
        print_rejected(result.refused)

    emit(result, as_json, render)


@command(review_app, "missing")
async def review_missing(session_id: str, as_json: JsonFlag = False) -> None:
    """How many films each committee member has still to score."""
    from readmodels.review import missing_scores

    async with staff() as ctx:
        missing = await missing_scores(ctx, session_id)
    emit(
        missing,
        as_json,
        lambda: out.print(
            "\n".join(f"{m}: {n} film(s) to score" for m, n in missing.items())
            or "every assigned film is scored"
        ),
    )
