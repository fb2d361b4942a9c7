"""Entering and editing sales orders on the Sell pages.

- ``/sell/new``: a new order (customer, delivery date, quote or open, lines of item, quantity and
  unit price). While a line is entered, ``/sell/promise`` answers its capable-to-promise date
  ("earliest delivery DATE — binding constraint ...", ``takt.app.promise``) into the line.
- On an order: change a line's quantity or price, remove a line, add one (with its promise
  date), change the delivery date, confirm a quote, and make to order, one line or the selected
  lines at once (``manufacturing.create_mo_for_sales_line``). A line made to order takes its MO
  along (``sales.change_sales_line``): refused, naming the MO, once the MO has started.

Every write is a planner's or an admin's (``require_poster``), carries the CSRF token, and a
refusal names the field: the form comes back with the message and what was typed (422).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from takt.app import api_queries, manufacturing, promise, sales
from takt.app.ports import UnitOfWorkFactory
from takt.domain.errors import DomainError, NotFound
from takt.web.auth import CsrfChecked, CurrentViewer, Viewer
from takt.web.labels import labelled
from takt.web.render import day, is_htmx, render
from takt.web.sell import Choice, _order_context, sellable_items
from takt.web.stock import form_text, parse_quantity, require_poster, require_reader, uows_of
from takt.web.trail import AuditedUnitOfWork, audited_uow, first_issued

router = APIRouter()
NEW_LINES = 3  # empty line rows on a new order's form (more with "Add a line")
MAX_LINES = 50


def parse_day(text: object, label: str, field: str) -> date:
    raw = form_text(text, 20)
    if not raw:
        raise DomainError(f"{label}: give a date", field=field)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(f"{label}: {raw!r} is not a date (YYYY-MM-DD)", field=field) from None


def parse_price(text: object, label: str, field: str) -> Decimal | None:
    """A unit price typed into a form; None when left empty (the item's own price)."""
    if not form_text(text, 40):
        return None
    return parse_quantity(text, label, field)


def _new_context(request: Request, **extra: Any) -> dict[str, Any]:
    uows = uows_of(request)
    entered: dict[str, str] = extra.pop("entered", {})
    count = min(max(int(entered.get("lines", NEW_LINES) or NEW_LINES), 1), MAX_LINES)
    return {
        "customers": [Choice(c.code, c.name) for c in api_queries.customers(uows)],
        "items": sellable_items(uows),
        "entered": entered,
        "numbers": list(range(1, count + 1)),
        "default_delivery": (date.today() + timedelta(days=14)).isoformat(),
        **extra,
    }


@router.get("/sell/new", name="sell_new")
def sell_new(request: Request, viewer: CurrentViewer) -> Response:
    require_poster(viewer, "enter sales orders")
    return render(request, "sell_new.html", _new_context(request))


@router.get("/sell/new/line", name="sell_new_line")
def sell_new_line(
    request: Request, viewer: CurrentViewer, n: Annotated[int, Query(ge=1, le=MAX_LINES)] = 1
) -> Response:
    """One more empty line row for the new order's form (htmx appends it)."""
    require_poster(viewer, "enter sales orders")
    context = {"items": sellable_items(uows_of(request)), "n": n, "entered": {}}
    return render(request, "_sell_line_row.html", context)


def _new_order(form: Any) -> sales.NewSalesOrder:
    customer = form_text(form.get("customer"), 32)
    if not customer:
        raise DomainError("Customer: choose the customer", field="customer")
    delivery = parse_day(form.get("delivery_date"), "Delivery date", "delivery_date")
    lines: list[sales.SalesLineInput] = []
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
        lines.append(sales.SalesLineInput(sku, quantity, price))
    if not lines:
        raise DomainError("Lines: enter at least one line (item and quantity)", field="sku-1")
    quote = form_text(form.get("quote"), 8) in {"1", "on", "true"}
    return sales.NewSalesOrder(customer, delivery, tuple(lines), quote=quote)


def _create(uows: UnitOfWorkFactory, user: str, form: Any) -> str:
    cmd = _new_order(form)
    after = {"lines": len(cmd.lines)}  # one order line for each line entered
    uow = audited_uow(uows, user, "create", "sales_order", first_issued, after=after)
    try:
        order = sales.create_sales_order(cmd, uow)
    except DomainError as exc:
        raise labelled(exc) from exc
    return order.number


@router.post("/sell/new", name="sell_create")
async def sell_create(request: Request, viewer: CsrfChecked) -> Response:
    require_poster(viewer, "enter sales orders")
    form = await request.form()
    try:
        number = await run_in_threadpool(_create, uows_of(request), viewer.username, form)
    except DomainError as exc:
        entered = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        context = await run_in_threadpool(
            _new_context, request, error=exc.message, field=exc.field or "", entered=entered
        )
        return render(request, "sell_new.html", context, status=422)
    request.app.state.feed.bump()
    target = f"/sell/{number}?{urlencode({'done': f'{number} entered'})}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


# ---------------------------------------------------------------- capable-to-promise


@dataclass(frozen=True, slots=True)
class PromiseText:
    line: str
    text: str
    tone: str  # "ok", "late" (after the requested date), "none" (nothing to say yet), "error"


def promise_text(
    uows: UnitOfWorkFactory, sku: str, raw_quantity: str, raw_by: str, line: str
) -> PromiseText:
    """What a line being entered could be delivered by, in words."""
    if not sku or not raw_quantity.strip():
        return PromiseText(
            line, "Choose an item and a quantity to see the earliest delivery.", "none"
        )
    try:
        quantity = parse_quantity(raw_quantity, "Quantity", "quantity")
        if quantity <= 0:
            raise DomainError("Quantity: must be more than 0", field="quantity")
        by = None
        try:
            by = date.fromisoformat(raw_by.strip()) if raw_by.strip() else None
        except ValueError:
            by = None
        answer = promise.promise(sku, quantity, uows(), by=by)
    except DomainError as exc:
        return PromiseText(line, f"No promise: {exc.message}", "error")
    text = f"Earliest delivery {day(answer.promised)} — binding constraint: {answer.binding}"
    tone = "ok"
    if answer.meets_request is False:
        text += f" (after the requested {day(by)})"
        tone = "late"
    elif answer.meets_request:
        text += " (in time)"
    return PromiseText(line, text, tone)


PromiseQuery = Annotated[str | None, Query(max_length=64)]


@router.get("/sell/promise", name="sell_promise")
async def sell_promise(
    request: Request, viewer: CurrentViewer, line: PromiseQuery = None
) -> Response:
    """The promise date of line ``line`` of a form: reads ``sku-{line}``, ``quantity-{line}``
    and ``delivery_date`` from the query (the row's fields, htmx includes them)."""
    require_reader(viewer, "Sell")
    key = form_text(line, 8) or "new"
    params = request.query_params
    answer = await run_in_threadpool(
        promise_text,
        uows_of(request),
        form_text(params.get(f"sku-{key}"), 64),
        form_text(params.get(f"quantity-{key}"), 40),
        form_text(params.get("delivery_date"), 20),
        key,
    )
    return render(request, "_promise.html", {"p": answer})


# ---------------------------------------------------------------- changing an order


def _order_page(
    request: Request, viewer: Viewer, number: str, status: int = 200, **extra: Any
) -> Response:
    context = _order_context(request, viewer, number, **extra)
    template = "sell_order_body.html" if is_htmx(request) else "sell_order.html"
    return render(request, template, context, status=status)


async def _act(request: Request, viewer: Viewer, number: str, action: Any, *args: Any) -> Response:
    """Runs ``action(uows, user, number, form, *args)`` and shows the order: its notice, or the
    refusal naming the field with what was typed kept (422)."""
    require_poster(viewer, "change sales orders")
    form = await request.form()
    uows = uows_of(request)
    try:
        notice = await run_in_threadpool(action, uows, viewer.username, number, form, *args)
    except NotFound as exc:
        if exc.field == "order":
            raise
        return await _refused(request, viewer, number, form, exc)
    except DomainError as exc:
        return await _refused(request, viewer, number, form, exc)
    request.app.state.feed.bump()
    notice = notice[:1].upper() + notice[1:]
    if not is_htmx(request):
        return RedirectResponse(f"/sell/{number}?{urlencode({'done': notice})}", status_code=303)
    return await run_in_threadpool(_order_page, request, viewer, number, 200, notice=notice)


async def _refused(
    request: Request, viewer: Viewer, number: str, form: Any, exc: DomainError
) -> Response:
    entered = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
    return await run_in_threadpool(
        _order_page,
        request,
        viewer,
        number,
        422,
        error=exc.message,
        field=exc.field or "",
        entered=entered,
    )


def _change_line(uows: UnitOfWorkFactory, user: str, number: str, form: Any, n: int) -> str:
    quantity = parse_quantity(form.get(f"qty-{n}"), f"Line {n} quantity", f"qty-{n}")
    if quantity <= 0:
        raise DomainError(f"Line {n} quantity: must be more than 0", field=f"qty-{n}")
    price = parse_price(form.get(f"unit-{n}"), f"Line {n} unit price", f"unit-{n}")
    after = {"quantity": str(quantity), "unit_price": None if price is None else str(price)}
    uow = audited_uow(uows, user, "change_line", "sales_order", f"{number}/{n}", after=after)
    try:
        sales.change_sales_line(sales.ChangeSalesLine(number, n, quantity, price), uow)
    except DomainError as exc:
        raise labelled(exc, f"Line {n} ") from exc
    return f"line {n} changed"


def _remove_line(uows: UnitOfWorkFactory, user: str, number: str, form: Any, n: int) -> str:
    uow = audited_uow(uows, user, "remove_line", "sales_order", f"{number}/{n}")
    try:
        sales.remove_sales_line(number, n, uow)
    except DomainError as exc:
        raise labelled(exc, f"Line {n} ") from exc
    return f"line {n} removed"


def _added_line(number: str) -> Callable[[AuditedUnitOfWork], str]:
    """The key of the line an add writes: the order's highest line number at commit."""

    def key(uow: AuditedUnitOfWork) -> str:
        return f"{number}/{max(line.line_no for line in uow.sales.get(number).lines)}"

    return key


def _add_line(uows: UnitOfWorkFactory, user: str, number: str, form: Any) -> str:
    sku = form_text(form.get("sku-add"), 64)
    if not sku:
        raise DomainError("New line item: choose the item", field="sku-add")
    quantity = parse_quantity(form.get("quantity-add"), "New line quantity", "quantity-add")
    if quantity <= 0:
        raise DomainError("New line quantity: must be more than 0", field="quantity-add")
    price = parse_price(form.get("price-add"), "New line unit price", "price-add")
    uow = audited_uow(
        uows, user, "add_line", "sales_order", _added_line(number), after={"sku": sku}
    )
    try:
        order = sales.add_sales_line(number, sales.SalesLineInput(sku, quantity, price), uow)
    except DomainError as exc:
        raise labelled(exc, "New line ") from exc
    added = order.lines[-1]
    return f"line {added.line_no} added ({quantity.normalize():f} {sku})"


def _delivery(uows: UnitOfWorkFactory, user: str, number: str, form: Any) -> str:
    when = parse_day(form.get("delivery_date"), "Delivery date", "delivery_date")
    after = {"delivery_date": str(when)}
    uow = audited_uow(uows, user, "delivery_date", "sales_order", number, after=after)
    try:
        sales.change_delivery_date(number, when, uow)
    except DomainError as exc:
        raise labelled(exc) from exc
    return f"delivery date {day(when)}"


def _confirm(uows: UnitOfWorkFactory, user: str, number: str, form: Any) -> str:
    try:
        sales.confirm_sales_order(number, audited_uow(uows, user, "confirm", "sales_order", number))
    except DomainError as exc:
        raise labelled(exc) from exc
    return f"{number} confirmed"


def make_lines(uows: UnitOfWorkFactory, user: str, number: str, lines: list[int]) -> str:
    """Make to order for each of ``lines``: one MO each (each in its own transaction, so one
    refusal does not stop the others); the refusals are reported together."""
    if not lines:
        raise DomainError("Lines: select at least one line to make to order", field="make")
    made: list[str] = []
    refused: list[str] = []
    for n in lines:
        uow = audited_uow(
            uows,
            user,
            "make_to_order",
            "sales_order",
            f"{number}/{n}",
            after=lambda uow: {"mo": first_issued(uow)},
        )
        try:
            mo = manufacturing.create_mo_for_sales_line(number, n, uow)
        except NotFound as exc:
            if exc.field == "order":
                raise
            refused.append(f"line {n}: {exc.message}")
            continue
        except DomainError as exc:
            refused.append(f"line {n}: {exc.message}")
            continue
        made.append(f"{mo.number} for line {n}")
    if not made:
        raise DomainError("Make to order: " + "; ".join(refused), field="make")
    text = "made to order: " + ", ".join(made)
    if refused:
        text += " (not: " + "; ".join(refused) + ")"
    return text


def _make_selected(uows: UnitOfWorkFactory, user: str, number: str, form: Any) -> str:
    chosen = sorted({int(v) for v in form.getlist("make") if isinstance(v, str) and v.isdigit()})
    return make_lines(uows, user, number, chosen)


def _make_one(uows: UnitOfWorkFactory, user: str, number: str, form: Any, n: int) -> str:
    return make_lines(uows, user, number, [n])


@router.post("/sell/{number}/line/{n}", name="sell_change_line")
async def sell_change_line(request: Request, number: str, n: int, viewer: CsrfChecked) -> Response:
    return await _act(request, viewer, number, _change_line, n)


@router.post("/sell/{number}/line/{n}/remove", name="sell_remove_line")
async def sell_remove_line(request: Request, number: str, n: int, viewer: CsrfChecked) -> Response:
    return await _act(request, viewer, number, _remove_line, n)


@router.post("/sell/{number}/line/{n}/make", name="sell_make_line")
async def sell_make_line(request: Request, number: str, n: int, viewer: CsrfChecked) -> Response:
    return await _act(request, viewer, number, _make_one, n)


@router.post("/sell/{number}/lines", name="sell_add_line")
async def sell_add_line(request: Request, number: str, viewer: CsrfChecked) -> Response:
    return await _act(request, viewer, number, _add_line)


@router.post("/sell/{number}/make", name="sell_make_selected")
async def sell_make_selected(request: Request, number: str, viewer: CsrfChecked) -> Response:
    return await _act(request, viewer, number, _make_selected)


@router.post("/sell/{number}/delivery", name="sell_delivery")
async def sell_delivery(request: Request, number: str, viewer: CsrfChecked) -> Response:
    return await _act(request, viewer, number, _delivery)


@router.post("/sell/{number}/confirm", name="sell_confirm")
async def sell_confirm(request: Request, number: str, viewer: CsrfChecked) -> Response:
    return await _act(request, viewer, number, _confirm)
