"""Sales, purchase and manufacturing orders with their actions, tasks, allocation and pegging."""

from __future__ import annotations

from tests.api.conftest import Api

SOON = "2030-06-28"


def test_purchase_then_sell_and_ship_with_pegging(api: Api) -> None:
    api.ok("POST", "/customers", json={"code": "ACME", "name": "Acme"})
    po = api.ok(
        "POST",
        "/purchase-orders",
        json={
            "supplier": "TIMBER",
            "expected_date": "2030-06-01",
            "lines": [{"sku": "OAK", "quantity": "10", "unit_price": "8.5"}],
        },
    )
    assert po["number"].startswith("PO-")
    assert po["total"] == "85"
    assert api.get(f"/purchase-orders/{po['number']}", "viewer").json()["total"] is None
    quote = api.ok(
        "POST",
        "/sales-orders",
        json={
            "customer": "ACME",
            "delivery_date": SOON,
            "quote": True,
            "lines": [{"sku": "TABLE", "quantity": "1"}],
        },
    )
    assert quote["status"] == "quote"
    number = quote["number"]
    api.ok(
        "POST",
        f"/sales-orders/{number}/lines",
        json={"sku": "TABLE", "quantity": "1", "unit_price": "400"},
    )
    confirmed = api.ok("POST", f"/sales-orders/{number}/confirm")
    assert confirmed["status"] == "open"
    assert confirmed["total"] == "850"
    allocation = api.get(f"/orders/{number}/allocation", "viewer").json()
    assert allocation["material_status"] == "red"
    assert [a["short"] for a in allocation["allocation"]] == ["1", "1"]
    # Stock arrives: receive the PO and post opening stock of tables.
    received = api.ok(
        "POST",
        f"/purchase-orders/{po['number']}/receive",
        json={"lines": [{"line_no": 1, "quantity": "4"}]},
    )
    assert received["entries"][0]["quantity"] == "4"
    assert api.get(f"/purchase-orders/{po['number']}").json()["status"] == "partly received"
    api.ok("POST", "/stock/receipts", json={"sku": "TABLE", "quantity": "1", "unit_cost": "300"})
    shipped = api.ok(
        "POST", f"/sales-orders/{number}/ship", json={"lines": [{"line_no": 1, "quantity": "1"}]}
    )
    assert shipped["entries"][0]["reason"] == "shipment"
    order = api.get(f"/sales-orders/{number}").json()
    assert order["status"] == "partly delivered"
    assert order["margin"] == "150"
    assert api.get(f"/sales-orders/{number}", "viewer").json()["margin"] is None
    rows = api.get("/sales-orders", params={"customer": "ACME"}).json()["items"]
    assert [r["number"] for r in rows] == [number]
    over = api.post(
        f"/sales-orders/{number}/ship", json={"lines": [{"line_no": 2, "quantity": "5"}]}
    )
    assert over.status_code == 422
    assert over.json()["field"] == "quantity"
    ranked = api.ok("POST", f"/sales-orders/{number}/rank", json={"rank": -2})
    assert ranked["rank"] == -2
    assert api.get("/sales-orders", params={"customer": "ACME"}).json()["items"][0]["rank"] == -2
    bad = api.post(f"/sales-orders/{number}/rank", json={"rank": "first"})
    assert bad.status_code == 422
    assert api.post(f"/sales-orders/{number}/rank", "viewer", json={"rank": 1}).status_code == 403
    mto = api.ok("POST", f"/sales-orders/{number}/lines/2/make")
    assert mto["sales_order"] == number
    assert mto["quantity"] == "1"


