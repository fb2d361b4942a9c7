"""Customers and sales orders: create, add lines, confirm, rank, ship, cancel, make to order."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from takt.api.auditing import AuditedUnitOfWork, audited, first_issued
from takt.api.deps import BODY_PROBLEMS, IN_USE_PROBLEMS, Access, Uows, guarded_router
from takt.api.pagination import PageParams
from takt.api.schemas.common import CODE_PATTERN, Page, PostedRead
from takt.api.schemas.manufacturing import ManufacturingOrderRead
from takt.api.schemas.resources import CustomerCreate, CustomerRead, CustomerUpdate
from takt.api.schemas.sales import (
    MakeToOrderCreate,
    SalesLineIn,
    SalesOrderCreate,
    SalesOrderRead,
    SalesOrderRowRead,
    SalesRankUpdate,
    ShipCreate,
)
from takt.api.schemas.stock import posted_read
from takt.app import api_queries, catalog, manufacturing, orders_queries, sales
from takt.domain.sales import SalesStatus

router = guarded_router("sales")

NumberPath = Annotated[str, Path(pattern=CODE_PATTERN, max_length=32, description="SO-...")]
CodePath = Annotated[str, Path(pattern=CODE_PATTERN, max_length=32)]
LinePath = Annotated[int, Path(ge=1, le=100_000)]


@router.get("/customers", name="list_customers", summary="Customers")
def list_customers(caller: Access, uows: Uows, paging: PageParams) -> Page[CustomerRead]:
    return paging.page([CustomerRead.of(c) for c in api_queries.customers(uows)])


@router.post(
    "/customers",
    name="create_customer",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Add a customer",
)
def create_customer(body: CustomerCreate, caller: Access, uows: Uows) -> CustomerRead:
    new = body.to_domain()
    trail = audited(
        uows, caller.username, "create", "customer", new.code, after=CustomerRead.of(new)
    )
    return CustomerRead.of(sales.add_customer(new, trail()))


def _customer(uow: AuditedUnitOfWork, code: str) -> CustomerRead:
    return CustomerRead.of(catalog.locked_customer(uow, code))


@router.patch(
    "/customers/{code}",
    name="update_customer",
    responses=BODY_PROBLEMS,
    summary="Change a customer (only the fields sent)",
)
def update_customer(
    code: CodePath, body: CustomerUpdate, caller: Access, uows: Uows
) -> CustomerRead:
    trail = audited(
        uows,
        caller.username,
        "update",
        "customer",
        code,
        before=lambda uow: _customer(uow, code),
        after=lambda uow: _customer(uow, code),
    )
    return CustomerRead.of(catalog.update_customer(code, body.sent(), trail()))


@router.delete(
    "/customers/{code}",
    name="delete_customer",
    status_code=204,
    response_class=Response,
    responses=IN_USE_PROBLEMS,
    summary="Delete a customer no sales order refers to",
)
def delete_customer(code: CodePath, caller: Access, uows: Uows) -> None:
    trail = audited(
        uows, caller.username, "delete", "customer", code, before=lambda uow: _customer(uow, code)
    )
    catalog.delete_customer(code, trail())


@router.get("/sales-orders", name="list_sales_orders", summary="Sales orders with their status")
def list_sales_orders(
    caller: Access,
    uows: Uows,
    paging: PageParams,
    status: Annotated[
        list[SalesStatus] | None, Query(description="Only these (default: active orders).")
    ] = None,
    customer: Annotated[str | None, Query(pattern=CODE_PATTERN, max_length=32)] = None,
) -> Page[SalesOrderRowRead]:
    rows = orders_queries.sales_list(uows, status or orders_queries.SALES_ACTIVE)
    if customer is not None:
        rows = [r for r in rows if r.customer == customer]
    return caller.shape(paging.page([SalesOrderRowRead.of(r) for r in rows]))


@router.post(
    "/sales-orders",
    name="create_sales_order",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Create a sales order (or a quote)",
)
def create_sales_order(body: SalesOrderCreate, caller: Access, uows: Uows) -> SalesOrderRead:
    cmd = sales.NewSalesOrder(
        body.customer,
        body.delivery_date,
        tuple(sales.SalesLineInput(x.sku, x.quantity, x.unit_price) for x in body.lines),
        body.quote,
        body.reference,
    )
    trail = audited(uows, caller.username, "create", "sales_order", first_issued, after=body)
    return caller.shape(SalesOrderRead.of(sales.create_sales_order(cmd, trail())))


def _read(uows: Uows, number: str) -> SalesOrderRead:
    order = api_queries.sales_order(uows, number)
    status = orders_queries.order_status(uows, number).material_status
    return SalesOrderRead.of(order, status)


@router.get("/sales-orders/{number}", name="get_sales_order", summary="One sales order")
def get_sales_order(number: NumberPath, caller: Access, uows: Uows) -> SalesOrderRead:
    return caller.shape(_read(uows, number))


@router.post(
    "/sales-orders/{number}/lines",
    name="add_sales_line",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Add a line",
)
def add_sales_line(
    number: NumberPath, body: SalesLineIn, caller: Access, uows: Uows
) -> SalesOrderRead:
    line = sales.SalesLineInput(body.sku, body.quantity, body.unit_price)
    sales.add_sales_line(
        number,
        line,
        audited(uows, caller.username, "add_line", "sales_order", number, after=body)(),
    )
    return caller.shape(_read(uows, number))


@router.post(
    "/sales-orders/{number}/confirm", name="confirm_sales_order", summary="Confirm a quote"
)
def confirm_sales_order(number: NumberPath, caller: Access, uows: Uows) -> SalesOrderRead:
    sales.confirm_sales_order(
        number, audited(uows, caller.username, "confirm", "sales_order", number)()
    )
    return caller.shape(_read(uows, number))


@router.post(
    "/sales-orders/{number}/ship",
    name="ship_sales_order",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Ship a delivery (what allocation gives from stock)",
)
def ship_sales_order(
    number: NumberPath, body: ShipCreate, caller: Access, uows: Uows
) -> PostedRead:
    cmd = sales.ShipOrder(
        number,
        tuple(sales.ShipLine(x.line_no, x.quantity, x.location, x.batch) for x in body.lines),
        caller.username,
    )
    trail = audited(uows, caller.username, "ship", "sales_order", number, after=body)
    return caller.shape(posted_read(sales.ship_order(cmd, trail())))


@router.post(
    "/sales-orders/{number}/rank",
    name="rank_sales_order",
    responses=BODY_PROBLEMS,
    summary="Set an order's priority among sales orders",
)
def rank_sales_order(
    number: NumberPath, body: SalesRankUpdate, caller: Access, uows: Uows
) -> SalesOrderRead:
    trail = audited(uows, caller.username, "rank", "sales_order", number, after=body)
    sales.rank_sales_order(number, body.rank, trail())
    return caller.shape(_read(uows, number))


@router.post("/sales-orders/{number}/cancel", name="cancel_sales_order", summary="Cancel an order")
def cancel_sales_order(number: NumberPath, caller: Access, uows: Uows) -> SalesOrderRead:
    sales.cancel_sales_order(
        number, audited(uows, caller.username, "cancel", "sales_order", number)()
    )
    return caller.shape(_read(uows, number))


@router.post(
    "/sales-orders/{number}/lines/{line_no}/make",
    name="make_to_order",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Make to order: an MO for what is left of the line",
)
def make_to_order(
    number: NumberPath,
    line_no: LinePath,
    caller: Access,
    uows: Uows,
    body: MakeToOrderCreate | None = None,
) -> ManufacturingOrderRead:
    location = body.location if body else "MAIN"
    trail = audited(
        uows,
        caller.username,
        "create",
        "manufacturing_order",
        first_issued,
        after=lambda uow: ManufacturingOrderRead.of(uow.manufacturing.get(first_issued(uow))),
    )
    mo = manufacturing.create_mo_for_sales_line(number, line_no, trail(), location)
    return caller.shape(ManufacturingOrderRead.of(mo))
