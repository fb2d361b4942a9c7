"""The read model of the Schedule page: the stored plan of the open MOs, task by task, with each
workstation's calendar, and the plan's figures (late orders, weighted tardiness).

One read-only unit of work and a fixed number of queries whatever the number of orders: the
settings (time zone), the workstations, the open MOs with their tasks (four queries), their items
(one) and the newest plan version.

The figures are those the scheduler measures (``takt.app.scheduling``): an order is late when its
planned finish passes the end of its due date (plant time); its tardiness is the minutes past
that end, counted from the plan's creation when the due date had already passed then, and
weighted 2 for an order made to order (1 for stock). An MO with nothing left to do is not planned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from takt.app.ports import UnitOfWorkFactory
from takt.app.scheduling import TIMEZONE
from takt.domain.manufacturing import ManufacturingOrder, MOStatus
from takt.domain.tasks import TaskStatus
from takt.domain.workstations import Workstation

OPEN = [s.value for s in MOStatus if s.is_open]


@dataclass(frozen=True, slots=True)
class PlannedTask:
    """A task of an open MO with its planned slot (None when the plan has not placed it)."""

    mo: str
    sequence: int
    name: str
    workstation: str
    sku: str
    item: str
    quantity: Decimal
    due_date: date
    status: str
    operator: str | None
    planned_minutes: Decimal
    planned_start: datetime | None
    planned_finish: datetime | None
    late: bool
    late_reason: str

    @property
    def key(self) -> str:
        return f"{self.mo}-{self.sequence}"


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """The stored plan's version and measures, as the Schedule page shows them."""

    version: int | None
    created_at: datetime | None
    late_orders: tuple[str, ...]
    tardiness_minutes: int


@dataclass(frozen=True, slots=True)
class ScheduleData:
    zone: ZoneInfo
    workstations: list[Workstation]
    tasks: list[PlannedTask]
    figures: PlanFigures


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def due_end(mo: ManufacturingOrder, zone: ZoneInfo) -> datetime:
    """The end of an MO's due date in plant time: finishing after it is late."""
    return datetime.combine(mo.due_date + timedelta(days=1), time(0), zone)


def _planned(mo: ManufacturingOrder) -> bool:
    return mo.planned_finish is not None and any(t.status is not TaskStatus.DONE for t in mo.tasks)


def _tardiness(mo: ManufacturingOrder, zone: ZoneInfo, created: datetime | None) -> int:
    """Weighted minutes past the due date's end, as the scheduler measured them."""
    if not _planned(mo) or mo.planned_finish is None:
        return 0
    due = due_end(mo, zone)
    if created is not None:
        origin = created.replace(second=0, microsecond=0)
        due_minute = max(0, math.ceil((due - origin).total_seconds() / 60))
        late = math.ceil((mo.planned_finish - origin).total_seconds() / 60) - due_minute
    else:
        late = math.ceil((mo.planned_finish - due).total_seconds() / 60)
    return max(0, late) * (2 if mo.is_make_to_order else 1)


def _is_late(mo: ManufacturingOrder, zone: ZoneInfo) -> bool:
    finish = mo.planned_finish
    return _planned(mo) and finish is not None and finish > due_end(mo, zone)


def _figures(
    mos: list[ManufacturingOrder], zone: ZoneInfo, plan: tuple[int, str, datetime] | None
) -> PlanFigures:
    created = plan[2] if plan else None
    late = tuple(mo.number for mo in mos if _is_late(mo, zone))
    tardiness = sum(_tardiness(mo, zone, created) for mo in mos)
    return PlanFigures(plan[0] if plan else None, created, late, tardiness)


def plan_figures(uows: UnitOfWorkFactory) -> PlanFigures:
    """The stored plan's version, late orders and weighted tardiness (a fixed number of reads)."""
    with uows(read_only=True) as uow:
        zone = _zone(uow.settings.get(TIMEZONE, "UTC"))
        mos = uow.manufacturing.orders(OPEN)
        return _figures(mos, zone, uow.manufacturing.latest_plan())


def schedule(uows: UnitOfWorkFactory) -> ScheduleData:
    """Every open task of the open MOs with its planned slot, and the workstations (code order)."""
    with uows(read_only=True) as uow:
        zone = _zone(uow.settings.get(TIMEZONE, "UTC"))
        stations = sorted(uow.resources.workstations().values(), key=lambda w: w.code)
        mos = uow.manufacturing.orders(OPEN)
        names = uow.items.many(sorted({mo.sku for mo in mos})) if mos else {}
        plan = uow.manufacturing.latest_plan()
    figures = _figures(mos, zone, plan)
    tasks: list[PlannedTask] = []
    for mo in mos:
        late = _is_late(mo, zone)
        reason = mo.late_reason or (
            f"planned to finish after its due date ({mo.due_date.isoformat()})" if late else ""
        )
        item = names.get(mo.sku)
        for task in mo.tasks:
            if task.status is TaskStatus.DONE:
                continue
            tasks.append(
                PlannedTask(
                    mo=mo.number,
                    sequence=task.sequence,
                    name=task.name,
                    workstation=task.workstation,
                    sku=mo.sku,
                    item=item.name if item else mo.sku,
                    quantity=mo.quantity,
                    due_date=mo.due_date,
                    status=task.status.value,
                    operator=task.operator,
                    planned_minutes=task.planned_minutes,
                    planned_start=task.planned_start,
                    planned_finish=task.planned_finish,
                    late=late,
                    late_reason=reason,
                )
            )
    return ScheduleData(zone, stations, tasks, figures)
