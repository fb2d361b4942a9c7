"""Live pages: one poller per server process tells every open page when the data changed.

``ChangeFeed`` reads a cheap change marker (``marker``) once a second while at least one page
listens, and wakes every listener when it differs; the pages' own writes also ``bump`` it at once.
``/events`` streams a server-sent ``changed`` event to each page, which then re-fetches its table.

The marker is read once per process per second, whatever the number of open pages, so a change
made anywhere (another process, the API, the CLI) shows within about a second plus a fetch.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from takt.app import api_queries, queries
from takt.app.orders_queries import MO_OPEN
from takt.app.ports import LedgerFilter, UnitOfWorkFactory

HEARTBEAT_SECONDS = 15.0  # also how often a stream past its lifetime notices
RETRY_MILLISECONDS = 2000
# A stream ends after this long and the browser reconnects (and re-fetches): no connection
# outlives a deploy by more than this, and a server shutting down is not held open forever.
STREAM_SECONDS = 300.0
Marker = Callable[[], str]


def change_marker(uows: UnitOfWorkFactory) -> str:
    """A digest that changes whenever what the Make and Tasks pages show may have changed.

    The newest ledger entry (stock moved), the newest plan version, and the open MOs' ranks,
    statuses, ingredients and task states. Three reads whatever the number of orders.
    """
    newest = queries.ledger(uows, LedgerFilter(limit=1))
    plan = api_queries.latest_plan(uows)
    digest = hashlib.sha256()
    digest.update(repr(newest[:1]).encode())
    digest.update(repr(plan).encode())
    for mo in api_queries.manufacturing_orders(uows, list(MO_OPEN)):
        digest.update(
            repr(
                (
                    mo.number,
                    mo.rank,
                    mo.status.value,
                    mo.quantity,
                    mo.completed,
                    mo.due_date,
                    mo.blocked_reason,
                    [(i.sku, i.planned, i.consumed) for i in mo.ingredients],
                    [
                        (t.sequence, t.status.value, t.operator, len(t.events), t.quantity_done)
                        for t in mo.tasks
                    ],
                )
            ).encode()
        )
    return digest.hexdigest()


class ChangeFeed:
    """Counts changes and wakes listeners; polls ``marker`` only while someone listens."""

    def __init__(self, marker: Marker, interval: float = 1.0) -> None:
        self._marker = marker
        self.interval = interval
        self.version = 0
        self._listeners = 0
        self._event: asyncio.Event | None = None
        self._poller: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._last: str | None = None

    def _wake(self) -> None:
        self.version += 1
        if self._event is not None:
            event, self._event = self._event, asyncio.Event()
            event.set()

    def bump(self) -> None:
        """Something changed here (a page's own write): tell every listener now.

        Safe from a worker thread (sync routes run in one): it hops onto the listeners' loop.
        """
        loop = self._loop
        if loop is None or loop.is_closed():
            self.version += 1
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake()
        else:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self._wake)

    async def _poll(self) -> None:
        while True:
            marker: str | None
            try:
                marker = await run_in_threadpool(self._marker)
            except Exception:  # a failed read (database restarting) must not end the feed
                marker = self._last
            if self._last is not None and marker != self._last:
                self._wake()
            self._last = marker
            await asyncio.sleep(self.interval)

    async def listen(self, heartbeat: float = HEARTBEAT_SECONDS) -> AsyncGenerator[str, None]:
        """Yields "changed" after each change and "ping" when nothing happened for a while."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._event, self._poller, self._last = loop, None, None, None
        if self._event is None:
            self._event = asyncio.Event()
        self._listeners += 1
        if self._poller is None or self._poller.done():
            self._poller = loop.create_task(self._poll())
        seen = self.version
        try:
            while True:
                if self.version != seen:  # also a change made while we were yielding
                    seen = self.version
                    yield "changed"
                    continue
                event = self._event
                assert event is not None
                try:
                    await asyncio.wait_for(event.wait(), timeout=heartbeat)
                except TimeoutError:
                    yield "ping"
        finally:
            self._listeners -= 1
            if self._listeners == 0 and self._poller is not None:
                self._poller.cancel()
                self._poller, self._last = None, None


def sse(event: str, data: str = "") -> str:
    """One server-sent event (a comment line for a ping keeps proxies from closing it)."""
    if event == "ping":
        return ": ping\n\n"
    return f"event: {event}\ndata: {data or event}\n\n"


async def event_stream(
    feed: ChangeFeed, lifetime: float = STREAM_SECONDS, **kwargs: Any
) -> AsyncIterator[str]:
    """The /events body: the retry hint, then one event per change, for ``lifetime`` seconds."""
    loop = asyncio.get_running_loop()
    ends = loop.time() + lifetime
    yield f"retry: {RETRY_MILLISECONDS}\n: connected\n\n"
    events = feed.listen(**kwargs)
    try:
        async for event in events:
            yield sse(event, str(feed.version))
            if loop.time() >= ends:
                return
    finally:
        await events.aclose()
