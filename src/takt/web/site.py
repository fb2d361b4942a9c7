"""One server for the whole of Takt: the JSON API under /api/, the pages everywhere else.

A path dispatcher rather than mounting the pages at "/" inside the API app: a catch-all mount
would answer the API's 405s and unknown /api/ paths with pages. Lifespan events go to the API
app (the pages start their live feed lazily and need none).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

API_PREFIX = "/api/"


class Site:
    """Sends /api/... to ``api`` and every other request to ``web``."""

    def __init__(self, api: ASGIApp, web: ASGIApp) -> None:
        self.api = api
        self.web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.api(scope, receive, send)
            return
        path: str = scope.get("path", "")
        target = self.api if path.startswith(API_PREFIX) or path == "/api" else self.web
        await target(scope, receive, send)
