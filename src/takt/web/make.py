"""The Make page (the planner's home): open MOs in rank order, re-ranked by drag and drop
(SortableJS, ``/make/drop``) or with move up / down (buttons, Alt+arrows).

Each row: order, customer (make to order), item, quantity, production time, planned start,
production deadline (planned finish), due date with a late flag, material status (colour, icon
and words; click for the pegging) and production status. Filters: status, late only, search.

Reads: the Make list (one allocation for the whole list) and the MOs' plan fields, a fixed number
of queries whatever the number of orders. An MO is flagged late when its due date has passed or
its planned finish passes its due date (DOMAIN.md: the production deadline).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Annotated, NoReturn
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from takt.app import api_queries, manufacturing, orders_queries
from takt.app.availability import LineStatus
from takt.app.orders_queries import MO_OPEN, LineView, MakeRow
from takt.app.ports import UnitOfWorkFactory
from takt.app.scheduling import TIMEZONE
from takt.domain.errors import DomainError, NotFound
from takt.web.auth import CsrfChecked, CurrentViewer
from takt.web.render import is_htmx, render, zone_of
from takt.web.trail import audited_uow

router = APIRouter()
STATUSES = tuple(s.value for s in MO_OPEN)
MATERIALS = ("green", "amber", "red")


@dataclass(frozen=True, slots=True)
class MakeFilters:
    """What the planner narrowed the list to: one open status, late only, a search text, one
    workstation (MOs with an open task there), one material status."""

    status: str = ""
    late: bool = False
    q: str = ""
    page: int = 1
    ws: str = ""
    material: str = ""

    @classmethod
    def of(
        cls,
        status: str | None,
        late: str | None,
        q: str | None,
        page: str | None = None,
        ws: str | None = None,
        material: str | None = None,
    ) -> MakeFilters:
        return cls(
            status if status in STATUSES else "",
            (late or "").lower() in {"1", "true", "on", "yes"},
            (q or "").strip()[:100],
            int(page) if page and page.isdigit() and 0 < int(page) < 100_000 else 1,
            (ws or "").strip()[:40],
            material if material in MATERIALS else "",
        )

    @property
    def query(self) -> str:
        params = {
            "status": self.status,
            "late": "1" if self.late else "",
            "q": self.q,
            "ws": self.ws,
            "material": self.material,
            "page": str(self.page) if self.page > 1 else "",
        }
        return urlencode({k: v for k, v in params.items() if v})

    def on_page(self, page: int) -> str:
        """The query of this filter on another page."""
        return replace(self, page=page).query

    @property
    def active(self) -> bool:
        return bool(self.status or self.late or self.q or self.ws or self.material)


@dataclass(frozen=True, slots=True)
class MakeLine:
    """A Make-list row with its plan: ``position`` is its place among all open MOs (1 = first)."""

    row: MakeRow
    position: int
    planned_start: datetime | None
    planned_finish: datetime | None
    late: bool
    late_reason: str

    @property
    def number(self) -> str:
        return self.row.number


PAGE_SIZE = 100
"""Rows per page: the first screen renders this many, whatever the size of the order book."""


@dataclass(frozen=True, slots=True)
class MakeView:
    """One page of the Make list: ``lines`` are its rows, ``matching`` how many pass the filters
    and ``total`` how many MOs are open."""

    lines: list[MakeLine]
    matching: int
    total: int
    zone: str
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.matching // self.page_size))


def _query(filters: MakeFilters) -> orders_queries.MakeQuery:
    return orders_queries.MakeQuery(
        status=filters.status,
        late_only=filters.late,
        search=filters.q,
        workstation=filters.ws,
        material=filters.material,
        page=filters.page,
        page_size=PAGE_SIZE,
    )


def make_view(uows: UnitOfWorkFactory, filters: MakeFilters, today: date | None = None) -> MakeView:
    """The page of open MOs that pass ``filters``, in rank order, with their plan."""
    day = today or date.today()
    page = orders_queries.make_page(uows, _query(filters), today=lambda: day)
    lines: list[MakeLine] = []
    for position, row in zip(page.positions, page.rows, strict=True):
        reason = ""
        if row.late:
            reason = f"due {row.due_date.isoformat()} has passed"
        elif row.planned_late:
            reason = row.late_reason or "planned to finish after its due date"
        lines.append(
            MakeLine(
                row,
                position,
                row.planned_start,
                row.planned_finish,
                row.late or row.planned_late,
                reason,
            )
        )
    zone = api_queries.setting(uows, TIMEZONE, "UTC")
    return MakeView(lines, page.matching, page.total, zone, PAGE_SIZE)


def _uows(request: Request) -> UnitOfWorkFactory:
    uows: UnitOfWorkFactory = request.app.state.takt.uows
    return uows


def _table(request: Request, filters: MakeFilters, **extra: object) -> Response:
    view = make_view(_uows(request), filters)
    context = {"view": view, "filters": filters, "zone": zone_of(view.zone), **extra}
    return render(request, "_make_table.html", context)


FilterQuery = Annotated[str | None, Query(max_length=100)]


@router.get("/make", name="make_page")
def make_page(
    request: Request,
    viewer: CurrentViewer,
    status: FilterQuery = None,
    late: FilterQuery = None,
    q: FilterQuery = None,
    page: FilterQuery = None,
    ws: FilterQuery = None,
    material: FilterQuery = None,
) -> Response:
    filters = MakeFilters.of(status, late, q, page, ws, material)
    view = make_view(_uows(request), filters)
    stations = [w.code for w in api_queries.workstations(_uows(request))]
    return render(
        request,
        "make.html",
        {
            "view": view,
            "filters": filters,
            "statuses": STATUSES,
            "stations": stations,
            "materials": MATERIALS,
            "zone": zone_of(view.zone),
        },
    )


@router.get("/make/table", name="make_table")
def make_table(
    request: Request,
    viewer: CurrentViewer,
    status: FilterQuery = None,
    late: FilterQuery = None,
    q: FilterQuery = None,
    page: FilterQuery = None,
    ws: FilterQuery = None,
    material: FilterQuery = None,
) -> Response:
    return _table(request, MakeFilters.of(status, late, q, page, ws, material))


FormText = Annotated[str | None, Form(max_length=100)]


@router.post("/make/{number}/move", name="make_move")
async def make_move(
    request: Request,
    number: str,
    viewer: CsrfChecked,
    direction: Annotated[str, Form(pattern="^(up|down)$")],
    status: FormText = None,
    late: FormText = None,
    q: FormText = None,
    page: FormText = None,
    ws: FormText = None,
    material: FormText = None,
) -> Response:
    """Moves ``number`` above (up) or below (down) its visible neighbour on the Make list."""
    viewer.require("rank")
    filters = MakeFilters.of(status, late, q, page, ws, material)
    moved = await run_in_threadpool(
        _move, _uows(request), viewer.username, number, direction, filters
    )
    if moved:
        request.app.state.feed.bump()
    if not is_htmx(request):
        return RedirectResponse(f"/make?{filters.query}#row-{number}", status_code=303)
    return await run_in_threadpool(_table, request, filters, focus=number)


def _move(
    uows: UnitOfWorkFactory, user: str, number: str, direction: str, filters: MakeFilters
) -> bool:
    if not filters.active:
        # The whole list: the neighbour is one place up or down (two light queries).
        places, total = orders_queries.make_positions(uows, [number])
        if number not in places:
            _refuse_not_open(uows, number)
        position = places[number] + (-1 if direction == "up" else 1)
        if not 1 <= position <= total:
            return False
    else:
        everyone, visible = orders_queries.make_order(uows, _query(filters))
        if number not in everyone:
            _refuse_not_open(uows, number)
        if number not in visible:
            return False
        i = visible.index(number)
        j = i - 1 if direction == "up" else i + 1
        if not 0 <= j < len(visible):
            return False
        position = everyone.index(visible[j]) + 1
    ranked = {"position": position}
    uow = audited_uow(uows, user, "rank", "manufacturing_order", number, after=ranked)
    return manufacturing.move_mo(number, position, uow)


def _refuse_not_open(uows: UnitOfWorkFactory, number: str) -> NoReturn:
    mo = api_queries.manufacturing_order(uows, number)  # NotFound for an unknown number
    raise DomainError(f"{number} is {mo.status.value}: only open orders are ranked")


NumberText = Annotated[str, Form(max_length=40)]


@router.post("/make/drop", name="make_drop")
async def make_drop(
    request: Request,
    viewer: CsrfChecked,
    number: NumberText,
    after: Annotated[str, Form(max_length=40)] = "",
    before: Annotated[str, Form(max_length=40)] = "",
    status: FormText = None,
    late: FormText = None,
    q: FormText = None,
    page: FormText = None,
    ws: FormText = None,
    material: FormText = None,
) -> Response:
    """A row dropped between two others (drag and drop): ``number`` goes right after ``after``
    (the row now above it), or right before ``before`` when it went to the top of the page."""
    viewer.require("rank")
    filters = MakeFilters.of(status, late, q, page, ws, material)
    moved = await run_in_threadpool(
        _place, _uows(request), viewer.username, number, after.strip(), before.strip()
    )
    if moved:
        request.app.state.feed.bump()
    if not is_htmx(request):
        return RedirectResponse(f"/make?{filters.query}#row-{number}", status_code=303)
    return await run_in_threadpool(_table, request, filters, focus=number)


def _place(uows: UnitOfWorkFactory, user: str, number: str, after: str, before: str) -> bool:
    """Ranks ``number`` just after ``after`` (or just before ``before``) among all open MOs."""
    neighbour = after or before
    places, _ = orders_queries.make_positions(uows, [number, neighbour] if neighbour else [number])
    if number not in places:
        _refuse_not_open(uows, number)
    if not neighbour or neighbour == number:
        return False
    if neighbour not in places:
        raise DomainError(
            f"{neighbour} is no longer an open order: reload the page and drag again",
            field="position",
        )
    # The neighbour's place among the others (the list without the dragged order).
    among_others = places[neighbour] - (1 if places[neighbour] > places[number] else 0)
    position = among_others + (1 if after else 0)
    if position == places[number]:
        return False
    ranked = {"position": position}
    uow = audited_uow(uows, user, "rank", "manufacturing_order", number, after=ranked)
    return manufacturing.move_mo(number, position, uow)


@dataclass(frozen=True, slots=True)
class PegLine:
    """An ingredient as the pegging panel shows it: the line and how allocation covers it."""

    line: LineView
    allocation: LineStatus | None

    @property
    def need_date(self) -> date | None:
        return self.allocation.need_date if self.allocation else None

    @property
    def short(self) -> object:
        alloc = self.allocation.allocation if self.allocation else None
        return alloc.short if alloc else None


@router.get("/make/{number}/materials", name="make_materials")
def make_materials(request: Request, number: str, viewer: CurrentViewer) -> Response:
    """The pegging of one MO: each ingredient's need, what covers it and when, and why."""
    uows = _uows(request)
    if not number.upper().startswith("MO-"):
        raise NotFound(f"{number!r} is not a manufacturing order", field="order")
    order = orders_queries.order_status(uows, number)
    allocated = {ln.item: ln for ln in api_queries.order_allocation(uows, number)}
    lines = [PegLine(ln, allocated.get(ln.item)) for ln in order.lines]
    template = "_pegging.html" if is_htmx(request) else "pegging.html"
    return render(request, template, {"order": order, "lines": lines})
