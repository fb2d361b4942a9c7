"""Planned cost roll-up: a table, its legs and their blanks, each with its own labour.

Worked by hand for 10 tables (LEG 4 +5 % wastage, so 42 legs and 42 blanks):
  TABLE  assembly  30 + 12 x 10 = 150 min at 48/h  = 120.00
  LEG    turning   20 +  6 x 42 = 272 min at 60/h  = 272.00
  BLANK  cutting   10 +  2 x 42 =  94 min at 36/h  =  56.40     labour 448.40
  OAK-BOARD 42 x 80 cm = 3360 cm at 0.05           = 168.00
  GLUE      42 x 10 ml =  420 ml at 0.02           =   8.40
  SCREW     10 x 16    =  160    at 0.10           =  16.00     materials 192.40
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from takt.domain.bom import BomBook
from takt.domain.costing import CostRollup
from takt.domain.errors import DomainError, NotFound
from takt.domain.items import Item
from takt.domain.routing import Operation, Routing

D = Decimal

RATES = {"ASSEMBLY": D(48), "LATHE": D(60), "SAW": D(36)}
ROUTINGS = {
    "TABLE": Routing("TABLE", (Operation(10, "Assemble", "ASSEMBLY", D(30), D(12)),)),
    "LEG": Routing("LEG", (Operation(10, "Turn", "LATHE", D(20), D(6)),)),
    "BLANK": Routing("BLANK", (Operation(10, "Cut", "SAW", D(10), D(2)),)),
}


def priced(items: dict[str, Item], **averages: str) -> None:
    for sku, cost in averages.items():
        items[sku.replace("_", "-")].average_cost = D(cost)
        items[sku.replace("_", "-")].has_cost_history = True


@pytest.fixture
def rollup(furniture: BomBook, items: dict[str, Item]) -> CostRollup:
    priced(items, OAK_BOARD="0.05", GLUE="0.02", SCREW="0.1")
    return CostRollup(furniture, ROUTINGS, RATES)


def test_ten_tables_cost_what_was_worked_out_by_hand(rollup: CostRollup) -> None:
    cost = rollup.cost("TABLE", D(10))

    assert cost.materials == D("192.4")
    assert cost.labour == D("448.4")
    assert cost.total == D("640.8")
    assert cost.unit_cost == D("64.08")
    assert not cost.estimated
    assert cost.missing == ()


def test_one_table_carries_every_setup_alone(rollup: CostRollup) -> None:
    # assembly 42 min x 0.8 = 33.60; turning 45.2 min = 45.20; cutting 18.4 min x 0.6 = 11.04
    # board 336 cm x 0.05 = 16.80; glue 42 ml x 0.02 = 0.84; screws 16 x 0.1 = 1.60
    cost = rollup.cost("TABLE")

    assert cost.labour == D("89.84")
    assert cost.materials == D("19.24")
    assert cost.unit_cost == D("109.08")


def test_all_figures_are_decimal(rollup: CostRollup) -> None:
    cost = rollup.cost("TABLE", D(3))

    assert all(
        type(v) is Decimal for v in (cost.materials, cost.labour, cost.total, cost.unit_cost)
    )


def test_a_variant_costs_what_its_template_costs(rollup: CostRollup) -> None:
    oak, plain = rollup.cost("TABLE-OAK", D(10)), rollup.cost("TABLE", D(10))

    assert (oak.materials, oak.labour) == (plain.materials, plain.labour)
    assert oak.sku == "TABLE-OAK"


def test_a_material_known_only_by_its_standard_cost_makes_an_estimate(
    furniture: BomBook, items: dict[str, Item]
) -> None:
    priced(items, OAK_BOARD="0.05", GLUE="0.02")
    items["SCREW"].standard_cost = D("0.1")
    cost = CostRollup(furniture, ROUTINGS, RATES).cost("TABLE", D(10))

    assert cost.materials == D("192.4")
    assert cost.estimated
    assert cost.missing == ()


def test_a_material_with_no_cost_at_all_is_reported_missing(
    furniture: BomBook, items: dict[str, Item]
) -> None:
    priced(items, OAK_BOARD="0.05", SCREW="0.1")
    cost = CostRollup(furniture, ROUTINGS, RATES).cost("TABLE", D(10))

    assert cost.missing == ("GLUE",)
    assert cost.materials == D(184)  # the glue is left out, and said to be
    assert not cost.estimated


def test_an_unknown_item_is_named(rollup: CostRollup) -> None:
    with pytest.raises(NotFound, match="CHAIR"):
        rollup.cost("CHAIR")


def test_labour_on_a_workstation_without_a_rate_is_not_silently_free(
    furniture: BomBook, items: dict[str, Item]
) -> None:
    priced(items, OAK_BOARD="0.05", GLUE="0.02", SCREW="0.1")
    routings = ROUTINGS | {
        "TABLE": Routing("TABLE", (Operation(10, "Paint", "PAINT-BOOTH", D(30), D(12)),))
    }

    with pytest.raises(NotFound, match="PAINT-BOOTH"):
        CostRollup(furniture, routings, RATES).cost("TABLE", D(10))


def test_rolling_up_a_bought_material_is_refused(rollup: CostRollup) -> None:
    with pytest.raises(DomainError, match="SCREW"):
        rollup.cost("SCREW", D(10))


def test_costing_needs_a_positive_quantity(rollup: CostRollup) -> None:
    with pytest.raises(DomainError):
        rollup.cost("TABLE", D(0))
