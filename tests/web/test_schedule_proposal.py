"""Optimising from the Schedule page makes a proposal: nothing is stored until the planner
accepts it; the comparison shows late orders, weighted tardiness and makespan before and after;
Accept stores exactly that plan as a new version, Discard forgets it; a stale proposal is
refused; only planners and admins decide."""

from __future__ import annotations

import re
import time
from datetime import date
from decimal import Decimal

import pytest

from takt.app import api_queries, manufacturing, schedule_queries, scheduling
from takt.web import schedule
from tests.web.conftest import Browser, Site

D = Decimal
HTMX = {"HX-Request": "true"}


@pytest.fixture
def planned(site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    monkeypatch.setattr(schedule, "OPTIMISE_SECONDS", 1.0)
    # a late order, so that there is something to optimise and figures to compare
    manufacturing.create_mo(manufacturing.NewMO("LEG", D(400), date.today()), site.takt.uows())
    scheduling.replan(site.takt.uows())
    return site


def _optimised(browser: Browser) -> str:
    """Optimises from the page as htmx does: the run shows its progress, polled until the
    proposal comes; returns the last answer."""
    response = browser.post("/schedule/replan", {"engine": "optimise"}, htmx=True)
    assert response.status_code == 200
    run = re.search(r'hx-get="/schedule/optimising/([\w-]+)"', response.text)
    assert run, "the page shows the optimiser at work"
    assert "Optimising…" in response.text
    for _ in range(200):
        polled = browser.get(f"/schedule/optimising/{run.group(1)}", headers=HTMX)
        assert polled.status_code == 200
        if "Optimising…" not in polled.text:
            return polled.text
        time.sleep(0.1)
    raise AssertionError("the optimiser never finished")


def _propose(site: Site, who: str = "planner") -> tuple[str, str]:
    html = _optimised(site.browser(who))
    token = re.search(r'action="/schedule/proposal/([\w-]+)/accept"', html)
    assert token
    return token.group(1), html


def test_the_page_draws_the_objective_falling_while_it_optimises(planned: Site) -> None:
    browser = planned.browser("planner")
    response = browser.post("/schedule/replan", {"engine": "optimise"}, htmx=True)
    run = re.search(r'hx-get="/schedule/optimising/([\w-]+)"', response.text)
    assert run
    for _ in range(200):
        polled = browser.get(f"/schedule/optimising/{run.group(1)}", headers=HTMX)
        if "Weighted tardiness:" in polled.text or "Optimised plan" in polled.text:
            break
        time.sleep(0.05)
    if "Weighted tardiness:" in polled.text:  # caught while running: the curve and the figures
        assert 'class="optimising-curve"' in polled.text
        assert "at the start" in polled.text
    # another planner may not watch (or take) this run
    other = planned.browser("admin").get(f"/schedule/optimising/{run.group(1)}", headers=HTMX)
    assert other.status_code == 403
    assert "Optimised plan: accept or discard" in _optimised(browser)


def test_optimising_proposes_a_plan_and_stores_nothing(planned: Site) -> None:
    before = schedule_queries.plan_figures(planned.takt.uows)
    _token, html = _propose(planned)
    assert "Optimised plan: accept or discard" in html
    for figure in ("Late orders", "Weighted tardiness", "Makespan"):
        assert figure in html
    assert 'id="proposal-accept"' in html
    assert 'id="proposal-discard"' in html
    assert schedule_queries.plan_figures(planned.takt.uows).version == before.version


def test_accept_stores_the_optimised_plan_as_a_new_version(planned: Site) -> None:
    uows = planned.takt.uows
    before = api_queries.latest_plan(uows)
    token, _ = _propose(planned)
    planner = planned.browser("planner")
    accepted = planner.post(f"/schedule/proposal/{token}/accept", htmx=True)
    assert accepted.status_code == 200
    assert "Optimised plan accepted: plan v" in accepted.text
    after = api_queries.latest_plan(uows)
    assert after is not None
    assert before is None or after.version > before.version
    entries = api_queries.audit_entries(uows, "schedule", str(after.version))
    assert entries[0].action == "replan"
    again = planner.post(f"/schedule/proposal/{token}/accept", htmx=True)
    assert again.status_code == 422
    assert "no longer available" in again.text


def test_discard_forgets_the_proposal(planned: Site) -> None:
    before = api_queries.latest_plan(planned.takt.uows)
    token, _ = _propose(planned)
    planner = planned.browser("planner")
    dropped = planner.post(f"/schedule/proposal/{token}/discard")
    assert dropped.status_code == 200
    assert "Optimised plan discarded" in dropped.text
    assert api_queries.latest_plan(planned.takt.uows) == before
    assert planner.post(f"/schedule/proposal/{token}/accept", htmx=True).status_code == 422


def test_a_proposal_made_before_the_orders_changed_is_refused(planned: Site) -> None:
    token, _ = _propose(planned)
    manufacturing.rank_mo(planned.orders["table"], 1, planned.takt.uows())
    refused = planned.browser("planner").post(f"/schedule/proposal/{token}/accept", htmx=True)
    assert refused.status_code == 422
    assert "the orders changed since this plan was optimised" in refused.text


def test_only_planners_and_admins_decide(planned: Site) -> None:
    token, _ = _propose(planned, "admin")
    viewer = planned.browser("viewer")
    assert viewer.post(f"/schedule/proposal/{token}/accept", htmx=True).status_code == 403
    planner = planned.browser("planner")
    assert planner.post(f"/schedule/proposal/{token}/accept", csrf=False).status_code == 403
    assert planner.post(f"/schedule/proposal/{token}/accept", htmx=True).status_code == 200
