"""FIFO cost layers: the oldest stock leaves first, at the cost it came in at.

The story: oak boards arrive at 4.00, then 4.60, then 5.00 a metre as timber prices rise.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from takt.domain.valuation import CostLayer, layer_average, take_fifo

D = Decimal
MONDAY = datetime(2026, 11, 30, 8, 0)


def deliveries(*layers: tuple[str, str]) -> list[CostLayer]:
    """Layers (quantity, unit cost), one day apart, oldest first."""
    return [
        CostLayer(D(qty), D(cost), MONDAY + timedelta(days=i))
        for i, (qty, cost) in enumerate(layers)
    ]


def value(layers: list[CostLayer]) -> Decimal:
    return sum((layer.quantity * layer.unit_cost for layer in layers), D(0))


def test_an_outflow_takes_the_oldest_layers_first() -> None:
    oak = deliveries(("10", "4"), ("5", "4.6"), ("8", "5"))
    parts = take_fifo(oak, D("12"), fallback=D("4.5"))
    assert parts == [(D("10"), D("4")), (D("2"), D("4.6"))]
    assert [(layer.quantity, layer.unit_cost) for layer in oak] == [
        (D("3"), D("4.6")),
        (D("8"), D("5")),
    ]
    assert oak[0].received_at == MONDAY + timedelta(days=1)  # the part-used layer keeps its date


def test_a_layer_taken_exactly_is_gone() -> None:
    oak = deliveries(("10", "4"), ("5", "4.6"))
    assert take_fifo(oak, D("10"), fallback=D("0")) == [(D("10"), D("4"))]
    assert [(layer.quantity, layer.unit_cost) for layer in oak] == [(D("5"), D("4.6"))]


def test_what_no_layer_covers_leaves_at_the_fallback_cost() -> None:
    oak = deliveries(("3", "4"))
    parts = take_fifo(oak, D("5"), fallback=D("4.2"))  # negative stock, where the item allows it
    assert parts == [(D("3"), D("4")), (D("2"), D("4.2"))]
    assert oak == []
    assert take_fifo([], D("1.5"), fallback=D("4.2")) == [(D("1.5"), D("4.2"))]


def test_the_average_of_the_layers_is_their_value_per_unit() -> None:
    oak = deliveries(("10", "4"), ("5", "4.6"))
    assert layer_average(oak, default=D("0")) == D("4.2")  # (40 + 23) / 15
    assert layer_average(deliveries(("2", "1"), ("1", "2")), default=D("0")) == D("1.333333")


def test_with_nothing_left_the_average_is_the_default() -> None:
    assert layer_average([], default=D("4.6")) == D("4.6")
    assert layer_average(deliveries(("0", "4")), default=D("4.6")) == D("4.6")


QUANTITY = st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3)
COST = st.decimals(min_value=D("0"), max_value=D("100"), places=2)


@given(
    layers=st.lists(st.tuples(QUANTITY, COST), max_size=6),
    take=st.decimals(min_value=D("0.001"), max_value=D("3000"), places=3),
    fallback=COST,
)
def test_fifo_conserves_quantity_and_value(
    layers: list[tuple[Decimal, Decimal]], take: Decimal, fallback: Decimal
) -> None:
    """What leaves is what the layers lost, plus the uncovered part at the fallback cost."""
    stock = [CostLayer(q, c, MONDAY + timedelta(days=i)) for i, (q, c) in enumerate(layers)]
    held_before = sum((q for q, _c in layers), D(0))
    value_before = value(stock)
    parts = take_fifo(stock, take, fallback)

    assert sum((q for q, _c in parts), D(0)) == take
    assert all(q > 0 for q, _c in parts)
    held_after = sum((layer.quantity for layer in stock), D(0))
    assert held_after == max(held_before - take, D(0))
    uncovered = max(take - held_before, D(0))
    taken_value = sum((q * c for q, c in parts), D(0))
    assert taken_value == value_before - value(stock) + uncovered * fallback
    # What is left is the newest stock: a tail of the deliveries, the oldest of it part-used.
    assert all(layer.quantity > 0 for layer in stock)
    assert [layer.unit_cost for layer in stock] == [c for _q, c in layers][
        len(layers) - len(stock) :
    ]
