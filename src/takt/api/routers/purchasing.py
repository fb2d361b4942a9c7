"""Suppliers and purchase orders: create, add lines, receive (partially), cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from takt.api.auditing import AuditedUnitOfWork, audited, first_issued
from takt.api.deps import BODY_PROBLEMS, IN_USE_PROBLEMS, Access, Uows, guarded_router
from takt.api.pagination import PageParams
from takt.api.schemas.common import CODE_PATTERN, Page, PostedRead
from takt.api.schemas.purchasing import (
    PurchaseLineIn,
    PurchaseOrderCreate,
    PurchaseOrderRead,
    PurchaseOrderRowRead,
    ReceiptCreate,
)
from takt.api.schemas.resources import SupplierCreate, SupplierRead, SupplierUpdate
from takt.api.schemas.stock import posted_read
from takt.app import api_queries, catalog, orders_queries, purchasing
from takt.domain.purchasing import PurchaseStatus

router = guarded_router("purchasing")

NumberPath = Annotated[str, Path(pattern=CODE_PATTERN, max_length=32, description="PO-...")]
CodePath = Annotated[str, Path(pattern=CODE_PATTERN, max_length=32)]


@router.get("/suppliers", name="list_suppliers", summary="Suppliers")
def list_suppliers(caller: Access, uows: Uows, paging: PageParams) -> Page[SupplierRead]:
    return paging.page([SupplierRead.of(s) for s in api_queries.suppliers(uows)])


@router.post(
    "/suppliers",
    name="create_supplier",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Add a supplier",
)
def create_supplier(body: SupplierCreate, caller: Access, uows: Uows) -> SupplierRead:
    new = body.to_domain()
    trail = audited(
        uows, caller.username, "create", "supplier", new.code, after=SupplierRead.of(new)
    )
    return SupplierRead.of(catalog.add_supplier(new, trail()))


def _supplier(uow: AuditedUnitOfWork, code: str) -> SupplierRead:
    return SupplierRead.of(catalog.locked_supplier(uow, code))


@router.patch(
    "/suppliers/{code}",
    name="update_supplier",
    responses=BODY_PROBLEMS,
    summary="Change a supplier (only the fields sent)",
)
def update_supplier(
    code: CodePath, body: SupplierUpdate, caller: Access, uows: Uows
) -> SupplierRead:
    trail = audited(
        uows,
        caller.username,
        "update",
        "supplier",
        code,
        before=lambda uow: _supplier(uow, code),
        after=lambda uow: _supplier(uow, code),
    )
    return SupplierRead.of(catalog.update_supplier(code, body.sent(), trail()))


@router.delete(
    "/suppliers/{code}",
    name="delete_supplier",
    status_code=204,
    response_class=Response,
    responses=IN_USE_PROBLEMS,
    summary="Delete a supplier no item or purchase order refers to",
)
def delete_supplier(code: CodePath, caller: Access, uows: Uows) -> None:
    trail = audited(
        uows, caller.username, "delete", "supplier", code, before=lambda uow: _supplier(uow, code)
    )
    catalog.delete_supplier(code, trail())


@router.get("/purchase-orders", name="list_purchase_orders", summary="Purchase orders")
def list_purchase_orders(
    caller: Access,
    uows: Uows,
    paging: PageParams,
    status: Annotated[
        list[PurchaseStatus] | None, Query(description="Only these (default: open ones).")
    ] = None,
    supplier: Annotated[str | None, Query(pattern=CODE_PATTERN, max_length=32)] = None,
) -> Page[PurchaseOrderRowRead]:
    rows = orders_queries.purchase_list(uows, status or orders_queries.PURCHASE_ACTIVE)
    if supplier is not None:
        rows = [r for r in rows if r.supplier == supplier]
    return caller.shape(paging.page([PurchaseOrderRowRead.of(r) for r in rows]))


@router.post(
    "/purchase-orders",
    name="create_purchase_order",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Create a purchase order",
)
def create_purchase_order(
    body: PurchaseOrderCreate, caller: Access, uows: Uows
) -> PurchaseOrderRead:
    cmd = purchasing.NewPurchaseOrder(
        body.supplier,
        tuple(
            purchasing.PurchaseLineInput(x.sku, x.quantity, x.unit_price, x.in_stock_unit)
            for x in body.lines
        ),
        body.expected_date,
        body.location,
        body.reference,
    )
    trail = audited(uows, caller.username, "create", "purchase_order", first_issued, after=body)
    return caller.shape(PurchaseOrderRead.of(purchasing.create_purchase_order(cmd, trail())))


@router.get("/purchase-orders/{number}", name="get_purchase_order", summary="One purchase order")
def get_purchase_order(number: NumberPath, caller: Access, uows: Uows) -> PurchaseOrderRead:
    return caller.shape(PurchaseOrderRead.of(api_queries.purchase_order(uows, number)))


@router.post(
    "/purchase-orders/{number}/lines",
    name="add_purchase_line",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Add a line",
)
def add_purchase_line(
    number: NumberPath, body: PurchaseLineIn, caller: Access, uows: Uows
) -> PurchaseOrderRead:
    line = purchasing.PurchaseLineInput(
        body.sku, body.quantity, body.unit_price, body.in_stock_unit
    )
    trail = audited(uows, caller.username, "add_line", "purchase_order", number, after=body)
    return caller.shape(PurchaseOrderRead.of(purchasing.add_purchase_line(number, line, trail())))


@router.post(
    "/purchase-orders/{number}/receive",
    name="receive_purchase_order",
    status_code=201,
    responses=BODY_PROBLEMS,
    summary="Receive a delivery (every line or none)",
)
def receive_purchase_order(
    number: NumberPath, body: ReceiptCreate, caller: Access, uows: Uows
) -> PostedRead:
    cmd = purchasing.ReceiveOrder(
        number,
        tuple(
            purchasing.ReceiptLine(x.line_no, x.quantity, x.batch, x.location) for x in body.lines
        ),
        caller.username,
    )
    trail = audited(uows, caller.username, "receive", "purchase_order", number, after=body)
    return caller.shape(posted_read(purchasing.receive_order(cmd, trail())))


@router.post(
    "/purchase-orders/{number}/cancel", name="cancel_purchase_order", summary="Cancel an order"
)
def cancel_purchase_order(number: NumberPath, caller: Access, uows: Uows) -> PurchaseOrderRead:
    trail = audited(uows, caller.username, "cancel", "purchase_order", number)
    return caller.shape(PurchaseOrderRead.of(purchasing.cancel_purchase_order(number, trail())))
