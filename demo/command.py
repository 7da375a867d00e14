"""`starter.py demo`: the demo registers its own command on the staff CLI (cli/registry.py names
this module), so the command line never imports the demo, and the demo may use the CLI's
renderers."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from cli.common import WIDTH, JsonFlag, app, command, plain


@command(app, "demo")
async def demo(
    count: Annotated[int, typer.Option(min=10, max=2000)] = 60,
    year: int = 2027,
    as_json: JsonFlag = False,
) -> None:
    """Run a whole session on embedded defaults, its calendar compressed to seconds."""
    from demo.run import run_demo
    from settings import get_settings

    data = await run_demo(
        get_settings(), count=count, year=year, console=Console(quiet=as_json, width=WIDTH)
    )
    if as_json:
        print(json.dumps(plain(data), ensure_ascii=False, indent=2, default=str))
