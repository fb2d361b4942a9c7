"""Stock figures per item: committed, expected, available, calculated and missing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from takt.domain.allocation import Demand, DemandKind, Supply, SupplyKind
from takt.domain.availability import ItemFigures, item_figures, stock_figures
from takt.domain.errors import DomainError

D = Decimal
MONDAY = date(2026, 11, 30)


def po(ref: str, item: str, quantity: int | str | Decimal) -> Supply:
    return Supply(ref, item, D(quantity), MONDAY, SupplyKind.PURCHASE)


def mo_output(ref: str, item: str, quantity: int | str) -> Supply:
    return Supply(ref, item, D(quantity), MONDAY, SupplyKind.PRODUCTION)


def ingredient(mo: str, item: str, quantity: int | str) -> Demand:
    return Demand(f"{mo}/{item}", mo, item, D(quantity), MONDAY, DemandKind.INGREDIENT, 1)


def sales_line(so: str, item: str, quantity: int | str) -> Demand:
    return Demand(f"{so}/1", so, item, D(quantity), MONDAY, DemandKind.SALES, 1)


def test_oak_boards_committed_expected_and_calculated_with_safety_stock() -> None:
    """40 boards in stock; two MOs need 30 and 10, a shop sale 5; a PO brings 20; keep 10 spare."""
    demands = [
        ingredient("MO-0001", "OAK", 30),
        ingredient("MO-0002", "OAK", 10),
        sales_line("SO-0001", "OAK", 5),
        ingredient("MO-0001", "GLUE", 99),  # another item: not counted
    ]
    supplies = [po("PO-0001", "OAK", 20), po("PO-0002", "GLUE", 50)]

    oak = item_figures("OAK", D(40), demands, supplies, safety_stock=D(10))

    assert oak == ItemFigures("OAK", D(40), D(45), D(20), D(10))
    assert oak.available == D(-5)
    assert oak.calculated == D(5)
    assert oak.missing == D(0)


def test_what_is_missing_is_the_shortfall_after_expected_supply_and_safety_stock() -> None:
    """5 legs in stock, 12 needed, an MO makes 4, keep 2: make or buy 5 more."""
    legs = item_figures(
        "LEG",
        D(5),
        [ingredient("MO-0009", "LEG", 12)],
        [mo_output("MO-0008", "LEG", 4)],
        safety_stock=D(2),
    )

    assert (legs.committed, legs.expected) == (D(12), D(4))
    assert legs.available == D(-7)
    assert legs.calculated == D(-5)
    assert legs.missing == D(5)


def test_negative_stock_is_taken_at_face_value() -> None:
    """Glue at -4 ml on the books: 4 ml must be bought before anything is free."""
    glue = item_figures("GLUE", D(-4), [], [])

    assert glue.available == D(-4)
    assert glue.missing == D(4)


def test_an_item_with_nothing_open_shows_its_stock() -> None:
    screws = item_figures("SCREW", D("250.5"), [], [])

    assert (screws.committed, screws.expected) == (D(0), D(0))
    assert screws.available == screws.calculated == D("250.5")


def test_negative_committed_expected_or_safety_stock_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        ItemFigures("OAK", D(1), D(0), D(0), safety_stock=D(-1))
    assert refused.value.field == "safety_stock"


def test_all_items_at_once_in_sku_order() -> None:
    figures = stock_figures(
        {"OAK": D(40), "SCREW": D(100)},
        [ingredient("MO-0001", "OAK", 30), ingredient("MO-0001", "GLUE", 10)],
        [po("PO-0001", "VARNISH", 2)],
        safety_stock={"SCREW": D(50)},
    )

    assert list(figures) == ["GLUE", "OAK", "SCREW", "VARNISH"]
    assert figures["GLUE"].missing == D(10)
    assert figures["OAK"].available == D(10)
    assert figures["SCREW"].calculated == D(50)
    assert figures["VARNISH"].expected == D(2)


ITEMS = ("OAK", "GLUE", "SCREW")
quantities = st.integers(1, 1000).map(lambda n: D(n) / 4)


@given(
    st.dictionaries(st.sampled_from(ITEMS), st.integers(-50, 500).map(D)),
    st.lists(st.tuples(st.sampled_from(ITEMS), quantities, st.sampled_from(DemandKind))),
    st.lists(st.tuples(st.sampled_from(ITEMS), quantities)),
    st.dictionaries(st.sampled_from(ITEMS), st.integers(0, 100).map(D)),
)
def test_the_bulk_figures_match_the_single_item_figures(
    on_hand: dict[str, Decimal],
    demand_rows: list[tuple[str, Decimal, DemandKind]],
    supply_rows: list[tuple[str, Decimal]],
    safety: dict[str, Decimal],
) -> None:
    demands = [
        Demand(f"D-{i}", f"O-{i}", item, quantity, MONDAY, kind, i)
        for i, (item, quantity, kind) in enumerate(demand_rows)
    ]
    supplies = [po(f"PO-{i}", item, quantity) for i, (item, quantity) in enumerate(supply_rows)]

    figures = stock_figures(on_hand, demands, supplies, safety)

    for item, bulk in figures.items():
        single = item_figures(
            item, on_hand.get(item, D(0)), demands, supplies, safety.get(item, D(0))
        )
        assert bulk == single
        assert bulk.calculated == bulk.available + bulk.expected - bulk.safety_stock
        assert bulk.missing == max(D(0), -bulk.calculated)
