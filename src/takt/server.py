"""The whole of Takt over HTTP: the JSON API under /api/, the web pages everywhere else, and a
background planner that keeps the schedule current while the server runs."""

from __future__ import annotations

import logging
import threading

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from takt.api import create_app
from takt.app.ports import UnitOfWorkFactory
from takt.app.scheduling import replan_if_changed
from takt.config import Takt
from takt.web import create_web
from takt.web.site import Site

log = logging.getLogger("takt.planner")


class Planner:
    """Re-runs the instant plan when its inputs change, checking every ``every`` seconds.

    Checking is a few light queries; a burst of changes within one interval gives one plan (the
    debounce). Runs in a thread from the server's start to its shutdown; a failure is logged and
    the next round tries again.
    """

    def __init__(self, uows: UnitOfWorkFactory, every: float) -> None:
        self.uows = uows
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="takt-planner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            try:
                summary = replan_if_changed(self.uows)
                if summary is not None:
                    log.info("plan %s: %s late", summary.version, len(summary.late))
            except Exception:  # the server keeps serving; the next round tries again
                log.exception("planning failed")
            if self._stop.wait(self.every):
                return


class WithPlanner:
    """Starts ``planner`` on the server's start-up and stops it on shutdown (ASGI lifespan)."""

    def __init__(self, app: ASGIApp, planner: Planner) -> None:
        self.app = app
        self.planner = planner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def watched() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.planner.start()
            elif message["type"] == "lifespan.shutdown":
                self.planner.stop()
            return message

        await self.app(scope, watched, send)


def create_server(takt: Takt, *, replan_every: float | None = 5.0) -> ASGIApp:
    """The API and the pages; with ``replan_every`` seconds, the background planner too."""
    site: ASGIApp = Site(create_app(takt), create_web(takt))
    if replan_every is None:
        return site
    return WithPlanner(site, Planner(takt.uows, replan_every))
