"""The Workstations page (``/workstations``): each workstation with its hourly cost rate, parallel
units, weekly shifts, holidays and the operators who run it.

Everyone logged in may read it (the API's rule for ``list_workstations``); the cost rate follows
the costs rule of ``takt.web.stock.sees_costs``. Planners and admins may change a workstation's
rate and parallel units (``catalog.update_workstation``, with the CSRF token, its audit entry in
the same transaction); a refusal comes back on the page (422) naming the workstation and the
field, nothing saved. Calendars are shown, not edited here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from takt.app import api_queries, catalog
from takt.app.audit import AuditedUnitOfWork
from takt.domain.errors import DomainError
from takt.domain.workstations import Workstation
from takt.web.auth import PLANNERS, CsrfChecked, CurrentViewer, Refused, Viewer
from takt.web.render import render
from takt.web.stock import form_text, parse_quantity, sees_costs, uows_of
from takt.web.trail import audited_uow

router = APIRouter()
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_UNITS = 1000
CodePath = Annotated[str, Path(max_length=32)]


@dataclass(frozen=True, slots=True)
class StationView:
    """One workstation as the page shows it: shifts per weekday ("07:00-15:30"), holidays."""

    code: str
    name: str
    cost_per_hour: Decimal
    parallel_units: int
    days: tuple[tuple[str, tuple[str, ...]], ...]
    weekly_hours: Decimal
    holidays: tuple[date, ...]
    operators: tuple[str, ...]


def station_view(ws: Workstation, operators: tuple[str, ...]) -> StationView:
    shifts = sorted(ws.calendar.shifts, key=lambda s: (s.weekday, s.start))
    days = tuple(
        (day, tuple(f"{s.start:%H:%M}-{s.end:%H:%M}" for s in shifts if s.weekday == d))
        for d, day in enumerate(DAYS)
    )
    hours = Decimal(ws.calendar.weekly_minutes()) / 60
    return StationView(
        ws.code,
        ws.name,
        ws.cost_per_hour,
        ws.parallel_units,
        days,
        hours.quantize(Decimal("0.01")).normalize(),
        tuple(sorted(ws.calendar.holidays)),
        operators,
    )


def may_edit(viewer: Viewer) -> bool:
    """Admins and planners (the API's rule for ``update_workstation``)."""
    return viewer.role in PLANNERS


def _context(request: Request, viewer: Viewer, **extra: Any) -> dict[str, Any]:
    uows = uows_of(request)
    operators = api_queries.operators(uows)
    stations = [
        station_view(ws, tuple(f"{o.name} ({o.code})" for o in operators if o.may_run(ws.code)))
        for ws in api_queries.workstations(uows)
    ]
    return {
        "stations": stations,
        "costs": sees_costs(request, viewer),
        "editor": may_edit(viewer),
        "entered": {},
        "error": "",
        "field": "",
        "failed": "",
        **extra,
    }


@router.get("/workstations", name="workstations_page")
def workstations_page(
    request: Request,
    viewer: CurrentViewer,
    saved: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    known = (
        saved
        if saved and saved in {s.code for s in api_queries.workstations(uows_of(request))}
        else ""
    )
    notice = f"Workstation {known} saved." if known else ""
    return render(request, "workstations_page.html", _context(request, viewer, notice=notice))


def _changes(form: Any, code: str) -> dict[str, Any]:
    """The rate and parallel units typed for ``code``; ``DomainError`` naming the field."""
    rate = parse_quantity(form.get("cost_per_hour"), f"{code} cost per hour", "cost_per_hour")
    raw_units = form_text(form.get("parallel_units"), 8)
    if not raw_units.isdigit() or not 1 <= int(raw_units) <= MAX_UNITS:
        raise DomainError(
            f"{code} parallel units: {raw_units[:8]!r} is not a whole number from 1 to {MAX_UNITS}",
            field="parallel_units",
        )
    return {"cost_per_hour": rate, "parallel_units": int(raw_units)}


def record(ws: Workstation) -> dict[str, Any]:
    """A workstation as the audit trail keeps it (JSON-ready)."""
    return {
        "code": ws.code,
        "name": ws.name,
        "cost_per_hour": str(ws.cost_per_hour),
        "parallel_units": ws.parallel_units,
    }


def _update(request: Request, viewer: Viewer, code: str, form: Any) -> Response:
    uows = uows_of(request)
    api_queries.workstation(uows, code)  # NotFound (404) for an unknown code

    def read(uow: AuditedUnitOfWork) -> dict[str, Any]:
        return record(catalog.locked_workstation(uow, code))

    try:
        changes = _changes(form, code)
        trail = audited_uow(uows, viewer.username, "update", "workstation", code, read, read)
        catalog.update_workstation(code, changes, trail)
    except DomainError as exc:
        message = exc.message if exc.message.startswith(code) else f"{code}: {exc.message}"
        entered = {k: form_text(form.get(k), 40) for k in ("cost_per_hour", "parallel_units")}
        context = _context(
            request, viewer, error=message, field=exc.field or "", failed=code, entered=entered
        )
        return render(request, "workstations_page.html", context, status=422)
    request.app.state.feed.bump()
    return RedirectResponse(
        f"/workstations?{urlencode({'saved': code})}#ws-{code}", status_code=303
    )


@router.post("/workstations/{code}", name="workstation_update")
async def workstation_update(request: Request, code: CodePath, viewer: CsrfChecked) -> Response:
    if not may_edit(viewer):
        raise Refused(f"a user with role {viewer.role.value} may not change workstations")
    form = await request.form()
    return await run_in_threadpool(_update, request, viewer, code, form)
