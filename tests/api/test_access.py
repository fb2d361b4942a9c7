"""Who may call what: every route of the app against the one rule table, for every role.

The matrix is generated from the app's routes, so a new route without a rule (or without a way
to call it here) fails this test. Denied roles get 403; allowed roles get through the guard: a
read answers 200, a write (sent with a key that does not exist, or an invalid body, so that
nothing changes) answers 404 or 422, never 401 or 403.
"""

from __future__ import annotations

import re

from takt.api.access import OWN_WORK, RULES, allowed
from takt.api.app import api_routes
from takt.app import users
from takt.domain.users import Role
from tests.api.conftest import ROLES, Api
from tests.api.orders import some_orders


def _params(orders: dict[str, str], read: bool) -> dict[str, str]:
    """Values for each path parameter: existing records for reads, missing ones for writes."""
    if read:
        return {
            "sku": "TABLE",
            "code": "SAW",
            "username": "planner",
            "entity": "item",
            "key": "TABLE",
            "line_no": "1",
            "sequence": "10",
            "token_id": "1",
        }
    return {
        "sku": "NOPE",
        "code": "NOPE",
        "username": "nobody",
        "line_no": "1",
        "sequence": "10",
        "token_id": "999999",
        "entity": "item",
        "key": "NOPE",
    }


NUMBER_FOR_READ = {
    "get_sales_order": "so",
    "get_purchase_order": "po",
    "get_manufacturing_order": "legs",
    "get_manufacturing_costs": "legs",
    "get_order_allocation": "so",
}
QUERY = {"get_promise": {"sku": "TABLE", "quantity": "2"}}


def _url(path: str, name: str, method: str, orders: dict[str, str]) -> str:
    read = method == "GET"
    values = _params(orders, read)
    values["number"] = (
        orders[NUMBER_FOR_READ[name]] if read and name in NUMBER_FOR_READ else "XX-9999"
    )

    def fill(match: re.Match[str]) -> str:
        param = match.group(1)
        assert param in values, f"{name}: no test value for path parameter {param!r}"
        return values[param]

    return re.sub(r"\{(\w+)\}", fill, path)


def test_every_route_has_a_rule_and_every_rule_a_route(api: Api) -> None:
    names = {r.name for r in api_routes(api.app)}
    assert names == set(RULES), (names - set(RULES), set(RULES) - names)
    assert set(OWN_WORK) <= names


def test_each_role_gets_exactly_what_it_may(api: Api) -> None:
    orders = some_orders(api.takt)
    wrong: list[str] = []
    for route in api_routes(api.app):
        url = _url(route.path, route.name, route.method, orders)
        for role in ROLES:
            if route.method == "GET":
                response = api.call("GET", url, role, params=QUERY.get(route.name))
            else:
                response = api.call(route.method, url, role, json={"unexpected": True})
            may = allowed(route.name, Role(role))
            if not may:
                expected = {403}
            elif route.method == "GET":
                expected = {200}
            else:
                expected = {404, 422}
            if response.status_code not in expected:
                wrong.append(
                    f"{role} {route.method} {url}: {response.status_code} (expected "
                    f"{sorted(expected)}) {response.text[:120]}"
                )
    assert not wrong, "\n".join(wrong)


def test_an_operator_acts_only_on_their_own_tasks(api: Api) -> None:
    orders = some_orders(api.takt)
    legs, table = orders["legs"], orders["table"]
    mine = api.get("/tasks", "operator").json()["items"]
    assert {(t["mo"], t["workstation"]) for t in mine} == {(legs, "SAW")}
    started = api.post(f"/manufacturing-orders/{legs}/tasks/10/start", "operator")
    assert started.status_code == 200, started.text
    assert started.json()["task"]["operator"] == "OP1"
    assert started.json()["mo_status"] == "in progress"
    refused = api.post(f"/manufacturing-orders/{table}/tasks/10/start", "operator")
    assert refused.status_code == 403
    assert "not yours" in refused.json()["detail"]
    # A planner may start anybody's task; the operator then may not touch it.
    assert (
        api.post(
            f"/manufacturing-orders/{table}/tasks/10/start", "planner", json={"operator": "OP2"}
        ).status_code
        == 200
    )
    assert api.post(f"/manufacturing-orders/{table}/tasks/10/pause", "operator").status_code == 403
    assert api.post(f"/manufacturing-orders/{legs}/tasks/10/pause", "operator").status_code == 200
    # Issuing to an MO: only one holding a task of theirs.
    api.ok("POST", "/stock/receipts", json={"sku": "OAK", "quantity": "20", "unit_cost": "4"})
    issue = {"sku": "OAK", "quantity": "1"}
    assert (
        api.post(f"/manufacturing-orders/{legs}/issue", "operator", json=issue).status_code == 201
    )
    assert (
        api.post(
            f"/manufacturing-orders/{table}/issue", "operator", json={"sku": "TOP", "quantity": "1"}
        ).status_code
        == 403
    )


def test_costs_are_hidden_from_operators_and_viewers_unless_allowed(api: Api) -> None:
    api.ok("POST", "/stock/receipts", json={"sku": "OAK", "quantity": "5", "unit_cost": "4.25"})
    for role, seen in [
        ("admin", "4.25"),
        ("planner", "4.25"),
        ("operator", None),
        ("viewer", None),
    ]:
        [row] = api.get("/stock", role).json()["items"]
        assert row["average_cost"] == seen, role
        assert api.get("/items/OAK", role).json()["average_cost"] == seen
    assert api.get("/manufacturing-orders", "viewer").status_code == 200
    with api.takt.uows() as uow:
        uow.settings.set("costs.viewers_see", "true")
        uow.commit()
    [row] = api.get("/stock", "viewer").json()["items"]
    assert row["average_cost"] == "4.25"
    [row] = api.get("/stock", "operator").json()["items"]
    assert row["average_cost"] is None


def test_a_revoked_token_no_longer_works(api: Api) -> None:
    assert api.get("/users/me", "planner").status_code == 200
    [token] = users.tokens("planner", api.takt.uows())
    response = api.call("DELETE", f"/tokens/{token.id}")
    assert response.status_code == 204
    refused = api.get("/users/me", "planner")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert refused.headers["content-type"] == "application/problem+json"
    assert api.call("DELETE", f"/tokens/{token.id}").status_code == 404


def test_missing_or_bad_tokens_are_401(api: Api) -> None:
    for header in [
        "",
        "Bearer",
        "Bearer nope",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer takt_" + "x" * 300,
    ]:
        headers = {"Authorization": header} if header else {}
        response = api.client.get("/api/v1/items", headers=headers)
        assert response.status_code == 401, header
        assert response.json()["status"] == 401


def test_the_openapi_document_is_public(api: Api) -> None:
    response = api.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["components"]["securitySchemes"]