def test_manufacturing_order_life_with_tasks(api: Api) -> None:
    api.ok("POST", "/stock/receipts", json={"sku": "OAK", "quantity": "20", "unit_cost": "4"})
    mo = api.ok(
        "POST", "/manufacturing-orders", json={"sku": "LEG", "quantity": "4", "due_date": SOON}
    )
    number = mo["number"]
    assert mo["ingredients"][0] == {
        "sku": "OAK",
        "planned": "3.2",
        "consumed": "0",
        "remaining": "3.2",
        "consumed_cost": "0",
    }
    second = api.ok(
        "POST", "/manufacturing-orders", json={"sku": "TABLE", "quantity": "1", "due_date": SOON}
    )
    assert api.ok(
        "POST", f"/manufacturing-orders/{second['number']}/rank", json={"position": 1}
    ) == [second["number"], number]
    subs = api.ok("POST", f"/manufacturing-orders/{second['number']}/sub-assemblies")
    # Only the shortfall is made: the open leg MO covers 4 of the 4.2 legs (5 % wastage).
    assert {m["sku"]: m["quantity"] for m in subs} == {"TOP": "1", "LEG": "0.2"}
    api.ok("POST", f"/manufacturing-orders/{number}/block", json={"reason": "saw blade"})
    assert api.get(f"/manufacturing-orders/{number}").json()["status"] == "blocked"
    api.ok("POST", f"/manufacturing-orders/{number}/unblock")
    changed = api.ok(
        "PUT", f"/manufacturing-orders/{number}/ingredients/OAK", json={"planned": "3.5"}
    )
    assert changed["ingredients"][0]["planned"] == "3.5"
    issued = api.ok(
        "POST", f"/manufacturing-orders/{number}/issue", json={"sku": "OAK", "quantity": "1"}
    )
    assert issued["entries"][0]["reason"] == "consumption"
    task = f"/manufacturing-orders/{number}/tasks/10"
    assert api.ok("POST", f"{task}/start", "operator")["task"]["status"] == "in progress"
    assert api.ok("POST", f"{task}/pause", "operator")["task"]["status"] == "paused"
    assert api.ok("POST", f"{task}/resume", "operator")["task"]["status"] == "in progress"
    assert (
        api.ok("POST", f"{task}/block", "operator", json={"reason": "jam"})["mo_status"]
        == "blocked"
    )
    assert api.ok("POST", f"{task}/unblock", "operator")["task"]["status"] == "paused"
    api.ok("POST", f"{task}/resume", "operator")
    done = api.ok("POST", f"{task}/finish", "operator", json={"quantity_done": "4", "scrap": "0"})
    assert done["task"]["quantity_done"] == "4"
    completed = api.ok("POST", f"/manufacturing-orders/{number}/complete", json={"good": "4"})
    assert {e["reason"] for e in completed["entries"]} == {"consumption", "output"}
    costs = api.get(f"/manufacturing-orders/{number}/costs").json()
    assert costs["actual"]["materials"] == "14"  # 3.5 m of oak at 4
    assert api.get(f"/manufacturing-orders/{number}/costs", "viewer").status_code == 403
    assert (
        api.get("/manufacturing-orders", params={"status": "done"}).json()["items"][0]["number"]
        == number
    )
    cancelled = api.ok("POST", f"/manufacturing-orders/{subs[0]['number']}/cancel")
    assert cancelled["status"] == "cancelled"
    trail = api.get(f"/audit/task/{number}/10").json()["items"]
    assert [e["action"] for e in trail][::-1] == [
        "start",
        "pause",
        "resume",
        "block",
        "unblock",
        "resume",
        "finish",
    ]
    assert {e["user"] for e in trail} == {"operator"}


def test_purchase_order_lines_and_cancel(api: Api) -> None:
    po = api.ok("POST", "/purchase-orders", json={"supplier": "TIMBER"})
    number = po["number"]
    assert api.ok(
        "POST",
        f"/purchase-orders/{number}/lines",
        json={"sku": "PLY", "quantity": "3", "unit_price": "12"},
    )["lines"]
    assert api.ok("POST", f"/purchase-orders/{number}/cancel")["status"] == "cancelled"
    assert api.get("/purchase-orders", params={"status": "cancelled"}).json()["total"] == 1
    assert api.post("/purchase-orders", json={"supplier": "NOBODY"}).status_code == 422


def test_an_order_keeps_the_partners_reference(api: Api) -> None:
    api.ok("POST", "/customers", json={"code": "ACME", "name": "Acme"})
    so = api.ok(
        "POST",
        "/sales-orders",
        json={"customer": "ACME", "delivery_date": SOON, "reference": "ACME-PO-4711"},
    )
    assert api.get(f"/sales-orders/{so['number']}").json()["reference"] == "ACME-PO-4711"
    rows = api.get("/sales-orders", params={"customer": "ACME"}).json()["items"]
    assert [r["reference"] for r in rows] == ["ACME-PO-4711"]
    po = api.ok("POST", "/purchase-orders", json={"supplier": "TIMBER", "reference": "T-88"})
    assert api.get(f"/purchase-orders/{po['number']}").json()["reference"] == "T-88"
    assert api.ok("POST", "/purchase-orders", json={"supplier": "TIMBER"})["reference"] == ""

    too_long = api.post(
        "/sales-orders",
        json={"customer": "ACME", "delivery_date": SOON, "reference": "R" * 65},
    )
    assert too_long.status_code == 422
    assert too_long.json()["field"] == "reference"
    bad = api.post("/purchase-orders", json={"supplier": "TIMBER", "reference": "R" * 65})
    assert (bad.status_code, bad.json()["field"]) == (422, "reference")
