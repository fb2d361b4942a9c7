"""Customers and sales orders: create, add lines, confirm, ship, cancel, make to order."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from takt.api.auditing import record
from takt.api.deps import BODY_PROBLEMS, Access, Uows, guarded_router
from takt.api.pagination import PageParams
from takt.api.schemas.common import CODE_PATTERN, Page, PostedRead
from takt.api.schemas.manufacturing import ManufacturingOrderRead
from takt.api.schemas.resources import CustomerCreate, CustomerRead
from takt.api.schemas.sales import (
    MakeToOrderCreate,
    SalesLineIn,
    SalesOrderCreate,
    SalesOrderRead,
    SalesOrderRowRead,
    ShipCreate,
)
from takt.api.schemas.stock import posted_read
from takt.app import api_queries, manufacturing, orders_queries, sales
from takt.domain.sales import SalesStatus

router = guarded_router("sales")

NumberPath = Annotated[str, Path(pattern=CODE_PATTERN, max_length=32, description="SO-...")]
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
    created = CustomerRead.of(sales.add_customer(body.to_domain(), uows()))
    record(uows, caller.username, "create", "customer", created.code, None, created)
    return created


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
    )
    order = SalesOrderRead.of(sales.create_sales_order(cmd, uows()))
    record(uows, caller.username, "create", "sales_order", order.number, None, body)
    return caller.shape(order)


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
    sales.add_sales_line(number, line, uows())
    record(uows, caller.username, "add_line", "sales_order", number, None, body)
    return caller.shape(_read(uows, number))


@router.post(
    "/sales-orders/{number}/confirm", name="confirm_sales_order", summary="Confirm a quote"
)
def confirm_sales_order(number: NumberPath, caller: Access, uows: Uows) -> SalesOrderRead:
    sales.confirm_sales_order(number, uows())
    record(uows, caller.username, "confirm", "sales_order", number)
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
    posted = posted_read(sales.ship_order(cmd, uows()))
    record(uows, caller.username, "ship", "sales_order", number, None, body)
    return caller.shape(posted)


@router.post("/sales-orders/{number}/cancel", name="cancel_sales_order", summary="Cancel an order")
def cancel_sales_order(number: NumberPath, caller: Access, uows: Uows) -> SalesOrderRead:
    sales.cancel_sales_order(number, uows())
    record(uows, caller.username, "cancel", "sales_order", number)
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
    mo = manufacturing.create_mo_for_sales_line(number, line_no, uows(), location)
    created = ManufacturingOrderRead.of(mo)
    record(uows, caller.username, "create", "manufacturing_order", mo.number, None, created)
    return caller.shape(created)
