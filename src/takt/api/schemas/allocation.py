"""API schemas of allocation: each line's colour and the supply pegged to it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from takt.api.schemas.common import (
    Dec,
    Output,
)
from takt.app.availability import LineStatus
from takt.app.orders_queries import (
    LineView,
    OrderView,
)

Lines = Field(min_length=1, max_length=500)


# ---------------------------------------------------------------- allocation


class LineViewRead(Output):
    line: str
    item: str
    quantity: Dec
    done: Dec
    remaining: Dec
    from_stock: Dec
    material_status: str | None
    state: str
    reason: str
    made_to_order: str | None

    @classmethod
    def of(cls, v: LineView) -> LineViewRead:
        return cls(
            line=v.line,
            item=v.item,
            quantity=v.quantity,
            done=v.done,
            remaining=v.remaining,
            from_stock=v.from_stock,
            material_status=v.material_status,
            state=v.state,
            reason=v.reason,
            made_to_order=v.made_to_order,
        )


class PegRead(Output):
    supply: str
    quantity: Dec
    date: date
    on_time: bool


class LineAllocationRead(Output):
    """How one open line is covered: from stock, pegged supply (which order, when), short."""

    ref: str
    item: str
    quantity: Dec
    need_date: date
    from_stock: Dec
    short: Dec
    status: str
    reason: str
    pegs: list[PegRead]
    made_to_order: str | None

    @classmethod
    def of(cls, s: LineStatus) -> LineAllocationRead:
        return cls(
            ref=s.ref,
            item=s.item,
            quantity=s.quantity,
            need_date=s.need_date,
            from_stock=s.from_stock,
            short=s.allocation.short if s.allocation else Decimal(0),
            status=s.status.value,
            reason=s.reason,
            pegs=[
                PegRead(supply=p.supply, quantity=p.quantity, date=p.date, on_time=p.on_time)
                for p in s.pegs
            ],
            made_to_order=s.made_to_order.mo if s.made_to_order else None,
        )


class OrderAllocationRead(Output):
    """An order's material status, each line's colour and reason, and the pegging."""

    number: str
    kind: str
    status: str
    material_status: str | None
    partner: str | None
    date: date
    summary: str
    lines: list[LineViewRead]
    allocation: list[LineAllocationRead]

    @classmethod
    def of(cls, v: OrderView, lines: list[LineStatus]) -> OrderAllocationRead:
        return cls(
            number=v.number,
            kind=v.kind,
            status=v.status,
            material_status=v.material_status,
            partner=v.partner,
            date=v.date,
            summary=v.summary,
            lines=[LineViewRead.of(x) for x in v.lines],
            allocation=[LineAllocationRead.of(x) for x in lines],
        )
