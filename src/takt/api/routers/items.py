"""Items and units of measure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Path, Query, Response

from takt.api.auditing import AuditedUnitOfWork, audited
from takt.api.deps import BODY_PROBLEMS, IN_USE_PROBLEMS, Access, Uows, guarded_router
from takt.api.pagination import PageParams
from takt.api.schemas.common import NO_CONTROL, SKU_PATTERN, Page
from takt.api.schemas.items import ItemCreate, ItemRead, ItemRowRead, ItemUpdate, UnitRead
from takt.app import api_queries, catalog, queries
from takt.domain.items import ItemKind
from takt.domain.units import UNITS

router = guarded_router("items")

SkuPath = Annotated[str, Path(pattern=SKU_PATTERN, max_length=64, description="The item's SKU.")]


@router.get("/units", name="list_units", summary="Units of measure")
def list_units(caller: Access) -> list[UnitRead]:
    return [UnitRead.of(u) for u in UNITS.values()]


@router.get(
    "/items",
    name="list_items",
    summary="Items with in stock, committed, expected, available and missing",
)
def list_items(
    caller: Access,
    uows: Uows,
    paging: PageParams,
    kind: ItemKind | None = None,
    q: Annotated[
        str | None,
        Query(max_length=64, pattern=NO_CONTROL, description="Part of the SKU or name."),
    ] = None,
    supplier: Annotated[str | None, Query(max_length=32, pattern=NO_CONTROL)] = None,
) -> Page[ItemRowRead]:
    rows = queries.item_list(uows, kind)
    if q:
        needle = q.casefold()
        rows = [r for r in rows if needle in r.sku.casefold() or needle in r.name.casefold()]
    if supplier is not None:
        rows = [r for r in rows if r.supplier == supplier]
    page: Page[ItemRowRead] = paging.page([ItemRowRead.of(r) for r in rows])
    return caller.shape(page)


@router.post(
    "/items", name="create_item", status_code=201, responses=BODY_PROBLEMS, summary="Add an item"
)
def create_item(body: ItemCreate, caller: Access, uows: Uows) -> ItemRead:
    item = body.to_domain()
    trail = audited(uows, caller.username, "create", "item", item.sku, after=ItemRead.of(item))
    return ItemRead.of(catalog.add_item(item, trail()))


@router.get("/items/{sku:path}", name="get_item", summary="One item")
def get_item(sku: SkuPath, caller: Access, uows: Uows) -> ItemRead:
    return caller.shape(ItemRead.of(api_queries.item(uows, sku)))


def _item(sku: str) -> Callable[[AuditedUnitOfWork], ItemRead]:
    """The item as stored, read (and locked) inside the audited transaction."""
    return lambda uow: ItemRead.of(uow.stock.lock_items([sku])[sku])


@router.patch(
    "/items/{sku:path}",
    name="update_item",
    responses=BODY_PROBLEMS,
    summary="Change an item (only the fields sent)",
)
def update_item(sku: SkuPath, body: ItemUpdate, caller: Access, uows: Uows) -> ItemRead:
    trail = audited(
        uows, caller.username, "update", "item", sku, before=_item(sku), after=_item(sku)
    )
    return caller.shape(ItemRead.of(catalog.update_item(sku, body.changes(), trail())))


@router.delete(
    "/items/{sku:path}",
    name="delete_item",
    status_code=204,
    response_class=Response,
    responses=IN_USE_PROBLEMS,
    summary="Delete an item nothing refers to (409 while stock, orders or BOMs do)",
)
def delete_item(sku: SkuPath, caller: Access, uows: Uows) -> None:
    catalog.delete_item(
        sku, audited(uows, caller.username, "delete", "item", sku, before=_item(sku))()
    )
