"""``takt serve``: the HTTP API (and its OpenAPI document at /api/v1/openapi.json) with uvicorn.

The server refuses to start while the database has no active admin: there is no default user or
password; it says how to create the first admin instead.
"""

from __future__ import annotations

from typing import Annotated

import typer

from takt.app import api_queries
from takt.cli.output import err, handles_errors, open_takt, say

app = typer.Typer()
"""The server command, merged into the top level of ``takt``."""

NO_ADMIN = (
    "Takt has no admin user yet, and there is no default password.\n"
    "Create one (the password is printed once), then start the server again:\n"
    "    takt user add admin --role admin\n"
    "    takt user token admin --name laptop    # an API token for the admin"
)


@app.command()
@handles_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
) -> None:
    """Serve Takt: the web pages, and the HTTP API under /api/v1 (OpenAPI at /api/v1/openapi.json)."""
    takt = open_takt()
    try:
        if not api_queries.has_admin(takt.uows):
            err.print(NO_ADMIN, highlight=False, markup=False)
            raise typer.Exit(1)
        import uvicorn

        from takt.server import create_server

        say(f"Takt on http://{host}:{port}/ (API: /api/v1, docs: /api/v1/docs)")
        uvicorn.run(
            create_server(takt),
            host=host,
            port=port,
            log_level="info",
            timeout_graceful_shutdown=5,
        )
    finally:
        takt.close()
