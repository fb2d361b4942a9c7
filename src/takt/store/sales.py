"""The sales order repository."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from sqlalchemy import (
    ColumnElement,
    Date,
    delete,
    func,
    insert,
    literal,
    not_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from takt.app.ports import OpenSalesLine
from takt.domain.errors import NotFound
from takt.domain.sales import SalesLine, SalesOrder, SalesStatus
from takt.store.bulk import one_of
from takt.store.changes import RowTracker
from takt.store.lookups import Lookups
from takt.store.marks import SqlAllocationMarks
from takt.store.references import orders_by_reference
from takt.store.tables import customers, items, manufacturing_orders, sales_lines, sales_orders
from takt.store.types import UtcDateTime, from_micro

OPEN_STATUSES = (SalesStatus.OPEN.value, SalesStatus.PARTLY_DELIVERED.value)


class SqlSalesRepository:
    def __init__(self, session: Session, lookups: Lookups, marks: SqlAllocationMarks) -> None:
        self.session = session
        self.lookups = lookups
        self.marks = marks
        self.tracker = RowTracker()
        self._line_ids: dict[int, set[int]] = {}
        """The stored line ids of each order this unit of work read or added."""

    def add(self, order: SalesOrder) -> SalesOrder:
        customer_id = self.lookups.id_of(customers, order.customer, "customer", "customer")
        order.id = self.session.execute(
            insert(sales_orders)
            .values(
                number=order.number,
                customer_id=customer_id,
                delivery_date=order.delivery_date,
                status=order.status.value,
                rank=order.rank,
                created_at=order.created_at,
                reference=order.reference,
            )
            .returning(sales_orders.c.id)
        ).scalar_one()
        self._line_ids[order.id] = set()
        self._save_lines(order)
        return order

    def get(self, number: str, *, lock: bool = False) -> SalesOrder:
        found = self._load(sales_orders.c.number == number, lock=lock)
        if not found:
            raise NotFound(f"unknown sales order {number!r}", field="order")
        return found[0]

    def customers_of(self, numbers: Sequence[str]) -> dict[str, str]:
        """The customer code of each order in ``numbers``, in one light query."""
        if not numbers:
            return {}
        rows = self.session.execute(
            select(sales_orders.c.number, customers.c.code)
            .join(customers, customers.c.id == sales_orders.c.customer_id)
            .where(sales_orders.c.number.in_(list(numbers)))
        )
        return {str(number): str(code) for number, code in rows}

    def by_reference(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The number of each order not cancelled by its (customer, reference), for the
        ``keys`` asked about, in one light query; of orders sharing a key, the first created."""
        return orders_by_reference(
            self.session,
            sales_orders,
            customers,
            sales_orders.c.customer_id,
            SalesStatus.CANCELLED.value,
            keys,
        )

    def orders(self, statuses: Sequence[str] | None = None) -> list[SalesOrder]:
        """Orders (all, or in ``statuses``) by delivery date, in two queries."""
        where = sales_orders.c.status.in_(list(statuses)) if statuses else sales_orders.c.id > 0
        return self._load(where)

    def _load(self, where: ColumnElement[bool], lock: bool = False) -> list[SalesOrder]:
        query = (
            select(sales_orders, customers.c.code.label("customer_code"))
            .join(customers, customers.c.id == sales_orders.c.customer_id)
            .where(where)
            .order_by(sales_orders.c.delivery_date, sales_orders.c.id)
        )
        if lock:
            query = query.with_for_update(of=sales_orders)
        orders = {
            row.id: SalesOrder(
                number=row.number,
                customer=row.customer_code,
                delivery_date=row.delivery_date,
                created_at=row.created_at,
                status=SalesStatus(row.status),
                rank=row.rank,
                id=row.id,
                reference=row.reference,
            )
            for row in self.session.execute(query)
        }
        if orders:
            for r in self.session.execute(
                select(sales_lines, items.c.sku)
                .join(items, items.c.id == sales_lines.c.item_id)
                .where(one_of(self.session, sales_lines.c.order_id, orders))
                .order_by(sales_lines.c.order_id, sales_lines.c.line_no)
            ):
                line = SalesLine(
                    r.line_no, r.sku, r.quantity, r.unit_price, r.shipped, r.cost_shipped, id=r.id
                )
                orders[r.order_id].lines.append(line)
                self._line_ids.setdefault(r.order_id, set()).add(r.id)
                self.tracker.seen(sales_lines, r.id, _line_values(line))
        return list(orders.values())

    def save(self, order: SalesOrder) -> None:
        assert order.id is not None
        self.session.execute(
            update(sales_orders)
            .where(sales_orders.c.id == order.id)
            .values(status=order.status.value, rank=order.rank, delivery_date=order.delivery_date)
        )
        self._save_lines(order)

    def _save_lines(self, order: SalesOrder) -> None:
        # The order's date, rank and status rank all its lines: every line's item is touched.
        self.marks.touch(ln.sku for ln in order.lines)
        kept = {ln.id for ln in order.lines if ln.id is not None}
        assert order.id is not None
        loaded = self._line_ids.get(order.id)
        if loaded is None or loaded - kept:
            # Lines were removed (or the order was not read here: look for any).
            gone = (
                sales_lines.c.order_id == order.id,
                not_(one_of(self.session, sales_lines.c.id, sorted(kept))),
            )
            # A removed line's (cancelled) make-to-order MO keeps its history, not the link.
            self.session.execute(
                update(manufacturing_orders)
                .where(
                    manufacturing_orders.c.sales_line_id.in_(select(sales_lines.c.id).where(*gone))
                )
                .values(sales_line_id=None)
            )
            self.marks.touch_ids(
                self.session.execute(
                    delete(sales_lines).where(*gone).returning(sales_lines.c.item_id)
                )
                .scalars()
                .all()
            )
        new = [ln for ln in order.lines if ln.id is None]
        item_ids = self.lookups.ids_of(items, [ln.sku for ln in new], "SKU", "sku")
        for line in new:
            values = _line_values(line)
            line.id = self.session.execute(
                insert(sales_lines)
                .values(
                    order_id=order.id, line_no=line.line_no, item_id=item_ids[line.sku], **values
                )
                .returning(sales_lines.c.id)
            ).scalar_one()
            self.tracker.seen(sales_lines, line.id, values)
            kept.add(line.id)
        self._line_ids[order.id] = kept
        self.tracker.update_changed(
            self.session,
            sales_lines,
            [(ln.id, _line_values(ln)) for ln in order.lines if ln.id is not None],
        )

    def line_id(self, number: str, line_no: int) -> int:
        found = self.session.execute(
            select(sales_lines.c.id)
            .join(sales_orders, sales_orders.c.id == sales_lines.c.order_id)
            .where(sales_orders.c.number == number, sales_lines.c.line_no == line_no)
        ).scalar_one_or_none()
        if found is None:
            raise NotFound(f"{number} has no line {line_no}", field="line")
        return int(found)

    def open_lines(
        self, skus: Sequence[str] | None = None, through: SalesOrder | None = None
    ) -> list[OpenSalesLine]:
        """Lines of open orders with something left to ship, in one query (see the port)."""
        remaining = sales_lines.c.quantity - sales_lines.c.shipped
        query = (
            select(
                sales_orders.c.number,
                sales_lines.c.line_no,
                items.c.sku,
                remaining,
                sales_orders.c.delivery_date,
                sales_orders.c.rank,
            )
            .join(sales_orders, sales_orders.c.id == sales_lines.c.order_id)
            .join(items, items.c.id == sales_lines.c.item_id)
            .where(sales_orders.c.status.in_(OPEN_STATUSES), remaining > 0)
            # Sorted by the database: no creation time to decode and sort by per line.
            .order_by(
                sales_orders.c.rank,
                sales_orders.c.delivery_date,
                sales_orders.c.created_at,
                sales_orders.c.number,
                sales_lines.c.line_no,
            )
        )
        if skus is not None:
            query = query.where(one_of(self.session, items.c.sku, skus))
        if through is not None:
            # The order sales orders rank in (takt.app.availability): a row-value comparison.
            query = query.where(
                tuple_(
                    sales_orders.c.rank,
                    sales_orders.c.delivery_date,
                    sales_orders.c.created_at,
                    sales_orders.c.number,
                )
                <= tuple_(
                    literal(through.rank),
                    literal(through.delivery_date, Date()),
                    literal(through.created_at, UtcDateTime()),
                    literal(through.number),
                )
            )
        return [
            OpenSalesLine(n, ln, sku, from_micro(left), d, r)
            for n, ln, sku, left, d, r in self.session.execute(query).all()
        ]

    def count(self) -> int:
        return int(
            self.session.execute(select(func.count()).select_from(sales_orders)).scalar_one()
        )


def _line_values(line: SalesLine) -> dict[str, Decimal]:
    return {
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "shipped": line.shipped,
        "cost_shipped": line.cost_shipped,
    }
