"""Sales orders without a database: lines, confirming a quote, shipping, cancelling, margin.

The story: Hotel Adler orders dining tables (450 each) and table legs from a table maker.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from takt.domain.items import Item, ItemKind
from takt.domain.sales import SalesError, SalesLine, SalesOrder, SalesStatus
from takt.domain.units import QuantityError

D = Decimal
FRIDAY = date(2026, 12, 4)
MONDAY_MORNING = datetime(2026, 11, 30, 8, 0)

TABLE = Item("TABLE", "Dining table", ItemKind.PRODUCT, sales_price=D("450"))
LEG = Item("LEG", "Table leg", ItemKind.SUBASSEMBLY)  # sold as a spare, but has no list price
OAK = Item("OAK", "Oak board", ItemKind.MATERIAL, unit="m", sales_price=D("9"))


def hotel_order(status: SalesStatus = SalesStatus.OPEN) -> SalesOrder:
    return SalesOrder("SO-0001", "HOTEL", FRIDAY, MONDAY_MORNING, status=status)


def tables_and_legs() -> SalesOrder:
    """An open order: line 1 is 3 tables at list price, line 2 is 8 spare legs at 20."""
    order = hotel_order()
    order.add_line(TABLE, D("3"))
    order.add_line(LEG, D("8"), D("20"))
    return order


# ---------------------------------------------------------------- lines


def test_a_line_takes_the_list_price_unless_given_one() -> None:
    order = hotel_order()
    listed = order.add_line(TABLE, D("2"))
    discounted = order.add_line(TABLE, D("1"), D("400"))
    assert (listed.line_no, listed.unit_price) == (1, D("450"))
    assert (discounted.line_no, discounted.unit_price) == (2, D("400"))
    assert order.total == D("1300")


def test_a_material_is_not_for_sale_even_with_a_price() -> None:
    order = hotel_order()
    with pytest.raises(SalesError, match="OAK is a material") as info:
        order.add_line(OAK, D("5"), D("9"))
    assert info.value.field == "sku"
    assert order.lines == []


def test_an_item_without_a_sales_price_needs_one_on_the_line() -> None:
    order = hotel_order()
    with pytest.raises(SalesError, match="LEG has no sales price") as info:
        order.add_line(LEG, D("4"))
    assert info.value.field == "unit_price"
    assert order.lines == []
    assert order.add_line(LEG, D("4"), D("0")).unit_price == 0  # a free spare is allowed


@pytest.mark.parametrize(("quantity", "price"), [(D("0"), D("450")), (D("-1"), D("450"))])
def test_a_line_needs_a_positive_quantity(quantity: Decimal, price: Decimal) -> None:
    with pytest.raises(QuantityError, match="quantity must be positive"):
        hotel_order().add_line(TABLE, quantity, price)


def test_a_line_price_cannot_be_negative() -> None:
    with pytest.raises(QuantityError, match="price must not be negative"):
        SalesLine(1, "TABLE", D("1"), D("-1"))


def test_line_numbers_follow_the_highest_so_far() -> None:
    order = hotel_order()
    order.lines.append(SalesLine(7, "TABLE", D("1"), D("450")))  # as loaded from the store
    assert order.add_line(TABLE, D("1")).line_no == 8
    with pytest.raises(SalesError, match="has no line 3"):
        order.line(3)


def test_lines_are_frozen_once_anything_has_shipped() -> None:
    order = tables_and_legs()
    order.ship(1, D("1"), allocated=D("3"), cost=D("200"))
    with pytest.raises(SalesError, match="partly delivered: lines can no longer change"):
        order.add_line(TABLE, D("1"))
    assert len(order.lines) == 2


def test_a_cancelled_order_takes_no_more_lines() -> None:
    order = hotel_order()
    order.add_line(TABLE, D("1"))
    order.cancel()
    with pytest.raises(SalesError, match="cancelled: lines can no longer change"):
        order.add_line(TABLE, D("1"))


# ---------------------------------------------------------------- quotes


def test_a_quote_becomes_an_open_order_when_confirmed() -> None:
    quote = hotel_order(SalesStatus.QUOTE)
    quote.add_line(TABLE, D("2"))
    assert not quote.status.is_open  # a quote commits nothing
    quote.confirm()
    assert quote.status is SalesStatus.OPEN
    assert quote.status.is_open


def test_only_a_quote_can_be_confirmed() -> None:
    order = tables_and_legs()
    with pytest.raises(SalesError, match="is open, not a quote") as info:
        order.confirm()
    assert info.value.field == "status"


def test_an_empty_quote_cannot_be_confirmed() -> None:
    quote = hotel_order(SalesStatus.QUOTE)
    with pytest.raises(SalesError, match="has no lines"):
        quote.confirm()
    assert quote.status is SalesStatus.QUOTE


def test_a_quote_ships_nothing() -> None:
    quote = hotel_order(SalesStatus.QUOTE)
    quote.add_line(TABLE, D("1"))
    assert quote.can_ship(1, D("1"), allocated=D("1")) == "SO-0001 is quote"


# ---------------------------------------------------------------- shipping


def test_a_line_ships_only_what_is_allocated_from_stock() -> None:
    order = tables_and_legs()
    assert order.can_ship(1, D("2"), allocated=D("2")) is None
    why = order.can_ship(1, D("3"), allocated=D("2"))
    assert why == "only 2 TABLE allocated to SO-0001 line 1 from stock; cannot ship 3"
    with pytest.raises(SalesError, match="only 2 TABLE allocated") as info:
        order.ship(1, D("3"), allocated=D("2"), cost=D("600"))
    assert info.value.field == "quantity"
    assert order.line(1).shipped == 0
    assert order.status is SalesStatus.OPEN


def test_a_line_ships_no_more_than_is_left_on_it() -> None:
    order = tables_and_legs()
    order.ship(1, D("2"), allocated=D("10"), cost=D("400"))
    why = order.can_ship(1, D("2"), allocated=D("10"))
    assert why == "SO-0001 line 1 has 1 TABLE left to ship, not 2"


@pytest.mark.parametrize("quantity", [D("0"), D("-1")])
def test_a_shipment_must_be_positive(quantity: Decimal) -> None:
    order = tables_and_legs()
    assert order.can_ship(1, quantity, allocated=D("3")) == (
        f"quantity to ship must be positive, got {quantity}"
    )


def test_status_goes_open_then_partly_delivered_then_delivered() -> None:
    order = tables_and_legs()
    order.ship(1, D("3"), allocated=D("3"), cost=D("600"))
    assert order.status is SalesStatus.PARTLY_DELIVERED  # the legs are still to go
    order.ship(2, D("5"), allocated=D("8"), cost=D("30"))
    assert order.status is SalesStatus.PARTLY_DELIVERED
    order.ship(2, D("3"), allocated=D("3"), cost=D("18"))
    assert order.status is SalesStatus.DELIVERED
    assert not order.status.is_open
    assert order.can_ship(2, D("1"), allocated=D("1")) == "SO-0001 is delivered"


def test_margin_is_revenue_less_the_cost_of_goods_shipped_at_the_moment_of_shipping() -> None:
    order = tables_and_legs()
    # Two tables leave while the average cost is 200, the third after it rose to 230.
    order.ship(1, D("2"), allocated=D("3"), cost=D("400"))
    order.ship(1, D("1"), allocated=D("1"), cost=D("230"))
    order.ship(2, D("4"), allocated=D("8"), cost=D("25.00"))
    table, legs = order.lines
    assert (table.revenue, table.cost_shipped, table.margin) == (D("1350"), D("630"), D("720"))
    assert (legs.revenue, legs.cost_shipped, legs.margin) == (D("80"), D("25"), D("55"))
    assert (order.revenue, order.cost_shipped, order.margin) == (D("1430"), D("655"), D("775"))
    assert order.total == D("1510")  # the whole order at its prices, shipped or not


def test_the_cost_of_a_shipment_is_rounded_to_cost_places() -> None:
    order = tables_and_legs()
    order.ship(2, D("3"), allocated=D("8"), cost=D("0.9999999"))
    assert order.line(2).cost_shipped == D("1")  # 0.9999999 rounds half-even to 6 places


# ---------------------------------------------------------------- cancelling


def test_an_order_with_nothing_shipped_can_be_cancelled() -> None:
    order = tables_and_legs()
    order.cancel()
    assert order.status is SalesStatus.CANCELLED
    assert not order.status.is_open
    assert order.can_ship(1, D("1"), allocated=D("3")) == "SO-0001 is cancelled"


def test_a_quote_can_be_cancelled() -> None:
    quote = hotel_order(SalesStatus.QUOTE)
    quote.cancel()
    assert quote.status is SalesStatus.CANCELLED


def test_an_order_that_has_shipped_cannot_be_cancelled() -> None:
    order = tables_and_legs()
    order.ship(2, D("1"), allocated=D("8"), cost=D("6"))
    with pytest.raises(SalesError, match="has shipped goods; it cannot be cancelled"):
        order.cancel()
    assert order.status is SalesStatus.PARTLY_DELIVERED


@pytest.mark.parametrize("status", [SalesStatus.DELIVERED, SalesStatus.CANCELLED])
def test_a_finished_order_cannot_be_cancelled_again(status: SalesStatus) -> None:
    order = hotel_order(status)
    with pytest.raises(SalesError, match=f"is already {status}"):
        order.cancel()
