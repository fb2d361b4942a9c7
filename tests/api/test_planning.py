"""The schedule, replanning and promise dates."""

from __future__ import annotations

from tests.api.conftest import Api


def test_replan_then_read_the_schedule(api: Api) -> None:
    assert api.get("/schedule").json() == {
        "version": None,
        "fingerprint": None,
        "planned_at": None,
        "orders": [],
    }
    mo = api.ok(
        "POST",
        "/manufacturing-orders",
        json={"sku": "LEG", "quantity": "4", "due_date": "2030-01-31"},
    )
    summary = api.ok("POST", "/schedule/replan", "planner")
    assert summary["engine"] == "dispatch"
    assert summary["orders"] == 1
    schedule = api.get("/schedule", "operator").json()
    assert schedule["version"] == summary["version"]
    [planned] = schedule["orders"]
    assert planned["number"] == mo["number"]
    assert planned["planned_start"]
    assert planned["planned_finish"]
    assert planned["tasks"][0]["planned_start"]
    assert api.post("/schedule/replan", "viewer").status_code == 403


def test_promise_dates(api: Api) -> None:
    answer = api.get(
        "/promise", "viewer", params={"sku": "TABLE", "quantity": "2", "by": "2030-01-01"}
    ).json()
    assert answer["to_make"] == "2"
    assert answer["meets_request"] is True
    assert "OAK" in answer["to_buy"]
    assert api.get("/promise", params={"sku": "NOPE", "quantity": "1"}).status_code == 422
    assert api.get("/promise", params={"sku": "TABLE", "quantity": "0"}).status_code == 422
