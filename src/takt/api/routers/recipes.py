"""BOMs (with multi-level explosion and cost roll-up) and routings."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Query

from takt.api.auditing import record
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
    before = api_queries.bom(uows, sku)
    catalog.set_bom(body.to_domain(sku), uows())
    after = _bom(uows, sku, Decimal(1))
    action = "update" if before else "create"
    record(uows, caller.username, action, "bom", sku, bom_lines(before) or None, after.lines)
    return after


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
    before = api_queries.routing(uows, sku)
    after = RoutingRead.of(catalog.set_routing(body.to_domain(sku), uows()))
    previous = RoutingRead.of(before) if before else None
    action = "update" if before else "create"
    record(uows, caller.username, action, "routing", sku, previous, after)
    return after
