"""A write retried with the same Idempotency-Key applies once and answers the same."""

from __future__ import annotations

from tests.api.conftest import Api

RECEIPT = {"sku": "OAK", "quantity": "7", "unit_cost": "4"}


def test_a_retried_receipt_applies_once_with_the_same_answer(api: Api) -> None:
    key = {"Idempotency-Key": "receipt-2024-06-01-001"}
    first = api.post("/stock/receipts", json=RECEIPT, headers=key)
    again = api.post("/stock/receipts", json=RECEIPT, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    ledger = api.get("/stock/ledger", params={"sku": "OAK"}).json()["items"]
    assert len(ledger) == 1
    assert api.get("/stock").json()["items"][0]["quantity"] == "7"


def test_the_same_key_elsewhere_is_422_and_keys_are_per_user(api: Api) -> None:
    key = {"Idempotency-Key": "k1"}
    assert api.post("/stock/receipts", json=RECEIPT, headers=key).status_code == 201
    misuse = api.post(
        "/stock/scrap", json={"sku": "OAK", "quantity": "1", "reason": "x"}, headers=key
    )
    assert misuse.status_code == 422
    assert misuse.json()["field"] == "Idempotency-Key"
    # Another user's key of the same name is theirs.
    assert api.post("/stock/receipts", "planner", json=RECEIPT, headers=key).status_code == 201
    assert len(api.get("/stock/ledger").json()["items"]) == 2


def test_errors_are_not_remembered_and_bad_keys_refused(api: Api) -> None:
    key = {"Idempotency-Key": "k2"}
    refused = api.post("/stock/receipts", json={"sku": "OAK", "quantity": 1.5}, headers=key)
    assert refused.status_code == 422
    assert api.post("/stock/receipts", json=RECEIPT, headers=key).status_code == 201
    bad = api.post("/stock/receipts", json=RECEIPT, headers={"Idempotency-Key": "x" * 129})
    assert bad.status_code == 422
    assert bad.json()["field"] == "Idempotency-Key"


def test_a_retried_order_creation_makes_one_order(api: Api) -> None:
    api.ok("POST", "/customers", json={"code": "ACME", "name": "Acme"})
    order = {
        "customer": "ACME",
        "delivery_date": "2030-01-15",
        "lines": [{"sku": "TABLE", "quantity": "1"}],
    }
    key = {"Idempotency-Key": "so-1"}
    first = api.post("/sales-orders", json=order, headers=key).json()
    again = api.post("/sales-orders", json=order, headers=key).json()
    assert first == again
    assert api.get("/sales-orders").json()["total"] == 1
