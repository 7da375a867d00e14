"""Payloads the Temporal UI sends (a signal's or an update's input, a workflow started from
it), sealed as wipflow's own clients seal theirs, for the remote codec endpoint (web/codec.py)."""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.api.common.v1 import Payload

from gateway.context import Context
from gateway.errors import ActionError
from models.staff import Role, StaffLine


class SealingRefused(ActionError):
    """A staff member whose role only reads asked to seal: sealing is for sending to Temporal."""


async def sealed(ctx: Context, member: StaffLine, payloads: Sequence[Payload]) -> list[Payload]:
    """The payloads sealed under the current master key (the UI names no workflow, so no
    session's key applies; the worker opens them all the same). Refused to a read_only role:
    what the UI encodes is what it is about to send to a workflow."""
    if member.role == Role.READ_ONLY:
        raise SealingRefused(
            f"{member.email} has the read_only role: it may read payloads in the Temporal UI, "
            "not encode them to send to a workflow (that takes programmer or admin)"
        )
    return await ctx.codec.encode(payloads)
