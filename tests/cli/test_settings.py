"""The company settings from the command line: overhead on an MO's cost, over-receipt on a PO.

The small table maker: 10 LEGs need 8 m of OAK (at 4 a metre: 32) and 45 minutes on the saw
(at 30 an hour: 22.5).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.cli.conftest import Takt

DEFAULTS = {"allow_over_receipt": False, "overhead_pct": "0", "overhead_per_hour": "0"}


@pytest.fixture
def shop(plant_cli: Takt) -> Takt:
    result = plant_cli("receive", "OAK", "40", "--unit-cost", "4")
    assert result.exit_code == 0, result.output
    return plant_cli


def test_overhead_set_here_shows_in_an_mos_planned_cost(shop: Takt) -> None:
    due = (date.today() + timedelta(days=4)).isoformat()
    shop.json("mo", "new", "LEG", "10", "--due", due)
    assert shop.json("settings", "show") == DEFAULTS
    assert shop.json("costs", "MO-0001")["planned"]["overhead"] == "0"

    changed = shop.json("settings", "set", "--overhead-pct", "10", "--overhead-per-hour", "12")
    assert changed == DEFAULTS | {"overhead_pct": "10", "overhead_per_hour": "12"}
    planned = shop.json("costs", "MO-0001")["planned"]
    # 10 % of 32 = 3.2, plus 45 minutes at 12 an hour = 9
    assert (planned["overhead"], planned["total"]) == ("12.2", "66.7")
    assert "Overhead per labour hour" in shop("settings", "show").stdout


def test_over_receipt_is_refused_until_allowed(shop: Takt) -> None:
    shop.json("po", "new", "TIMBER", "--line", "PLY:10:12")
    shop.json("po", "receive", "PO-0001", "1", "6")
    refused = shop("po", "receive", "PO-0001", "1", "6")
    assert refused.exit_code == 1
    assert "quantity: PO-0001 line 1: 6 m2 is more than the 4 m2 still expected" in refused.stderr

    assert shop.json("settings", "set", "--over-receipt", "allow")["allow_over_receipt"] is True
    posted = shop.json("po", "receive", "PO-0001", "1", "6")
    assert posted["entries"][0]["quantity"] == "6"

    assert shop.json("settings", "set", "--over-receipt", "refuse")["allow_over_receipt"] is False
    shop.json("po", "new", "TIMBER", "--line", "PLY:10:12")
    assert shop("po", "receive", "PO-0002", "1", "11").exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--overhead-pct", "-5"], "overhead_pct: overhead_pct must not be negative"),
        (["--overhead-pct", "1001"], "overhead_pct: overhead_pct must be at most 1000"),
        (["--overhead-per-hour", "ten"], "overhead_per_hour: overhead_per_hour is not a number"),
        (["--over-receipt", "maybe"], "over_receipt: 'maybe' is not one of 'allow', 'refuse'"),
        ([], "give at least one of --over-receipt, --overhead-pct, --overhead-per-hour"),
    ],
)
def test_a_bad_value_is_refused_naming_the_option_and_nothing_is_written(
    plant_cli: Takt, args: list[str], message: str
) -> None:
    result = plant_cli("settings", "set", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert plant_cli.json("settings", "show") == DEFAULTS


def test_good_values_beside_a_bad_one_are_not_applied_either(plant_cli: Takt) -> None:
    result = plant_cli("settings", "set", "--over-receipt", "allow", "--overhead-per-hour", "-1")
    assert result.exit_code == 1
    assert plant_cli.json("settings", "show") == DEFAULTS
