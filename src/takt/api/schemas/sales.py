"""API schemas of sales orders: create, ship, read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, Strict

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
    SalesOrderRow,
)
from takt.domain.sales import RANK_LIMIT, SalesOrder

Lines = Field(min_length=1, max_length=500)


# ---------------------------------------------------------------- sales


class SalesLineIn(Input):
    sku: Sku
    quantity: QuantityIn
    unit_price: MoneyIn | None = Field(default=None, description="Default: the item's price.")


class SalesOrderCreate(Input):
    """A new order; with ``quote`` it commits no stock until confirmed."""

    customer: Code
    delivery_date: Day
    lines: list[SalesLineIn] = Field(default_factory=list, max_length=500)
    quote: Flag = False
    reference: ShortText = Field(
        default="", description="The customer's own reference for the order (their PO number)."
    )


class ShipLineIn(Input):
    line_no: LineNo
    quantity: QuantityIn
    location: Code = "MAIN"
    batch: Batch = ""


class ShipCreate(Input):
    """A delivery: lines of the order shipped together, every line or none."""

    lines: list[ShipLineIn] = Lines


class SalesRankUpdate(Input):
    rank: Annotated[
        int,
        Strict(),
        Field(
            ge=-RANK_LIMIT,
            le=RANK_LIMIT,
            description="Lower gets stock first; new orders have 0 (equal ranks go by delivery date)",
        ),
    ]


class MakeToOrderCreate(Input):
    location: Code = "MAIN"


class SalesLineRead(Output):
    line_no: int
    sku: str
    quantity: Dec
    unit_price: Dec
    shipped: Dec
    remaining: Dec
    revenue: Dec
    cost_shipped: Cost
    margin: Cost


class SalesOrderRead(Output):
    number: str
    customer: str
    reference: str
    delivery_date: date
    status: str
    rank: int
    created_at: datetime
    total: Dec
    revenue: Dec
    cost_shipped: Cost
    margin: Cost
    material_status: str | None
    lines: list[SalesLineRead]

    @classmethod
    def of(cls, o: SalesOrder, material_status: str | None = None) -> SalesOrderRead:
        return cls(
            number=o.number,
            customer=o.customer,
            reference=o.reference,
            delivery_date=o.delivery_date,
            status=o.status.value,
            rank=o.rank,
            created_at=o.created_at,
            total=o.total,
            revenue=o.revenue,
            cost_shipped=o.cost_shipped,
            margin=o.margin,
            material_status=material_status,
            lines=[
                SalesLineRead(
                    line_no=ln.line_no,
                    sku=ln.sku,
                    quantity=ln.quantity,
                    unit_price=ln.unit_price,
                    shipped=ln.shipped,
                    remaining=ln.remaining,
                    revenue=ln.revenue,
                    cost_shipped=ln.cost_shipped,
                    margin=ln.margin,
                )
                for ln in o.lines
            ],
        )


class SalesOrderRowRead(Output):
    number: str
    customer: str
    reference: str
    customer_name: str
    delivery_date: date
    status: str
    material_status: str | None
    flag: str | None
    total: Dec
    revenue: Dec
    margin: Cost
    rank: int

    @classmethod
    def of(cls, r: SalesOrderRow) -> SalesOrderRowRead:
        return cls(
            number=r.number,
            customer=r.customer,
            reference=r.reference,
            customer_name=r.customer_name,
            delivery_date=r.delivery_date,
            status=r.status,
            material_status=r.material_status,
            flag=r.flag,
            total=r.total,
            revenue=r.revenue,
            margin=r.margin,
            rank=r.rank,
        )
