"""The shop-floor Tasks page: open tasks by workstation, with big Start / Pause / Resume / Finish.

An operator sees only their own work: tasks assigned to them and free tasks on workstations they
may run. That rule is ``orders_queries.task_list(operator=...)``; an operator may act on a task
only when it is on that list (the same rule as the API's ``ownership``), so the page and the
server refuse alike. Other shop-floor roles (admin, planner) see and act on every task; a viewer
sees the list without buttons, and the server refuses their posts (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from takt.app import api_queries, orders_queries
from takt.app.orders_queries import TaskRow
from takt.app.ports import UnitOfWorkFactory
from takt.app.tasks import TaskAction, TaskCommand, act_on_task
from takt.domain.errors import DomainError
from takt.domain.tasks import TaskStatus
from takt.web.auth import CsrfChecked, CurrentViewer, Refused, Viewer
from takt.web.render import is_htmx, render
from takt.web.trail import audited_uow

router = APIRouter()
# The actions the page offers, by the task's status (block/unblock stay with the API for now).
BUTTONS: dict[str, tuple[str, ...]] = {
    TaskStatus.NOT_STARTED.value: ("start",),
    TaskStatus.IN_PROGRESS.value: ("pause", "finish"),
    TaskStatus.PAUSED.value: ("resume", "finish"),
    TaskStatus.BLOCKED.value: (),
}
PAGE_ACTIONS = {"start": TaskAction.START, "pause": TaskAction.PAUSE}
PAGE_ACTIONS |= {"resume": TaskAction.RESUME, "finish": TaskAction.FINISH}
MAX_QUANTITY = Decimal("1e9")


@dataclass(frozen=True, slots=True)
class TaskFilters:
    """A workstation, one MO (the traveller's QR code opens its tasks) and, for users who are
    not operators, an operator to show."""

    workstation: str = ""
    operator: str = ""
    mo: str = ""

    @classmethod
    def of(
        cls, viewer: Viewer, workstation: str | None, operator: str | None, mo: str | None = None
    ) -> TaskFilters:
        who = viewer.operator or (operator or "").strip()
        return cls((workstation or "").strip(), who, (mo or "").strip())

    @property
    def query(self) -> str:
        params = {"workstation": self.workstation, "operator": self.operator, "mo": self.mo}
        return urlencode({k: v for k, v in params.items() if v})


@dataclass(frozen=True, slots=True)
class Station:
    code: str
    name: str
    tasks: list[TaskRow]


@dataclass(frozen=True, slots=True)
class TasksView:
    stations: list[Station]
    count: int
    error: str = ""


def tasks_view(uows: UnitOfWorkFactory, filters: TaskFilters) -> TasksView:
    """Open tasks in Make-list order, grouped by workstation (in the order they first appear)."""
    names = {w.code: w.name for w in api_queries.workstations(uows)}
    try:
        rows = orders_queries.task_list(uows, filters.workstation or None, filters.operator or None)
    except DomainError as exc:  # an unknown workstation or operator in the address
        return TasksView([], 0, exc.message)
    if filters.mo:
        rows = [row for row in rows if row.mo == filters.mo]
    grouped: dict[str, list[TaskRow]] = {}
    for row in rows:
        grouped.setdefault(row.workstation, []).append(row)
    stations = [Station(code, names.get(code, code), rows) for code, rows in grouped.items()]
    return TasksView(stations, len(rows))


def _uows(request: Request) -> UnitOfWorkFactory:
    uows: UnitOfWorkFactory = request.app.state.takt.uows
    return uows


def _context(request: Request, viewer: Viewer, filters: TaskFilters) -> dict[str, Any]:
    uows = _uows(request)
    return {
        "view": tasks_view(uows, filters),
        "filters": filters,
        "buttons": BUTTONS if viewer.may("task") else {},
    }


TextQuery = Annotated[str | None, Query(max_length=32)]


@router.get("/tasks", name="tasks_page")
def tasks_page(
    request: Request,
    viewer: CurrentViewer,
    workstation: TextQuery = None,
    operator: TextQuery = None,
    mo: TextQuery = None,
) -> Response:
    filters = TaskFilters.of(viewer, workstation, operator, mo)
    context = _context(request, viewer, filters)
    uows = _uows(request)
    context["workstations"] = api_queries.workstations(uows)
    context["operators"] = [] if viewer.operator else api_queries.operators(uows)
    return render(request, "tasks.html", context)


@router.get("/tasks/table", name="tasks_table")
def tasks_table(
    request: Request,
    viewer: CurrentViewer,
    workstation: TextQuery = None,
    operator: TextQuery = None,
    mo: TextQuery = None,
) -> Response:
    filters = TaskFilters.of(viewer, workstation, operator, mo)
    return render(request, "_tasks_table.html", _context(request, viewer, filters))


FormText = Annotated[str | None, Form(max_length=32)]


def _decimal(text: str | None, field: str) -> Decimal:
    try:
        value = Decimal((text or "0").strip() or "0")
    except InvalidOperation:
        raise DomainError(f"{field.replace('_', ' ')} must be a number", field=field) from None
    if not value.is_finite() or abs(value) > MAX_QUANTITY:
        raise DomainError(f"{field.replace('_', ' ')} is not a sensible quantity", field=field)
    return value


def check_own_task(uows: UnitOfWorkFactory, viewer: Viewer, number: str, sequence: int) -> None:
    """Refuses (403) an operator acting on a task that is not on their own task list."""
    operator = viewer.operator
    if operator is None:
        return
    theirs = orders_queries.task_list(uows, operator=operator)
    if not any(t.mo == number and t.sequence == sequence for t in theirs):
        raise Refused(f"task {sequence} of {number} is not yours ({operator})")


def _act(
    uows: UnitOfWorkFactory,
    viewer: Viewer,
    number: str,
    sequence: int,
    action: TaskAction,
    quantity_done: str | None,
    scrap: str | None,
) -> None:
    check_own_task(uows, viewer, number, sequence)
    done = _decimal(quantity_done, "quantity_done") if action is TaskAction.FINISH else Decimal(0)
    lost = _decimal(scrap, "scrap") if action is TaskAction.FINISH else Decimal(0)
    operator = viewer.operator if action is TaskAction.START else None
    cmd = TaskCommand(number, sequence, action, viewer.username, operator, done, lost)
    after = (
        {"quantity_done": str(done), "scrap": str(lost)} if action is TaskAction.FINISH else None
    )
    key = f"{number}/{sequence}"
    act_on_task(cmd, audited_uow(uows, viewer.username, action.value, "task", key, after=after))


@router.post("/tasks/{number}/{sequence}/{action}", name="task_action")
async def task_action(
    request: Request,
    number: str,
    sequence: int,
    action: str,
    viewer: CsrfChecked,
    quantity_done: FormText = None,
    scrap: FormText = None,
    workstation: FormText = None,
    operator: FormText = None,
    mo: FormText = None,
) -> Response:
    viewer.require("task")
    chosen = PAGE_ACTIONS.get(action)
    if chosen is None:
        raise Refused(f"unknown task action {action!r}", status=404)
    filters = TaskFilters.of(viewer, workstation, operator, mo)
    uows = _uows(request)
    await run_in_threadpool(_act, uows, viewer, number, sequence, chosen, quantity_done, scrap)
    request.app.state.feed.bump()
    if not is_htmx(request):
        return RedirectResponse(f"/tasks?{filters.query}", status_code=303)
    context = await run_in_threadpool(_context, request, viewer, filters)
    context["focus"] = f"{number}-{sequence}"
    return render(request, "_tasks_table.html", context)
