"""The checks of each kind of imported row, and the plan of what a valid file will write.

The checks run against a ``World``: what the database holds, plus what earlier rows (and earlier
sheets of a workbook) of the same file add. A reference is known when it is in either, so an item
defined on row 5 may be used as a BOM component on row 9 of another sheet, and a BOM cycle is
found across the file and the database together.

Choices where the issue is silent:
- An item row whose SKU exists updates that item: every column in the file replaces the current
  value (an empty cell means "none" or the default), a column left out of the file keeps it. The
  empty ``kind``, ``unit`` and ``valuation`` keep the current value. What the ledger owns (average
  cost, cost history, last purchase price) is never imported.
- An item's unit never changes by import (its stock, BOM lines and orders are counted in it);
  neither does its batch tracking or valuation while it has stock; and a made item with a BOM or
  routing does not become a material.
- ``order_ref`` groups the rows of one order; the order gets the next SO-/PO- number and keeps
  the order_ref as its ``reference``. An order_ref the customer (supplier) already has on an order
  that is not cancelled is refused, naming that order: importing a file twice creates nothing the
  second time. A cancelled order's reference may come back.
- An order is imported for what is still open: a line's ``quantity`` less its ``shipped``
  (``received``); a line with nothing left is skipped, an order with no line left too. So a
  partly delivered order, exported, re-imports as an open order for its remaining quantities.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from takt.app.ports import UnitOfWork
from takt.app.stock import DEFAULT_LOCATION
from takt.app.transfer.rows import Row, boolean, not_negative, positive, whole
from takt.domain.bom import Bom, BomBook, BomCycleError, BomLine
from takt.domain.errors import DomainError
from takt.domain.items import Item, ItemKind, check_sku
from takt.domain.ledger import StockKey
from takt.domain.partners import Supplier
from takt.domain.purchasing import PurchaseOrder
from takt.domain.routing import Operation, Routing
from takt.domain.sales import SalesOrder
from takt.domain.units import PurchaseUnit, conversion_factor, parse_cost, parse_quantity
from takt.domain.units import unit as known_unit
from takt.domain.valuation import Valuation

PLACEHOLDER_TIME = datetime(2000, 1, 1, tzinfo=UTC)


References = Callable[[Collection[tuple[str, str]]], dict[tuple[str, str], str]]
"""(partner, reference) pairs -> the numbers of the orders, not cancelled, that have them."""


def _no_orders(keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
    return {}


@dataclass(slots=True)
class World:
    """What a row may refer to: the database, overlaid with the file's rows checked so far.

    ``sales_refs`` and ``purchase_refs`` ask the database (inside the unit of work the world was
    loaded in) which orders already carry a partner's reference: one query per file, for the
    references it names, rather than every order's reference loaded up front.
    """

    items: dict[str, Item]
    db_skus: frozenset[str]
    on_hand: dict[str, Decimal]
    balances: dict[StockKey, Decimal]
    boms: dict[str, Bom]
    routed: frozenset[str]
    workstations: frozenset[str]
    locations: frozenset[str]
    suppliers: dict[str, Supplier]
    customers: frozenset[str]
    item_rows: dict[str, int] = field(default_factory=dict)
    sales_refs: References = _no_orders
    purchase_refs: References = _no_orders

    def item(self, row: Row, column: str, required: bool = True) -> Item | None:
        """The item named in ``column``; an unknown SKU is recorded as an error."""
        sku = row.text(column, required)
        if not sku:
            return None
        found = self.items.get(sku)
        if found is None:
            row.fail(column, f"unknown SKU {sku!r}: neither in the database nor on an earlier row")
        return found


def load_world(uow: UnitOfWork) -> World:
    """Everything the checks refer to, read in one go inside ``uow`` (which must stay open while
    the checks run: the orders' references are looked up there)."""
    items = uow.items.by_sku()
    return World(
        items=items,
        db_skus=frozenset(items),
        on_hand=uow.stock.on_hand(list(items)),
        balances={StockKey(b.sku, b.location, b.batch): b.quantity for b in uow.stock.balances()},
        boms=uow.recipes.boms(),
        routed=frozenset(uow.recipes.routings()),
        workstations=frozenset(uow.resources.workstations()),
        locations=frozenset(loc.code for loc in uow.locations.list()),
        suppliers=uow.locations.suppliers(),
        customers=frozenset(uow.partners.customers()),
        sales_refs=uow.sales.by_reference,
        purchase_refs=uow.purchasing.by_reference,
    )


@dataclass(slots=True)
class NewPurchase:
    """A purchase order to create; ``expected`` None: today + the supplier's lead time."""

    order: PurchaseOrder
    supplier: Supplier
    expected: date | None


@dataclass(slots=True)
class Plan:
    """What a valid file writes, in order; each part with the row it came from."""

    items: list[tuple[int, Item, bool]] = field(default_factory=list)
    boms: list[tuple[int, Bom]] = field(default_factory=list)
    routings: list[tuple[int, Routing]] = field(default_factory=list)
    counts: list[tuple[int, StockKey, Decimal, Decimal | None]] = field(default_factory=list)
    sales: list[tuple[int, str, SalesOrder]] = field(default_factory=list)
    purchases: list[tuple[int, str, NewPurchase]] = field(default_factory=list)
    rows: int = 0
    skipped: int = 0
    """Order lines with nothing left to deliver or receive."""


# ---------------------------------------------------------------- items


def _choice(enum: Callable[[str], Any], what: str, values: str) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        try:
            return enum(raw.strip().lower())
        except ValueError:
            raise DomainError(f"unknown {what} {raw!r} ({values})") from None

    return parse


# column -> (Item attribute, parser, default for a new item / an empty cell)
_ITEM_FIELDS: dict[str, tuple[Callable[[str], Any], Any]] = {
    "name": (str, None),
    "kind": (_choice(ItemKind, "kind", "product, subassembly or material"), None),
    "unit": (lambda s: known_unit(s).code, "pcs"),
    "default_supplier": (str, None),
    "lead_time_days": (whole(0), 0),
    "min_order_qty": (not_negative("min_order_qty"), Decimal(0)),
    "order_multiple": (not_negative("order_multiple"), Decimal(0)),
    "reorder_point": (not_negative("reorder_point"), Decimal(0)),
    "safety_stock": (not_negative("safety_stock"), Decimal(0)),
    "batch_tracked": (boolean, False),
    "allow_negative_stock": (boolean, False),
    "sales_price": (lambda s: parse_cost(s, "sales_price"), None),
    "standard_cost": (lambda s: parse_cost(s, "standard_cost"), None),
    "variant_of": (str, None),
    "valuation": (_choice(Valuation, "valuation", "average or fifo"), Valuation.AVERAGE),
}
_KEEP_WHEN_EMPTY = frozenset({"kind", "unit", "valuation"})


def check_items(rows: list[Row], world: World, plan: Plan) -> None:
    templates = {i.variant_of for i in world.items.values() if i.variant_of}
    for row in rows:
        sku = row.text("sku", required=True)
        if sku:
            try:
                check_sku(sku)
            except DomainError as exc:
                row.fail("sku", exc.message)
                continue
        if sku in world.item_rows:
            row.fail("sku", f"{sku} is already on row {world.item_rows[sku]}")
            continue
        current = world.items.get(sku) if sku in world.db_skus else None
        values: dict[str, Any] = {}
        for column, (parser, default) in _ITEM_FIELDS.items():
            if not row.has(column):
                values[column] = getattr(current, column) if current else default
                if column == "kind" and current is None:
                    row.fail("kind", "required for a new item")
            elif not row.raw(column):
                keep = current is not None and column in _KEEP_WHEN_EMPTY
                values[column] = getattr(current, column) if keep else default
                if column == "name" or (column == "kind" and current is None):
                    row.fail(column, "required")
            else:
                values[column] = row.parse(column, parser)
        values["purchase_unit"] = _purchase_unit(row, current)
        if not row.ok:
            continue
        _check_item_references(row, values, world, templates, sku)
        if current is not None:
            _check_item_change(row, current, values, world)
        if not row.ok:
            continue
        kept: dict[str, Any] = (
            {
                "average_cost": current.average_cost,
                "has_cost_history": current.has_cost_history,
                "last_purchase_price": current.last_purchase_price,
                "variant_attributes": current.variant_attributes,
                "id": current.id,
            }
            if current
            else {}
        )
        try:
            item = Item(sku=sku, **values, **kept)
        except DomainError as exc:
            row.domain(exc, {"item": "sku"}, "sku")
            continue
        world.items[sku] = item
        world.item_rows[sku] = row.number
        if item.variant_of:
            templates.add(item.variant_of)
        plan.items.append((row.number, item, current is not None))


def _purchase_unit(row: Row, current: Item | None) -> PurchaseUnit | None:
    if not row.has("purchase_unit") and not row.has("purchase_factor"):
        return current.purchase_unit if current else None
    name = row.text("purchase_unit")
    factor = row.parse("purchase_factor", lambda s: parse_quantity(s, "purchase_factor"))
    if not name and factor is None:
        return None
    if not name:
        row.fail("purchase_unit", "give the purchase unit's name with its factor")
        return None
    if factor is None:
        if row.ok:
            row.fail("purchase_factor", "give how many stock units make one " + name)
        return None
    try:
        return PurchaseUnit(name, factor)
    except DomainError as exc:
        row.domain(exc, {}, "purchase_factor")
        return None


def _check_item_references(
    row: Row, values: dict[str, Any], world: World, templates: set[str], sku: str
) -> None:
    supplier = values["default_supplier"]
    if supplier and supplier not in world.suppliers:
        row.fail("default_supplier", f"unknown supplier {supplier!r}")
    template_sku = values["variant_of"]
    if template_sku and template_sku != sku:
        template = world.items.get(template_sku)
        if template is None:
            row.fail(
                "variant_of",
                f"unknown SKU {template_sku!r}: neither in the database nor on an earlier row",
            )
        elif template.variant_of is not None:
            row.fail(
                "variant_of",
                f"{template_sku} is itself a variant of {template.variant_of}; "
                "point the variant at the template",
            )
        elif sku in templates:
            row.fail("variant_of", f"{sku} is the template of other variants: it cannot be one")


def _check_item_change(row: Row, current: Item, values: dict[str, Any], world: World) -> None:
    sku = current.sku
    if values["unit"] != current.unit:
        row.fail(
            "unit",
            f"{sku} is counted in {current.unit}: the unit of an existing item cannot change "
            "(its stock, BOMs and orders are in it)",
        )
    stock = world.on_hand.get(sku, Decimal(0))
    for column in ("batch_tracked", "valuation"):
        if values[column] != getattr(current, column) and stock != 0:
            row.fail(column, f"{sku} has {stock} {current.unit} in stock: {column} cannot change")
    made_parts = sku in world.boms or sku in world.routed
    if values["kind"] is ItemKind.MATERIAL and current.is_made and made_parts:
        row.fail("kind", f"{sku} has a BOM or routing: it cannot become a material")


# ---------------------------------------------------------------- BOMs


def check_boms(rows: list[Row], world: World, plan: Plan) -> None:
    lines: dict[str, list[tuple[Row, BomLine]]] = {}
    broken: set[str] = set()
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        parent = world.item(row, "parent_sku")
        component = world.item(row, "component_sku")
        quantity = row.parse("quantity", positive("quantity"), required=True)
        wastage = row.parse("wastage_pct", lambda s: parse_quantity(s, "wastage_pct"))
        if parent is not None:
            if not parent.is_made:
                row.fail("parent_sku", f"{parent.sku} is a material (bought): it has no BOM")
            elif parent.variant_of is not None:
                row.fail(
                    "parent_sku",
                    f"{parent.sku} is a variant: it uses the BOM of {parent.variant_of}",
                )
        if parent is not None and component is not None:
            key = (parent.sku, component.sku)
            if component.sku == parent.sku:
                row.fail("component_sku", f"BOM cycle: {parent.sku} -> {parent.sku}")
            elif key in seen:
                row.fail(
                    "component_sku",
                    f"{component.sku} is already in the BOM of {parent.sku} on row {seen[key]}",
                )
            else:
                seen[key] = row.number
        unit = row.text("unit") or (component.unit if component else "")
        if component is not None and unit:
            try:
                conversion_factor(unit, component.unit)
            except DomainError as exc:
                row.fail("unit", exc.message)
        if row.ok and parent is not None and component is not None and quantity is not None:
            try:
                line = BomLine(component.sku, quantity, unit, wastage or Decimal(0))
            except DomainError as exc:
                row.domain(exc, {"component": "component_sku"}, "quantity")
            else:
                lines.setdefault(parent.sku, []).append((row, line))
        if not row.ok and row.raw("parent_sku"):
            broken.add(row.raw("parent_sku"))
    boms = {p: Bom(p, tuple(ln for _r, ln in ls)) for p, ls in lines.items() if p not in broken}
    trial = {**world.boms, **boms}
    book = BomBook(world.items, trial)
    reported: set[frozenset[str]] = set()
    for sku, bom in boms.items():
        first = lines[sku][0][0]
        try:
            book.check(bom)
        except BomCycleError as exc:
            loop = frozenset(exc.path)
            if loop in reported:
                continue
            reported.add(loop)
            row = next((r for r, ln in lines[sku] if ln.component == exc.path[1]), first)
            row.fail("component_sku", exc.message, exc.path[1])
        except DomainError as exc:
            first.domain(exc, {"item": "parent_sku", "component": "component_sku"}, "parent_sku")
        else:
            plan.boms.append((first.number, bom))
    world.boms = trial


# ---------------------------------------------------------------- routings


def check_routings(rows: list[Row], world: World, plan: Plan) -> None:
    operations: dict[str, list[tuple[Row, Operation]]] = {}
    broken: set[str] = set()
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        item = world.item(row, "item_sku")
        sequence = row.parse("sequence", whole(1), required=True)
        name = row.text("name", required=True)
        workstation = row.text("workstation", required=True)
        setup = row.parse("setup_minutes", not_negative("setup_minutes"))
        run = row.parse("run_minutes", not_negative("run_minutes"))
        rate = row.parse("cost_per_hour", lambda s: parse_cost(s, "cost_per_hour"))
        if item is not None and not item.is_made:
            row.fail("item_sku", f"{item.sku} is a material (bought): it has no routing")
        if workstation and workstation not in world.workstations:
            row.fail("workstation", f"unknown workstation {workstation!r}")
        if item is not None and sequence is not None:
            key = (item.sku, sequence)
            if key in seen:
                row.fail(
                    "sequence",
                    f"operation {sequence} of {item.sku} is already on row {seen[key]}",
                )
            else:
                seen[key] = row.number
        if row.ok and item is not None and sequence is not None:
            try:
                op = Operation(
                    sequence, name, workstation, setup or Decimal(0), run or Decimal(0), rate
                )
            except DomainError as exc:
                row.domain(exc, {}, "name")
            else:
                operations.setdefault(item.sku, []).append((row, op))
        if not row.ok and row.raw("item_sku"):
            broken.add(row.raw("item_sku"))
    for sku, ops in operations.items():
        if sku not in broken:
            routing = Routing(sku, tuple(op for _r, op in ops))
            plan.routings.append((ops[0][0].number, routing))
    world.routed = world.routed | frozenset(operations)


# ---------------------------------------------------------------- stock counts


def check_counts(rows: list[Row], world: World, plan: Plan) -> None:
    seen: dict[StockKey, int] = {}
    for row in rows:
        item = world.item(row, "sku")
        location = row.text("location") or DEFAULT_LOCATION
        batch = row.text("batch")
        counted = row.parse("counted", not_negative("counted"), required=True)
        cost = row.parse("unit_cost", lambda s: parse_cost(s, "unit_cost"))
        if location not in world.locations:
            row.fail("location", f"unknown location {location!r}", location)
        if item is None:
            continue
        if item.batch_tracked and not batch:
            row.fail("batch", f"{item.sku} is batch-tracked: give the batch counted")
        elif batch and not item.batch_tracked:
            row.fail("batch", f"{item.sku} is not batch-tracked: leave the batch empty")
        key = StockKey(item.sku, location, batch)
        if key in seen:
            where = location + (f" batch {batch}" if batch else "")
            row.fail("sku", f"{item.sku} at {where} is already on row {seen[key]}")
        else:
            seen[key] = row.number
        if counted is None:
            continue
        found = counted - world.balances.get(key, Decimal(0))
        costless = not item.has_cost_history and item.cost_for_valuation() is None
        if found > 0 and cost is None and costless:
            row.fail(
                "unit_cost",
                f"{item.sku} has no cost yet: give the unit cost of the {found} {item.unit} found",
            )
        if row.ok:
            plan.counts.append((row.number, key, counted, cost))
