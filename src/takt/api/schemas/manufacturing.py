"""API schemas of manufacturing orders and their shop-floor tasks."""

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
    Input,
    Output,
    QuantityIn,
    Reason,
    Sku,
)
from takt.app.orders_queries import (
    CostView,
    MakeRow,
    TaskRow,
)
from takt.domain.manufacturing import CostSheet, ManufacturingOrder
from takt.domain.tasks import Task

Lines = Field(min_length=1, max_length=500)


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
    """``good`` units made; ``consumed`` says what was used of the ingredients it names (SKU ->
    quantity); the others take their planned share."""

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
