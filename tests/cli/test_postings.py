"""The stock commands a storekeeper types: receive, adjust, transfer, count, scrap."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.cli.conftest import Takt


def on_hand(takt: Takt, sku: str) -> dict[tuple[str, str], Decimal]:
    return {(r["location"], r["batch"]): Decimal(r["quantity"]) for r in takt.json("stock", sku)}


def test_receive_then_list_stock(plant_cli: Takt) -> None:
    result = plant_cli("receive", "OAK", "120.5", "--unit-cost", "4.20")
    assert result.exit_code == 0, result.output
    assert "OAK +120.5 at MAIN" in result.stdout
    rows = plant_cli.json("stock")
    assert rows == [
        {
            "sku": "OAK",
            "name": "Oak board",
            "location": "MAIN",
            "batch": "",
            "quantity": "120.5",
            "unit": "m",
            "average_cost": "4.2",
        }
    ]
    ledger = plant_cli.json("ledger", "OAK")
    assert ledger[0]["user"] == "ines"
    assert ledger[0]["reason"] == "receipt"


def test_adjust_accepts_a_negative_delta(plant_cli: Takt) -> None:
    plant_cli("receive", "OAK", "10", "--unit-cost", "4")
    result = plant_cli("adjust", "OAK", "-2.5", "--reason", "offcut")
    assert result.exit_code == 0, result.output
    assert on_hand(plant_cli, "OAK") == {("MAIN", ""): Decimal("7.5")}


def test_transfer_count_and_scrap(plant_cli: Takt) -> None:
    plant_cli("receive", "GLUE", "5", "--unit-cost", "8", "--batch", "G-1")
    assert (
        plant_cli(
            "transfer", "GLUE", "2", "--from", "MAIN", "--to", "SHOP", "--batch", "G-1"
        ).exit_code
        == 0
    )
    assert plant_cli("count", "GLUE", "1.5", "--location", "SHOP", "--batch", "G-1").exit_code == 0
    assert plant_cli("scrap", "GLUE", "1", "--reason", "dried out", "--batch", "G-1").exit_code == 0
    assert on_hand(plant_cli, "GLUE") == {
        ("MAIN", "G-1"): Decimal("2"),
        ("SHOP", "G-1"): Decimal("1.5"),
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["receive", "NOPE", "1", "--unit-cost", "1"], "sku: unknown SKU 'NOPE'"),
        (["receive", "OAK", "abc", "--unit-cost", "1"], "quantity: quantity is not a number"),
        (["receive", "OAK", "0", "--unit-cost", "1"], "quantity: quantity must be positive"),
        (["receive", "OAK", "1.1234567", "--unit-cost", "1"], "more than 6 decimal places"),
        (["receive", "OAK", "1", "--unit-cost", "-3"], "unit_cost: unit_cost must not be negative"),
        (["receive", "GLUE", "1", "--unit-cost", "3"], "batch: GLUE is batch-tracked"),
        (
            ["receive", "OAK", "1", "--unit-cost", "3", "-l", "ROOF"],
            "location: unknown location 'ROOF'",
        ),
        (
            ["scrap", "OAK", "1", "--reason", "x"],
            "quantity: not enough OAK at MAIN: 0 on hand, 1 requested",
        ),
        (
            ["transfer", "OAK", "1", "--from", "MAIN", "--to", "NOWHERE"],
            "unknown location 'NOWHERE'",
        ),
        (["count", "OAK", "-4"], "counted: counted quantity must be 0 or more"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    plant_cli: Takt, args: list[str], message: str
) -> None:
    result = plant_cli(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert plant_cli.json("ledger") == []


def test_names_with_markup_are_shown_as_typed(plant_cli: Takt) -> None:
    from takt.app import catalog
    from takt.config import Settings, bootstrap
    from takt.domain.items import Item, ItemKind

    app_ = bootstrap(Settings(database_url=plant_cli.url))
    try:
        catalog.add_item(
            Item("X-1", "<script>alert(1)</script> [bold]x[/bold]", ItemKind.MATERIAL), app_.uows()
        )
    finally:
        app_.close()
    result = plant_cli("items")
    assert "<script>alert(1)</script> [bold]x[/bold]" in result.stdout


def test_bom_explodes_every_level_with_cost(plant_cli: Takt) -> None:
    plant_cli("receive", "OAK", "100", "--unit-cost", "4")
    plant_cli("receive", "PLY", "10", "--unit-cost", "12")
    plant_cli("receive", "GLUE", "2", "--unit-cost", "10", "--batch", "G-1")
    view = plant_cli.json("bom", "TABLE", "--explode", "2")
    lines = [(x["level"], x["sku"], x["quantity"]) for x in view["lines"]]
    # 2 tables: 2 tops (2.4 m2 plywood, 0.1 l glue), 8.4 legs (4 x 1.05 each) -> 6.72 m oak
    assert lines == [
        (1, "TOP", "2"),
        (2, "PLY", "2.4"),
        (2, "GLUE", "0.1"),
        (1, "LEG", "8.4"),
        (2, "OAK", "6.72"),
    ]
    assert view["materials"] == {"GLUE": "0.1", "OAK": "6.72", "PLY": "2.4"}
    # materials 2.4x12 + 0.1x10 + 6.72x4 = 56.68; labour: legs (15 + 3 x 8.4) min at 30/h = 20.1,
    # assembly (10 + 45 x 2) min at 24/h = 40 -> 60.1; total 116.78, per table 58.39
    assert view["cost"]["materials"] == "56.68"
    assert view["cost"]["labour"] == "60.1"
    assert view["cost"]["unit_cost"] == "58.39"
    assert view["cost"]["estimated"] is False


def test_bom_of_an_unknown_item(plant_cli: Takt) -> None:
    result = plant_cli("bom", "NOPE")
    assert result.exit_code == 1
    assert "unknown SKU 'NOPE'" in result.stderr
