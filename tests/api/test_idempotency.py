"""A write retried with the same Idempotency-Key applies once and answers the same."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from takt.app import catalog
from takt.app.ports import UnitOfWork
from takt.domain.locations import Location
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


def test_a_twin_sent_while_the_first_runs_gets_409_then_the_stored_answer(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first request holds the key while it runs; its twin is told so (409), not run."""
    entered, release = threading.Event(), threading.Event()
    add_location = catalog.add_location

    def slow_add_location(location: Location, uow: UnitOfWork) -> Location:
        entered.set()
        assert release.wait(30)
        return add_location(location, uow)

    monkeypatch.setattr(catalog, "add_location", slow_add_location)
    key = {"Idempotency-Key": "loc-dock-1"}
    dock = {"code": "DOCK", "name": "Loading dock"}
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(api.post, "/locations", json=dock, headers=key)
        assert entered.wait(30)
        twin = api.post("/locations", json=dock, headers=key)
        release.set()
        answered = first.result(30)
    assert answered.status_code == 201, answered.text
    assert twin.status_code == 409
    problem = twin.json()
    assert problem["field"] == "Idempotency-Key"
    assert "in progress" in problem["detail"]
    assert twin.headers["retry-after"] == "1"
    again = api.post("/locations", json=dock, headers=key)
    assert again.status_code == 201
    assert again.content == answered.content
    assert again.headers["idempotent-replayed"] == "true"
    assert [loc["code"] for loc in api.get("/locations").json()["items"]].count("DOCK") == 1


def test_racing_twins_apply_once(api: Api) -> None:
    """Four identical receipts at once with one key: one posting; the others 409 or replayed."""
    key = {"Idempotency-Key": "receipt-race"}
    start = threading.Barrier(4)

    def send() -> httpx.Response:
        start.wait(10)
        return api.post("/stock/receipts", json=RECEIPT, headers=key)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: send(), range(4)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}, [a.text for a in answers]
    replayed = [a for a in answers if a.headers.get("idempotent-replayed")]
    applied = [a for a in answers if a.status_code == 201 and a not in replayed]
    assert len(applied) == 1
    assert all(a.content == applied[0].content for a in replayed)
    assert len(api.get("/stock/ledger", params={"sku": "OAK"}).json()["items"]) == 1
    assert api.get("/stock").json()["items"][0]["quantity"] == "7"
    assert len(api.get("/audit", params={"entity": "stock"}).json()["items"]) == 1


def test_a_failed_request_releases_its_key(api: Api) -> None:
    key = {"Idempotency-Key": "k3"}
    unknown = api.post("/stock/receipts", json={**RECEIPT, "location": "NOPE"}, headers=key)
    assert unknown.status_code == 404
    assert api.post("/stock/receipts", json=RECEIPT, headers=key).status_code == 201
