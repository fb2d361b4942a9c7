"""The checks of imported sales and purchase order rows (see ``validation`` for the others).

Rows with the same ``order_ref`` form one order; they must agree on its customer (supplier),
date and status. The order_ref becomes the order's reference: one the customer (supplier) already
has on an order that is not cancelled is refused on the order's first row, naming that order, so
that a file imported twice doubles nothing. Each line is checked by the order's own ``add_line``
(a material is not sold, a made item not bought, a price must be known, the minimum order
quantity holds), on a scratch order when the row has other errors, so that every error of a row
is reported at once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from takt.app.stock import DEFAULT_LOCATION
from takt.app.transfer.rows import Row, iso_date, not_negative, positive
from takt.app.transfer.validation import (
    PLACEHOLDER_TIME,
    NewPurchase,
    Plan,
    References,
    World,
)
from takt.domain.errors import DomainError
from takt.domain.items import Item
from takt.domain.purchasing import PurchaseOrder
from takt.domain.references import check_reference
from takt.domain.sales import SalesOrder, SalesStatus
from takt.domain.units import parse_cost


def _same(row: Row, column: str, first: Row) -> None:
    if row.raw(column) != first.raw(column):
        row.fail(
            column,
            f"order {row.raw('order_ref')} has {first.raw(column) or '(empty)'} "
            f"on row {first.number}",
        )


# A partly delivered (received) order is imported as an open one for what is still open.
_SALES_STATUS = {
    "": SalesStatus.OPEN,
    "open": SalesStatus.OPEN,
    "partly delivered": SalesStatus.OPEN,
    "quote": SalesStatus.QUOTE,
}
_PURCHASE_STATUS = ("", "open", "partly received")


def _references(rows: list[Row], partner: str, lookup: References) -> dict[tuple[str, str], str]:
    """The orders already holding the file's (partner, order_ref) pairs, in one lookup."""
    keys = {(row.raw(partner), row.raw("order_ref")) for row in rows}
    return lookup({(p, ref) for p, ref in keys if p and ref})


def _check_ref(
    row: Row, ref: str, partner: str, existing: dict[tuple[str, str], str], seen: set[str]
) -> None:
    """Refuses an order_ref that is too long (on every row: each would build the order) or
    that the partner already has (once, on the order's first row)."""
    try:
        check_reference(ref)
    except DomainError as exc:
        row.fail("order_ref", exc.message)
    number = existing.get((partner, ref))
    if number is not None and ref not in seen:
        seen.add(ref)
        row.fail("order_ref", f"{ref} of {partner} was already imported as {number}")


def _left(row: Row, quantity: Decimal | None, column: str, plan: Plan) -> Decimal | None:
    """What is still open of the row's quantity; None (and counted as skipped) when nothing."""
    done = row.parse(column, not_negative(column)) or Decimal(0)
    if quantity is None:
        return None
    if quantity - done <= 0:
        plan.skipped += 1
        return None
    return quantity - done


def check_sales(rows: list[Row], world: World, plan: Plan) -> None:
    orders: dict[str, tuple[Row, SalesOrder]] = {}
    broken: set[str] = set()
    existing = _references(rows, "customer", world.sales_refs)
    seen: set[str] = set()
    for row in rows:
        ref = row.text("order_ref", required=True)
        customer = row.text("customer", required=True)
        _check_ref(row, ref, customer, existing, seen)
        delivery = row.parse("delivery_date", iso_date, required=True)
        status = _SALES_STATUS.get(row.raw("status").lower())
        if status is None:
            row.fail("status", "only open orders and quotes can be imported")
        item = world.item(row, "sku")
        quantity = _left(
            row, row.parse("quantity", positive("quantity"), required=True), "shipped", plan
        )
        price = row.parse("unit_price", lambda s: parse_cost(s, "unit_price"))
        if customer and customer not in world.customers:
            row.fail("customer", f"unknown customer {customer!r}")
        if ref in orders:
            first = orders[ref][0]
            for column in ("customer", "delivery_date", "status"):
                _same(row, column, first)
        elif ref and row.ok and delivery is not None and status is not None:
            order = SalesOrder(
                ref, customer, delivery, PLACEHOLDER_TIME, status=status, reference=ref
            )
            orders[ref] = (row, order)
            plan.sales.append((row.number, ref, order))
        if item is not None and quantity is not None:
            # A row with other errors is still checked, on a scratch order.
            target = (
                orders[ref][1]
                if row.ok and ref in orders
                else SalesOrder(ref, customer, date.min, PLACEHOLDER_TIME)
            )
            try:
                target.add_line(item, quantity, price)
            except DomainError as exc:
                row.domain(exc, {}, "sku")
        if not row.ok:
            broken.add(ref)
    plan.sales = [p for p in plan.sales if p[1] not in broken and p[2].lines]


def check_purchases(rows: list[Row], world: World, plan: Plan) -> None:
    orders: dict[str, tuple[Row, NewPurchase]] = {}
    broken: set[str] = set()
    existing = _references(rows, "supplier", world.purchase_refs)
    seen: set[str] = set()
    for row in rows:
        ref = row.text("order_ref", required=True)
        code = row.text("supplier", required=True)
        _check_ref(row, ref, code, existing, seen)
        expected = row.parse("expected_date", iso_date)
        location = row.text("location") or DEFAULT_LOCATION
        if row.raw("status").lower() not in _PURCHASE_STATUS:
            row.fail("status", "only open purchase orders can be imported")
        item = world.item(row, "sku")
        quantity = _left(
            row, row.parse("quantity", positive("quantity"), required=True), "received", plan
        )
        price = row.parse("unit_price", lambda s: parse_cost(s, "unit_price"))
        supplier = world.suppliers.get(code)
        if code and supplier is None:
            row.fail("supplier", f"unknown supplier {code!r}")
        if location not in world.locations:
            row.fail("location", f"unknown location {location!r}", location)
        in_stock_unit = _purchase_unit_given(row, item)
        if ref in orders:
            first = orders[ref][0]
            for column in ("supplier", "expected_date", "location"):
                _same(row, column, first)
        elif ref and row.ok and supplier is not None:
            order = PurchaseOrder(
                ref,
                code,
                expected or date.min,
                PLACEHOLDER_TIME,
                location=location,
                reference=ref,
            )
            orders[ref] = (row, NewPurchase(order, supplier, expected))
            plan.purchases.append((row.number, ref, orders[ref][1]))
        if item is not None and quantity is not None:
            target = (
                orders[ref][1].order
                if row.ok and ref in orders
                else PurchaseOrder(ref, code, date.min, PLACEHOLDER_TIME)
            )
            try:
                target.add_line(item, quantity, price, in_stock_unit)
            except DomainError as exc:
                row.domain(exc, {}, "sku")
        if not row.ok:
            broken.add(ref)
    plan.purchases = [p for p in plan.purchases if p[1] not in broken and p[2].order.lines]


def _purchase_unit_given(row: Row, item: Item | None) -> bool:
    """Whether the row's quantity is in the stock unit (else in the item's purchase unit)."""
    unit = row.text("unit")
    if not unit or item is None:
        return False
    purchase = item.purchase_unit.name if item.purchase_unit else None
    if unit == purchase:
        return False
    if unit == item.unit:
        return True
    allowed = " or ".join(u for u in (purchase, item.unit) if u)
    row.fail("unit", f"{item.sku} is bought in {allowed}")
    return False
