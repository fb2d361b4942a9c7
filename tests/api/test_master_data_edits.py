"""Changing (PATCH) and deleting (DELETE) master data: items, workstations, operators,
locations, customers and suppliers. A delete is refused (409) while anything refers to the
record; every change leaves its before and after on the trail."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api


def _trail(api: Api, entity: str, key: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get(f"/audit/{entity}/{key}").json()["items"]
    return items


def test_a_planner_changes_an_item_and_the_trail_has_before_and_after(api: Api) -> None:
    changed = api.call(
        "PATCH",
        "/items/TABLE",
        "planner",
        json={"name": "Oak dining table", "safety_stock": "2", "sales_price": None},
    )
    assert changed.status_code == 200, changed.text
    table = changed.json()
    assert (table["name"], table["safety_stock"], table["sales_price"]) == (
        "Oak dining table",
        "2",
        None,
    )
    assert table["kind"] == "product"  # what was not sent stays
    assert api.get("/items/TABLE").json()["name"] == "Oak dining table"
    [entry] = _trail(api, "item", "TABLE")
    assert (entry["user"], entry["action"]) == ("planner", "update")
    assert (entry["before"]["name"], entry["after"]["name"]) == ("Dining table", "Oak dining table")
    assert (entry["before"]["sales_price"], entry["after"]["sales_price"]) == ("450", None)


def test_a_patch_refuses_unknown_fields_nulls_and_bad_values_naming_the_field(api: Api) -> None:
    for body, field in [
        ({"colour": "red"}, "colour"),
        ({"name": None}, "name"),
        ({"lead_time_days": "3"}, "lead_time_days"),
        ({"sku": "OTHER"}, "sku"),
        ({"kind": "gadget"}, "kind"),
    ]:
        refused = api.call("PATCH", "/items/OAK", json=body)
        assert refused.status_code == 422, body
        assert refused.json()["field"] == field, refused.json()
    missing = api.call("PATCH", "/items/NOPE", json={"name": "x"})
    assert missing.status_code == 404
    assert missing.json()["field"] == "sku"
    assert _trail(api, "item", "OAK") == []


def test_an_item_keeps_its_unit_and_batch_tracking_while_they_mean_something(api: Api) -> None:
    assert api.call("PATCH", "/items/SCREW", json={"unit": "dozen"}).status_code == 200
    api.ok("POST", "/stock/receipts", json={"sku": "OAK", "quantity": "5", "unit_cost": "4"})
    unit = api.call("PATCH", "/items/OAK", json={"unit": "cm"})
    assert unit.status_code == 422
    assert unit.json()["field"] == "unit"
    tracked = api.call("PATCH", "/items/OAK", json={"batch_tracked": True})
    assert tracked.status_code == 422
    assert tracked.json()["field"] == "batch_tracked"
    material = api.call("PATCH", "/items/TABLE", json={"kind": "material"})
    assert material.status_code == 422
    assert material.json()["field"] == "kind"
    assert api.call("PATCH", "/items/TOP", json={"kind": "product"}).status_code == 200


def test_variants_point_at_a_template_that_is_no_variant(api: Api) -> None:
    api.ok("POST", "/items", json={"sku": "TABLE-W", "name": "Walnut table", "kind": "product"})
    variant = api.call("PATCH", "/items/TABLE-W", json={"variant_of": "TABLE"})
    assert variant.status_code == 200, variant.text
    assert variant.json()["variant_of"] == "TABLE"
    twice = api.call("PATCH", "/items/LEG", json={"variant_of": "TABLE-W"})
    assert twice.status_code == 422
    assert twice.json()["field"] == "variant_of"
    template = api.call("PATCH", "/items/TABLE", json={"variant_of": "LEG"})
    assert template.status_code == 422
    assert template.json()["field"] == "variant_of"
    unknown = api.call("PATCH", "/items/TABLE-W", json={"variant_of": "NOPE"})
    assert unknown.status_code == 404
    assert unknown.json()["field"] == "variant_of"


def test_an_item_in_use_is_not_deleted_and_says_by_what(api: Api) -> None:
    api.ok("POST", "/stock/receipts", json={"sku": "OAK", "quantity": "5", "unit_cost": "4"})
    refused = api.call("DELETE", "/items/OAK", "planner")
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == "urn:takt:problem:in-use"
    assert problem["field"] == "sku"
    for what in ("BOM lines", "stock balances", "stock ledger entries"):
        assert what in problem["detail"]
    assert api.get("/items/OAK").status_code == 200
    assert _trail(api, "item", "OAK") == []


def test_an_item_nothing_refers_to_is_deleted_with_its_own_bom_and_routing(api: Api) -> None:
    assert api.call("DELETE", "/items/TABLE", "planner").status_code == 204
    assert api.get("/items/TABLE").status_code == 404
    assert api.get("/boms/TABLE").status_code == 404
    assert api.get("/items/LEG").status_code == 200  # its components stay
    [entry] = _trail(api, "item", "TABLE")
    assert (entry["action"], entry["before"]["name"], entry["after"]) == (
        "delete",
        "Dining table",
        None,
    )
    assert api.call("DELETE", "/items/TABLE").status_code == 404
    assert api.call("DELETE", "/items/LEG", "viewer").status_code == 403


def test_workstations_change_their_calendar_and_go_when_unused(api: Api) -> None:
    changed = api.call(
        "PATCH",
        "/workstations/ASSY",
        json={
            "name": "Assembly",
            "parallel_units": 2,
            "calendar": {"shifts": [{"weekday": 0, "start": "06:00", "end": "14:00"}]},
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["calendar"]["weekly_minutes"] == 480
    assert api.get("/workstations/ASSY").json()["parallel_units"] == 2
    [entry] = _trail(api, "workstation", "ASSY")
    assert (
        entry["before"]["calendar"]["weekly_minutes"] > entry["after"]["calendar"]["weekly_minutes"]
    )
    refused = api.call("DELETE", "/workstations/SAW")
    assert refused.status_code == 409
    assert "routings" in refused.json()["detail"]
    api.ok("POST", "/workstations", json={"code": "CNC", "name": "CNC router"})
    api.ok("PATCH", "/operators/OP2", json={"workstations": ["ASSY", "CNC"]})
    assert api.call("DELETE", "/workstations/CNC").status_code == 204
    assert api.get("/workstations/CNC").status_code == 404
    op2 = next(o for o in api.get("/operators").json()["items"] if o["code"] == "OP2")
    assert op2["workstations"] == ["ASSY"]


def test_operators_change_what_they_run_and_go_when_unused(api: Api) -> None:
    unknown = api.call("PATCH", "/operators/OP2", json={"workstations": ["NOPE"]})
    assert unknown.status_code == 404
    assert unknown.json()["field"] == "workstations"
    renamed = api.call("PATCH", "/operators/OP2", json={"name": "Benjamin"})
    assert renamed.json() == {"code": "OP2", "name": "Benjamin", "workstations": ["ASSY"]}
    in_use = api.call("DELETE", "/operators/OP1")  # the operator user acts as OP1
    assert in_use.status_code == 409
    assert "users" in in_use.json()["detail"]
    assert api.call("DELETE", "/operators/OP2").status_code == 204
    assert api.call("PATCH", "/operators/OP2", json={"name": "x"}).status_code == 404


def test_locations_customers_and_suppliers(api: Api) -> None:
    assert api.ok("PATCH", "/locations/SHOP", json={"name": "Workshop"})["name"] == "Workshop"
    api.ok("POST", "/stock/receipts", json={"sku": "OAK", "quantity": "5", "unit_cost": "4"})
    assert api.call("DELETE", "/locations/MAIN").status_code == 409
    assert api.call("DELETE", "/locations/SHOP").status_code == 204
    missing = api.call("PATCH", "/locations/SHOP", json={"name": "x"})
    assert (missing.status_code, missing.json()["field"]) == (404, "code")

    api.ok("POST", "/customers", json={"code": "ACME", "name": "Acme"})
    assert api.ok("PATCH", "/customers/ACME", json={"email": "buy@acme.test"})["email"] == (
        "buy@acme.test"
    )
    bad = api.call("PATCH", "/customers/ACME", json={"email": "not an address"})
    assert (bad.status_code, bad.json()["field"]) == (422, "email")
    api.ok(
        "POST",
        "/sales-orders",
        json={
            "customer": "ACME",
            "delivery_date": "2030-01-15",
            "lines": [{"sku": "TABLE", "quantity": "1"}],
        },
    )
    ordered = api.call("DELETE", "/customers/ACME")
    assert ordered.status_code == 409
    assert "sales orders" in ordered.json()["detail"]

    changed = api.ok("PATCH", "/suppliers/TIMBER", json={"lead_time_days": 10})
    assert changed == {"code": "TIMBER", "name": "Timber & Co", "lead_time_days": 10}
    supplying = api.call("DELETE", "/suppliers/TIMBER")
    assert supplying.status_code == 409
    assert "default supplier" in supplying.json()["detail"]
    api.ok("POST", "/suppliers", json={"code": "GLUECO", "name": "Glue Co"})
    assert api.call("DELETE", "/suppliers/GLUECO").status_code == 204
    actions = [
        (e["entity"], e["action"])
        for e in api.get("/audit", params={"user": "admin"}).json()["items"]
    ]
    assert ("supplier", "delete") in actions
    assert ("customer", "update") in actions
    assert ("location", "delete") in actions
