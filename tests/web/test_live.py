"""Live pages: the change feed wakes listeners, the marker sees changes, /events streams them;
and the site sends /api/ to the API and everything else to the pages."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient

from takt.api import create_app
from takt.app import manufacturing
from takt.web.live import ChangeFeed, change_marker, event_stream, sse
from takt.web.site import Site as WholeSite
from tests.web.conftest import Site


def test_the_marker_changes_when_an_order_is_re_ranked(site: Site) -> None:
    before = change_marker(site.takt.uows)
    assert change_marker(site.takt.uows) == before
    manufacturing.rank_mo(site.orders["table"], 1, site.takt.uows())
    assert change_marker(site.takt.uows) != before


def test_a_listener_hears_a_change_found_by_the_poller_and_a_bump() -> None:
    markers = iter(["a", "a", "b", "b", "b", "b", "b", "b", "b", "b"])

    async def scenario() -> list[str]:
        feed = ChangeFeed(lambda: next(markers, "b"), interval=0.01)
        heard: list[str] = []
        stream = feed.listen(heartbeat=5)
        heard.append(await asyncio.wait_for(anext(stream), 2))  # the poller saw a -> b
        feed.bump()
        heard.append(await asyncio.wait_for(anext(stream), 2))
        await stream.aclose()
        assert feed._poller is None  # nobody listens: no more polling
        return heard

    assert asyncio.run(scenario()) == ["changed", "changed"]


def test_a_quiet_feed_sends_a_keep_alive_comment() -> None:
    async def scenario() -> list[str]:
        feed = ChangeFeed(lambda: "same", interval=0.01)
        stream = event_stream(feed, heartbeat=0.05)
        first = await anext(stream)
        second = await asyncio.wait_for(anext(stream), 2)
        await stream.aclose()
        return [first, second]

    first, second = asyncio.run(scenario())
    assert first.startswith("retry: 2000\n")
    assert second == ": ping\n\n"
    assert sse("changed", "3") == "event: changed\ndata: 3\n\n"


def test_the_events_stream_needs_a_login(site: Site) -> None:
    response = site.browser().get("/events", follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"


def test_the_site_serves_the_api_under_api_and_the_pages_elsewhere(site: Site) -> None:
    whole = WholeSite(create_app(site.takt), site.app)
    with TestClient(whole) as client:
        api = client.get("/api/v1/items")
        assert api.status_code == 401
        assert api.headers["content-type"].startswith("application/problem+json")
        assert client.delete("/api/v1/items").status_code == 405  # not swallowed by the pages
        assert client.get("/", follow_redirects=False).headers["location"] == "/login"
        assert client.get("/static/takt.css").status_code == 200
        missing = client.get("/no-such-page")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("text/html")
