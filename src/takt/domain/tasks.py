"""Shop-floor tasks: one per operation of a manufacturing order.

A task is started, paused, resumed and finished by an operator; every event is stamped. The time
booked is the sum of the running intervals, so a pause over lunch is not booked. Booked time x the
rate is the labour part of the order's actual cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from takt.domain.errors import DomainError
from takt.domain.units import QuantityError, round_cost

ZERO = Decimal(0)


class TaskError(DomainError):
    """A task action that is not allowed in the task's state."""


class TaskStatus(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    PAUSED = "paused"
    BLOCKED = "blocked"
    DONE = "done"


class TaskEventKind(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    FINISH = "finish"
    BLOCK = "block"
    UNBLOCK = "unblock"


@dataclass(frozen=True, slots=True)
class TaskEvent:
    kind: TaskEventKind
    at: datetime
    user: str
    note: str = ""


@dataclass(slots=True)
class Task:
    """An operation of an MO on the shop floor.

    Invariants: events are in time order; time booked = the sum of intervals between a start or
    resume and the next pause, block or finish.
    """

    sequence: int
    name: str
    workstation: str
    planned_minutes: Decimal
    cost_per_hour: Decimal
    operator: str | None = None
    status: TaskStatus = TaskStatus.NOT_STARTED
    events: list[TaskEvent] = field(default_factory=list)
    quantity_done: Decimal = ZERO
    scrap: Decimal = ZERO
    blocked_reason: str = ""
    planned_start: datetime | None = None
    planned_finish: datetime | None = None
    id: int | None = None

    def _stamp(self, kind: TaskEventKind, at: datetime, user: str, note: str = "") -> None:
        if self.events and at < self.events[-1].at:
            raise TaskError(
                f"task {self.sequence} {self.name}: {kind} at {at:%Y-%m-%d %H:%M} is before "
                f"its last event",
                field="at",
            )
        self.events.append(TaskEvent(kind, at, user, note))

    def can(self, kind: TaskEventKind) -> str | None:
        """Why the task cannot take ``kind`` now (None when it can)."""
        allowed = {
            TaskEventKind.START: {TaskStatus.NOT_STARTED},
            TaskEventKind.PAUSE: {TaskStatus.IN_PROGRESS},
            TaskEventKind.RESUME: {TaskStatus.PAUSED},
            TaskEventKind.FINISH: {TaskStatus.IN_PROGRESS, TaskStatus.PAUSED},
            TaskEventKind.BLOCK: {
                TaskStatus.NOT_STARTED,
                TaskStatus.IN_PROGRESS,
                TaskStatus.PAUSED,
            },
            TaskEventKind.UNBLOCK: {TaskStatus.BLOCKED},
        }[kind]
        if self.status in allowed:
            return None
        return f"task {self.sequence} {self.name} is {self.status}: it cannot {kind.value}"

    def _require(self, kind: TaskEventKind) -> None:
        why = self.can(kind)
        if why is not None:
            raise TaskError(why, field="status")

    def start(self, at: datetime, user: str, operator: str | None = None) -> None:
        self._require(TaskEventKind.START)
        self._stamp(TaskEventKind.START, at, user)
        if operator is not None:
            self.operator = operator
        self.status = TaskStatus.IN_PROGRESS

    def pause(self, at: datetime, user: str) -> None:
        self._require(TaskEventKind.PAUSE)
        self._stamp(TaskEventKind.PAUSE, at, user)
        self.status = TaskStatus.PAUSED

    def resume(self, at: datetime, user: str) -> None:
        self._require(TaskEventKind.RESUME)
        self._stamp(TaskEventKind.RESUME, at, user)
        self.status = TaskStatus.IN_PROGRESS

    def finish(
        self, at: datetime, user: str, quantity_done: Decimal = ZERO, scrap: Decimal = ZERO
    ) -> None:
        """Finishes the task with the good quantity made and the quantity scrapped."""
        self._require(TaskEventKind.FINISH)
        if quantity_done < 0:
            raise QuantityError("quantity done must not be negative", field="quantity_done")
        if scrap < 0:
            raise QuantityError("scrap must not be negative", field="scrap")
        self._stamp(TaskEventKind.FINISH, at, user)
        self.quantity_done += quantity_done
        self.scrap += scrap
        self.status = TaskStatus.DONE

    def block(self, at: datetime, user: str, reason: str) -> None:
        if not reason.strip():
            raise TaskError("a blocked task needs a reason", field="reason")
        self._require(TaskEventKind.BLOCK)
        self._stamp(TaskEventKind.BLOCK, at, user, reason)
        self.blocked_reason = reason
        self.status = TaskStatus.BLOCKED

    def unblock(self, at: datetime, user: str) -> None:
        self._require(TaskEventKind.UNBLOCK)
        self._stamp(TaskEventKind.UNBLOCK, at, user)
        self.blocked_reason = ""
        # Back to where it was: paused if it had ever run, else not started.
        ran = any(e.kind is TaskEventKind.START for e in self.events)
        self.status = TaskStatus.PAUSED if ran else TaskStatus.NOT_STARTED

    def is_work_of(self, operator: str, may_run: frozenset[str]) -> bool:
        """Whether the task is ``operator``'s own work: assigned to them, or not yet assigned and
        on a workstation they may run (``may_run``)."""
        return self.operator == operator or (self.operator is None and self.workstation in may_run)

    def booked_minutes(self, now: datetime | None = None) -> Decimal:
        """Minutes booked: running intervals only; a running task counts up to ``now``."""
        total = Fraction(0)
        running_since: datetime | None = None
        for event in self.events:
            if event.kind in (TaskEventKind.START, TaskEventKind.RESUME):
                running_since = event.at
            elif running_since is not None:
                total += Fraction((event.at - running_since).total_seconds()) / 60
                running_since = None
        if running_since is not None and now is not None and now > running_since:
            total += Fraction((now - running_since).total_seconds()) / 60
        return round_cost(Decimal(total.numerator) / Decimal(total.denominator))

    def labour_cost(self, now: datetime | None = None) -> Decimal:
        """Booked time x the task's hourly rate."""
        return round_cost(self.booked_minutes(now) * self.cost_per_hour / 60)

    @property
    def planned_cost(self) -> Decimal:
        return round_cost(self.planned_minutes * self.cost_per_hour / 60)
