"""The Sell page: the list with delivery colours and flags, an order with its lines, shipping
through the form (CSRF, roles, errors naming the field), the costs rule and escaping."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from takt.app import api_queries, manufacturing, sales, stock
from takt.domain.partners import Customer
from takt.web import sell
from tests.web.conftest import Site

D = Decimal


def with_pages(site: Site) -> Site:
    """The Sell, Buy and Stock routers on the site's app (until ``create_web`` includes them)."""
    from takt.web import buy
    from takt.web import stock as stock_page

    names = {getattr(r, "name", "") for r in site.app.router.routes}
    for module, name in ((sell, "sell_page"), (buy, "buy_page"), (stock_page, "stock_page")):
        if name not in names:
            site.app.include_router(module.router)
    return site


@pytest.fixture
def pages(site: Site) -> Site:
    return with_pages(site)


def _stock(site: Site, sku: str, quantity: str, cost: str = "100") -> None:
    stock.adjust(stock.Adjust(sku, D(quantity), "count", unit_cost=D(cost)), site.takt.uows())


def _row(html: str, number: str) -> str:
    return html.split(f'id="so-{number}"')[1].split("</tr>")[0]


def test_the_sell_list_shows_orders_with_delivery_colour_icon_and_words(pages: Site) -> None:
    so = pages.orders["so"]
    page = pages.browser("planner").get("/sell")
    assert page.status_code == 200
    assert "<title>Sell · Takt</title>" in page.text
    row = _row(page.text, so)
    assert "Acme Dining" in row
    # two tables wanted, one is being made in time (an MO to stock): amber, with icon and words
    assert 'class="mat mat-' in row
    assert re.search(r'<span class="mat-icon" aria-hidden="true">.</span> \w', row)
    assert "900.00" in row  # total: 2 × 450, a planner sees money


def test_a_late_order_is_flagged_and_the_flag_filter_keeps_it(pages: Site) -> None:
    uows = pages.takt.uows
    late = sales.create_sales_order(
        sales.NewSalesOrder(
            "ACME", date.today() - timedelta(days=2), (sales.SalesLineInput("TABLE", D(1)),)
        ),
        uows(),
    ).number
    planner = pages.browser("planner")
    page = planner.get("/sell")
    assert "⚠ Late" in _row(page.text, late)
    flagged = planner.get("/sell/table?flagged=1")
    assert f'id="so-{late}"' in flagged.text
    searched = planner.get("/sell/table?q=nobody")
    assert "No sales order matches these filters." in searched.text


def test_the_order_page_shows_lines_allocation_and_the_ship_form(pages: Site) -> None:
    so = pages.orders["so"]
    _stock(pages, "TABLE", "1")
    page = pages.browser("planner").get(f"/sell/{so}")
    assert page.status_code == 200
    line = page.text.split('id="line-1"')[1].split("</tr>")[0]
    assert "TABLE" in line
    assert "Dining table" in line
    assert '<td class="num">1</td>' in line  # one table allocated from stock
    assert 'name="ship-1"' in line
    assert "up to 1 of 2 left" in line
    assert 'id="ship-button"' in page.text


def test_a_made_to_order_line_links_its_mo(pages: Site) -> None:
    uows = pages.takt.uows
    so = pages.orders["so"]
    mo = manufacturing.create_mo_for_sales_line(so, 1, uows()).number
    page = pages.browser("viewer").get(f"/sell/{so}")
    line = page.text.split('id="line-1"')[1].split("</tr>")[0]
    assert f'<a href="/make/{mo}/materials" class="order">{mo}</a>' in line
    assert "made to order" in line


def test_a_planner_ships_part_of_an_order_through_the_form(pages: Site) -> None:
    so = pages.orders["so"]
    _stock(pages, "TABLE", "5")
    planner = pages.browser("planner")
    response = planner.post(f"/sell/{so}/ship", {"ship-1": "1", "location-1": "MAIN"})
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/sell/{so}?shipped=")
    after = planner.get(response.headers["location"])
    assert "Shipped: line 1 × 1" in after.text
    assert "Partly delivered" in after.text
    order = api_queries.sales_order(pages.takt.uows, so)
    assert order.lines[0].shipped == 1
    # htmx: the order comes back as a fragment, now delivered
    rest = planner.post(f"/sell/{so}/ship", {"ship-1": "1"}, htmx=True)
    assert rest.status_code == 200
    assert rest.text.lstrip().startswith('<section id="order-detail"')
    assert "Delivered" in rest.text
    assert 'id="ship-button"' not in rest.text  # nothing left to ship
    entries = api_queries.audit_entries(pages.takt.uows, "sales_order", so)
    assert [e.action for e in entries][:2] == ["ship", "ship"]


