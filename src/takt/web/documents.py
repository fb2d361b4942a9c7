"""Printed documents of an MO: the traveller (``/make/{number}/traveller``) and the pick list
(``/make/{number}/pick-list``), standalone pages styled for paper by static/print.css.

The traveller: item, quantity, due date, planned start and finish, the customer of a
make-to-order MO; the ingredients with the batches to pick from; the operations with their
workstation, planned minutes and an empty "done by / date" column; a QR code opening the MO's
tasks on a tablet. The pick list: the ingredients still to pick and where from.

Batches: the balances of a batch-tracked ingredient at the MO's location, in the order consumption
takes them (``takt.app.manufacturing``: the oldest batch first). Any logged-in user may print; an
operator only an MO with a task of theirs (``Task.is_work_of``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from takt.app import api_queries, orders_queries
from takt.app.ports import BalanceRow, UnitOfWorkFactory
from takt.app.scheduling import TIMEZONE
from takt.domain.errors import NotFound
from takt.domain.manufacturing import ManufacturingOrder
from takt.web import qr
from takt.web.auth import CurrentViewer, Refused, Viewer
from takt.web.render import render, zone_of

router = APIRouter()


@dataclass(frozen=True, slots=True)
class PickLine:
    """An ingredient: what is planned, consumed and still to pick, and the batches to pick from."""

    sku: str
    name: str
    unit: str
    planned: Decimal
    consumed: Decimal
    remaining: Decimal
    batch_tracked: bool
    batches: list[BalanceRow]


def _uows(request: Request) -> UnitOfWorkFactory:
    uows: UnitOfWorkFactory = request.app.state.takt.uows
    return uows


def _mo_for(uows: UnitOfWorkFactory, viewer: Viewer, number: str) -> ManufacturingOrder:
    """The MO ``number`` (NotFound); refuses (403) an operator with no task of theirs on it."""
    if not number.upper().startswith("MO-"):
        raise NotFound(f"{number!r} is not a manufacturing order", field="order")
    mo = api_queries.manufacturing_order(uows, number)
    if viewer.operator is not None:
        who = next((o for o in api_queries.operators(uows) if o.code == viewer.operator), None)
        if who is None or not any(t.is_work_of(who.code, who.workstations) for t in mo.tasks):
            raise Refused(f"{mo.number} has no task of yours ({viewer.operator})")
    return mo


def _pick_lines(uows: UnitOfWorkFactory, mo: ManufacturingOrder) -> list[PickLine]:
    lines: list[PickLine] = []
    for ing in mo.ingredients:
        item = api_queries.item(uows, ing.sku)
        batches: list[BalanceRow] = []
        if item.batch_tracked:
            with uows(read_only=True) as uow:
                rows = uow.stock.balances(ing.sku, mo.location)
            batches = [b for b in rows if b.quantity > 0]
        lines.append(
            PickLine(
                ing.sku,
                item.name,
                item.unit,
                ing.planned,
                ing.consumed,
                ing.remaining,
                item.batch_tracked,
                batches,
            )
        )
    return lines


def tasks_url(request: Request, number: str) -> str:
    """The absolute address of the MO's tasks, from the request's base URL (for the QR code)."""
    return f"{str(request.base_url).rstrip('/')}/tasks?mo={number}"


def _context(request: Request, viewer: Viewer, number: str) -> dict[str, Any]:
    uows = _uows(request)
    mo = _mo_for(uows, viewer, number)
    customer = orders_queries.order_status(uows, mo.number).partner if mo.sales_order else None
    stations = {w.code: w.name for w in api_queries.workstations(uows)}
    return {
        "mo": mo,
        "item": api_queries.item(uows, mo.sku),
        "customer": customer,
        "lines": _pick_lines(uows, mo),
        "stations": stations,
        "zone": zone_of(api_queries.setting(uows, TIMEZONE, "UTC")),
    }


@router.get("/make/{number}/traveller", name="mo_traveller")
def traveller(request: Request, number: str, viewer: CurrentViewer) -> Response:
    context = _context(request, viewer, number)
    url = tasks_url(request, context["mo"].number)
    context["tasks_url"] = url
    try:
        context["qr"] = Markup(qr.svg(url, "M", f"QR code: the tasks of {context['mo'].number}"))
    except qr.QRError:  # a very long site address: the address is printed as text below
        context["qr"] = None
    return render(request, "doc_traveller.html", context)


@router.get("/make/{number}/pick-list", name="mo_pick_list")
def pick_list(request: Request, number: str, viewer: CurrentViewer) -> Response:
    return render(request, "doc_pick_list.html", _context(request, viewer, number))
