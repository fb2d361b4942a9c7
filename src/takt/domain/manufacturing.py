"""Manufacturing orders (MOs): make a quantity of an item from its recipe on its routing.

Ingredients = BOM x quantity x (1 + wastage), editable per order; tasks = the routing's
operations. Status: not started -> in progress (set, or when a task starts) -> partially completed
(some good quantity received) -> done; blocked (with a reason) while a task is blocked.
Completing consumes what was actually used, not what was planned, and receives the good output at
its actual cost per unit: materials consumed at their cost then, plus hours booked x rates, plus
overhead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from takt.domain.bom import BomBook, fraction_to_quantity
from takt.domain.errors import DomainError
from takt.domain.items import Item
from takt.domain.routing import Routing
from takt.domain.tasks import Task, TaskStatus
from takt.domain.units import QuantityError, round_cost

ZERO = Decimal(0)


class ManufacturingError(DomainError):
    """An MO action that is not allowed."""


class MOStatus(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    PARTIALLY_COMPLETED = "partially completed"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self not in (MOStatus.DONE, MOStatus.CANCELLED)


@dataclass(frozen=True, slots=True)
class Overhead:
    """Overhead rules: a share of material cost and/or a rate per labour hour."""

    pct_of_materials: Decimal = ZERO
    per_labour_hour: Decimal = ZERO

    def on(self, materials: Decimal, labour_minutes: Decimal) -> Decimal:
        return round_cost(
            materials * self.pct_of_materials / 100 + labour_minutes * self.per_labour_hour / 60
        )


@dataclass(frozen=True, slots=True)
class CostSheet:
    """Materials, labour and overhead of an MO (planned or actual)."""

    materials: Decimal
    labour: Decimal
    overhead: Decimal

    @property
    def total(self) -> Decimal:
        return self.materials + self.labour + self.overhead


@dataclass(slots=True)
class Ingredient:
    """``planned`` stock units of ``sku`` for the order; ``consumed`` so far at ``consumed_cost``."""

    sku: str
    planned: Decimal
    consumed: Decimal = ZERO
    consumed_cost: Decimal = ZERO
    id: int | None = None

    @property
    def remaining(self) -> Decimal:
        """Still to consume (what allocation commits); never negative."""
        return max(self.planned - self.consumed, ZERO)


@dataclass(slots=True)
class ManufacturingOrder:
    number: str
    sku: str
    quantity: Decimal
    location: str
    due_date: date
    created_at: datetime
    rank: int = 0
    status: MOStatus = MOStatus.NOT_STARTED
    ingredients: list[Ingredient] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    sales_order: str | None = None
    sales_line: int | None = None
    completed: Decimal = ZERO
    output_value: Decimal = ZERO
    blocked_reason: str = ""
    planned_start: datetime | None = None
    planned_finish: datetime | None = None
    late_reason: str = ""
    started: bool = False
    id: int | None = None

    # ---------------------------------------------------------------- planning

    @classmethod
    def plan(
        cls,
        number: str,
        item: Item,
        quantity: Decimal,
        book: BomBook,
        routing: Routing | None,
        rates: Mapping[str, Decimal],
        *,
        location: str,
        due_date: date,
        created_at: datetime,
        rank: int = 0,
    ) -> ManufacturingOrder:
        """A new MO with ingredients from the BOM and tasks from the routing."""
        if not item.is_made:
            raise ManufacturingError(f"{item.sku} is a material (bought), not made", field="sku")
        if quantity <= 0:
            raise QuantityError(f"quantity must be positive, got {quantity}", field="quantity")
        mo = cls(number, item.sku, quantity, location, due_date, created_at, rank=rank)
        mo.ingredients = _ingredients(book, item.sku, quantity)
        mo.tasks = _tasks(routing, quantity, rates)
        return mo

    def replan_quantity(
        self,
        quantity: Decimal,
        book: BomBook,
        routing: Routing | None,
        rates: Mapping[str, Decimal],
    ) -> None:
        """Changes the quantity of an order that has not started; ingredients and tasks follow."""
        if self.status is not MOStatus.NOT_STARTED:
            raise ManufacturingError(
                f"{self.number} is {self.status}: its quantity can no longer follow changes",
                field="quantity",
            )
        if quantity <= 0:
            raise QuantityError(f"quantity must be positive, got {quantity}", field="quantity")
        self.quantity = quantity
        self.ingredients = _ingredients(book, self.sku, quantity)
        self.tasks = _tasks(routing, quantity, rates)

    def set_ingredient(self, sku: str, planned: Decimal) -> None:
        """Edits (or adds) an ingredient's planned quantity for this order only."""
        self._require_open()
        if planned < 0:
            raise QuantityError("ingredient quantity must not be negative", field="quantity")
        for ing in self.ingredients:
            if ing.sku == sku:
                ing.planned = planned
                return
        self.ingredients.append(Ingredient(sku, planned))

    def ingredient(self, sku: str) -> Ingredient:
        for ing in self.ingredients:
            if ing.sku == sku:
                return ing
        raise ManufacturingError(f"{sku} is not an ingredient of {self.number}", field="sku")

    def task(self, sequence: int) -> Task:
        for task in self.tasks:
            if task.sequence == sequence:
                return task
        raise ManufacturingError(f"{self.number} has no task {sequence}", field="task")

    @property
    def production_minutes(self) -> Decimal:
        """Production time: the sum of setup + run x quantity over the operations."""
        return sum((t.planned_minutes for t in self.tasks), ZERO)

    @property
    def remaining(self) -> Decimal:
        """Output still expected from this order."""
        return max(self.quantity - self.completed, ZERO)

    @property
    def is_late(self) -> bool:
        """Planned to finish after its due date (the production deadline passes the due date)."""
        return finishes_late(self.planned_finish, self.due_date)

    @property
    def is_make_to_order(self) -> bool:
        return self.sales_order is not None

    # ---------------------------------------------------------------- lifecycle

    def _require_open(self) -> None:
        if not self.status.is_open:
            raise ManufacturingError(f"{self.number} is {self.status}", field="status")

    def set_rank(self, rank: int) -> None:
        if not self.status.is_open:
            raise ManufacturingError(
                f"{self.number} is {self.status}: only open orders can be ranked", field="rank"
            )
        self.rank = rank

    def start(self) -> None:
        """Marks the order in progress (a task started, or the planner set it)."""
        self._require_open()
        self.started = True
        if self.status is MOStatus.NOT_STARTED:
            self.status = MOStatus.IN_PROGRESS

    def block(self, reason: str) -> None:
        """The planner blocks the order; only the planner's ``unblock`` lifts it."""
        self._require_open()
        if not reason.strip():
            raise ManufacturingError("a blocked order needs a reason", field="reason")
        self.status = MOStatus.BLOCKED
        self.blocked_reason = reason

    def unblock(self) -> None:
        """Lifts the planner's block; the order stays blocked while one of its tasks is."""
        if not self.blocked_reason:
            task = self._blocked_task()
            if task is not None:
                raise ManufacturingError(
                    f"{self.number} is blocked by task {task.sequence} {task.name}: "
                    "unblock the task",
                    field="status",
                )
            raise ManufacturingError(f"{self.number} is not blocked", field="status")
        self.blocked_reason = ""
        self.status = MOStatus.BLOCKED if self._blocked_task() else self._progress_status()

    @property
    def block_text(self) -> str:
        """Why the order is blocked: the planner's reason, else the blocked task's."""
        if self.blocked_reason:
            return self.blocked_reason
        task = self._blocked_task()
        return (
            "" if task is None else blocked_task_text(task.sequence, task.name, task.blocked_reason)
        )

    def _blocked_task(self) -> Task | None:
        return next((t for t in self.tasks if t.status is TaskStatus.BLOCKED), None)

    def _progress_status(self) -> MOStatus:
        if self.completed > 0:
            return MOStatus.PARTIALLY_COMPLETED
        if (
            self.started
            or any(t.status is not TaskStatus.NOT_STARTED for t in self.tasks)
            or any(i.consumed for i in self.ingredients)
        ):
            return MOStatus.IN_PROGRESS
        return MOStatus.NOT_STARTED

    def sync_with_tasks(self) -> None:
        """Follows the tasks: blocked while one is blocked (or the planner blocked it), in
        progress once one has started."""
        if not self.status.is_open:
            return
        if any(t.status is not TaskStatus.NOT_STARTED for t in self.tasks):
            self.started = True
        if self.blocked_reason or self._blocked_task() is not None:
            self.status = MOStatus.BLOCKED
        else:
            self.status = self._progress_status()

    def can_issue(self, sku: str, quantity: Decimal, known: bool | None = None) -> str | None:
        """Why ``quantity`` of ``sku`` cannot be issued to the order now (None when it can).
        ``known``: whether ``sku`` is an ingredient, when the caller has looked already."""
        if not self.status.is_open:
            return f"{self.number} is {self.status}"
        if quantity <= 0:
            return f"quantity to issue must be positive, got {quantity}"
        if known is None:
            known = any(i.sku == sku for i in self.ingredients)
        if not known:
            return f"{sku} is not an ingredient of {self.number}"
        return None

    def issued(self, sku: str, quantity: Decimal, cost: Decimal) -> None:
        """Records ``quantity`` of ``sku`` consumed at a total ``cost`` (the ledger's figure)."""
        self.issued_all({sku: (quantity, cost)})

    def issued_all(self, consumed: Mapping[str, tuple[Decimal, Decimal]]) -> None:
        """Records each ingredient's (quantity, total cost) consumed (see ``issued``); all or
        none: every one is checked before any is recorded."""
        # One index for the lot: a completion of 300 ingredients is not 300 scans of 300.
        by_sku = {ing.sku: ing for ing in self.ingredients}
        for sku, (quantity, _) in consumed.items():
            why = self.can_issue(sku, quantity, sku in by_sku)
            if why is not None:
                raise ManufacturingError(why, field="quantity")
        for sku, (quantity, cost) in consumed.items():
            ing = by_sku[sku]
            ing.consumed += quantity
            ing.consumed_cost = round_cost(ing.consumed_cost + cost)
        if consumed:
            self.started = True
            if self.status is MOStatus.NOT_STARTED:
                self.status = MOStatus.IN_PROGRESS

    def can_complete(self, good: Decimal) -> str | None:
        if not self.status.is_open:
            return f"{self.number} is {self.status}: it cannot be completed again"
        if self.status is MOStatus.BLOCKED:
            return f"{self.number} is blocked ({self.block_text})"
        if good <= 0:
            return f"good quantity must be positive, got {good}"
        if good > self.remaining:
            return f"{self.number} has {self.remaining} left to make, not {good}"
        return None

    def default_consumption(self, good: Decimal) -> dict[str, Decimal]:
        """What completing ``good`` units consumes unless told otherwise: the planned share.

        Ingredients already issued count against it; the final completion takes all that remains.
        """
        final = self.completed + good >= self.quantity
        share = Fraction(self.completed + good) / Fraction(self.quantity)
        result: dict[str, Decimal] = {}
        for ing in self.ingredients:
            if final:
                due = ing.remaining
            else:
                due = max(fraction_to_quantity(Fraction(ing.planned) * share) - ing.consumed, ZERO)
            if due > 0:
                result[ing.sku] = due
        return result

    def completed_output(self, good: Decimal, unit_cost: Decimal) -> None:
        """Records ``good`` units received into stock at ``unit_cost`` each."""
        why = self.can_complete(good)
        if why is not None:
            raise ManufacturingError(why, field="quantity")
        self.completed += good
        self.output_value = round_cost(self.output_value + good * unit_cost)
        self.status = (
            MOStatus.DONE if self.completed >= self.quantity else MOStatus.PARTIALLY_COMPLETED
        )

    def cancel(self) -> None:
        if self.status is not MOStatus.NOT_STARTED:
            raise ManufacturingError(
                f"{self.number} is {self.status}: only an order not started can be cancelled",
                field="status",
            )
        self.status = MOStatus.CANCELLED

    # ---------------------------------------------------------------- cost

    def planned_cost(self, average_costs: Mapping[str, Decimal], overhead: Overhead) -> CostSheet:
        """Ingredients at current average cost + planned hours x rates + overhead."""
        materials = round_cost(
            sum((i.planned * average_costs.get(i.sku, ZERO) for i in self.ingredients), ZERO)
        )
        labour = round_cost(sum((t.planned_cost for t in self.tasks), ZERO))
        return CostSheet(materials, labour, overhead.on(materials, self.production_minutes))

    def actual_cost(self, overhead: Overhead, now: datetime | None = None) -> CostSheet:
        """What was consumed at its cost then + hours booked x rates + overhead."""
        materials = sum((i.consumed_cost for i in self.ingredients), ZERO)
        labour = round_cost(sum((t.labour_cost(now) for t in self.tasks), ZERO))
        minutes = sum((t.booked_minutes(now) for t in self.tasks), ZERO)
        return CostSheet(materials, labour, overhead.on(materials, minutes))

    def output_unit_cost(
        self, good: Decimal, overhead: Overhead, now: datetime | None = None
    ) -> Decimal:
        """Actual cost per good unit of this completion: cost not yet carried by earlier output."""
        unabsorbed = self.actual_cost(overhead, now).total - self.output_value
        return round_cost(max(unabsorbed, ZERO) / good)


def _ingredients(book: BomBook, sku: str, quantity: Decimal) -> list[Ingredient]:
    return [
        Ingredient(component.sku, fraction_to_quantity(Fraction(quantity) * factor))
        for _line, component, factor in book.component_factors(sku)
    ]


def _tasks(routing: Routing | None, quantity: Decimal, rates: Mapping[str, Decimal]) -> list[Task]:
    if routing is None:
        return []
    return [
        Task(
            op.sequence,
            op.name,
            op.workstation,
            op.minutes_for(quantity),
            op.cost_per_hour if op.cost_per_hour is not None else rates.get(op.workstation, ZERO),
        )
        for op in routing.operations
    ]


def blocked_task_text(sequence: int, name: str, reason: str | None) -> str:
    """How a blocked task explains its order's block on the Make list."""
    return f"task {sequence} {name}: {reason}"


def finishes_late(planned_finish: datetime | None, due_date: date) -> bool:
    """Whether a planned finish passes the due date (the production deadline is late)."""
    return planned_finish is not None and planned_finish.date() > due_date
