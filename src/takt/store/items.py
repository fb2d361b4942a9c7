"""The item repository: rows of ``items`` <-> ``takt.domain.items.Item``; and ``usages``, what
refers to a master-data record (shared by the repositories that delete master data)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Row, Select, Table, delete, exists, insert, select, update
from sqlalchemy.orm import Session, aliased

from takt.domain.errors import Conflict, NotFound
from takt.domain.items import Item, ItemKind
from takt.domain.units import PurchaseUnit
from takt.domain.valuation import Valuation
from takt.store.bulk import one_of, update_rows
from takt.store.lookups import Lookups
from takt.store.marks import SqlAllocationMarks
from takt.store.tables import allocation_marks, items, suppliers

_template = aliased(items, name="template")

USAGE_LABELS = {
    ("items", "variant_of_id"): "variants",
    ("items", "default_supplier_id"): "items (as their default supplier)",
    ("bom_lines", "component_id"): "BOM lines",
    ("routing_operations", "workstation_id"): "routings",
    ("stock_balances", "item_id"): "stock balances",
    ("stock_balances", "location_id"): "stock balances",
    ("stock_ledger", "item_id"): "stock ledger entries",
    ("stock_ledger", "location_id"): "stock ledger entries",
    ("cost_layers", "item_id"): "cost layers",
    ("sales_orders", "customer_id"): "sales orders",
    ("sales_lines", "item_id"): "sales order lines",
    ("purchase_orders", "supplier_id"): "purchase orders",
    ("purchase_orders", "location_id"): "purchase orders",
    ("purchase_lines", "item_id"): "purchase order lines",
    ("manufacturing_orders", "item_id"): "manufacturing orders",
    ("manufacturing_orders", "location_id"): "manufacturing orders",
    ("mo_ingredients", "item_id"): "manufacturing order ingredients",
    ("mo_tasks", "workstation_id"): "manufacturing order tasks",
    ("mo_tasks", "operator_id"): "manufacturing order tasks",
    ("users", "operator_id"): "users",
}


def _referrers(table: Table) -> list[tuple[str, Column[Any]]]:
    """The columns that refer to ``table`` without ON DELETE CASCADE, with a label for each.

    Rows referring with CASCADE belong to the record (an item's own BOM lines and routing, a
    workstation's calendar, an operator's skills) and go with it; the others block a delete.
    Read from the table definitions, so a new reference is covered without a change here.
    """
    found: list[tuple[str, Column[Any]]] = []
    for other in table.metadata.sorted_tables:
        for fk in sorted(other.foreign_keys, key=lambda f: f.parent.name):
            if fk.column.table is table and (fk.ondelete or "").upper() != "CASCADE":
                label = USAGE_LABELS.get((other.name, fk.parent.name), other.name.replace("_", " "))
                found.append((label, fk.parent))
    return found


def usages(session: Session, table: Table, row_id: int) -> list[str]:
    """What refers to row ``row_id`` of ``table`` (stock, orders, BOM lines...), in one query;
    empty when the row may be deleted."""
    referrers = _referrers(table)
    if not referrers:
        return []
    checks = [
        exists().where(column == row_id).label(f"u{i}") for i, (_, column) in enumerate(referrers)
    ]
    row = session.execute(select(*checks)).one()
    labels: list[str] = []
    for (label, _), used in zip(referrers, row, strict=True):
        if used and label not in labels:
            labels.append(label)
    return labels


def lock_row(session: Session, table: Table, row_id: int) -> None:
    """Locks the row (PostgreSQL) so that nothing starts referring to it before the delete;
    SQLite's writers already queue at BEGIN IMMEDIATE."""
    session.execute(select(table.c.id).where(table.c.id == row_id).with_for_update())


def item_select() -> Select[Any]:
    """Items with their supplier code and template SKU, ready for ``item_from_row``."""
    return (
        select(
            items, suppliers.c.code.label("supplier_code"), _template.c.sku.label("template_sku")
        )
        .outerjoin(suppliers, suppliers.c.id == items.c.default_supplier_id)
        .outerjoin(_template, _template.c.id == items.c.variant_of_id)
    )


def item_from_row(row: Row[Any]) -> Item:
    m = row._mapping
    purchase = (
        PurchaseUnit(m["purchase_unit"], m["purchase_factor"]) if m["purchase_unit"] else None
    )
    return Item(
        id=m["id"],
        sku=m["sku"],
        name=m["name"],
        kind=ItemKind(m["kind"]),
        unit=m["unit"],
        purchase_unit=purchase,
        default_supplier=m["supplier_code"],
        lead_time_days=m["lead_time_days"],
        min_order_qty=m["min_order_qty"],
        order_multiple=m["order_multiple"],
        reorder_point=m["reorder_point"],
        safety_stock=m["safety_stock"],
        batch_tracked=m["batch_tracked"],
        allow_negative_stock=m["allow_negative_stock"],
        sales_price=m["sales_price"],
        standard_cost=m["standard_cost"],
        last_purchase_price=m["last_purchase_price"],
        average_cost=m["average_cost"],
        has_cost_history=m["has_cost_history"],
        variant_of=m["template_sku"],
        variant_attributes=dict(m["variant_attributes"] or {}),
        valuation=Valuation(m["valuation"]),
    )


