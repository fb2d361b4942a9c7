"""The company settings over the API: planners read them, only an admin changes them, and every
change leaves its before and after on the trail."""

from __future__ import annotations

from tests.api.conftest import Api

DEFAULTS = {"allow_over_receipt": False, "overhead_pct": "0", "overhead_per_hour": "0"}


def test_an_admin_changes_only_the_fields_sent_and_the_trail_has_both(api: Api) -> None:
    assert api.ok("GET", "/settings", "planner") == DEFAULTS
    changed = api.ok("PATCH", "/settings", json={"overhead_pct": "12.5", "overhead_per_hour": 18})
    assert changed == DEFAULTS | {"overhead_pct": "12.5", "overhead_per_hour": "18"}
    changed = api.ok("PATCH", "/settings", json={"allow_over_receipt": True})
    assert changed == {
        "allow_over_receipt": True,
        "overhead_pct": "12.5",
        "overhead_per_hour": "18",
    }
    assert api.ok("GET", "/settings", "planner") == changed

    first, second = reversed(api.get("/audit/settings/company").json()["items"])
    assert (first["user"], first["action"]) == ("admin", "update")
    assert (first["before"], first["after"]["overhead_pct"]) == (DEFAULTS, "12.5")
    assert (second["before"]["allow_over_receipt"], second["after"]) == (False, changed)


def test_only_an_admin_may_change_them(api: Api) -> None:
    refused = api.call("PATCH", "/settings", "planner", json={"allow_over_receipt": True})
    assert refused.status_code == 403
    assert api.get("/settings", "operator").status_code == 403
    assert api.ok("GET", "/settings") == DEFAULTS


def test_a_bad_value_is_422_naming_the_field_and_changes_nothing(api: Api) -> None:
    for body, field in [
        ({"overhead_pct": "-5", "allow_over_receipt": True}, "overhead_pct"),
        ({"overhead_pct": "1001"}, "overhead_pct"),
        ({"overhead_per_hour": 1.5}, "overhead_per_hour"),
        ({"allow_over_receipt": "yes"}, "allow_over_receipt"),
        ({"overhead_pct": None}, "overhead_pct"),
    ]:
        response = api.call("PATCH", "/settings", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field, body
    assert api.ok("GET", "/settings") == DEFAULTS
