"""The purchase order repository."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.orm import Session

from takt.app.ports import OpenPurchaseLine
from takt.domain.errors import NotFound
from takt.domain.purchasing import PurchaseLine, PurchaseOrder, PurchaseStatus
from takt.store.bulk import one_of
from takt.store.changes import RowTracker
from takt.store.lookups import Lookups
from takt.store.marks import SqlAllocationMarks
from takt.store.references import orders_by_reference
from takt.store.tables import items, locations, purchase_lines, purchase_orders, suppliers

OPEN_STATUSES = (PurchaseStatus.OPEN.value, PurchaseStatus.PARTLY_RECEIVED.value)


class SqlPurchaseRepository:
    def __init__(self, session: Session, lookups: Lookups, marks: SqlAllocationMarks) -> None:
        self.session = session
        self.lookups = lookups
        self.marks = marks
        self.tracker = RowTracker()

    def add(self, order: PurchaseOrder) -> PurchaseOrder:
        order.id = self.session.execute(
            insert(purchase_orders)
            .values(
                number=order.number,
                supplier_id=self.lookups.id_of(suppliers, order.supplier, "supplier", "supplier"),
                location_id=self.lookups.id_of(locations, order.location, "location", "location"),
                expected_date=order.expected_date,
                status=order.status.value,
                created_at=order.created_at,
                reference=order.reference,
            )
            .returning(purchase_orders.c.id)
        ).scalar_one()
        self._save_lines(order)
        return order

    def get(self, number: str, *, lock: bool = False) -> PurchaseOrder:
        found = self._load(purchase_orders.c.number == number, lock=lock)
        if not found:
            raise NotFound(f"unknown purchase order {number!r}", field="order")
        return found[0]

    def by_reference(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The number of each order not cancelled by its (supplier, reference), for the
        ``keys`` asked about, in one light query; of orders sharing a key, the first created."""
        return orders_by_reference(
            self.session,
            purchase_orders,
            suppliers,
            purchase_orders.c.supplier_id,
            PurchaseStatus.CANCELLED.value,
            keys,
        )

    def orders(self, statuses: Sequence[str] | None = None) -> list[PurchaseOrder]:
        where = (
            purchase_orders.c.status.in_(list(statuses)) if statuses else purchase_orders.c.id > 0
        )
        return self._load(where)

    def _load(self, where: ColumnElement[bool], lock: bool = False) -> list[PurchaseOrder]:
        query = (
            select(
                purchase_orders,
                suppliers.c.code.label("supplier_code"),
                locations.c.code.label("location_code"),
            )
            .join(suppliers, suppliers.c.id == purchase_orders.c.supplier_id)
            .join(locations, locations.c.id == purchase_orders.c.location_id)
            .where(where)
            .order_by(purchase_orders.c.expected_date, purchase_orders.c.id)
        )
        if lock:
            query = query.with_for_update(of=purchase_orders)
        orders = {
            row.id: PurchaseOrder(
                number=row.number,
                supplier=row.supplier_code,
                expected_date=row.expected_date,
                created_at=row.created_at,
                status=PurchaseStatus(row.status),
                location=row.location_code,
                id=row.id,
                reference=row.reference,
            )
            for row in self.session.execute(query)
        }
        if orders:
            for r in self.session.execute(
                select(purchase_lines, items.c.sku)
                .join(items, items.c.id == purchase_lines.c.item_id)
                .where(purchase_lines.c.order_id.in_(list(orders)))
                .order_by(purchase_lines.c.order_id, purchase_lines.c.line_no)
            ):
                line = PurchaseLine(
                    r.line_no,
                    r.sku,
                    r.quantity,
                    r.unit,
                    r.factor,
                    r.unit_price,
                    r.received,
                    id=r.id,
                )
                orders[r.order_id].lines.append(line)
                self.tracker.seen(purchase_lines, r.id, _line_values(line))
        return list(orders.values())

    def save(self, order: PurchaseOrder) -> None:
        assert order.id is not None
        self.session.execute(
            update(purchase_orders)
            .where(purchase_orders.c.id == order.id)
            .values(status=order.status.value, expected_date=order.expected_date)
        )
        self._save_lines(order)

    def _save_lines(self, order: PurchaseOrder) -> None:
        # The expected date and status of the order date all its lines: every item is touched.
        self.marks.touch(ln.sku for ln in order.lines)
        new = [ln for ln in order.lines if ln.id is None]
        item_ids = self.lookups.ids_of(items, [ln.sku for ln in new], "SKU", "sku")
        for line in new:
            values = _line_values(line)
            line.id = self.session.execute(
                insert(purchase_lines)
                .values(
                    order_id=order.id,
                    line_no=line.line_no,
                    item_id=item_ids[line.sku],
                    unit=line.unit,
                    factor=line.factor,
                    **values,
                )
                .returning(purchase_lines.c.id)
            ).scalar_one()
            self.tracker.seen(purchase_lines, line.id, values)
        self.tracker.update_changed(
            self.session,
            purchase_lines,
            [(ln.id, _line_values(ln)) for ln in order.lines if ln.id is not None],
        )

    def open_lines(self, skus: Sequence[str] | None = None) -> list[OpenPurchaseLine]:
        """Open lines with stock still to arrive, converted to stock units, in one query."""
        query = (
            select(
                purchase_orders.c.number,
                purchase_lines.c.line_no,
                items.c.sku,
                purchase_lines.c.quantity,
                purchase_lines.c.received,
                purchase_lines.c.factor,
                purchase_orders.c.expected_date,
            )
            .join(purchase_orders, purchase_orders.c.id == purchase_lines.c.order_id)
            .join(items, items.c.id == purchase_lines.c.item_id)
            .where(
                purchase_orders.c.status.in_(OPEN_STATUSES),
                purchase_lines.c.quantity > purchase_lines.c.received,
            )
        )
        if skus is not None:
            query = query.where(one_of(self.session, items.c.sku, skus))
        return [
            OpenPurchaseLine(n, ln, sku, (q - r) * f, d)
            for n, ln, sku, q, r, f, d in self.session.execute(query)
        ]


def _line_values(line: PurchaseLine) -> dict[str, Decimal]:
    return {"quantity": line.quantity, "unit_price": line.unit_price, "received": line.received}
