"""The audit trail's chain, checked: does a session's trail still hold as it was written?

    audit verify films-in-progress/toulouse-2027   "N rows, chain intact", or the first row
                                                   that breaks it (exit code 1)
    audit head films-in-progress/toulouse-2027     the last row's number and hash, to keep
                                                   elsewhere
    audit verify staff                             the staff accounts' chain

Only the database is read (no Temporal server is needed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from cli.common import CliError, JsonFlag, command, emit, group, out, staff

if TYPE_CHECKING:
    from models.audit_chain import ChainReport

audit_app = group("audit")


def said(report: ChainReport) -> str:
    broken = report.broken
    if broken is None:
        return f"{report.chain}: {report.rows} rows, chain intact"
    return (
        f"{report.chain}: chain broken at row {broken.seq} (id {broken.id}, "
        f"{broken.entity_id}, {broken.action}): {broken.kind}: {broken.detail}"
    )


@command(audit_app, "verify")
async def audit_verify(session_id: str, as_json: JsonFlag = False) -> None:
    """Walk a session's audit chain (or `staff`) and name the first row that does not hold."""
    from readmodels.audit import audit_chain

    async with staff() as ctx:
        report = await audit_chain(ctx, session_id)
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
    emit(head, as_json, lambda: out.print(f"{report.chain} {report.head_seq} {report.head_hash}"))
