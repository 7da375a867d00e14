"""The audit trail's chain, checked: does a session's trail still hold as it was written?

    audit verify films-in-progress/toulouse-2027   "N rows, chain intact", or the first row
                                                   that breaks it (exit code 1)
    audit head films-in-progress/toulouse-2027     the last row's number and hash, to keep
                                                   elsewhere
    audit verify SESSION --kept 214:3f9a...        and the kept head is still in the chain
    audit verify staff                             the staff accounts' chain

Only the database is read (no Temporal server is needed).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import CliError, JsonFlag, command, emit, group, out, staff

if TYPE_CHECKING:
    from models.audit_chain import ChainReport

audit_app = group("audit")


def said(report: ChainReport) -> str:
    broken = report.broken
    if broken is None:
        redacted = f" ({report.redacted} redacted by erasures)" if report.redacted else ""
        return f"{report.chain}: {report.rows} rows, chain intact{redacted}"
    return (
        f"{report.chain}: chain broken at row {broken.seq} (id {broken.id}, "
        f"{broken.entity_id}, {broken.action}): {broken.kind}: {broken.detail}"
    )


def parse_kept(text: str) -> tuple[int, str]:
    """`SEQ:HASH`, as `audit head` prints them after the chain's name."""
    seq, _, digest = text.strip().partition(":")
    if not seq.isdigit() or int(seq) < 1 or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise CliError(f"--kept {text!r}: expected SEQ:HASH, a row number and 64 hex digits")
    return int(seq), digest


@command(audit_app, "verify")
async def audit_verify(
    session_id: str,
    kept: Annotated[
        str | None,
        typer.Option(help="A head printed earlier by `audit head`, as SEQ:HASH: still there?"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Walk a session's audit chain (or `staff`) and name the first row that does not hold."""
    from readmodels.audit import audit_chain

    head = parse_kept(kept) if kept is not None else None
    async with staff() as ctx:
        report = await audit_chain(ctx, session_id, head)
    emit(report, as_json, lambda: out.print(said(report), highlight=False, soft_wrap=True))
    if report.broken is not None:
        raise typer.Exit(1)


@command(audit_app, "head")
async def audit_head(session_id: str, as_json: JsonFlag = False) -> None:
    """The head of a session's audit chain: its number and hash, to keep outside the database."""
    from readmodels.audit import audit_chain

    async with staff() as ctx:
        report = await audit_chain(ctx, session_id)
    if report.broken is not None:  # a head worth keeping ends a chain that holds
        raise CliError(said(report))
    head = {"chain": report.chain, "seq": report.head_seq, "hash": report.head_hash}
    emit(head, as_json, lambda: out.print(f"{report.chain} {report.head_seq}:{report.head_hash}"))
