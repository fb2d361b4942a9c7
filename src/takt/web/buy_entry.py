"""Entering purchase orders on the Buy pages, and receiving one from the Buy list in a dialog.

- ``/buy/new``: a new purchase order (supplier, expected date — empty: today plus the supplier's
  lead time —, the location it arrives at, lines of material, quantity in the item's purchase
  unit and unit price — empty: the last price paid).
- ``/buy/{number}/receive-dialog``: the Receive form of an open order as a dialog's content
  (the Buy list opens it); it posts to ``/buy/{number}/receive`` with ``dialog=1`` and shows the
  result, or the refusal naming the field, in the dialog itself.

Writes are a planner's or an admin's, with the CSRF token; bad input comes back with the
message naming the field and what was typed (422).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from takt.app import api_queries, purchasing, queries
from takt.app.ports import UnitOfWorkFactory
from takt.domain.errors import DomainError
from takt.domain.items import ItemKind
from takt.web.auth import CsrfChecked, CurrentViewer
from takt.web.buy import _dialog_context
from takt.web.labels import labelled
from takt.web.render import is_htmx, render
from takt.web.sell import Choice
from takt.web.sell_entry import parse_day, parse_price
from takt.web.stock import form_text, parse_quantity, require_poster, uows_of
from takt.web.trail import audited_uow, first_issued

router = APIRouter()
NEW_LINES = 3
MAX_LINES = 50


def materials(uows: UnitOfWorkFactory) -> list[Choice]:
    """Items a purchase line may hold: what is bought (materials)."""
    return [Choice(i.sku, i.name) for i in queries.items_brief(uows, ItemKind.MATERIAL)]


def _new_context(request: Request, **extra: Any) -> dict[str, Any]:
    uows = uows_of(request)
    entered: dict[str, str] = extra.pop("entered", {})
    count = min(max(int(entered.get("lines", NEW_LINES) or NEW_LINES), 1), MAX_LINES)
    return {
        "suppliers": api_queries.suppliers(uows),
        "locations": [loc.code for loc in api_queries.locations(uows)],
        "items": materials(uows),
        "entered": entered,
        "numbers": list(range(1, count + 1)),
        **extra,
    }


@router.get("/buy/new", name="buy_new")
def buy_new(request: Request, viewer: CurrentViewer) -> Response:
    require_poster(viewer, "enter purchase orders")
    return render(request, "buy_new.html", _new_context(request))


@router.get("/buy/new/line", name="buy_new_line")
def buy_new_line(
    request: Request, viewer: CurrentViewer, n: Annotated[int, Query(ge=1, le=MAX_LINES)] = 1
) -> Response:
    require_poster(viewer, "enter purchase orders")
    context = {"items": materials(uows_of(request)), "n": n, "entered": {}}
    return render(request, "_buy_line_row.html", context)


def _new_order(form: Any) -> purchasing.NewPurchaseOrder:
    supplier = form_text(form.get("supplier"), 32)
    if not supplier:
        raise DomainError("Supplier: choose the supplier", field="supplier")
    expected: date | None = None
    if form_text(form.get("expected_date"), 20):
        expected = parse_day(form.get("expected_date"), "Expected date", "expected_date")
    location = form_text(form.get("location"), 32) or "MAIN"
    lines: list[purchasing.PurchaseLineInput] = []
    for n in range(1, MAX_LINES + 1):
        sku = form_text(form.get(f"sku-{n}"), 64)
        raw_qty = form_text(form.get(f"quantity-{n}"), 40)
        raw_price = form_text(form.get(f"price-{n}"), 40)
        if not sku and not raw_qty and not raw_price:
            continue
        if not sku:
            raise DomainError(f"Line {n} item: choose the item", field=f"sku-{n}")
        quantity = parse_quantity(raw_qty, f"Line {n} quantity", f"quantity-{n}")
        if quantity <= 0:
            raise DomainError(f"Line {n} quantity: must be more than 0", field=f"quantity-{n}")
        price = parse_price(raw_price, f"Line {n} unit price", f"price-{n}")
        lines.append(purchasing.PurchaseLineInput(sku, quantity, price))
    if not lines:
        raise DomainError("Lines: enter at least one line (item and quantity)", field="sku-1")
    return purchasing.NewPurchaseOrder(supplier, tuple(lines), expected, location)


def _create(uows: UnitOfWorkFactory, user: str, form: Any) -> str:
    cmd = _new_order(form)
    after = {"lines": len(cmd.lines)}  # one order line for each line entered
    uow = audited_uow(uows, user, "create", "purchase_order", first_issued, after=after)
    try:
        order = purchasing.create_purchase_order(cmd, uow)
    except DomainError as exc:
        raise labelled(exc) from exc
    return order.number


@router.post("/buy/new", name="buy_create")
async def buy_create(request: Request, viewer: CsrfChecked) -> Response:
    require_poster(viewer, "enter purchase orders")
    form = await request.form()
    try:
        number = await run_in_threadpool(_create, uows_of(request), viewer.username, form)
    except DomainError as exc:
        entered = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        context = await run_in_threadpool(
            _new_context, request, error=exc.message, field=exc.field or "", entered=entered
        )
        return render(request, "buy_new.html", context, status=422)
    request.app.state.feed.bump()
    target = f"/buy/{number}?{urlencode({'done': f'{number} entered'})}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/buy/{number}/receive-dialog", name="buy_receive_dialog")
def buy_receive_dialog(request: Request, number: str, viewer: CurrentViewer) -> Response:
    require_poster(viewer, "receive purchase orders")
    context = _dialog_context(uows_of(request), number)
    return render(request, "_buy_receive_dialog.html", context)