class SqlItemRepository:
    def __init__(
        self, session: Session, lookups: Lookups, marks: SqlAllocationMarks | None = None
    ) -> None:
        self.session = session
        self.lookups = lookups
        self.marks = marks

    def find(self, sku: str) -> Item | None:
        row = self.session.execute(item_select().where(items.c.sku == sku)).first()
        return None if row is None else item_from_row(row)

    def get(self, sku: str) -> Item:
        item = self.find(sku)
        if item is None:
            raise NotFound(f"unknown SKU {sku!r}", field="sku")
        return item

    def list(self, kind: ItemKind | None = None) -> list[Item]:
        query = item_select().order_by(items.c.sku)
        if kind is not None:
            query = query.where(items.c.kind == kind.value)
        return [item_from_row(r) for r in self.session.execute(query)]

    def by_sku(self) -> dict[str, Item]:
        return {i.sku: i for i in self.list()}

    def many(self, skus: Sequence[str]) -> dict[str, Item]:
        """The items ``skus`` in one query; raises ``NotFound`` naming the first unknown SKU."""
        wanted = sorted(set(skus))
        found = {
            i.sku: i
            for i in map(
                item_from_row,
                self.session.execute(
                    item_select().where(one_of(self.session, items.c.sku, wanted))
                ),
            )
        }
        for sku in wanted:
            if sku not in found:
                raise NotFound(f"unknown SKU {sku!r}", field="sku")
        return found

    def add(self, item: Item) -> Item:
        if self.find(item.sku) is not None:
            raise Conflict(f"SKU {item.sku!r} already exists", field="sku")
        values = self._values(item)
        values["created_at"] = datetime.now(UTC)
        item.id = self.session.execute(
            insert(items).values(**values).returning(items.c.id)
        ).scalar_one()
        self.lookups.remember(items, item.sku, item.id)
        return item

    def update(self, item: Item) -> None:
        item_id = self.lookups.id_of(items, item.sku, "SKU", "sku")
        self.session.execute(
            update(items).where(items.c.id == item_id).values(**self._values(item))
        )
        if self.marks is not None:
            self.marks.touch_ids([item_id])  # the safety stock bears on the item's figures

    def usages(self, sku: str) -> builtins.list[str]:
        """What refers to item ``sku`` (locked until the end of the transaction)."""
        item_id = self.lookups.id_of(items, sku, "SKU", "sku")
        lock_row(self.session, items, item_id)
        return usages(self.session, items, item_id)

    def delete(self, sku: str) -> None:
        """Deletes the item with its own BOM and routing; see ``usages`` first."""
        item_id = self.lookups.id_of(items, sku, "SKU", "sku")
        self.session.execute(delete(items).where(items.c.id == item_id))
        # Its change mark goes too: a later item given the same id starts afresh.
        self.session.execute(delete(allocation_marks).where(allocation_marks.c.item_id == item_id))

    def set_last_purchase_price(self, sku: str, price: Decimal) -> None:
        self.set_last_purchase_prices({sku: price})

    def set_last_purchase_prices(self, prices: Mapping[str, Decimal]) -> None:
        """The price last paid per stock unit of each item in ``prices``, in one statement."""
        ids = self.lookups.ids_of(items, list(prices), "SKU", "sku")
        update_rows(
            self.session,
            items,
            [{"id": ids[sku], "last_purchase_price": price} for sku, price in prices.items()],
        )

    def _values(self, item: Item) -> dict[str, Any]:
        supplier_id = (
            self.lookups.id_of(suppliers, item.default_supplier, "supplier", "default_supplier")
            if item.default_supplier
            else None
        )
        template_id = (
            self.lookups.id_of(items, item.variant_of, "template SKU", "variant_of")
            if item.variant_of
            else None
        )
        return {
            "sku": item.sku,
            "name": item.name,
            "kind": item.kind.value,
            "unit": item.unit,
            "purchase_unit": item.purchase_unit.name if item.purchase_unit else None,
            "purchase_factor": item.purchase_unit.factor if item.purchase_unit else None,
            "default_supplier_id": supplier_id,
            "lead_time_days": item.lead_time_days,
            "min_order_qty": item.min_order_qty,
            "order_multiple": item.order_multiple,
            "reorder_point": item.reorder_point,
            "safety_stock": item.safety_stock,
            "batch_tracked": item.batch_tracked,
            "allow_negative_stock": item.allow_negative_stock,
            "sales_price": item.sales_price,
            "standard_cost": item.standard_cost,
            "last_purchase_price": item.last_purchase_price,
            "average_cost": item.average_cost,
            "has_cost_history": item.has_cost_history,
            "variant_of_id": template_id,
            "variant_attributes": item.variant_attributes,
            "valuation": item.valuation.value,
        }
