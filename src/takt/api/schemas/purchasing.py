"""API schemas of purchase orders: create, receive, read."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from takt.api.schemas.common import (
    Batch,
    Code,
    Cost,
    Day,
    Dec,
    Flag,
    Input,
    LineNo,
    MoneyIn,
    Output,
    QuantityIn,
    ShortText,
    Sku,
)
from takt.app.orders_queries import (
    PurchaseOrderRow,
)
from takt.domain.purchasing import PurchaseOrder

Lines = Field(min_length=1, max_length=500)


# ---------------------------------------------------------------- purchasing


class PurchaseLineIn(Input):
    """``quantity`` and ``unit_price`` in the item's purchase unit unless ``in_stock_unit``."""

    sku: Sku
    quantity: QuantityIn
    unit_price: MoneyIn | None = None
    in_stock_unit: Flag = False


class PurchaseOrderCreate(Input):
    supplier: Code
    lines: list[PurchaseLineIn] = Field(default_factory=list, max_length=500)
    expected_date: Day | None = Field(
        default=None, description="Default: today + the supplier's lead time."
    )
    location: Code = "MAIN"
    reference: ShortText = Field(
        default="", description="The supplier's number for the order, or your requisition's."
    )


class ReceiptLineIn(Input):
    line_no: LineNo
    quantity: QuantityIn
    batch: Batch = ""
    location: Code | None = None


class ReceiptCreate(Input):
    """A delivery: lines received together, every line or none."""

    lines: list[ReceiptLineIn] = Lines


class PurchaseLineRead(Output):
    line_no: int
    sku: str
    quantity: Dec
    unit: str
    factor: Dec
    unit_price: Cost
    received: Dec
    remaining: Dec


class PurchaseOrderRead(Output):
    number: str
    supplier: str
    reference: str
    expected_date: date
    status: str
    location: str
    created_at: datetime
    total: Cost
    lines: list[PurchaseLineRead]

    @classmethod
    def of(cls, o: PurchaseOrder) -> PurchaseOrderRead:
        return cls(
            number=o.number,
            supplier=o.supplier,
            reference=o.reference,
            expected_date=o.expected_date,
            status=o.status.value,
            location=o.location,
            created_at=o.created_at,
            total=o.total,
            lines=[
                PurchaseLineRead(
                    line_no=ln.line_no,
                    sku=ln.sku,
                    quantity=ln.quantity,
                    unit=ln.unit,
                    factor=ln.factor,
                    unit_price=ln.unit_price,
                    received=ln.received,
                    remaining=ln.remaining,
                )
                for ln in o.lines
            ],
        )


class PurchaseOrderRowRead(Output):
    number: str
    supplier: str
    reference: str
    expected_date: date
    status: str
    total: Cost
    needed_by: date | None
    too_late_for: list[str]

    @classmethod
    def of(cls, r: PurchaseOrderRow) -> PurchaseOrderRowRead:
        return cls(
            number=r.number,
            supplier=r.supplier,
            reference=r.reference,
            expected_date=r.expected_date,
            status=r.status,
            total=r.total,
            needed_by=r.needed_by,
            too_late_for=list(r.too_late_for),
        )
