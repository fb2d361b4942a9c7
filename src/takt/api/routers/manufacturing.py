"""Manufacturing orders: create, rank, issue, complete, block/unblock, cancel, ingredients,
sub-assembly MOs, and planned against actual costs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from takt.api.auditing import audited, first_issued
from takt.api.deps import BODY_PROBLEMS, Access, Uows, guarded_router
from takt.api.ownership import check_mo
from takt.api.pagination import PageParams
from takt.api.routers.items import SkuPath
from takt.api.schemas.common import CODE_PATTERN, SKU_PATTERN, Page, PostedRead
from takt.api.schemas.manufacturing import (
    BlockCreate,
    CompleteCreate,
    CostsRead,
    IngredientRead,
    IngredientUpdate,
    IssueCreate,
    MakeRowRead,
    ManufacturingOrderCreate,
    ManufacturingOrderRead,
    RankUpdate,
)
from takt.api.schemas.stock import posted_read
from takt.app import api_queries, manufacturing, orders_queries
from takt.app.ports import UnitOfWork
from takt.domain.manufacturing import MOStatus

router = guarded_router("manufacturing")

NumberPath = Annotated[str, Path(pattern=CODE_PATTERN, max_length=32, description="MO-...")]


def _read(uows: Uows, number: str) -> ManufacturingOrderRead:
    return ManufacturingOrderRead.of(api_queries.manufacturing_order(uows, number))


@router.get("/manufacturing-orders", name="list_manufacturing_orders", summary="The Make list")
def list_manufacturing_orders(
    caller: Access,
    uows: Uows,
    paging: PageParams,
    status: Annotated[
        list[MOStatus] | None, Query(description="Only these (default: open ones).")
    ] = None,
    sku: Annotated[str | None, Query(pattern=SKU_PATTERN, max_length=64)] = None,
) -> Page[MakeRowRead]:
    rows = orders_queries.make_list(uows, status or orders_queries.MO_OPEN)
    if sku is not None:
        rows = [r for r in rows if r.item == sku]
    return caller.shape(paging.page([MakeRowRead.of(r) for r in rows]))


@router.post(
    "/manufacturing-orders",
    name="create_manufacturing_order",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Create a make-to-stock MO",
)
def create_manufacturing_order(
    body: ManufacturingOrderCreate, caller: Access, uows: Uows
) -> ManufacturingOrderRead:
    cmd = manufacturing.NewMO(body.sku, body.quantity, body.due_date, body.location, body.rank)
    trail = audited(
        uows, caller.username, "create", "manufacturing_order", first_issued, after=body
    )
    return caller.shape(ManufacturingOrderRead.of(manufacturing.create_mo(cmd, trail())))


@router.get(
    "/manufacturing-orders/{number}",
    name="get_manufacturing_order",
    summary="One MO with ingredients, tasks and plan",
)
def get_manufacturing_order(
    number: NumberPath, caller: Access, uows: Uows
) -> ManufacturingOrderRead:
    return caller.shape(_read(uows, number))


@router.get(
    "/manufacturing-orders/{number}/costs",
    name="get_manufacturing_costs",
    summary="Planned against actual cost",
)
def get_manufacturing_costs(number: NumberPath, caller: Access, uows: Uows) -> CostsRead:
    return CostsRead.of(orders_queries.mo_costs(uows, number))


@router.post(
    "/manufacturing-orders/{number}/rank",
    name="rank_manufacturing_order",
    responses=BODY_PROBLEMS,
    summary="Move an MO on the Make list",
)
def rank_manufacturing_order(
    number: NumberPath, body: RankUpdate, caller: Access, uows: Uows
) -> list[str]:
    trail = audited(uows, caller.username, "rank", "manufacturing_order", number, after=body)
    return manufacturing.rank_mo(number, body.position, trail())


@router.post(
    "/manufacturing-orders/{number}/issue",
    name="issue_ingredient",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Issue ingredients to the order",
)
def issue_ingredient(
    number: NumberPath, body: IssueCreate, caller: Access, uows: Uows
) -> PostedRead:
    check_mo(uows, caller, number)
    cmd = manufacturing.Issue(
        number, body.sku, body.quantity, body.batch, body.location, caller.username
    )
    trail = audited(uows, caller.username, "issue", "manufacturing_order", number, after=body)
    return caller.shape(posted_read(manufacturing.issue(cmd, trail())))


@router.post(
    "/manufacturing-orders/{number}/complete",
    name="complete_manufacturing_order",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Consume the actual ingredients and receive the good output",
)
def complete_manufacturing_order(
    number: NumberPath, body: CompleteCreate, caller: Access, uows: Uows
) -> PostedRead:
    cmd = manufacturing.Complete(
        number,
        body.good,
        dict(body.consumed) if body.consumed is not None else None,
        body.batch,
        caller.username,
        dict(body.ingredient_batches),
    )
    trail = audited(uows, caller.username, "complete", "manufacturing_order", number, after=body)
    return caller.shape(posted_read(manufacturing.complete(cmd, trail())))


@router.post(
    "/manufacturing-orders/{number}/block",
    name="block_manufacturing_order",
    responses=BODY_PROBLEMS,
    summary="Block an MO, with a reason",
)
def block_manufacturing_order(
    number: NumberPath, body: BlockCreate, caller: Access, uows: Uows
) -> ManufacturingOrderRead:
    trail = audited(uows, caller.username, "block", "manufacturing_order", number, after=body)
    return caller.shape(
        ManufacturingOrderRead.of(manufacturing.block_mo(number, body.reason, trail()))
    )


@router.post(
    "/manufacturing-orders/{number}/unblock",
    name="unblock_manufacturing_order",
    summary="Unblock an MO",
)
def unblock_manufacturing_order(
    number: NumberPath, caller: Access, uows: Uows
) -> ManufacturingOrderRead:
    trail = audited(uows, caller.username, "unblock", "manufacturing_order", number)
    return caller.shape(ManufacturingOrderRead.of(manufacturing.unblock_mo(number, trail())))


@router.post(
    "/manufacturing-orders/{number}/cancel",
    name="cancel_manufacturing_order",
    summary="Cancel an MO",
)
def cancel_manufacturing_order(
    number: NumberPath, caller: Access, uows: Uows
) -> ManufacturingOrderRead:
    trail = audited(uows, caller.username, "cancel", "manufacturing_order", number)
    return caller.shape(ManufacturingOrderRead.of(manufacturing.cancel_mo(number, trail())))


@router.put(
    "/manufacturing-orders/{number}/ingredients/{sku:path}",
    name="set_ingredient",
    responses=BODY_PROBLEMS,
    summary="Change an ingredient's quantity for this order only",
)
def set_ingredient(
    number: NumberPath, sku: SkuPath, body: IngredientUpdate, caller: Access, uows: Uows
) -> ManufacturingOrderRead:

    def ingredients(uow: UnitOfWork) -> list[IngredientRead]:
        return ManufacturingOrderRead.of(uow.manufacturing.get(number)).ingredients

    trail = audited(
        uows,
        caller.username,
        "set_ingredient",
        "manufacturing_order",
        number,
        before=ingredients,
        after=ingredients,
    )
    mo = manufacturing.set_ingredient(number, sku, body.planned, trail())
    return caller.shape(ManufacturingOrderRead.of(mo))


@router.post(
    "/manufacturing-orders/{number}/sub-assemblies",
    name="create_sub_assembly_orders",
    status_code=201,
    summary="MOs for the made ingredients that stock and orders do not cover",
)
def create_sub_assembly_orders(
    number: NumberPath, caller: Access, uows: Uows
) -> list[ManufacturingOrderRead]:
    trail = audited(
        uows,
        caller.username,
        "sub_assemblies",
        "manufacturing_order",
        number,
        after=lambda uow: list(uow.issued),
    )
    created = manufacturing.create_sub_assembly_mos(number, trail())
    return caller.shape_all([ManufacturingOrderRead.of(m) for m in created])
