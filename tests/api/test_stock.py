"""Stock levels, the ledger with filters, and the five postings."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.orders import some_orders


def test_postings_levels_and_ledger_filters(api: Api) -> None:
    api.ok("POST", "/stock/receipts", json={"sku": "OAK", "quantity": "10", "unit_cost": "4"})
    api.ok(
        "POST",
        "/stock/transfers",
        json={"sku": "OAK", "quantity": "3", "source": "MAIN", "destination": "SHOP"},
    )
    api.ok(
        "POST", "/stock/adjustments", json={"sku": "OAK", "delta": "-1", "reason": "split board"}
    )
    counted = api.ok(
        "POST", "/stock/counts", json={"sku": "OAK", "counted": "3", "location": "SHOP"}
    )
    assert counted["document"] is None
    assert counted["entries"] == []
    api.ok(
        "POST",
        "/stock/scrap",
        json={"sku": "OAK", "quantity": "1", "reason": "rot", "location": "SHOP"},
    )
    levels = {
        r["location"]: r["quantity"]
        for r in api.get("/stock", params={"sku": "OAK"}).json()["items"]
    }
    assert levels == {"MAIN": "6", "SHOP": "2"}
    assert api.get("/stock", params={"location": "SHOP"}).json()["total"] == 1
    ledger = api.get("/stock/ledger", params={"sku": "OAK", "reason": "transfer"}).json()["items"]
    assert sorted(e["quantity"] for e in ledger) == ["-3", "3"]
    assert all(e["user"] == "admin" for e in ledger)
    page = api.get("/stock/ledger", params={"limit": 2, "offset": 1}).json()
    assert len(page["items"]) == 2
    assert page["offset"] == 1
    since = api.get("/stock/ledger", params={"since": "2999-01-01T00:00:00"}).json()["items"]
    assert since == []
    assert api.get("/stock/ledger", "viewer").json()["items"][0]["unit_cost"] is None
    assert api.get("/stock/ledger", "operator").status_code == 403
    trail = api.get("/audit", params={"entity": "stock"}).json()["items"]
    assert [e["action"] for e in trail] == ["scrap", "count", "adjust", "transfer", "receive"]


def test_a_posting_for_an_unknown_location_changes_nothing(api: Api) -> None:
    refused = api.post(
        "/stock/receipts",
        json={"sku": "OAK", "quantity": "1", "unit_cost": "1", "location": "MOON"},
    )
    assert refused.status_code == 404
    assert api.get("/stock/ledger").json()["items"] == []


def test_the_item_list_carries_each_items_stock_figures(api: Api) -> None:
    """5 m of oak on the shelf; the order book sells 2 tables, makes 1 table and 4 legs, and buys
    10 m of oak. Oak: the legs commit 3.2 m, 1.8 m is available, none missing. Tables: 2 sold,
    1 being made, none in stock: 1 missing. Legs: the table commits 4.2 (4 + 5 %), the MO for
    4 makes 4: 0.2 missing."""
    api.ok("POST", "/stock/receipts", json={"sku": "OAK", "quantity": "5", "unit_cost": "4"})
    some_orders(api.takt)
    rows = {r["sku"]: r for r in api.get("/items", "viewer").json()["items"]}
    figures = ("in_stock", "committed", "expected", "available", "missing")
    assert {sku: tuple(rows[sku][f] for f in figures) for sku in ("OAK", "TABLE", "LEG")} == {
        "OAK": ("5", "3.2", "10", "1.8", "0"),
        "TABLE": ("0", "2", "1", "-2", "1"),
        "LEG": ("0", "4.2", "4", "-4.2", "0.2"),
    }
    assert (rows["OAK"]["unit"], rows["OAK"]["safety_stock"]) == ("m", "0")
    assert rows["OAK"]["average_cost"] is None  # figures are for everyone, costs are not
    [table] = api.get("/items", params={"q": "dining"}).json()["items"]
    assert (table["sku"], table["missing"]) == ("TABLE", "1")
