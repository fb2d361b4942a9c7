"""Entering purchase orders on the Buy pages and receiving one in the Buy list's dialog: the
form, bad input naming the field, roles and CSRF, partial receipts and refusals in the dialog."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from takt.app import api_queries
from tests.web.conftest import Site

D = Decimal
LATER = (date.today() + timedelta(days=9)).isoformat()


def test_a_planner_enters_a_purchase_order_with_its_lines(site: Site) -> None:
    planner = site.browser("planner")
    page = planner.get("/buy/new")
    assert page.status_code == 200
    assert "<title>New purchase order · Takt</title>" in page.text
    response = planner.post(
        "/buy/new",
        {
            "supplier": "TIMBER",
            "expected_date": LATER,
            "location": "MAIN",
            "sku-1": "OAK",
            "quantity-1": "12",
            "price-1": "8.5",
            "sku-2": "PLY",
            "quantity-2": "3",
            "price-2": "20",
        },
    )
    assert response.status_code == 303
    number = re.search(r"/buy/(PO-[\w-]+)", response.headers["location"])
    assert number
    order = api_queries.purchase_order(site.takt.uows, number.group(1))
    assert order.expected_date.isoformat() == LATER
    assert [(ln.sku, ln.quantity) for ln in order.lines] == [("OAK", D(12)), ("PLY", D(3))]
    assert "entered" in planner.get(response.headers["location"]).text


def test_an_empty_expected_date_is_the_suppliers_lead_time(site: Site) -> None:
    planner = site.browser("planner")
    form = {"supplier": "TIMBER", "sku-1": "OAK", "quantity-1": "5", "price-1": "8"}
    response = planner.post("/buy/new", form)
    number = response.headers["location"].split("/buy/")[1].split("?")[0]
    order = api_queries.purchase_order(site.takt.uows, number)
    assert order.expected_date == date.today() + timedelta(days=7)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"supplier": ""}, "Supplier: choose the supplier"),
        ({"expected_date": "tomorrow"}, "Expected date: &#39;tomorrow&#39; is not a date"),
        ({"quantity-1": "x"}, "Line 1 quantity: &#39;x&#39; is not a number"),
        ({"sku-1": "TABLE"}, "Item: TABLE is made here"),
        ({"price-1": "", "sku-1": "PLY"}, "Unit price: PLY has no last price"),
    ],
)
def test_bad_input_names_the_field(site: Site, fields: dict[str, str], message: str) -> None:
    form = {"supplier": "TIMBER", "sku-1": "OAK", "quantity-1": "5", "price-1": "8"}
    form.update(fields)
    response = site.browser("planner").post("/buy/new", form)
    assert response.status_code == 422
    assert message in response.text
    assert "Traceback" not in response.text


def test_only_planners_and_admins_enter_purchase_orders(site: Site) -> None:
    form = {"supplier": "TIMBER", "sku-1": "OAK", "quantity-1": "5", "price-1": "8"}
    assert site.browser("operator").get("/buy/new").status_code == 403
    assert site.browser("viewer").post("/buy/new", form).status_code == 403
    assert site.browser("planner").post("/buy/new", form, csrf=False).status_code == 403
    assert 'id="receive-' not in site.browser("viewer").get("/buy").text


def test_the_buy_list_receives_part_of_an_order_in_a_dialog(site: Site) -> None:
    po = site.orders["po"]
    planner = site.browser("planner")
    listed = planner.get("/buy")
    assert f'hx-get="/buy/{po}/receive-dialog"' in listed.text
    assert '<dialog id="receive-dialog"' in listed.text
    dialog = planner.get(f"/buy/{po}/receive-dialog", headers={"HX-Request": "true"})
    assert dialog.status_code == 200
    assert 'name="dialog" value="1"' in dialog.text
    too_much = planner.post(f"/buy/{po}/receive", {"dialog": "1", "receive-1": "50"}, htmx=True)
    assert too_much.status_code == 422
    assert 'id="receive-sheet"' in too_much.text  # the refusal stays in the dialog
    assert "more than the 10 m still expected" in too_much.text
    done = planner.post(f"/buy/{po}/receive", {"dialog": "1", "receive-1": "4"}, htmx=True)
    assert done.status_code == 200
    assert "Received: line 1 × 4" in done.text
    order = api_queries.purchase_order(site.takt.uows, po)
    assert order.lines[0].received == D(4)
    assert order.status.value == "partly received"
