"""The Schedule page: a Gantt chart of the stored plan per workstation, shifts shaded, late orders
outlined, a task's details, zoom, and re-planning (planners and admins only) with a before/after
comparison."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from takt.app import api_queries, catalog, manufacturing, schedule_queries, scheduling
from takt.config import Takt
from takt.domain.workstations import Workstation
from takt.web import schedule
from tests.web.conftest import Site

D = Decimal
# Where the browser tests save a screenshot of each page they visit (README: "Test").
SHOTS = os.environ.get("TAKT_SCREENSHOTS") or str(
    Path(__file__).resolve().parents[2] / "screenshots"
)


def _with_schedule(site: Site) -> Site:
    """The Schedule routes on the site's app (until ``create_web`` registers them itself)."""
    if not any(getattr(r, "path", "") == "/schedule" for r in site.app.routes):
        site.app.include_router(schedule.router)
    return site


def _bars(html: str) -> dict[str, str]:
    """Task key -> the workstation row (the aria-label of its group) each bar is drawn in."""
    found: dict[str, str] = {}
    for row, body in re.findall(
        r'<g class="ws-row" role="group" aria-label="([^"]*)">(.*?)</g>', html, re.S
    ):
        for key in re.findall(r'<a id="bar-([^"]+)"', body):
            found[key] = row.split(" ")[0]
    return found


def _week_of(site: Site, number: str) -> str:
    """The address of the week that starts on the day ``number`` is planned to start."""
    mo = api_queries.manufacturing_order(site.takt.uows, number)
    assert mo.planned_start is not None
    return f"/schedule?zoom=week&start={mo.planned_start.date().isoformat()}"


def _late_order(site: Site) -> str:
    """1000 legs due today: far more saw time (and oak) than there is today, so it is late."""
    new = manufacturing.NewMO("LEG", D(1000), date.today())
    return manufacturing.create_mo(new, site.takt.uows()).number


@pytest.fixture
def planned(site: Site) -> Site:
    _with_schedule(site)
    scheduling.replan(site.takt.uows())
    return site


def test_the_gantt_draws_each_planned_task_in_its_workstations_row(planned: Site) -> None:
    legs, table = planned.orders["legs"], planned.orders["table"]
    page = planned.browser("viewer").get(_week_of(planned, legs))
    assert page.status_code == 200
    assert "<title>Schedule · Takt</title>" in page.text
    assert 'data-live="/events"' in page.text
    assert 'hx-trigger="takt:changed from:body"' in page.text
    rows = re.findall(r'<g class="ws-row" role="group" aria-label="(\w+) ', page.text)
    assert rows == ["ASSY", "SAW"]  # every workstation, in code order
    bars = _bars(page.text)
    assert bars[f"{legs}-10"] == "SAW"
    if f"{table}-10" in bars:  # the table waits for its legs: it may fall in the next week
        assert bars[f"{table}-10"] == "ASSY"
    # working time is shaded over the grey time off, from the workstations' calendars
    assert page.text.count('<rect class="on"') >= 2
    assert page.text.count('<rect class="off" x="190" ') == 2
    # the bar says what it is (words, not only a colour) and links to the task
    bar = page.text.split(f'id="bar-{legs}-10"')[1].split("</a>")[0]
    assert f'aria-label="{legs}, Table leg: task 10 Cut legs on SAW' in bar
    assert f'hx-get="/schedule/task/{legs}/10"' in bar
    assert "bar-late" not in bar
    # the accessible table lists the same tasks
    assert f'<tr id="row-{legs}-10">' in page.text


def test_a_late_order_is_outlined_and_says_late(planned: Site) -> None:
    late = _late_order(planned)
    scheduling.replan(planned.takt.uows())
    page = planned.browser("planner").get(_week_of(planned, late))
    bar = page.text.split(f'id="bar-{late}-10"')[1].split("</a>")[0]
    assert "bar-late" in bar.split(">")[0]
    assert '<span class="late-tag">late</span>' in bar
    assert ", late: " in bar  # the reason in its label
    figures = page.text.split('id="plan-figures"')[1].split("</p>")[0]
    assert "1 late order</span>" in figures
    assert late in figures
    detail = planned.browser("viewer").get(
        f"/schedule/task/{late}/10", headers={"HX-Request": "true"}
    )
    assert detail.status_code == 200
    assert "⚠ Late" in detail.text
    mo = api_queries.manufacturing_order(planned.takt.uows, late)
    assert mo.late_reason
    assert mo.late_reason.split(":")[0] in detail.text


