"""Sales, purchase and manufacturing orders, their actions, tasks, and allocation status."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
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
    Reason,
    Sku,
)
from takt.app.availability import LineStatus
from takt.app.orders_queries import (
    CostView,
    LineView,
    MakeRow,
    OrderView,
    PurchaseOrderRow,
    SalesOrderRow,
    TaskRow,
)
from takt.domain.manufacturing import CostSheet, ManufacturingOrder
from takt.domain.purchasing import PurchaseOrder
from takt.domain.sales import SalesOrder
from takt.domain.tasks import Task

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


class ShipLineIn(Input):
    line_no: LineNo
    quantity: QuantityIn
    location: Code = "MAIN"
    batch: Batch = ""


class ShipCreate(Input):
    """A delivery: lines of the order shipped together, every line or none."""

    lines: list[ShipLineIn] = Lines


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
    customer_name: str
    delivery_date: date
    status: str
    material_status: str | None
    flag: str | None
    total: Dec
    revenue: Dec
    margin: Cost

    @classmethod
    def of(cls, r: SalesOrderRow) -> SalesOrderRowRead:
        return cls(
            number=r.number,
            customer=r.customer,
            customer_name=r.customer_name,
            delivery_date=r.delivery_date,
            status=r.status,
            material_status=r.material_status,
            flag=r.flag,
            total=r.total,
            revenue=r.revenue,
            margin=r.margin,
        )


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
            expected_date=r.expected_date,
            status=r.status,
            total=r.total,
            needed_by=r.needed_by,
            too_late_for=list(r.too_late_for),
        )


# ---------------------------------------------------------------- manufacturing


class ManufacturingOrderCreate(Input):
    """A make-to-stock order; ``rank`` None puts it at the end of the Make list."""

    sku: Sku
    quantity: QuantityIn
    due_date: Day
    location: Code = "MAIN"
    rank: Annotated[int, Strict(), Field(ge=1, le=1_000_000)] | None = None


class RankUpdate(Input):
    position: Annotated[int, Strict(), Field(ge=1, le=1_000_000, description="1 = first")]


class IssueCreate(Input):
    sku: Sku
    quantity: QuantityIn
    batch: Batch = ""
    location: Code | None = None


class CompleteCreate(Input):
    """``good`` units made; ``consumed`` overrides what was used (SKU -> quantity)."""

    good: QuantityIn
    consumed: dict[Sku, QuantityIn] | None = Field(default=None, max_length=500)
    batch: Batch | None = None
    ingredient_batches: dict[Sku, Batch] = Field(default_factory=dict, max_length=500)


class BlockCreate(Input):
    reason: Reason


class IngredientUpdate(Input):
    planned: QuantityIn


class IngredientRead(Output):
    sku: str
    planned: Dec
    consumed: Dec
    remaining: Dec
    consumed_cost: Cost


class TaskRead(Output):
    sequence: int
    name: str
    workstation: str
    operator: str | None
    status: str
    planned_minutes: Dec
    booked_minutes: Dec
    quantity_done: Dec
    scrap: Dec
    blocked_reason: str
    planned_start: datetime | None
    planned_finish: datetime | None
    cost_per_hour: Cost

    @classmethod
    def of(cls, t: Task) -> TaskRead:
        return cls(
            sequence=t.sequence,
            name=t.name,
            workstation=t.workstation,
            operator=t.operator,
            status=t.status.value,
            planned_minutes=t.planned_minutes,
            booked_minutes=t.booked_minutes(),
            quantity_done=t.quantity_done,
            scrap=t.scrap,
            blocked_reason=t.blocked_reason,
            planned_start=t.planned_start,
            planned_finish=t.planned_finish,
            cost_per_hour=t.cost_per_hour,
        )


class ManufacturingOrderRead(Output):
    number: str
    sku: str
    quantity: Dec
    location: str
    due_date: date
    rank: int
    status: str
    sales_order: str | None
    sales_line: int | None
    completed: Dec
    output_value: Cost
    blocked_reason: str
    production_minutes: Dec
    planned_start: datetime | None
    planned_finish: datetime | None
    late_reason: str
    created_at: datetime
    ingredients: list[IngredientRead]
    tasks: list[TaskRead]

    @classmethod
    def of(cls, m: ManufacturingOrder) -> ManufacturingOrderRead:
        return cls(
            number=m.number,
            sku=m.sku,
            quantity=m.quantity,
            location=m.location,
            due_date=m.due_date,
            rank=m.rank,
            status=m.status.value,
            sales_order=m.sales_order,
            sales_line=m.sales_line,
            completed=m.completed,
            output_value=m.output_value,
            blocked_reason=m.block_text,
            production_minutes=m.production_minutes,
            planned_start=m.planned_start,
            planned_finish=m.planned_finish,
            late_reason=m.late_reason,
            created_at=m.created_at,
            ingredients=[
                IngredientRead(
                    sku=i.sku,
                    planned=i.planned,
                    consumed=i.consumed,
                    remaining=i.remaining,
                    consumed_cost=i.consumed_cost,
                )
                for i in m.ingredients
            ],
            tasks=[TaskRead.of(t) for t in m.tasks],
        )


class MakeRowRead(Output):
    number: str
    rank: int
    item: str
    quantity: Dec
    completed: Dec
    customer: str | None
    sales_line: str | None
    due_date: date
    production_minutes: Dec
    status: str
    material_status: str | None
    late: bool
    blocked_reason: str

    @classmethod
    def of(cls, r: MakeRow) -> MakeRowRead:
        return cls(
            number=r.number,
            rank=r.rank,
            item=r.item,
            quantity=r.quantity,
            completed=r.completed,
            customer=r.customer,
            sales_line=r.sales_line,
            due_date=r.due_date,
            production_minutes=r.production_minutes,
            status=r.status,
            material_status=r.material_status,
            late=r.late,
            blocked_reason=r.blocked_reason,
        )


class CostSheetRead(Output):
    materials: Cost
    labour: Cost
    overhead: Cost
    total: Cost

    @classmethod
    def of(cls, s: CostSheet) -> CostSheetRead:
        return cls(materials=s.materials, labour=s.labour, overhead=s.overhead, total=s.total)


class CostsRead(Output):
    """Planned against actual cost of an MO; variance = actual - planned."""

    number: str
    item: str
    quantity: Dec
    completed: Dec
    status: str
    planned: CostSheetRead
    actual: CostSheetRead
    variance: CostSheetRead
    estimated: bool
    missing: list[str]

    @classmethod
    def of(cls, c: CostView) -> CostsRead:
        return cls(
            number=c.number,
            item=c.item,
            quantity=c.quantity,
            completed=c.completed,
            status=c.status,
            planned=CostSheetRead.of(c.planned),
            actual=CostSheetRead.of(c.actual),
            variance=CostSheetRead.of(c.variance),
            estimated=c.estimated,
            missing=list(c.missing),
        )


# ---------------------------------------------------------------- tasks


class TaskStart(Input):
    operator: Code | None = Field(
        default=None, description="Who runs it (an operator user always starts as themselves)."
    )


class TaskFinish(Input):
    quantity_done: QuantityIn = Decimal(0)
    scrap: QuantityIn = Decimal(0)


class TaskBlock(Input):
    reason: Reason


class TaskRowRead(Output):
    mo: str
    rank: int
    item: str
    quantity: Dec
    sequence: int
    name: str
    workstation: str
    operator: str | None
    status: str
    planned_minutes: Dec
    booked_minutes: Dec
    quantity_done: Dec
    scrap: Dec
    ready: bool

    @classmethod
    def of(cls, r: TaskRow) -> TaskRowRead:
        return cls(
            mo=r.mo,
            rank=r.rank,
            item=r.item,
            quantity=r.quantity,
            sequence=r.sequence,
            name=r.name,
            workstation=r.workstation,
            operator=r.operator,
            status=r.status,
            planned_minutes=r.planned_minutes,
            booked_minutes=r.booked_minutes,
            quantity_done=r.quantity_done,
            scrap=r.scrap,
            ready=r.ready,
        )


class TaskActionRead(Output):
    """The task after the action, and its MO's status (which follows its tasks)."""

    mo: str
    mo_status: str
    task: TaskRead


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
