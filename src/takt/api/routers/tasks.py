"""Shop-floor tasks: the list (an operator sees their own) and start/pause/resume/finish/block."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from takt.api.auditing import audited
from takt.api.deps import BODY_PROBLEMS, Access, Caller, Uows, guarded_router
from takt.api.ownership import check_task
from takt.api.pagination import PageParams
from takt.api.schemas.common import CODE_PATTERN, Page
from takt.api.schemas.manufacturing import (
    TaskActionRead,
    TaskBlock,
    TaskFinish,
    TaskRead,
    TaskRowRead,
    TaskStart,
)
from takt.app import api_queries, orders_queries, tasks
from takt.app.ports import UnitOfWorkFactory
from takt.app.tasks import TaskAction, TaskCommand

router = guarded_router("tasks")

NumberPath = Annotated[str, Path(pattern=CODE_PATTERN, max_length=32, description="MO-...")]
SeqPath = Annotated[int, Path(ge=1, le=100_000, description="The operation's sequence.")]
CodeQuery = Annotated[str | None, Query(pattern=CODE_PATTERN, max_length=32)]
TASK = "/manufacturing-orders/{number}/tasks/{sequence}"


@router.get("/tasks", name="list_tasks", summary="Open tasks in Make-list order")
def list_tasks(
    caller: Access,
    uows: Uows,
    paging: PageParams,
    workstation: CodeQuery = None,
    operator: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, max_length=32, description="Ignored for operator users."),
    ] = None,
    ready_only: bool = False,
) -> Page[TaskRowRead]:
    who = caller.operator or operator
    rows = orders_queries.task_list(uows, workstation, who, ready_only)
    return paging.page([TaskRowRead.of(r) for r in rows])


def _act(
    uows: UnitOfWorkFactory,
    caller: Caller,
    number: str,
    sequence: int,
    action: TaskAction,
    body: object = None,
    *,
    operator: str | None = None,
    done: TaskFinish | None = None,
    reason: str = "",
) -> TaskActionRead:
    check_task(uows, caller, number, sequence)
    finished = done or TaskFinish()
    cmd = TaskCommand(
        number,
        sequence,
        action,
        caller.username,
        operator,
        finished.quantity_done,
        finished.scrap,
        reason,
    )
    key = f"{number}/{sequence}"
    trail = audited(uows, caller.username, action.value, "task", key, after=body)
    task = TaskRead.of(tasks.act_on_task(cmd, trail()))
    mo = api_queries.manufacturing_order(uows, number)
    return caller.shape(TaskActionRead(mo=number, mo_status=mo.status.value, task=task))


@router.post(f"{TASK}/start", name="start_task", responses=BODY_PROBLEMS, summary="Start a task")
def start_task(
    number: NumberPath, sequence: SeqPath, caller: Access, uows: Uows, body: TaskStart | None = None
) -> TaskActionRead:
    operator = caller.operator or (body.operator if body else None)
    return _act(uows, caller, number, sequence, TaskAction.START, body, operator=operator)


@router.post(f"{TASK}/pause", name="pause_task", summary="Pause a task")
def pause_task(number: NumberPath, sequence: SeqPath, caller: Access, uows: Uows) -> TaskActionRead:
    return _act(uows, caller, number, sequence, TaskAction.PAUSE)


@router.post(f"{TASK}/resume", name="resume_task", summary="Resume a paused task")
def resume_task(
    number: NumberPath, sequence: SeqPath, caller: Access, uows: Uows
) -> TaskActionRead:
    return _act(uows, caller, number, sequence, TaskAction.RESUME)


@router.post(
    f"{TASK}/finish",
    name="finish_task",
    responses=BODY_PROBLEMS,
    summary="Finish a task with the quantity done and scrapped",
)
def finish_task(
    number: NumberPath,
    sequence: SeqPath,
    caller: Access,
    uows: Uows,
    body: TaskFinish | None = None,
) -> TaskActionRead:
    return _act(uows, caller, number, sequence, TaskAction.FINISH, body, done=body)


@router.post(
    f"{TASK}/block", name="block_task", responses=BODY_PROBLEMS, summary="Block a task (reason)"
)
def block_task(
    number: NumberPath, sequence: SeqPath, body: TaskBlock, caller: Access, uows: Uows
) -> TaskActionRead:
    return _act(uows, caller, number, sequence, TaskAction.BLOCK, body, reason=body.reason)


@router.post(f"{TASK}/unblock", name="unblock_task", summary="Unblock a task")
def unblock_task(
    number: NumberPath, sequence: SeqPath, caller: Access, uows: Uows
) -> TaskActionRead:
    return _act(uows, caller, number, sequence, TaskAction.UNBLOCK)
