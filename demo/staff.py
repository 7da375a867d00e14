"""The demo's member of staff: an admin account made once (the settings' staff address, a
password of its own), so that a newcomer can sign in to the staff pages and read the Temporal UI
through the codec endpoint, and `make screenshots` can too.

From the first account on, every command must name the account it acts for (`--as` or
STAFF_ACTOR). The demo names it for this checkout in `var/demo.env`, which the settings read
before `.env`: on the demo's machine the command line acts as the demo's admin, as before it
acted as whoever ran it. `make clean` removes it with the rest of `var/`."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from actions.staff import add_staff
from gateway.context import Context
from models.staff import Role, StaffInput
from readmodels.staff import staff_accounts
from settings import DEMO_ENV, PROJECT_ROOT, Settings

ACCESS = PROJECT_ROOT / "var" / "demo-staff.json"


def kept(path: Path, text: str) -> None:
    """Written readable by its owner only: it holds a password."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(text)


async def demo_staff(ctx: Context) -> tuple[str, str] | None:
    """The demo admin's address and password: made now if no account exists, read back if the
    demo made it before; None if someone else's accounts are there (the demo makes none)."""
    if ACCESS.exists():
        access = json.loads(ACCESS.read_text())
        return access["email"], access["password"]
    if await staff_accounts(ctx):
        return None
    settings: Settings = ctx.settings
    password = secrets.token_urlsafe(18)
    account = StaffInput(email=settings.staff_email, name=settings.staff_name, role=Role.ADMIN)
    await add_staff(ctx, account, password)
    kept(ACCESS, json.dumps({"email": account.email, "password": password}))
    kept(DEMO_ENV, f"STAFF_ACTOR={account.email}\n")
    return account.email, password