def test_shipping_more_than_allocated_says_why_naming_the_field(pages: Site) -> None:
    so = pages.orders["so"]
    planner = pages.browser("planner")
    response = planner.post(f"/sell/{so}/ship", {"ship-1": "2"}, htmx=True)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#alerts"
    assert 'role="alert"' in response.text
    assert "Quantity: only 0 TABLE allocated" in response.text
    bad = planner.post(f"/sell/{so}/ship", {"ship-1": "two"}, htmx=True)
    assert bad.status_code == 422
    assert "Line 1 quantity: &#39;two&#39; is not a number" in bad.text
    none = planner.post(f"/sell/{so}/ship", {"ship-1": ""}, htmx=True)
    assert "Quantity: enter a quantity to ship" in none.text
    # without htmx: the order page again, with the message and the typed quantity kept
    plain = planner.post(f"/sell/{so}/ship", {"ship-1": "2"})
    assert plain.status_code == 422
    assert "Quantity: only 0 TABLE allocated" in plain.text
    assert 'name="ship-1" inputmode="decimal" size="6" value="2"' in plain.text
    assert api_queries.sales_order(pages.takt.uows, so).lines[0].shipped == 0


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_roles_that_may_not_ship_see_no_form_and_are_refused(pages: Site, role: str) -> None:
    so = pages.orders["so"]
    _stock(pages, "TABLE", "5")
    browser = pages.browser(role)
    if role == "viewer":
        page = browser.get(f"/sell/{so}")
        assert page.status_code == 200
        assert 'id="ship-button"' not in page.text
        assert 'name="ship-1"' not in page.text
    assert browser.post(f"/sell/{so}/ship", {"ship-1": "1"}).status_code == 403
    assert api_queries.sales_order(pages.takt.uows, so).lines[0].shipped == 0


def test_operators_may_not_see_the_sell_pages(pages: Site) -> None:
    operator = pages.browser("operator")
    for path in ("/sell", "/sell/table", f"/sell/{pages.orders['so']}"):
        assert operator.get(path).status_code == 403


def test_shipping_without_the_csrf_token_is_refused(pages: Site) -> None:
    so = pages.orders["so"]
    _stock(pages, "TABLE", "5")
    response = pages.browser("planner").post(f"/sell/{so}/ship", {"ship-1": "1"}, csrf=False)
    assert response.status_code == 403
    assert api_queries.sales_order(pages.takt.uows, so).lines[0].shipped == 0


def test_viewers_see_money_only_when_the_setting_allows(pages: Site) -> None:
    so = pages.orders["so"]
    viewer = pages.browser("viewer")
    assert "Margin" not in viewer.get("/sell").text
    assert "900.00" not in viewer.get(f"/sell/{so}").text
    with pages.takt.uows() as uow:
        uow.settings.set(api_queries.VIEWERS_SEE_COSTS, "true")
        uow.commit()
    assert "900.00" in viewer.get("/sell").text
    assert "Margin" in viewer.get(f"/sell/{so}").text


def test_an_unknown_order_is_a_404_page(pages: Site) -> None:
    planner = pages.browser("planner")
    assert planner.get("/sell/SO-9999").status_code == 404
    assert planner.get("/sell/PO-0001").status_code == 404


def test_customer_names_are_shown_as_text(pages: Site) -> None:
    uows = pages.takt.uows
    sales.add_customer(Customer("EVIL", "<script>alert(1)</script>"), uows())
    number = sales.create_sales_order(
        sales.NewSalesOrder(
            "EVIL", date.today() + timedelta(days=9), (sales.SalesLineInput("TABLE", D(1)),)
        ),
        uows(),
    ).number
    planner = pages.browser("planner")
    for path in ("/sell", f"/sell/{number}"):
        page = planner.get(path)
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
