"""The pages in a real browser (Debian's Chromium driven by Playwright): the Make list with its
colours, moving an order, and a change in one page showing in another within 2 seconds (SSE).

Skipped unless both ``/usr/bin/chromium`` (or ``CHROMIUM_PATH``) and the ``playwright`` package
are there; ``playwright install`` is never needed (the system Chromium is used).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from takt.app import manufacturing
from takt.config import Takt
from tests.web.conftest import CHROMIUM, PASSWORD

# The fixtures chromium, served and contexts are in conftest.py (shared with the story tests).
# Where the browser tests save a screenshot of each page they visit (README: "Test").
SHOTS = os.environ.get("TAKT_SCREENSHOTS") or str(
    Path(__file__).resolve().parents[2] / "screenshots"
)

if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
pytestmark = [pytest.mark.slow, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def _login(opened: list[Any], chromium: Any, base: str, username: str, **context: Any) -> Any:
    browser_context = chromium.new_context(**context)
    opened.append(browser_context)
    page = browser_context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name))


def _rows(page: Any) -> list[str]:
    rows: list[str] = page.eval_on_selector_all(
        "#make-table tbody tr", "rows => rows.map(r => r.dataset.number)"
    )
    return rows


def _wait_rows(page: Any, expected: list[str], timeout: float = 5.0) -> None:
    """Waits until the Make table shows ``expected`` (polled: the pages' CSP forbids eval)."""
    deadline = time.monotonic() + timeout
    while _rows(page) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert _rows(page) == expected


def test_a_planner_logs_in_sees_the_colours_and_moves_an_order_up(
    chromium: Any, served: tuple[str, dict[str, str]], contexts: list[Any]
) -> None:
    base, orders = served
    legs, table = orders["legs"], orders["table"]
    page = _login(contexts, chromium, base, "planner", viewport={"width": 1280, "height": 800})
    page.wait_for_url(f"{base}/make")
    assert page.title() == "Make · Takt"
    assert _rows(page) == [legs, table]
    status = page.locator(f"#row-{legs} .mat")
    assert "Expected" in status.inner_text()  # words beside the colour
    colour = status.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("", "rgba(0, 0, 0, 0)")
    _shot(page, "make.png")

    page.locator(f"#up-{table}").click()
    _wait_rows(page, [table, legs])
    assert page.url == f"{base}/make"  # swapped in place, no page load

    # the keyboard: Alt+Down on the focused row moves it back
    page.locator(f"#down-{table}").focus()
    page.keyboard.press("Alt+ArrowDown")
    _wait_rows(page, [legs, table])

    page.locator(f"#row-{legs} a.mat").click()
    page.locator("#panel .pegging").wait_for(timeout=5000)
    assert "OAK" in page.locator("#panel").inner_text()
    _shot(page, "make-pegging.png")


def test_a_task_started_in_one_page_shows_in_another_within_two_seconds(
    chromium: Any, served: tuple[str, dict[str, str]], contexts: list[Any]
) -> None:
    base, orders = served
    legs = orders["legs"]
    tablet = {"viewport": {"width": 800, "height": 1280}, "has_touch": True}
    watcher = _login(contexts, chromium, base, "planner", **tablet)
    watcher.wait_for_url(f"{base}/make")
    watcher.goto(f"{base}/tasks")
    watcher.locator(f"#start-{legs}-10").wait_for()
    operator = _login(contexts, chromium, base, "operator", **tablet)
    operator.wait_for_url(f"{base}/tasks")
    watcher.wait_for_timeout(300)  # let the watcher's event stream connect

    began = time.monotonic()
    operator.locator(f"#start-{legs}-10").click()
    operator.locator(f"#pause-{legs}-10").wait_for(timeout=5000)
    watcher.locator(f"#pause-{legs}-10").wait_for(timeout=2000)
    assert time.monotonic() - began < 2.5
    assert "In progress" in watcher.locator(f"#task-{legs}-10").inner_text()
    _shot(watcher, "tasks-live.png")


def test_a_change_made_elsewhere_shows_on_an_open_make_page_within_two_seconds(
    chromium: Any, served: tuple[str, dict[str, str]], contexts: list[Any], takt: Takt
) -> None:
    """Not through the pages (the API, the CLI, another process): the poller notices."""
    base, orders = served
    legs, table = orders["legs"], orders["table"]
    page = _login(contexts, chromium, base, "viewer")
    page.wait_for_url(f"{base}/make")
    assert _rows(page) == [legs, table]
    page.wait_for_timeout(300)  # let the event stream connect
    manufacturing.rank_mo(table, 1, takt.uows())
    _wait_rows(page, [table, legs], timeout=2.0)
