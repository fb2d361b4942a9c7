"""Every error is one RFC 9457 problem; bad input is refused naming the field, never a 500."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api

PROBLEM_KEYS = {"type", "title", "status", "detail", "field", "errors"}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].startswith("urn:takt:problem:")
    return body


def item(**fields: Any) -> dict[str, Any]:
    return {"sku": "CHAIR", "name": "Chair", "kind": "product"} | fields


def test_a_business_rule_is_422_naming_the_field(api: Api) -> None:
    body = problem(
        api.post("/stock/scrap", json={"sku": "OAK", "quantity": "5", "reason": "wet"}), 422
    )
    assert body["field"] == "quantity"
    assert "not enough OAK" in body["detail"]
    assert body["errors"] == [{"field": "quantity", "message": body["detail"], "type": "domain"}]


def test_unknown_records_are_404_and_duplicates_409(api: Api) -> None:
    assert problem(api.get("/items/NOPE"), 404)["field"] == "sku"
    problem(api.get("/sales-orders/SO-9999"), 404)
    body = problem(api.post("/items", json=item(sku="TABLE")), 409)
    assert body["type"] == "urn:takt:problem:duplicate"
    assert body["field"] == "sku"


def test_routing_errors_are_problems(api: Api) -> None:
    problem(api.get("/no-such-thing"), 404)
    problem(api.call("PATCH", "/items"), 405)
    problem(api.call("DELETE", "/audit"), 405)  # the audit trail has no write route


def test_unknown_fields_are_refused(api: Api) -> None:
    body = problem(api.post("/items", json=item(colour="red")), 422)
    assert body["field"] == "colour"
    assert body["errors"][0]["type"] == "extra_forbidden"


def test_floats_are_refused_strings_and_integers_are_exact(api: Api) -> None:
    body = problem(api.post("/stock/receipts", json={"sku": "OAK", "quantity": 0.1}), 422)
    assert body["field"] == "quantity"
    assert "JSON floats are refused" in body["detail"]
    posted = api.ok(
        "POST", "/stock/receipts", json={"sku": "OAK", "quantity": "0.1", "unit_cost": 3}
    )
    assert posted["entries"][0]["quantity"] == "0.1"
    assert posted["entries"][0]["unit_cost"] == "3"
    for bad in ["1e3", "0x10", " 1", "NaN", "Infinity", "", "1.", "--1"]:
        assert (
            problem(api.post("/stock/receipts", json={"sku": "OAK", "quantity": bad}), 422)["field"]
            == "quantity"
        ), bad
    for bad in [True, None, [], {}]:
        problem(api.post("/stock/receipts", json={"sku": "OAK", "quantity": bad}), 422)


def test_huge_and_too_precise_decimals_are_refused(api: Api) -> None:
    for bad in ["1" * 40, "1000000000000", 10**30, "0.0000001", "-" + "9" * 30]:
        body = problem(api.post("/stock/receipts", json={"sku": "OAK", "quantity": bad}), 422)
        assert body["field"] == "quantity"
    problem(api.post("/stock/receipts", json={"sku": "OAK", "quantity": "1" * 5000}), 422)
    biggest = {"sku": "OAK", "quantity": "999999999999.999999", "unit_cost": "1"}
    assert api.ok("POST", "/stock/receipts", json=biggest)["entries"][0]["quantity"] == (
        "999999999999.999999"
    )


def test_script_is_stored_as_text_and_returned_as_is(api: Api) -> None:
    name = '<script>alert("x")</script> & Söhne ✓ 表'
    created = api.ok("POST", "/items", json=item(name=name))
    assert created["name"] == name
    assert api.get("/items/CHAIR").json()["name"] == name
    assert api.get("/items/CHAIR").headers["content-type"] == "application/json"


def test_control_characters_and_bad_unicode_are_refused(api: Api) -> None:
    for bad in ["Chair\x00", "Chair\x1b[31m", "Chair\nTwo", "\x7f"]:
        body = problem(api.post("/items", json=item(name=bad)), 422)
        assert body["field"] == "name", bad
    raw = b'{"sku": "CHAIR", "name": "bad \\ud800", "kind": "product"}'
    response = api.post("/items", content=raw, headers={"Content-Type": "application/json"})
    problem(response, 422)
    problem(
        api.post("/items", content=b"{not json", headers={"Content-Type": "application/json"}), 422
    )
    # A reason may span lines; a NUL never reaches the database.
    posted = api.ok(
        "POST",
        "/stock/adjustments",
        json={"sku": "SCREW", "delta": "-1", "reason": "line one\nline two"},
    )
    assert posted["entries"][0]["note"] == "line one\nline two"
    problem(
        api.post("/stock/adjustments", json={"sku": "SCREW", "delta": "-1", "reason": "a\x00"}), 422
    )
    problem(api.get("/items/%00"), 422)
    problem(api.get("/stock", params={"sku": "OAK\x00"}), 422)


def test_oversized_bodies_are_413(api: Api) -> None:
    big = {"sku": "OAK", "quantity": "1", "note": "x" * 1_100_000}
    problem(api.post("/stock/receipts", json=big), 413)

    def chunks() -> Any:
        for _ in range(11):
            yield b" " * 100_000

    response = api.post(
        "/stock/receipts", content=chunks(), headers={"Content-Type": "application/json"}
    )
    problem(response, 413)


def test_wrong_content_types_are_415(api: Api) -> None:
    body = "sku=OAK&quantity=1"
    for content_type in ["application/x-www-form-urlencoded", "text/plain", "text/json"]:
        response = api.post("/stock/receipts", content=body, headers={"Content-Type": content_type})
        problem(response, 415)
    response = api.post("/stock/receipts", content=b'{"sku":"OAK"}', headers={"Content-Type": ""})
    problem(response, 415)
    ok = api.post(
        "/stock/receipts",
        content=b'{"sku":"OAK","quantity":"1","unit_cost":"2"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert ok.status_code == 201


def test_validation_names_path_and_query_fields(api: Api) -> None:
    assert problem(api.get("/items", params={"limit": 501}), 422)["field"] == "limit"
    assert problem(api.get("/stock/ledger", params={"reason": "theft"}), 422)["field"] == "reason"
    assert problem(api.get("/items/bad sku"), 422)["field"] == "sku"
    assert (
        problem(
            api.post("/sales-orders", json={"customer": "X", "delivery_date": "tomorrow"}), 422
        )["field"]
        == "delivery_date"
    )
