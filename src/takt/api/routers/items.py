"""Items and units of measure."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from takt.api.auditing import record
from takt.api.deps import BODY_PROBLEMS, Access, Uows, guarded_router
from takt.api.pagination import PageParams
from takt.api.schemas.common import NO_CONTROL, SKU_PATTERN, Page
from takt.api.schemas.items import ItemCreate, ItemRead, ItemRowRead, UnitRead
from takt.app import api_queries, catalog, queries
from takt.domain.items import ItemKind
from takt.domain.units import UNITS

router = guarded_router("items")

SkuPath = Annotated[str, Path(pattern=SKU_PATTERN, max_length=64, description="The item's SKU.")]


@router.get("/units", name="list_units", summary="Units of measure")
def list_units(caller: Access) -> list[UnitRead]:
    return [UnitRead.of(u) for u in UNITS.values()]


@router.get("/items", name="list_items", summary="Items with their stock")
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
    item = catalog.add_item(body.to_domain(), uows())
    created = ItemRead.of(item)
    record(uows, caller.username, "create", "item", item.sku, None, created)
    return created


@router.get("/items/{sku:path}", name="get_item", summary="One item")
def get_item(sku: SkuPath, caller: Access, uows: Uows) -> ItemRead:
    return caller.shape(ItemRead.of(api_queries.item(uows, sku)))
