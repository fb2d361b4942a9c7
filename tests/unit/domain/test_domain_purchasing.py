"""Purchase orders without a database: purchase units, prices per stock unit, MOQ, receipts.

The story: the table maker buys screws by the box of 100 and oak by the metre from Timber & Co.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from takt.domain.items import Item, ItemKind
from takt.domain.purchasing import PurchaseError, PurchaseLine, PurchaseOrder, PurchaseStatus
from takt.domain.units import PurchaseUnit, QuantityError

D = Decimal
FRIDAY = date(2026, 12, 4)
MONDAY_MORNING = datetime(2026, 11, 30, 8, 0)


def screws(**overrides: object) -> Item:
    """Screws, stocked in pieces, bought in boxes of 100; last bought at 0.04 a piece."""
    fields: dict[str, object] = {
        "purchase_unit": PurchaseUnit("box", D("100")),
        "last_purchase_price": D("0.04"),
    } | overrides
    return Item("SCREW", "Screw 4x40", ItemKind.MATERIAL, **fields)  # type: ignore[arg-type]


def oak(**overrides: object) -> Item:
    fields: dict[str, object] = {"unit": "m"} | overrides
    return Item("OAK", "Oak board", ItemKind.MATERIAL, **fields)  # type: ignore[arg-type]


def timber_order() -> PurchaseOrder:
    return PurchaseOrder("PO-0001", "TIMBER", FRIDAY, MONDAY_MORNING)


def screws_and_oak() -> PurchaseOrder:
    """Line 1: 5 boxes of screws at 4.50 a box; line 2: 20 m of oak at 4 per metre."""
    order = timber_order()
    order.add_line(screws(), D("5"), D("4.50"))
    order.add_line(oak(), D("20"), D("4"))
    return order


# ---------------------------------------------------------------- lines


def test_a_line_is_in_the_purchase_unit_and_converts_to_stock_units() -> None:
    line = timber_order().add_line(screws(), D("3"), D("4.50"))
    assert (line.unit, line.factor) == ("box", D("100"))
    assert line.to_stock(D("3")) == D("300")
    assert line.stock_remaining == D("300")
    assert line.stock_unit_cost == D("0.045")  # 4.50 a box of 100


def test_without_a_price_the_line_takes_the_last_price_per_purchase_unit() -> None:
    boxes = timber_order().add_line(screws(), D("2"))
    assert boxes.unit_price == D("4")  # 0.04 a piece x 100 a box
    assert boxes.stock_unit_cost == D("0.04")
    pieces = timber_order().add_line(screws(), D("250"), in_stock_unit=True)
    assert (pieces.unit, pieces.factor, pieces.unit_price) == ("pcs", D("1"), D("0.04"))
    assert pieces.to_stock(D("250")) == D("250")


def test_an_item_bought_in_its_stock_unit_has_a_factor_of_one() -> None:
    line = timber_order().add_line(oak(), D("12.5"), D("4"))
    assert (line.unit, line.factor, line.to_stock(D("12.5"))) == ("m", D("1"), D("12.5"))


def test_without_a_price_or_a_last_price_the_line_is_refused() -> None:
    order = timber_order()
    with pytest.raises(PurchaseError, match="OAK has no last price") as info:
        order.add_line(oak(), D("10"))
    assert info.value.field == "unit_price"
    assert order.lines == []


def test_a_made_item_is_not_bought() -> None:
    order = timber_order()
    with pytest.raises(PurchaseError, match=r"LEG is made here \(subassembly\)"):
        order.add_line(Item("LEG", "Table leg", ItemKind.SUBASSEMBLY), D("4"), D("10"))
    assert order.lines == []


def test_a_quantity_under_the_minimum_order_quantity_is_refused() -> None:
    order = timber_order()
    boxed = screws(min_order_qty=D("500"))
    with pytest.raises(PurchaseError, match="400 pcs is under the minimum order quantity of 500"):
        order.add_line(boxed, D("4"), D("4.50"))
    assert order.lines == []
    assert order.add_line(boxed, D("5"), D("4.50")).to_stock(D("5")) == D("500")  # exactly MOQ


def test_the_minimum_order_quantity_counts_stock_units_not_boxes() -> None:
    order = timber_order()
    # 6 pieces bought singly are under an MOQ of 10, though 6 boxes would not be.
    with pytest.raises(PurchaseError, match="6 pcs is under"):
        order.add_line(screws(min_order_qty=D("10")), D("6"), D("0.05"), in_stock_unit=True)


@pytest.mark.parametrize(
    ("quantity", "price", "factor", "message"),
    [
        (D("0"), D("1"), D("1"), "quantity must be positive"),
        (D("1"), D("-1"), D("1"), "price must not be negative"),
        (D("1"), D("1"), D("0"), "unit factor must be positive"),
    ],
)
def test_a_line_needs_sane_figures(
    quantity: Decimal, price: Decimal, factor: Decimal, message: str
) -> None:
    with pytest.raises(QuantityError, match=message):
        PurchaseLine(1, "SCREW", quantity, "box", factor, price)


def test_lines_cannot_be_added_once_something_has_arrived() -> None:
    order = screws_and_oak()
    order.receive(2, D("5"))
    with pytest.raises(PurchaseError, match="has receipts: add a new order instead"):
        order.add_line(oak(), D("1"), D("4"))
    assert len(order.lines) == 2


# ---------------------------------------------------------------- receiving


def test_a_receipt_returns_stock_units_and_moves_the_status() -> None:
    order = screws_and_oak()
    assert order.receive(1, D("2")) == D("200")
    assert order.status is PurchaseStatus.PARTLY_RECEIVED
    assert order.line(1).remaining == D("3")
    assert order.line(1).stock_remaining == D("300")
    assert order.receive(1, D("3")) == D("300")
    assert order.status is PurchaseStatus.PARTLY_RECEIVED  # the oak has not come yet
    assert order.receive(2, D("20")) == D("20")
    assert order.status is PurchaseStatus.RECEIVED
    assert not order.status.is_open
    assert order.line(2).stock_remaining == 0


def test_an_over_receipt_is_refused_unless_allowed() -> None:
    order = screws_and_oak()
    order.receive(2, D("15"))
    with pytest.raises(PurchaseError, match="6 m is more than the 5 m still expected") as info:
        order.receive(2, D("6"))
    assert info.value.field == "quantity"
    assert order.line(2).received == D("15")
    assert order.receive(2, D("6"), allow_over_receipt=True) == D("6")
    assert order.line(2).received == D("21")
    assert order.line(2).remaining == 0  # never negative


def test_an_allowed_over_receipt_closes_the_order_when_everything_is_in() -> None:
    order = timber_order()
    order.add_line(oak(), D("10"), D("4"))
    order.receive(1, D("12"), allow_over_receipt=True)
    assert order.status is PurchaseStatus.RECEIVED


@pytest.mark.parametrize("quantity", [D("0"), D("-2")])
def test_a_receipt_must_be_positive(quantity: Decimal) -> None:
    order = screws_and_oak()
    with pytest.raises(QuantityError, match="quantity to receive must be positive"):
        order.receive(1, quantity)
    assert order.status is PurchaseStatus.OPEN


def test_nothing_more_is_received_on_a_closed_order() -> None:
    order = screws_and_oak()
    order.receive(1, D("5"))
    order.receive(2, D("20"))
    with pytest.raises(PurchaseError, match="is received: nothing more can be received"):
        order.receive(2, D("1"), allow_over_receipt=True)
    cancelled = screws_and_oak()
    cancelled.cancel()
    with pytest.raises(PurchaseError, match="is cancelled: nothing more can be received"):
        cancelled.receive(1, D("1"))


def test_receiving_an_unknown_line_is_refused() -> None:
    with pytest.raises(PurchaseError, match="PO-0001 has no line 3"):
        screws_and_oak().receive(3, D("1"))


# ---------------------------------------------------------------- cancelling and totals


def test_only_an_order_with_nothing_received_can_be_cancelled() -> None:
    order = screws_and_oak()
    order.cancel()
    assert order.status is PurchaseStatus.CANCELLED
    partly = screws_and_oak()
    partly.receive(1, D("1"))
    with pytest.raises(PurchaseError, match="is partly received: it cannot be cancelled"):
        partly.cancel()
    assert partly.status is PurchaseStatus.PARTLY_RECEIVED


def test_the_total_is_in_purchase_units_at_their_price() -> None:
    assert screws_and_oak().total == D("102.5")  # 5 x 4.50 + 20 x 4
