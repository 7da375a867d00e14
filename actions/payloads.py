"""Payloads the Temporal UI sends (a signal's or an update's input, a workflow started from
it), sealed as wipflow's own clients seal theirs, for the remote codec endpoint (web/codec.py)."""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.api.common.v1 import Payload

from domain.roles import refusal
from gateway.context import Context
from gateway.errors import ActionError
from models.staff import StaffLine

# What the roles' table (domain/roles.py) calls sealing from the UI: it changes a workflow's
# state once sent, so it is steering, not reading.
ENCODE = "codec encode"


class SealingRefused(ActionError):
    """A staff member whose role only reads asked to seal: sealing is for sending to Temporal."""


async def sealed(ctx: Context, member: StaffLine, payloads: Sequence[Payload]) -> list[Payload]:
    """The payloads sealed under the current master key (the UI names no workflow, so no
    session's key applies; the worker opens them all the same). Refused to a read_only role:
    what the UI encodes is what it is about to send to a workflow."""
    if why := refusal(member.email, member.role, ENCODE):
        raise SealingRefused(f"{why}: it reads payloads in the Temporal UI, not send them")
    return await ctx.codec.encode(payloads)
