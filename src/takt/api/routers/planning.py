"""The schedule (plan fields of the open MOs), replanning, promise dates, and allocation with
pegging per order."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query

from takt.api.auditing import audited
from takt.api.deps import BODY_PROBLEMS, Access, Uows, guarded_router
from takt.api.schemas.allocation import OrderAllocationRead
from takt.api.schemas.common import CODE_PATTERN, DECIMAL_PATTERN, SKU_PATTERN
from takt.api.schemas.planning import PlanSummaryRead, PromiseRead, ReplanCreate, ScheduleRead
from takt.app import api_queries, orders_queries, promise, scheduling
from takt.app.orders_queries import MO_OPEN
from takt.app.ports import UnitOfWork
from takt.domain.units import parse_quantity

router = guarded_router("planning")


@router.get("/schedule", name="get_schedule", summary="The stored plan of the open MOs")
def get_schedule(caller: Access, uows: Uows) -> ScheduleRead:
    mos = api_queries.manufacturing_orders(uows, list(MO_OPEN))
    return ScheduleRead.of(api_queries.latest_plan(uows), mos)


@router.post(
    "/schedule/replan",
    name="replan",
    responses=BODY_PROBLEMS,
    summary="Plan every open MO on finite capacity (a new plan version)",
)
def replan(caller: Access, uows: Uows, body: ReplanCreate | None = None) -> PlanSummaryRead:
    seconds = body.optimise_seconds if body else None
    trail = audited(
        uows,
        caller.username,
        "replan",
        "schedule",
        _version,
        after=lambda uow: {
            "fingerprint": (uow.manufacturing.latest_plan() or (0, "", None))[1],
            "optimise_seconds": seconds,
        },
    )
    return PlanSummaryRead.of(
        scheduling.replan(trail(), optimise_seconds=float(seconds) if seconds else None)
    )


def _version(uow: UnitOfWork) -> str:
    """The plan version this transaction recorded (the newest it sees)."""
    latest = uow.manufacturing.latest_plan()
    return str(latest[0]) if latest else "-"


@router.get("/promise", name="get_promise", summary="Capable-to-promise date for a new order")
def get_promise(
    caller: Access,
    uows: Uows,
    sku: Annotated[str, Query(pattern=SKU_PATTERN, max_length=64)],
    quantity: Annotated[str, Query(pattern=DECIMAL_PATTERN.replace("^-?", "^"), max_length=40)],
    by: Annotated[date | None, Query(description="The date the customer asks for.")] = None,
) -> PromiseRead:
    answer = promise.promise(sku, parse_quantity(quantity), uows(read_only=True), by)
    return PromiseRead.of(answer)


@router.get(
    "/orders/{number}/allocation",
    name="get_order_allocation",
    summary="An order's material status, line colours and pegging",
)
def get_order_allocation(
    number: Annotated[str, Path(pattern=CODE_PATTERN, max_length=32, description="SO/MO/PO-...")],
    caller: Access,
    uows: Uows,
) -> OrderAllocationRead:
    view = orders_queries.order_status(uows, number)
    return OrderAllocationRead.of(view, api_queries.order_allocation(uows, number))
