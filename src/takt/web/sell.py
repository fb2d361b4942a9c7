"""The Sell page: sales orders with their delivery status, and one order with a Ship form.

The list: number, customer, delivery date with a late / at-risk flag, status, delivery colour
(colour, icon and words), total and margin (costs rule). The order page: each line's quantity,
shipped, allocated from stock, colour and pegging reason, the MOs made to order for it, and for
admins and planners a Ship form that ships chosen quantities of several lines as one delivery
(``sales.ship_order``: every line or none). Operators may not see either page (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from takt.app import orders_queries, queries, sales
from takt.app.orders_queries import SalesOrderRow
from takt.app.ports import UnitOfWorkFactory
from takt.app.web_queries import sales_detail
from takt.domain.errors import DomainError
from takt.domain.items import ItemKind
from takt.domain.sales import SalesStatus
from takt.web.auth import CsrfChecked, CurrentViewer, Viewer
from takt.web.labels import labelled
from takt.web.render import is_htmx, material, render
from takt.web.stock import (
    form_text,
    may_post,
    parse_quantity,
    require_poster,
    require_reader,
    sees_costs,
    uows_of,
)
from takt.web.trail import audited_uow

router = APIRouter()
STATUSES = tuple(s.value for s in SalesStatus)
ACTIVE = tuple(s for s in orders_queries.SALES_ACTIVE)


def delivery(status: str, colour: str | None) -> dict[str, str]:
    """The delivery pill of an order or line: colour, icon and words."""
    if status == SalesStatus.DELIVERED.value:
        return {"css": "green", "icon": "✓", "label": "Delivered"}
    if status == SalesStatus.CANCELLED.value:
        return {"css": "none", "icon": "–", "label": "Cancelled"}
    if colour is None:
        return {"css": "none", "icon": "✓", "label": "Shipped"}
    pill = material(colour)
    if status == SalesStatus.QUOTE.value:
        pill = {**pill, "label": f"{pill['label']} (if confirmed)"}
    return pill


@dataclass(frozen=True, slots=True)
class SellFilters:
    status: str = ""  # "" active orders, "all", or one status
    flagged: bool = False
    q: str = ""

    @classmethod
    def of(cls, status: str | None, flagged: str | None, q: str | None) -> SellFilters:
        chosen = status if status in (*STATUSES, "all") else ""
        return cls(
            chosen or "",
            (flagged or "").lower() in {"1", "true", "on", "yes"},
            (q or "").strip()[:100],
        )

    @property
    def statuses(self) -> tuple[SalesStatus, ...] | None:
        if self.status == "all":
            return None
        if self.status:
            return (SalesStatus(self.status),)
        return ACTIVE

    @property
    def query(self) -> str:
        params = {"status": self.status, "flagged": "1" if self.flagged else "", "q": self.q}
        return urlencode({k: v for k, v in params.items() if v})

    @property
    def active(self) -> bool:
        return bool(self.status or self.flagged or self.q)

    def matches(self, row: SalesOrderRow) -> bool:
        if self.flagged and not row.flag:
            return False
        if self.q:
            needle = self.q.casefold()
            return any(
                needle in h.casefold() for h in (row.number, row.customer, row.customer_name)
            )
        return True


@dataclass(frozen=True, slots=True)
class SellRow:
    row: SalesOrderRow

    @property
    def pill(self) -> dict[str, str]:
        return delivery(self.row.status, self.row.material_status)


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    name: str


def sellable_items(uows: UnitOfWorkFactory) -> list[Choice]:
    """Items a sales line may hold: what is made here (products and sub-assemblies)."""
    return [
        Choice(i.sku, i.name) for i in queries.items_brief(uows) if i.kind is not ItemKind.MATERIAL
    ]


def _list_context(request: Request, viewer: Viewer, filters: SellFilters) -> dict[str, Any]:
    rows = orders_queries.sales_list(uows_of(request), filters.statuses)
    shown = [SellRow(r) for r in rows if filters.matches(r)]
    return {
        "rows": shown,
        "total": len(rows),
        "filters": filters,
        "statuses": STATUSES,
        "costs": sees_costs(request, viewer),
        "may_enter": may_post(viewer),
    }


FilterQuery = Annotated[str | None, Query(max_length=100)]


@router.get("/sell", name="sell_page")
def sell_page(
    request: Request,
    viewer: CurrentViewer,
    status: FilterQuery = None,
    flagged: FilterQuery = None,
    q: FilterQuery = None,
) -> Response:
    require_reader(viewer, "Sell")
    context = _list_context(request, viewer, SellFilters.of(status, flagged, q))
    return render(request, "sell_page.html", context)


@router.get("/sell/table", name="sell_table")
def sell_table(
    request: Request,
    viewer: CurrentViewer,
    status: FilterQuery = None,
    flagged: FilterQuery = None,
    q: FilterQuery = None,
) -> Response:
    require_reader(viewer, "Sell")
    context = _list_context(request, viewer, SellFilters.of(status, flagged, q))
    return render(request, "sell_table.html", context)


# ---------------------------------------------------------------- one order


def _order_context(request: Request, viewer: Viewer, number: str, **extra: Any) -> dict[str, Any]:
    uows = uows_of(request)
    detail = sales_detail(uows, number, date.today())
    poster = may_post(viewer)
    status = SalesStatus(detail.status)
    # Lines change while the order is a quote or open with nothing shipped (the domain's rule).
    editable = (
        poster
        and status in (SalesStatus.QUOTE, SalesStatus.OPEN)
        and not any(ln.view.done for ln in detail.lines)
    )
    return {
        "d": detail,
        "pill": delivery(detail.status, detail.order.material_status),
        "line_pill": delivery,
        "costs": sees_costs(request, viewer),
        "may_ship": poster and detail.is_open,
        "may_make": poster and detail.is_open,
        "may_edit": editable,
        "may_date": poster and (detail.is_open or status is SalesStatus.QUOTE),
        "may_confirm": poster and status is SalesStatus.QUOTE,
        "items": sellable_items(uows) if editable else [],
        "entered": {},
        "field": "",
        **extra,
    }


@router.get("/sell/{number}", name="sell_order")
def sell_order(request: Request, number: str, viewer: CurrentViewer) -> Response:
    require_reader(viewer, "Sell")
    context = _order_context(request, viewer, number)
    if request.query_params.get("shipped"):
        context["notice"] = f"Shipped: {request.query_params['shipped'][:200]}"
    elif request.query_params.get("done"):
        context["notice"] = request.query_params["done"][:300]
    template = "sell_order_body.html" if is_htmx(request) else "sell_order.html"
    return render(request, template, context)


def _ship_lines(form: Any, detail_lines: list[Any]) -> tuple[sales.ShipLine, ...]:
    """The lines the form ships: a quantity above zero; location and batch per line."""
    chosen: list[sales.ShipLine] = []
    for line in detail_lines:
        n = line.line_no
        quantity = parse_quantity(form.get(f"ship-{n}"), f"Line {n} quantity", f"ship-{n}")
        if quantity == 0:
            continue
        location = form_text(form.get(f"location-{n}"), 32) or "MAIN"
        batch = form_text(form.get(f"batch-{n}"), 64)
        if line.batch_tracked and not batch:
            raise DomainError(
                f"Line {n} batch: {line.view.item} is batch-tracked, give the batch it ships from",
                field=f"batch-{n}",
            )
        chosen.append(sales.ShipLine(n, quantity, location, batch if line.batch_tracked else ""))
    if not chosen:
        raise DomainError(
            "Quantity: enter a quantity to ship on at least one line", field="quantity"
        )
    return tuple(chosen)


def _ship(uows: UnitOfWorkFactory, user: str, number: str, form: Any) -> str:
    detail = sales_detail(uows, number)
    parts = _ship_lines(form, detail.lines)
    number = detail.order.number
    # A delivery's posting is filed under the order's number (``sales.ship_order``).
    after = {"document": number, "lines": [[p.line_no, str(p.quantity)] for p in parts]}
    uow = audited_uow(uows, user, "ship", "sales_order", number, after=after)
    try:
        sales.ship_order(sales.ShipOrder(number, parts, user), uow)
    except DomainError as exc:
        raise labelled(exc) from exc
    return ", ".join(f"line {p.line_no} × {p.quantity.normalize():f}" for p in parts)


@router.post("/sell/{number}/ship", name="sell_ship")
async def sell_ship(request: Request, number: str, viewer: CsrfChecked) -> Response:
    require_poster(viewer, "ship orders")
    form = await request.form()
    uows = uows_of(request)
    try:
        shipped = await run_in_threadpool(_ship, uows, viewer.username, number, form)
    except DomainError as exc:
        if is_htmx(request) or exc.field == "order":
            raise
        # Without JavaScript: the order page again, the message in its alert, the entries kept.
        entered = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        context = await run_in_threadpool(
            _order_context, request, viewer, number, error=exc.message, entered=entered
        )
        return render(request, "sell_order.html", context, status=422)
    request.app.state.feed.bump()
    if not is_htmx(request):
        query = urlencode({"shipped": shipped})
        return RedirectResponse(f"/sell/{number}?{query}", status_code=303)
    context = await run_in_threadpool(
        _order_context, request, viewer, number, notice=f"Shipped: {shipped}"
    )
    return render(request, "sell_order_body.html", context)
