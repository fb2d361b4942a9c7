"""The Costs page: planned against actual cost per MO (the same figures as ``mo_costs``) as an SVG
bar chart without inline styles and as a table, margins per sales order, the costs rule (403 for
roles that may not see costs), and escaping."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from takt.app import api_queries, manufacturing, orders_queries, sales, stock
from takt.domain.manufacturing import CostSheet
from takt.domain.partners import Customer
from tests.web.conftest import Site

D = Decimal


def with_costs(site: Site) -> Site:
    """The Costs router on the site's app (until ``create_web`` includes it)."""
    from takt.web import costs

    if "costs_page" not in {getattr(r, "name", "") for r in site.app.router.routes}:
        site.app.include_router(costs.router)
    return site


@pytest.fixture
def pages(site: Site) -> Site:
    return with_costs(site)


def _mo(html: str, number: str) -> str:
    return html.split(f'<tbody id="mo-{number}">')[1].split("</tbody>")[0]


def _cells(row: str) -> list[str]:
    return re.findall(r'<td class="num[^"]*">(?:<span[^>]*>)?([^<]*)', row)


def test_the_costs_page_shows_planned_actual_and_variance_per_mo(pages: Site) -> None:
    uows = pages.takt.uows
    legs = pages.orders["legs"]
    stock.adjust(stock.Adjust("OAK", D(10), "count", unit_cost=D("10")), uows())
    manufacturing.issue(manufacturing.Issue(legs, "OAK", D(2)), uows())
    page = pages.browser("planner").get("/costs")
    assert page.status_code == 200
    assert "<title>Costs · Takt</title>" in page.text
    assert '<link rel="stylesheet" href="/static/items.css">' in page.text
    view = orders_queries.mo_costs(uows, legs)
    rows = _mo(page.text, legs).split("</tr>")
    planned, actual, variance = (_cells(r) for r in rows[:3])
    assert planned == [f"{x:.2f}" for x in (*_parts(view.planned), view.planned.total)]
    assert actual == [f"{x:.2f}" for x in (*_parts(view.actual), view.actual.total)]
    assert variance[0] == f"{view.variance.materials:+.2f}"
    assert actual[0] == "20.00"  # 2 m of oak at 10
    assert planned[0] == "32.00"  # 4 legs × 0.8 m at 10
    assert "-12.00" in variance[0]
    assert 'class="var-under"' in rows[2]
    assert f'id="mo-{pages.orders["table"]}"' in page.text


def _parts(sheet: CostSheet) -> tuple[Decimal, Decimal, Decimal]:
    return (sheet.materials, sheet.labour, sheet.overhead)


def test_the_chart_is_svg_with_classes_and_no_inline_style(pages: Site) -> None:
    uows = pages.takt.uows
    stock.adjust(stock.Adjust("OAK", D(10), "count", unit_cost=D("10")), uows())
    html = pages.browser("planner").get("/costs").text
    svg = html.split('<svg id="cost-chart"')[1].split("</svg>")[0]
    assert "style=" not in html.split("</head>")[1]
    assert "<script" not in html.split("</head>")[1]
    legs = pages.orders["legs"]
    assert f'<g class="mo-group" id="chart-{legs}">' in svg
    assert svg.count('class="bar bar-planned"') == 2  # two MOs
    assert svg.count('class="bar bar-actual"') == 2
    materials = re.findall(
        r'<rect class="seg seg-materials" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg
    )
    assert materials  # planned materials of the legs: 32.00
    widths = [float(w) for _x, w in materials]
    assert max(widths) <= 440.0
    assert all(float(x) == 130.0 for x, _w in materials)  # every bar starts after the labels
    assert "<title>" in svg


def test_sales_orders_show_revenue_cost_of_goods_and_margin(pages: Site) -> None:
    uows = pages.takt.uows
    so = pages.orders["so"]
    stock.adjust(stock.Adjust("TABLE", D(1), "count", unit_cost=D("300")), uows())
    sales.ship(sales.Ship(so, 1, D(1)), uows())
    html = pages.browser("planner").get("/costs").text
    row = html.split(f'<tr id="so-{so}">')[1].split("</tr>")[0]
    assert "Acme Dining" in row
    assert _cells(row) == ["450.00", "300.00", "150.00", "33.3 %"]
    assert f'href="/sell/{so}"' in row


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_roles_that_do_not_see_costs_get_403(pages: Site, role: str) -> None:
    browser = pages.browser(role)
    page = browser.get("/costs")
    assert page.status_code == 403
    assert "may not see the costs page" in page.text
    assert "cost-chart" not in page.text
    assert 'href="/costs"' not in browser.get("/stock").text


def test_viewers_see_costs_when_the_company_allows_it_operators_never(pages: Site) -> None:
    with pages.takt.uows() as uow:
        uow.settings.set(api_queries.VIEWERS_SEE_COSTS, "true")
        uow.commit()
    assert pages.browser("viewer").get("/costs").status_code == 200
    assert pages.browser("operator").get("/costs").status_code == 403
    assert pages.browser("admin").get("/costs").status_code == 200


def test_the_nav_link_follows_the_costs_rule(pages: Site) -> None:
    from takt.web.render import TEMPLATES

    if 'href="/costs"' not in (TEMPLATES / "base.html").read_text():
        pytest.skip("the Costs link is not in base.html yet")
    assert 'href="/costs"' in pages.browser("planner").get("/make").text
    assert 'href="/costs"' not in pages.browser("viewer").get("/make").text
    assert 'href="/costs"' not in pages.browser("operator").get("/tasks").text


def test_an_empty_plant_says_so(pages: Site) -> None:
    uows = pages.takt.uows
    for number in (pages.orders["legs"], pages.orders["table"]):
        manufacturing.cancel_mo(number, uows())
    sales.cancel_sales_order(pages.orders["so"], uows())
    html = pages.browser("planner").get("/costs").text
    assert "No manufacturing orders yet." in html
    assert "No confirmed sales orders yet." in html
    assert "<svg" not in html


def test_names_are_shown_as_text(pages: Site) -> None:
    uows = pages.takt.uows
    sales.add_customer(Customer("BAD", "<script>alert(1)</script>"), uows())
    sales.create_sales_order(
        sales.NewSalesOrder("BAD", date.today(), (sales.SalesLineInput("TABLE", D(1)),)), uows()
    )
    html = pages.browser("planner").get("/costs").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
