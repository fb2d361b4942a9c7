"""Entering and changing sales orders on the Sell pages: a new order with its lines, the promise
date while a line is entered, changing and removing lines (a make-to-order MO follows, or the
change is refused naming it), make to order one line or the selected ones; roles and CSRF."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from takt.app import api_queries, manufacturing, sales, tasks
from tests.web.conftest import Site

D = Decimal
SOON = (date.today() + timedelta(days=21)).isoformat()


def _new_order(site: Site, **fields: str) -> tuple[int, str]:
    planner = site.browser("planner")
    form = {"customer": "ACME", "delivery_date": SOON, "sku-1": "TABLE", "quantity-1": "2"}
    form.update(fields)
    response = planner.post("/sell/new", form)
    return response.status_code, response.headers.get("location", "") or response.text


def test_a_planner_enters_an_order_with_two_lines_and_lands_on_it(site: Site) -> None:
    planner = site.browser("planner")
    page = planner.get("/sell/new")
    assert page.status_code == 200
    assert "<title>New sales order · Takt</title>" in page.text
    assert 'name="csrf"' in page.text
    assert 'hx-get="/sell/promise?line=1"' in page.text
    response = planner.post(
        "/sell/new",
        {
            "customer": "ACME",
            "delivery_date": SOON,
            "sku-1": "TABLE",
            "quantity-1": "3",
            "price-1": "400",
            "sku-2": "LEG",
            "quantity-2": "4",
            "price-2": "20",
        },
    )
    assert response.status_code == 303
    number = re.search(r"/sell/(SO-[\w-]+)", response.headers["location"])
    assert number
    order = api_queries.sales_order(site.takt.uows, number.group(1))
    assert [(ln.sku, ln.quantity, ln.unit_price) for ln in order.lines] == [
        ("TABLE", D(3), D(400)),
        ("LEG", D(4), D(20)),
    ]
    shown = planner.get(response.headers["location"])
    assert " entered" in shown.text
    assert 'id="edit-line-2"' in shown.text


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({"customer": ""}, "Customer: choose the customer", "customer"),
        ({"delivery_date": "soon"}, "Delivery date: &#39;soon&#39; is not a date", "delivery_date"),
        ({"quantity-1": "lots"}, "Line 1 quantity: &#39;lots&#39; is not a number", "quantity-1"),
        ({"quantity-1": "0"}, "Line 1 quantity: must be more than 0", "quantity-1"),
        ({"sku-1": "", "quantity-1": ""}, "Lines: enter at least one line", "sku-1"),
        ({"sku-1": "OAK"}, "Item: OAK is a material", "sku-1"),
    ],
)
def test_bad_input_comes_back_with_a_message_naming_the_field(
    site: Site, fields: dict[str, str], message: str, field: str
) -> None:
    status, body = _new_order(site, **fields)
    assert status == 422
    assert message in body
    assert "Traceback" not in body
    if field != "sku-1" or fields.get("sku-1"):
        assert f'id="{field}" name="{field}"' in body
    # what was typed is kept
    assert 'value="ACME" selected' in body or fields.get("customer") == ""


def test_only_planners_and_admins_enter_orders_and_the_csrf_token_is_checked(site: Site) -> None:
    assert site.browser("operator").get("/sell/new").status_code == 403
    viewer = site.browser("viewer")
    assert viewer.get("/sell/new").status_code == 403
    form = {"customer": "ACME", "delivery_date": SOON, "sku-1": "TABLE", "quantity-1": "1"}
    assert viewer.post("/sell/new", form).status_code == 403
    assert site.browser("planner").post("/sell/new", form, csrf=False).status_code == 403
    assert "New sales order" not in viewer.get("/sell").text
    assert 'href="/sell/new"' in site.browser("admin").get("/sell").text


def test_the_promise_date_shows_while_a_line_is_entered(site: Site) -> None:
    planner = site.browser("planner")
    answer = planner.get(
        f"/sell/promise?line=2&sku-2=TABLE&quantity-2=1&delivery_date={SOON}",
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert 'id="promise-2"' in answer.text
    assert "Earliest delivery" in answer.text
    assert "binding constraint" in answer.text
    empty = planner.get("/sell/promise?line=1&sku-1=&quantity-1=")
    assert "Choose an item and a quantity" in empty.text
    wrong = planner.get("/sell/promise?line=1&sku-1=NOPE&quantity-1=1")
    assert "No promise" in wrong.text
    assert site.browser("operator").get("/sell/promise?line=1").status_code == 403


def _mto(site: Site, so: str, line: int = 1) -> str:
    return manufacturing.create_mo_for_sales_line(so, line, site.takt.uows()).number


def test_a_new_quantity_drags_the_make_to_order_mo_along_until_it_starts(site: Site) -> None:
    so = site.orders["so"]
    uows = site.takt.uows
    mo = _mto(site, so)
    planner = site.browser("planner")
    changed = planner.post(f"/sell/{so}/line/1", {"qty-1": "5", "unit-1": "440"}, htmx=True)
    assert changed.status_code == 200
    assert "Line 1 changed" in changed.text
    assert api_queries.manufacturing_order(uows, mo).quantity == D(5)
    line = api_queries.sales_order(uows, so).lines[0]
    assert (line.quantity, line.unit_price) == (D(5), D(440))

    tasks.act_on_task(tasks.TaskCommand(mo, 10, tasks.TaskAction.START), uows())
    refused = planner.post(f"/sell/{so}/line/1", {"qty-1": "6", "unit-1": "440"}, htmx=True)
    assert refused.status_code == 422
    assert f"{mo} (made to order for {so} line 1) is in progress" in refused.text
    assert 'value="6"' in refused.text  # what was typed stays
    assert api_queries.sales_order(uows, so).lines[0].quantity == D(5)
    assert api_queries.manufacturing_order(uows, mo).quantity == D(5)


def test_lines_are_added_and_bad_changes_name_the_field(site: Site) -> None:
    so = site.orders["so"]
    planner = site.browser("planner")
    added = planner.post(f"/sell/{so}/lines", {"sku-add": "LEG", "quantity-add": "2"}, htmx=True)
    assert added.status_code == 422  # LEG has no sales price
    assert "New line unit price: LEG has no sales price" in added.text
    added = planner.post(
        f"/sell/{so}/lines", {"sku-add": "LEG", "quantity-add": "2", "price-add": "25"}
    )
    assert added.status_code == 303
    assert [ln.sku for ln in api_queries.sales_order(site.takt.uows, so).lines] == ["TABLE", "LEG"]
    bad = planner.post(f"/sell/{so}/line/2", {"qty-2": "-1", "unit-2": "25"}, htmx=True)
    assert bad.status_code == 422
    assert "Line 2 quantity: must not be negative" in bad.text
    assert 'id="qty-2"' in bad.text


def test_removing_a_line_cancels_its_mo_or_says_why_not(site: Site) -> None:
    so = site.orders["so"]
    uows = site.takt.uows
    sales.add_sales_line(so, sales.SalesLineInput("LEG", D(2), D(25)), uows())
    made = manufacturing.create_mo_for_sales_line(so, 2, uows())
    planner = site.browser("planner")
    removed = planner.post(f"/sell/{so}/line/2/remove", htmx=True)
    assert removed.status_code == 200
    assert [ln.line_no for ln in api_queries.sales_order(uows, so).lines] == [1]
    assert api_queries.manufacturing_order(uows, made.number).status.value == "cancelled"
    last = planner.post(f"/sell/{so}/line/1/remove", htmx=True)
    assert last.status_code == 422
    assert "cancel the order instead" in last.text


def test_make_to_order_one_line_or_the_selected_lines(site: Site) -> None:
    so = site.orders["so"]
    uows = site.takt.uows
    sales.add_sales_line(so, sales.SalesLineInput("LEG", D(4), D(25)), uows())
    planner = site.browser("planner")
    page = planner.get(f"/sell/{so}")
    assert 'form="make-selected"' in page.text
    assert 'id="make-line-1-button"' in page.text
    none = planner.post(f"/sell/{so}/make", {}, htmx=True)
    assert none.status_code == 422
    assert "select at least one line" in none.text
    one = planner.post(f"/sell/{so}/line/1/make", htmx=True)
    assert one.status_code == 200
    assert "Made to order: MO-" in one.text
    assert 'id="make-line-1-button"' not in one.text  # made: no second button
    client = planner.client
    both = client.post(
        f"/sell/{so}/make",
        data={"csrf": planner.csrf, "make": ["1", "2"]},
        headers={"HX-Request": "true"},
    )
    assert both.status_code == 200
    assert "for line 2" in both.text
    assert "already made to order" in both.text  # line 1 refused, line 2 made
    made = {m.sales_line for m in api_queries.manufacturing_orders(uows) if m.sales_order == so}
    assert made == {1, 2}
    assert site.browser("viewer").post(f"/sell/{so}/line/1/make").status_code == 403


def test_a_quote_is_confirmed_and_the_delivery_date_moves_the_mos_due_date(site: Site) -> None:
    so = site.orders["so"]
    uows = site.takt.uows
    mo = _mto(site, so)
    planner = site.browser("planner")
    later = date.today() + timedelta(days=40)
    moved = planner.post(f"/sell/{so}/delivery", {"delivery_date": later.isoformat()})
    assert moved.status_code == 303
    assert api_queries.sales_order(uows, so).delivery_date == later
    assert api_queries.manufacturing_order(uows, mo).due_date == later
    bad = planner.post(f"/sell/{so}/delivery", {"delivery_date": "2025-13-40"}, htmx=True)
    assert bad.status_code == 422
    assert "Delivery date: &#39;2025-13-40&#39; is not a date" in bad.text
    _status, location = _new_order(site, quote="1")
    number = location.split("/sell/")[1].split("?")[0]
    assert api_queries.sales_order(uows, number).status.value == "quote"
    confirmed = planner.post(f"/sell/{number}/confirm", htmx=True)
    assert confirmed.status_code == 200
    assert api_queries.sales_order(uows, number).status.value == "open"
