"""The schedule (plan fields of the MOs), replanning, and promise dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, Strict

from takt.api.schemas.common import Dec, Input, Output
from takt.app.api_queries import PlanInfo
from takt.app.promise import Promise
from takt.app.scheduling import PlanSummary
from takt.domain.manufacturing import ManufacturingOrder


class ReplanCreate(Input):
    optimise_seconds: Annotated[int, Strict(), Field(ge=1, le=60)] | None = Field(
        default=None,
        description="Improve the instant plan with the optimiser for this many seconds.",
    )


class LateOrderRead(Output):
    number: str
    due: date
    finish: datetime
    reasons: list[str]


class PlanSummaryRead(Output):
    version: int
    fingerprint: str
    engine: str
    status: str
    orders: int
    operations: int
    tardiness_minutes: int
    makespan: datetime | None
    late: list[LateOrderRead]
    seconds: float

    @classmethod
    def of(cls, s: PlanSummary) -> PlanSummaryRead:
        return cls(
            version=s.version,
            fingerprint=s.fingerprint,
            engine=s.engine,
            status=s.status,
            orders=s.orders,
            operations=s.operations,
            tardiness_minutes=s.tardiness_minutes,
            makespan=s.makespan,
            late=[
                LateOrderRead(number=x.number, due=x.due, finish=x.finish, reasons=list(x.reasons))
                for x in s.late
            ],
            seconds=round(s.seconds, 3),
        )


class PlannedTaskRead(Output):
    sequence: int
    name: str
    workstation: str
    status: str
    planned_start: datetime | None
    planned_finish: datetime | None


class PlannedOrderRead(Output):
    number: str
    sku: str
    quantity: Dec
    rank: int
    status: str
    due_date: date
    planned_start: datetime | None
    planned_finish: datetime | None
    late: bool
    late_reason: str
    tasks: list[PlannedTaskRead]

    @classmethod
    def of(cls, m: ManufacturingOrder) -> PlannedOrderRead:
        return cls(
            number=m.number,
            sku=m.sku,
            quantity=m.quantity,
            rank=m.rank,
            status=m.status.value,
            due_date=m.due_date,
            planned_start=m.planned_start,
            planned_finish=m.planned_finish,
            late=m.planned_finish is not None and m.planned_finish.date() > m.due_date,
            late_reason=m.late_reason,
            tasks=[
                PlannedTaskRead(
                    sequence=t.sequence,
                    name=t.name,
                    workstation=t.workstation,
                    status=t.status.value,
                    planned_start=t.planned_start,
                    planned_finish=t.planned_finish,
                )
                for t in m.tasks
            ],
        )


class ScheduleRead(Output):
    """The stored plan: its version (None before the first replan) and the open MOs' times."""

    version: int | None
    fingerprint: str | None
    planned_at: datetime | None
    orders: list[PlannedOrderRead]

    @classmethod
    def of(cls, plan: PlanInfo | None, mos: list[ManufacturingOrder]) -> ScheduleRead:
        return cls(
            version=plan.version if plan else None,
            fingerprint=plan.fingerprint if plan else None,
            planned_at=plan.created_at if plan else None,
            orders=[PlannedOrderRead.of(m) for m in mos],
        )


class PromiseRead(Output):
    """The earliest delivery date of ``quantity`` of ``sku``, and what decides it."""

    sku: str
    quantity: Dec
    promised: date
    from_stock: Dec
    to_make: Dec
    to_buy: dict[str, Dec]
    binding: str
    steps: list[str]
    requested: date | None
    meets_request: bool | None

    @classmethod
    def of(cls, p: Promise) -> PromiseRead:
        return cls(
            sku=p.sku,
            quantity=p.quantity,
            promised=p.promised,
            from_stock=p.from_stock,
            to_make=p.to_make,
            to_buy=dict(p.to_buy),
            binding=p.binding,
            steps=list(p.steps),
            requested=p.requested,
            meets_request=p.meets_request,
        )
