"""`takt items`: the stock figures a planner reads first (DOMAIN.md, Stock).

In stock = the ledger; Committed = still to ship on open sales lines plus still to consume on MO
ingredients; Expected = still to arrive on open purchase and manufacturing orders; Available =
In stock − Committed; Missing = the negative part of In stock − Committed + Expected − Safety
stock. The small table maker: a TABLE is a TOP and 4 LEGs (+5 %); a LEG is 0.8 m of OAK.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from takt.app import catalog
from takt.config import Settings, bootstrap
from tests.cli.conftest import Takt

D = Decimal
FIGURES = ("in_stock", "committed", "expected", "available", "missing")


def day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


def run(takt: Takt, *args: str) -> Any:
    result = takt(*args)
    assert result.exit_code == 0, result.output
    return result


def figures(takt: Takt, sku: str) -> tuple[str, ...]:
    [row] = takt.json("items", sku)
    assert row["sku"] == sku
    return tuple(row[name] for name in FIGURES)


def test_tops_committed_to_an_mo_and_a_sales_order_are_missing_until_more_are_made(
    plant_cli: Takt,
) -> None:
    """10 tops on the shelf; an MO for 8 tables needs 8 and a customer orders 4 spare tops:
    12 committed, 2 short today and 2 missing. An MO for 5 tops brings 5: nothing missing, yet
    still 2 short of what is on the shelf now."""
    run(plant_cli, "customer", "add", "HOTEL", "Hotel Adler")
    run(plant_cli, "receive", "TOP", "10", "--unit-cost", "80")
    assert figures(plant_cli, "TOP") == ("10", "0", "0", "10", "0")

    run(plant_cli, "mo", "new", "TABLE", "8", "--due", day(10), "--json")
    run(plant_cli, "so", "new", "HOTEL", "--delivery", day(14), "--line", "TOP:4:60", "--json")
    assert figures(plant_cli, "TOP") == ("10", "12", "0", "-2", "2")
    # the MO's 8 tables are expected; its 8 × 4 legs (+5 %) are committed, none in stock
    assert figures(plant_cli, "TABLE") == ("0", "0", "8", "0", "0")
    assert figures(plant_cli, "LEG") == ("0", "33.6", "0", "-33.6", "33.6")

    run(plant_cli, "mo", "new", "TOP", "5", "--due", day(7), "--json")
    assert figures(plant_cli, "TOP") == ("10", "12", "5", "-2", "0")


def test_missing_counts_the_safety_stock_and_the_oak_on_order(plant_cli: Takt) -> None:
    """10 m of oak, 8 m committed to an MO for 10 legs, 5 m on a purchase order, and 8 m to be
    kept as safety stock: 2 m available, yet 1 m missing (10 − 8 + 5 − 8 = −1)."""
    app_ = bootstrap(Settings(database_url=plant_cli.url))
    try:
        catalog.update_item("OAK", {"safety_stock": D(8), "reorder_point": D(12)}, app_.uows())
    finally:
        app_.close()
    run(plant_cli, "receive", "OAK", "10", "--unit-cost", "4")
    run(plant_cli, "mo", "new", "LEG", "10", "--due", day(10), "--json")
    run(plant_cli, "po", "new", "TIMBER", "--line", "OAK:5:4", "--json")

    [oak] = plant_cli.json("items", "OAK")
    assert {k: oak[k] for k in (*FIGURES, "safety_stock", "reorder_point", "unit")} == {
        "in_stock": "10",
        "committed": "8",
        "expected": "5",
        "available": "2",
        "missing": "1",
        "safety_stock": "8",
        "reorder_point": "12",
        "unit": "m",
    }
    # the keys the list carried before the figures are still there
    assert (oak["average_cost"], oak["has_bom"], oak["supplier"]) == ("4", False, "TIMBER")


def test_the_item_list_shows_the_figures_and_names_one_or_several_items(plant_cli: Takt) -> None:
    run(plant_cli, "receive", "TOP", "1", "--unit-cost", "80")
    run(plant_cli, "mo", "new", "TABLE", "2", "--due", day(10), "--json")

    every = plant_cli.json("items")
    assert [r["sku"] for r in every] == ["GLUE", "LEG", "OAK", "PLY", "SCREW", "TABLE", "TOP"]
    assert [r["sku"] for r in plant_cli.json("items", "TOP", "LEG")] == ["LEG", "TOP"]
    assert plant_cli.json("items", "TOP", "LEG", "--kind", "material") == []

    shown = run(plant_cli, "items", "TOP").stdout
    for column in ("In stock", "Committed", "Expected", "Available", "Missing"):
        assert column in shown
    # 1 top in stock, 2 committed: 1 short today, 1 missing
    top = next(line for line in shown.splitlines() if "TOP" in line)
    assert [cell.strip() for cell in top.split("│")[5:10]] == ["1", "2", "0", "-1", "1"]


def test_an_unknown_item_is_refused_naming_it(plant_cli: Takt) -> None:
    refused = plant_cli("items", "TOP", "NOPE")
    assert refused.exit_code == 1
    assert "sku: unknown SKU 'NOPE'" in refused.stderr
