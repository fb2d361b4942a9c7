"""Read models for screens and listings: each returns exactly what is shown."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from takt.app.ports import BalanceRow, LedgerFilter, UnitOfWorkFactory
from takt.domain.bom import BomBook, ExplodedLine
from takt.domain.costing import CostBreakdown, CostRollup
from takt.domain.items import Item, ItemKind
from takt.domain.ledger import LedgerEntry


@dataclass(frozen=True, slots=True)
class ItemRow:
    sku: str
    name: str
    kind: str
    unit: str
    in_stock: Decimal
    average_cost: Decimal
    has_bom: bool
    supplier: str | None


def item_list(uows: UnitOfWorkFactory, kind: ItemKind | None = None) -> list[ItemRow]:
    with uows(read_only=True) as uow:
        items = uow.items.list(kind)
        on_hand = uow.stock.on_hand([i.sku for i in items])
        boms = uow.recipes.boms()
    return [
        ItemRow(
            i.sku,
            i.name,
            i.kind.value,
            i.unit,
            on_hand.get(i.sku, Decimal(0)),
            i.average_cost,
            i.recipe_sku in boms,
            i.default_supplier,
        )
        for i in items
    ]


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