def test_clicking_a_bar_shows_the_task(planned: Site) -> None:
    legs = planned.orders["legs"]
    viewer = planned.browser("viewer")
    panel = viewer.get(f"/schedule/task/{legs}/10", headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert panel.text.lstrip().startswith('<section class="task-detail"')
    for words in (legs, "Table leg", "10 Cut legs", "Planned start", "Not started", "Not late."):
        assert words in panel.text
    # without JavaScript the link opens the page with the panel filled
    page = viewer.get(f"/schedule/task/{legs}/10?zoom=day")
    assert page.status_code == 200
    assert '<section class="task-detail"' in page.text
    assert 'id="schedule-chart"' in page.text
    assert viewer.get(f"/schedule/task/{legs}/99").status_code == 404


def test_zoom_day_or_week_and_nonsense_falls_back_to_the_week_from_today(planned: Site) -> None:
    viewer = planned.browser("viewer")
    day = date.today() + timedelta(days=1)
    page = viewer.get(f"/schedule?zoom=day&start={day.isoformat()}")
    assert day.strftime("%A %d %B %Y") in page.text
    assert page.text.count('class="tick-label') == 24  # one per hour
    assert (
        'href="/schedule?zoom=day&amp;start=' + (day + timedelta(days=1)).isoformat() in page.text
    )
    fallback = viewer.get("/schedule?zoom=year&start=soon")
    assert fallback.status_code == 200
    assert f"{date.today():%a %d %b} – " in fallback.text
    assert fallback.text.count('class="tick-label tick-major"') == 7  # one label per day
    chart = viewer.get("/schedule/chart?zoom=day")
    assert chart.text.lstrip().startswith('<section id="schedule-chart"')


def test_names_are_shown_as_text(planned: Site) -> None:
    catalog.add_workstation(
        Workstation("CNC", "<script>alert(1)</script>", cost_per_hour=D("40")),
        planned.takt.uows(),
    )
    page = planned.browser("planner").get("/schedule")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_only_planners_and_admins_see_and_may_use_the_replan_buttons(
    planned: Site, role: str
) -> None:
    for allowed in ("planner", "admin"):
        page = planned.browser(allowed).get("/schedule").text
        assert 'id="replan-instant"' in page
        assert 'id="replan-optimise"' in page
    browser = planned.browser(role)
    page = browser.get("/schedule")
    assert page.status_code == 200
    assert 'id="replan-instant"' not in page.text
    assert "/schedule/replan" not in page.text
    before = api_queries.latest_plan(planned.takt.uows)
    refused = browser.post("/schedule/replan", {"engine": "instant"}, htmx=True)
    assert refused.status_code == 403
    assert refused.headers["HX-Retarget"] == "#alerts"
    assert browser.post("/schedule/replan", {"engine": "instant"}).status_code == 403
    assert api_queries.latest_plan(planned.takt.uows) == before


def test_a_replan_without_the_csrf_token_is_refused(planned: Site) -> None:
    planner = planned.browser("planner")
    assert planner.post("/schedule/replan", {"engine": "instant"}, csrf=False).status_code == 403


def test_a_planner_replans_and_sees_the_plan_before_and_after(planned: Site) -> None:
    uows = planned.takt.uows
    first = api_queries.latest_plan(uows)
    assert first is not None
    late = _late_order(planned)  # a new order the stored plan does not have yet
    planner = planned.browser("planner")
    shown = planner.get("/schedule")
    assert f"Plan v{first.version}</strong>" in shown.text
    day = date.today() + timedelta(days=14)
    response = planner.post(
        "/schedule/replan",
        {"engine": "instant", "zoom": "day", "start": day.isoformat()},
        htmx=True,
    )
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div id="replan-result" hx-swap-oob="innerHTML">')
    assert '<section id="schedule-chart"' in html
    assert day.strftime("%A %d %B %Y") in html  # the chart keeps the zoom the planner was on
    after = api_queries.latest_plan(uows)
    assert after is not None
    assert after.version == first.version + 1
    box = html.split('<section id="schedule-chart"')[0]
    assert f"Re-planned: plan v{after.version}" in box
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", box)
    assert cells[:2] == [f"v{first.version}", f"v{after.version}"]
    assert cells[3:6] == ["0", "1", "+1"]  # late orders: none before, the new one after
    assert f"<strong>Now late:</strong> {late}" in box
    # the figures the page shows now are those the scheduler measured for the new plan
    figures = schedule_queries.plan_figures(uows)
    assert figures.version == after.version
    assert figures.late_orders == (late,)
    assert cells[7] == _minutes(figures.tardiness_minutes)
    entries = api_queries.audit_entries(uows, "schedule")
    assert entries[0].action == "replan"
    assert entries[0].user == "planner"
    # without htmx: the whole page with the comparison
    plain = planner.post("/schedule/replan", {"engine": "instant"})
    assert plain.status_code == 200
    assert f"Re-planned: plan v{after.version + 1}" in plain.text
    assert "<title>Schedule · Takt</title>" in plain.text


def test_the_optimiser_button_replans_with_cp_sat(
    planned: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schedule, "OPTIMISE_SECONDS", 1.0)
    plain = planned.browser("admin").post("/schedule/replan", {"engine": "optimise"})
    assert plain.status_code == 200  # without htmx the answer waits for the optimiser
    assert "Optimised (cp-sat, " in plain.text
    bad = planned.browser("admin").post("/schedule/replan", {"engine": "guess"}, htmx=True)
    assert bad.status_code == 422


def test_the_page_says_when_there_is_no_plan_yet(site: Site) -> None:
    _with_schedule(site)
    page = site.browser("planner").get("/schedule")
    assert "No plan yet." in page.text
    assert "2 open tasks not planned yet." in page.text
    assert 'id="bar-' not in page.text


def _minutes(value: int) -> str:
    from takt.web.render import minutes

    return minutes(value)


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_in_a_browser_a_planner_opens_a_task_by_keyboard_and_replans(takt: Takt) -> None:
    """Debian's Chromium (or ``CHROMIUM_PATH``) with Playwright; skipped when either is missing."""
    chromium_path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (Path(chromium_path).exists() or shutil.which(chromium_path)):
        pytest.skip(f"no Chromium at {chromium_path}")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is missing"
    )
    import uvicorn

    from takt.api import create_app
    from takt.web import create_web
    from takt.web.site import Site as WholeSite
    from tests.api.orders import some_orders
    from tests.integration.conftest import small_plant
    from tests.web.conftest import PASSWORD, SECRET, add_users

    small_plant(takt.uows)
    add_users(takt)
    orders = some_orders(takt)
    late = manufacturing.create_mo(manufacturing.NewMO("LEG", D(300), date.today()), takt.uows())
    scheduling.replan(takt.uows())
    web = create_web(takt, secret=SECRET)
    if not any(getattr(r, "path", "") == "/schedule" for r in web.routes):
        web.include_router(schedule.router)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            WholeSite(create_app(takt), web),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the server did not start"
    base = f"http://127.0.0.1:{port}"
    legs = orders["legs"]
    mo = api_queries.manufacturing_order(takt.uows, legs)
    assert mo.planned_start is not None
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path, args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(viewport={"width": 1500, "height": 950})
            page = context.new_page()
            page.goto(f"{base}/login")
            page.get_by_label("Username").fill("planner")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{base}/make")
            page.goto(f"{base}/schedule?zoom=week&start={mo.planned_start.date().isoformat()}")
            assert page.title() == "Schedule · Takt"
            bar = page.locator(f"#bar-{legs}-10")
            box = bar.bounding_box()
            assert box is not None
            assert box["width"] >= 6
            assert box["height"] > 10
            late_bar = page.locator(f"#bar-{late.number}-10")
            colour = late_bar.evaluate("el => getComputedStyle(el).borderTopColor")
            assert colour == "rgb(179, 38, 30)"  # the red outline
            # the keyboard: focus the bar and press Enter; the task shows in the side panel
            bar.focus()
            page.keyboard.press("Enter")
            page.locator("#panel .task-detail").wait_for(timeout=5000)
            assert "Cut legs" in page.locator("#panel").inner_text()
            assert page.url.startswith(f"{base}/schedule?")  # in place, no page load
            if SHOTS:
                Path(SHOTS).mkdir(exist_ok=True)
                page.screenshot(path=str(Path(SHOTS) / "schedule.png"), full_page=True)
            page.locator("#replan-instant").click()
            page.locator("#replan-result .comparison").wait_for(timeout=10000)
            result = page.locator("#replan-result").inner_text().lower()
            assert "re-planned: plan v2" in result
            assert "before" in result
            assert "after" in result
            page.locator(f"#bar-{legs}-10").wait_for()
            if SHOTS:
                page.screenshot(path=str(Path(SHOTS) / "schedule-replanned.png"), full_page=True)
            context.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
