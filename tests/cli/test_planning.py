"""`takt schedule` and `takt promise` on the small table maker."""

from __future__ import annotations

from datetime import date, timedelta

from tests.cli.conftest import Takt


def test_schedule_plans_the_open_orders_and_stores_a_version(plant_cli: Takt) -> None:
    plant_cli("receive", "OAK", "100", "--unit-cost", "4")
    due = (date.today() + timedelta(days=14)).isoformat()
    assert plant_cli("mo", "new", "LEG", "10", "--due", due).exit_code == 0
    first = plant_cli.json("schedule")
    assert (first["version"], first["orders"], first["operations"], first["late"]) == (1, 1, 1, [])
    second = plant_cli.json("schedule")
    assert second["version"] == 2
    assert second["fingerprint"] == first["fingerprint"]
    made = plant_cli.json("mo", "list")
    assert made[0]["number"] == "MO-0001"


def test_promise_answers_with_a_date_and_a_reason(plant_cli: Takt) -> None:
    plant_cli("receive", "TABLE", "3", "--unit-cost", "200")
    answer = plant_cli.json("promise", "TABLE", "2", "--by", date.today().isoformat())
    assert answer["promised"] == date.today().isoformat()
    assert answer["binding"] == "in stock"
    assert answer["requested"] == date.today().isoformat()


def test_promise_refuses_bad_input(plant_cli: Takt) -> None:
    result = plant_cli("promise", "TABLE", "-1")
    assert result.exit_code == 1
    assert "quantity: quantity must be positive" in result.stderr
    result = plant_cli("promise", "TABLE", "1", "--by", "31/12/2026")
    assert result.exit_code == 1
    assert "by:" in result.stderr
    result = plant_cli("schedule", "--optimize", "--time-limit", "zero")
    assert result.exit_code == 1
    assert "time_limit" in result.stderr
