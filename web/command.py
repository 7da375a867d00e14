"""`starter.py web`: the web app registers its own command on the staff CLI (cli/registry.py
names this module), so the command line never imports the web face."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import app


@app.command("web")
def web(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
) -> None:
    """Serve the producers' pages (the links in their messages point at PUBLIC_URL)."""
    import uvicorn

    from web.app import create_app

    # No access log: every path holds a token that acts like a password until its deadline.
    uvicorn.run(
        create_app(),
        host=host,
        port=port,
        proxy_headers=True,
        log_level="info",
        access_log=False,
    )
