"""BOMs (with multi-level explosion and cost roll-up) and routings."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Query

from takt.api.auditing import AuditedUnitOfWork, audited
from takt.api.deps import BODY_PROBLEMS, Access, Uows, guarded_router
from takt.api.routers.items import SkuPath
from takt.api.schemas.common import DECIMAL_PATTERN
from takt.api.schemas.items import BomRead, BomUpdate, RoutingRead, RoutingUpdate, bom_lines
from takt.app import api_queries, catalog, queries
from takt.domain.units import parse_quantity

router = guarded_router("recipes")


def _bom(uows: Uows, sku: str, quantity: Decimal) -> BomRead:
    view = queries.bom_view(uows, sku, quantity)
    return BomRead.of(view, api_queries.bom(uows, sku), quantity)


@router.get("/boms/{sku:path}", name="get_bom", summary="BOM, explosion and cost roll-up")
def get_bom(
    sku: SkuPath,
    caller: Access,
    uows: Uows,
    quantity: Annotated[
        str,
        Query(
            pattern=DECIMAL_PATTERN.replace("^-?", "^"),
            max_length=40,
            description="Explode for this quantity (a decimal string).",
        ),
    ] = "1",
) -> BomRead:
    return caller.shape(_bom(uows, sku, parse_quantity(quantity)))


@router.put("/boms/{sku:path}", name="set_bom", responses=BODY_PROBLEMS, summary="Replace a BOM")
def set_bom(sku: SkuPath, body: BomUpdate, caller: Access, uows: Uows) -> BomRead:
    api_queries.item(uows, sku)  # 404 for an unknown SKU, before the BOM is checked
    trail = audited(
        uows,
        caller.username,
        _created_or_updated,
        "bom",
        sku,
        before=lambda uow: bom_lines(uow.recipes.bom(sku)) or None,
        after=lambda uow: bom_lines(uow.recipes.bom(sku)),
    )
    catalog.set_bom(body.to_domain(sku), trail())
    return _bom(uows, sku, Decimal(1))


def _created_or_updated(uow: AuditedUnitOfWork) -> str:
    return "update" if uow.before else "create"


@router.get("/routings/{sku:path}", name="get_routing", summary="Routing of an item")
def get_routing(sku: SkuPath, caller: Access, uows: Uows) -> RoutingRead:
    routing = api_queries.routing(uows, sku)
    if routing is None:
        return RoutingRead(sku=sku, operations=[], minutes_per_unit=Decimal(0))
    return caller.shape(RoutingRead.of(routing))


@router.put(
    "/routings/{sku:path}", name="set_routing", responses=BODY_PROBLEMS, summary="Replace a routing"
)
def set_routing(sku: SkuPath, body: RoutingUpdate, caller: Access, uows: Uows) -> RoutingRead:
    routing = body.to_domain(sku)

    def stored(uow: AuditedUnitOfWork) -> RoutingRead | None:
        found = uow.recipes.routing(sku)
        return RoutingRead.of(found) if found else None

    trail = audited(
        uows,
        caller.username,
        _created_or_updated,
        "routing",
        sku,
        before=stored,
        after=RoutingRead.of(routing),
    )
    return RoutingRead.of(catalog.set_routing(routing, trail()))
