"""Read models for screens and listings: each returns exactly what is shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from takt.app.availability import allocation
from takt.app.ports import BalanceRow, LedgerFilter, UnitOfWorkFactory
from takt.domain.availability import ItemFigures
from takt.domain.bom import BomBook, ExplodedLine
from takt.domain.costing import CostBreakdown, CostRollup
from takt.domain.items import Item, ItemKind
from takt.domain.ledger import LedgerEntry

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ItemRow:
    """An item as the item list shows it: its stock figures over all locations (in stock,
    committed, expected, available, missing: DOMAIN.md, Stock), its cost, BOM and supplier."""

    sku: str
    name: str
    kind: str
    unit: str
    in_stock: Decimal
    committed: Decimal
    expected: Decimal
    available: Decimal
    missing: Decimal
    safety_stock: Decimal
    reorder_point: Decimal
    average_cost: Decimal
    has_bom: bool
    supplier: str | None


def figures_of(
    item: Item, figures: Mapping[str, ItemFigures], in_stock: Decimal = ZERO
) -> ItemFigures:
    """``item``'s figures in an allocation's ``figures``. An allocation has figures for every
    item it read, so one missing (an item added since) is taken as ``in_stock`` with nothing
    committed or expected rather than refused."""
    found = figures.get(item.sku)
    return found if found is not None else ItemFigures(item.sku, in_stock, ZERO, ZERO)


def items_brief(uows: UnitOfWorkFactory, kind: ItemKind | None = None) -> list[Item]:
    """Every item (of ``kind``) by SKU without its stock figures: what a choice list or a unit
    look-up needs, in one read and no allocation."""
    with uows(read_only=True) as uow:
        return uow.items.list(kind)


def item_list(
    uows: UnitOfWorkFactory, kind: ItemKind | None = None, skus: Sequence[str] | None = None
) -> list[ItemRow]:
    """Every item (of ``kind``), or only the items ``skus``, by SKU, with its stock figures.

    The figures come from the kept allocation (``availability.allocation``: of every item, or
    of only the named ones), so the reads are a fixed few whatever the number of items. Raises
    ``NotFound`` naming an unknown SKU.
    """
    with uows(read_only=True) as uow:
        if skus is None:
            items = uow.items.list(kind)
            figures = allocation(uow).figures
        else:
            named = uow.items.many(skus)
            items = [named[s] for s in sorted(named) if kind is None or named[s].kind == kind]
            figures = allocation(uow, sorted(named)).figures
        boms = uow.recipes.boms()
    rows: list[ItemRow] = []
    for i in items:
        f = figures_of(i, figures)
        rows.append(
            ItemRow(
                sku=i.sku,
                name=i.name,
                kind=i.kind.value,
                unit=i.unit,
                in_stock=f.in_stock,
                committed=f.committed,
                expected=f.expected,
                available=f.available,
                missing=f.missing,
                safety_stock=i.safety_stock,
                reorder_point=i.reorder_point,
                average_cost=i.average_cost,
                has_bom=i.recipe_sku in boms,
                supplier=i.default_supplier,
            )
        )
    return rows


def stock_levels(
    uows: UnitOfWorkFactory, sku: str | None = None, location: str | None = None
) -> list[BalanceRow]:
    with uows(read_only=True) as uow:
        if sku is not None:
            uow.items.get(sku)
        if location is not None:
            uow.locations.get(location)
        return uow.stock.balances(sku, location)


def ledger(uows: UnitOfWorkFactory, where: LedgerFilter) -> list[LedgerEntry]:
    with uows(read_only=True) as uow:
        if where.sku is not None:
            uow.items.get(where.sku)
        return uow.stock.ledger(where)


@dataclass(frozen=True, slots=True)
class BomView:
    item: Item
    explosion: list[ExplodedLine]
    leaves: dict[str, Decimal]
    cost: CostBreakdown


def bom_view(uows: UnitOfWorkFactory, sku: str, quantity: Decimal = Decimal(1)) -> BomView:
    """The multi-level explosion of ``quantity`` of ``sku`` with its planned cost roll-up."""
    with uows(read_only=True) as uow:
        book = BomBook(uow.items.by_sku(), uow.recipes.boms())
        routings = uow.recipes.routings()
        rates = {code: ws.cost_per_hour for code, ws in uow.resources.workstations().items()}
    item = book.item(sku)
    rollup = CostRollup(book, routings, rates)
    return BomView(
        item=item,
        explosion=book.explode(sku, quantity),
        leaves=book.leaf_requirements(sku, quantity),
        cost=rollup.cost(sku, quantity),
    )
