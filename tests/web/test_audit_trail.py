"""The audit trail of writes made from pages: the entry commits in the same transaction as the
write, so a refused write leaves none and a done one exactly one, with the user, the action and
the record's key (a new order's number, an added line's number, the MO made to order)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from takt.app import api_queries, manufacturing, purchasing, stock
from takt.app.ports import AuditEntry
from tests.web.conftest import Site
from tests.web.test_sell import with_pages

D = Decimal
SOON = (date.today() + timedelta(days=21)).isoformat()


@pytest.fixture
def pages(site: Site) -> Site:
    return with_pages(site)


def _entries(site: Site, entity: str, key: str | None = None) -> list[AuditEntry]:
    return api_queries.audit_entries(site.takt.uows, entity, key)


def test_a_refused_shipment_leaves_no_entry_and_a_shipment_exactly_one(pages: Site) -> None:
    so = pages.orders["so"]
    planner = pages.browser("planner")
    refused = planner.post(f"/sell/{so}/ship", {"ship-1": "2"}, htmx=True)
    assert refused.status_code == 422  # nothing allocated: nothing in stock
    assert _entries(pages, "sales_order", so) == []
    stock.adjust(stock.Adjust("TABLE", D(2), "count", unit_cost=D(100)), pages.takt.uows())
    shipped = planner.post(f"/sell/{so}/ship", {"ship-1": "1"})
    assert shipped.status_code == 303
    [entry] = _entries(pages, "sales_order", so)
    assert (entry.user, entry.action, entry.key) == ("planner", "ship", so)
    assert entry.after == {"document": so, "lines": [[1, "1"]]}


def test_receiving_on_a_cancelled_order_leaves_no_entry_and_a_receipt_one(pages: Site) -> None:
    po = pages.orders["po"]
    uows = pages.takt.uows
    other = purchasing.create_purchase_order(
        purchasing.NewPurchaseOrder("TIMBER", (purchasing.PurchaseLineInput("OAK", D(2), D(8)),)),
        uows(),
    ).number
    purchasing.cancel_purchase_order(other, uows())
    planner = pages.browser("planner")
    refused = planner.post(f"/buy/{other}/receive", {"receive-1": "1"}, htmx=True)
    assert refused.status_code == 422
    assert _entries(pages, "purchase_order", other) == []
    received = planner.post(f"/buy/{po}/receive", {"receive-1": "4"})
    assert received.status_code == 303
    [entry] = _entries(pages, "purchase_order", po)
    assert (entry.user, entry.action, entry.key) == ("planner", "receive", po)
    assert entry.after == {"document": po, "lines": [[1, "4"]]}


def test_a_new_order_is_keyed_by_its_number_and_a_refused_one_leaves_nothing(site: Site) -> None:
    planner = site.browser("planner")
    form = {"customer": "ACME", "delivery_date": SOON, "sku-1": "TABLE", "quantity-1": "2"}
    before = _entries(site, "sales_order")
    refused = planner.post("/sell/new", {**form, "customer": "NOBODY"})
    assert refused.status_code == 422
    assert _entries(site, "sales_order") == before
    created = planner.post("/sell/new", {**form, "sku-2": "TABLE", "quantity-2": "1"})
    assert created.status_code == 303
    found = re.search(r"/sell/(SO-[\w-]+)", created.headers["location"])
    assert found
    [entry] = _entries(site, "sales_order", found.group(1))
    assert (entry.user, entry.action, entry.after) == ("planner", "create", {"lines": 2})


def test_an_added_line_and_a_make_to_order_are_keyed_by_line(site: Site) -> None:
    so = site.orders["so"]
    planner = site.browser("planner")
    refused = planner.post(f"/sell/{so}/lines", {"sku-add": "LEG", "quantity-add": "2"})
    assert refused.status_code == 422  # LEG has no sales price
    assert _entries(site, "sales_order", f"{so}/2") == []
    added = planner.post(
        f"/sell/{so}/lines", {"sku-add": "LEG", "quantity-add": "2", "price-add": "25"}
    )
    assert added.status_code == 303
    [entry] = _entries(site, "sales_order", f"{so}/2")
    assert (entry.user, entry.action, entry.after) == ("planner", "add_line", {"sku": "LEG"})
    made = planner.post(f"/sell/{so}/line/1/make", htmx=True)
    assert made.status_code == 200
    again = planner.post(f"/sell/{so}/line/1/make", htmx=True)
    assert again.status_code == 422  # already made to order: refused, no second entry
    [entry] = _entries(site, "sales_order", f"{so}/1")
    mo = next(m for m in api_queries.manufacturing_orders(site.takt.uows) if m.sales_order == so)
    assert (entry.action, entry.after) == ("make_to_order", {"mo": mo.number})


def test_a_replan_is_keyed_by_the_plan_version_it_stored(site: Site) -> None:
    # 1000 legs due today: far more saw time than there is today, so the plan finishes it late
    late = manufacturing.create_mo(
        manufacturing.NewMO("LEG", D(1000), date.today()), site.takt.uows()
    )
    planner = site.browser("planner")
    response = planner.post("/schedule/replan", {"engine": "instant"})
    assert response.status_code == 200
    plan = api_queries.latest_plan(site.takt.uows)
    assert plan is not None
    [entry] = _entries(site, "schedule", str(plan.version))
    assert (entry.user, entry.action) == ("planner", "replan")
    shown = re.search(r"<strong>Now late:</strong> ([^<]*)<", response.text)
    assert shown  # no plan before: every late order is newly late
    assert late.number in shown.group(1).split(", ")
    assert entry.after == {"engine": "dispatch", "late_orders": len(shown.group(1).split(", "))}
