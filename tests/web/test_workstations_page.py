"""The Workstations page: each workstation's rate, parallel units, weekly shifts, holidays and
operators; the costs rule for the rate; planners and admins change the rate and units (CSRF, one
audit entry), bad input is refused naming the workstation and the field, others get 403."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from takt.app import api_queries, catalog
from takt.domain.workstations import Shift, WorkCalendar, Workstation
from tests.web.conftest import Site

D = Decimal


def _row(html: str, code: str) -> str:
    return html.split(f'id="ws-{code}"')[1].split("</tr>")[0]


def test_the_page_shows_rates_units_shifts_holidays_and_operators(site: Site) -> None:
    night = WorkCalendar(
        (Shift(0, time(22, 0), time(6, 0)), Shift(2, time(6, 0), time(14, 0))),
        frozenset({date(2031, 12, 25)}),
    )
    catalog.add_workstation(
        Workstation("OVEN", "Paint oven", D("12.5"), parallel_units=2, calendar=night),
        site.takt.uows(),
    )
    page = site.browser("planner").get("/workstations")
    assert page.status_code == 200
    assert "<title>Workstations · Takt</title>" in page.text
    assert 'href="/workstations" aria-current="page"' in page.text
    saw = _row(page.text, "SAW")
    assert "Panel saw" in saw
    assert '<td class="num">30.00</td>' in saw
    assert '<td class="num">1</td>' in saw
    assert '<span class="ws-day">Mon</span> 07:00-15:30' in saw
    assert '<li class="ws-off"><span class="ws-day">Sat</span> off</li>' in saw
    assert "42.5 h a week" in saw
    assert "Ana (OP1)" in saw
    oven = _row(page.text, "OVEN")
    assert '<td class="num">2</td>' in oven
    assert '<span class="ws-day">Mon</span> 22:00-06:00' in oven
    assert '<span class="ws-day">Wed</span> 06:00-14:00' in oven
    assert "16 h a week" in oven
    assert "25 Dec 2031" in oven
    assert "nobody" in oven


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_viewers_and_operators_read_without_rates_or_forms(site: Site, role: str) -> None:
    browser = site.browser(role)
    page = browser.get("/workstations")
    assert page.status_code == 200
    assert 'id="ws-SAW"' in page.text
    assert "Cost / hour" not in page.text
    assert "30.00" not in page.text
    assert 'action="/workstations/SAW"' not in page.text
    refused = browser.post("/workstations/SAW", {"cost_per_hour": "1", "parallel_units": "1"})
    assert refused.status_code == 403
    assert api_queries.workstation(site.takt.uows, "SAW").cost_per_hour == D(30)
    assert api_queries.audit_entries(site.takt.uows, "workstation") == []


def test_a_planner_changes_the_rate_and_units_with_one_audit_entry(site: Site) -> None:
    planner = site.browser("planner")
    saved = planner.post("/workstations/SAW", {"cost_per_hour": "35.5", "parallel_units": "2"})
    assert saved.status_code == 303
    assert saved.headers["location"] == "/workstations?saved=SAW#ws-SAW"
    html = planner.get(saved.headers["location"]).text
    assert "✓ Workstation SAW saved." in html
    row = _row(html, "SAW")
    assert '<td class="num">35.50</td>' in row
    assert '<td class="num">2</td>' in row
    stored = api_queries.workstation(site.takt.uows, "SAW")
    assert (stored.cost_per_hour, stored.parallel_units) == (D("35.5"), 2)
    [entry] = api_queries.audit_entries(site.takt.uows, "workstation", "SAW")
    assert (entry.user, entry.action) == ("planner", "update")
    assert entry.before["cost_per_hour"] == "30"
    assert entry.after["cost_per_hour"] == "35.5"
    assert entry.after["parallel_units"] == 2
    # the item's labour cost follows the new rate: 27 min at 35.50/h is 15.975, shown rounded on
    # the exact amount (a float would show 15.97)
    leg = planner.get("/items/LEG?quantity=4").text
    assert "15.98" in leg.split('id="op-10"')[1].split("</tr>")[0]


@pytest.mark.parametrize(
    ("form", "message", "field"),
    [
        ({"cost_per_hour": "-1", "parallel_units": "1"}, "SAW cost per hour: must not be", "rate"),
        (
            {"cost_per_hour": "abc", "parallel_units": "1"},
            "SAW cost per hour: &#39;abc&#39;",
            "rate",
        ),
        (
            {"cost_per_hour": "30", "parallel_units": "0"},
            "SAW parallel units: &#39;0&#39;",
            "units",
        ),
        (
            {"cost_per_hour": "30", "parallel_units": "x"},
            "SAW parallel units: &#39;x&#39;",
            "units",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_workstation_and_field(
    site: Site, form: dict[str, str], message: str, field: str
) -> None:
    refused = site.browser("admin").post("/workstations/SAW", form)
    assert refused.status_code == 422
    assert message in refused.text
    tag = refused.text.split('aria-invalid="true"')[0].rsplit("<input", 1)[1]
    assert f'id="{field}-SAW"' in tag
    assert "Traceback" not in refused.text
    assert api_queries.workstation(site.takt.uows, "SAW").cost_per_hour == D(30)
    assert api_queries.audit_entries(site.takt.uows, "workstation") == []


def test_unknown_workstations_and_missing_tokens(site: Site) -> None:
    planner = site.browser("planner")
    form = {"cost_per_hour": "1", "parallel_units": "1"}
    assert planner.post("/workstations/NOPE", form).status_code == 404
    assert planner.post("/workstations/SAW", form, csrf=False).status_code == 403
    assert api_queries.workstation(site.takt.uows, "SAW").cost_per_hour == D(30)


def test_names_are_shown_as_text(site: Site) -> None:
    catalog.add_workstation(Workstation("BAD", "<script>alert(1)</script>"), site.takt.uows())
    html = site.browser("planner").get("/workstations").text
    assert "<script>" not in html.split("</head>")[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_page_needs_a_login(site: Site) -> None:
    response = site.browser().get("/workstations", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/workstations"
