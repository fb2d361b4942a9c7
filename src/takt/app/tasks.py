"""Shop-floor task use cases: start, pause, resume, finish, block, unblock.

Each event is stamped with the clock and the user; the MO follows its tasks (in progress when the
first starts, blocked while one is blocked).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from takt.app.ports import UnitOfWork
from takt.app.stock import Clock, utc_now
from takt.app.webhooks import publish_event
from takt.domain.errors import DomainError
from takt.domain.events import TaskBlocked
from takt.domain.tasks import Task


class TaskAction(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    FINISH = "finish"
    BLOCK = "block"
    UNBLOCK = "unblock"


@dataclass(frozen=True, slots=True)
class TaskCommand:
    """An action on task ``sequence`` of MO ``number``."""

    number: str
    sequence: int
    action: TaskAction
    user: str = "system"
    operator: str | None = None
    quantity_done: Decimal = Decimal(0)
    scrap: Decimal = Decimal(0)
    reason: str = ""


def act_on_task(cmd: TaskCommand, uow: UnitOfWork, clock: Clock = utc_now) -> Task:
    with uow:
        mo = uow.manufacturing.get(cmd.number, lock=True)
        if not mo.status.is_open:
            raise DomainError(f"{mo.number} is {mo.status}", field="order")
        task = mo.task(cmd.sequence)
        if cmd.operator is not None:
            operator = uow.resources.operators().get(cmd.operator)
            if operator is None:
                raise DomainError(f"unknown operator {cmd.operator!r}", field="operator")
            if not operator.may_run(task.workstation):
                raise DomainError(
                    f"{operator.code} may not run workstation {task.workstation}", field="operator"
                )
        now = clock()
        match cmd.action:
            case TaskAction.START:
                task.start(now, cmd.user, cmd.operator)
            case TaskAction.PAUSE:
                task.pause(now, cmd.user)
            case TaskAction.RESUME:
                task.resume(now, cmd.user)
            case TaskAction.FINISH:
                task.finish(now, cmd.user, cmd.quantity_done, cmd.scrap)
            case TaskAction.BLOCK:
                task.block(now, cmd.user, cmd.reason)
                publish_event(uow, TaskBlocked.of(mo, task, cmd.reason, cmd.user, now), clock)
            case TaskAction.UNBLOCK:
                task.unblock(now, cmd.user)
        mo.sync_with_tasks()
        uow.manufacturing.save(mo)
        uow.commit()
        return task
