"""The Buy page: purchase orders with expected dates, status and lines, and one order with a
Receive form.

The list: number, supplier, expected date (flagged when demand pegged to it needs it earlier),
status, its lines and total (costs rule). The order page: each line's quantity, received, what
is still to come and who waits for it; for admins and planners a Receive form that receives
partial quantities of several lines as one delivery (``purchasing.receive_order``: every line or
none), with a batch for batch-tracked items. Operators may not see either page (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from takt.app import orders_queries, purchasing, web_queries
from takt.app.orders_queries import PurchaseOrderRow
from takt.app.ports import UnitOfWorkFactory
from takt.domain.errors import DomainError
from takt.domain.purchasing import PurchaseStatus
from takt.web.auth import CsrfChecked, CurrentViewer, Viewer
from takt.web.labels import labelled
from takt.web.render import is_htmx, render
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
STATUSES = tuple(s.value for s in PurchaseStatus)


@dataclass(frozen=True, slots=True)
class BuyFilters:
    status: str = ""  # "" open orders, "all", or one status
    q: str = ""

    @classmethod
    def of(cls, status: str | None, q: str | None) -> BuyFilters:
        chosen = status if status in (*STATUSES, "all") else ""
        return cls(chosen or "", (q or "").strip()[:100])

    @property
    def statuses(self) -> tuple[PurchaseStatus, ...] | None:
        if self.status == "all":
            return None
        if self.status:
            return (PurchaseStatus(self.status),)
        return orders_queries.PURCHASE_ACTIVE

    @property
    def query(self) -> str:
        return urlencode({k: v for k, v in {"status": self.status, "q": self.q}.items() if v})

    @property
    def active(self) -> bool:
        return bool(self.status or self.q)

    def matches(self, row: PurchaseOrderRow, supplier_name: str) -> bool:
        if not self.q:
            return True
        needle = self.q.casefold()
        hay = [row.number, row.supplier, supplier_name, *(ln.sku for ln in row.lines)]
        return any(needle in h.casefold() for h in hay)


@dataclass(frozen=True, slots=True)
class BuyRow:
    row: PurchaseOrderRow
    supplier_name: str

    @property
    def late(self) -> bool:
        """Needed earlier than it is expected: something waiting for it will be late."""
        return bool(self.row.too_late_for)


def _list_context(request: Request, viewer: Viewer, filters: BuyFilters) -> dict[str, Any]:
    uows = uows_of(request)
    rows = orders_queries.purchase_list(uows, filters.statuses)
    names = web_queries.supplier_names(uows)
    shown = [BuyRow(r, names.get(r.supplier, "")) for r in rows]
    return {
        "rows": [r for r in shown if filters.matches(r.row, r.supplier_name)],
        "total": len(rows),
        "filters": filters,
        "statuses": STATUSES,
        "costs": sees_costs(request, viewer),
        "may_enter": may_post(viewer),
    }


FilterQuery = Annotated[str | None, Query(max_length=100)]


@router.get("/buy", name="buy_page")
def buy_page(
    request: Request, viewer: CurrentViewer, status: FilterQuery = None, q: FilterQuery = None
) -> Response:
    require_reader(viewer, "Buy")
    context = _list_context(request, viewer, BuyFilters.of(status, q))
    return render(request, "buy_page.html", context)


@router.get("/buy/table", name="buy_table")
def buy_table(
    request: Request, viewer: CurrentViewer, status: FilterQuery = None, q: FilterQuery = None
) -> Response:
    require_reader(viewer, "Buy")
    context = _list_context(request, viewer, BuyFilters.of(status, q))
    return render(request, "buy_table.html", context)


# ---------------------------------------------------------------- one order


def _dialog_context(uows: UnitOfWorkFactory, number: str, **extra: Any) -> dict[str, Any]:
    """The Receive dialog of an open order (opened from the Buy list)."""
    detail = web_queries.purchase_detail(uows, number)
    return {"d": detail, "entered": {}, "field": "", **extra}


def _order_context(request: Request, viewer: Viewer, number: str, **extra: Any) -> dict[str, Any]:
    detail = web_queries.purchase_detail(uows_of(request), number)
    return {
        "d": detail,
        "costs": sees_costs(request, viewer),
        "may_receive": may_post(viewer) and detail.is_open,
        "entered": {},
        **extra,
    }


@router.get("/buy/{number}", name="buy_order")
def buy_order(request: Request, number: str, viewer: CurrentViewer) -> Response:
    require_reader(viewer, "Buy")
    context = _order_context(request, viewer, number)
    if request.query_params.get("received"):
        context["notice"] = f"Received: {request.query_params['received'][:200]}"
    elif request.query_params.get("done"):
        context["notice"] = request.query_params["done"][:200]
    template = "buy_order_body.html" if is_htmx(request) else "buy_order.html"
    return render(request, template, context)


def _receipt_lines(form: Any, lines: list[web_queries.PurchaseLineDetail]) -> tuple[Any, ...]:
    chosen: list[purchasing.ReceiptLine] = []
    for line in lines:
        n = line.line_no
        quantity = parse_quantity(form.get(f"receive-{n}"), f"Line {n} quantity", f"receive-{n}")
        if quantity == 0:
            continue
        batch = form_text(form.get(f"batch-{n}"), 64)
        if line.batch_tracked and not batch:
            raise DomainError(
                f"Line {n} batch: {line.view.item} is batch-tracked, give the batch received",
                field=f"batch-{n}",
            )
        location = form_text(form.get(f"location-{n}"), 32) or None
        chosen.append(
            purchasing.ReceiptLine(n, quantity, batch if line.batch_tracked else "", location)
        )
    if not chosen:
        raise DomainError(
            "Quantity: enter a quantity received on at least one line", field="quantity"
        )
    return tuple(chosen)


def _receive(uows: UnitOfWorkFactory, user: str, number: str, form: Any) -> str:
    detail = web_queries.purchase_detail(uows, number)
    parts = _receipt_lines(form, detail.lines)
    number = detail.order.number
    # A receipt's posting is filed under the order's number (``purchasing.receive_order``).
    after = {"document": number, "lines": [[p.line_no, str(p.quantity)] for p in parts]}
    uow = audited_uow(uows, user, "receive", "purchase_order", number, after=after)
    try:
        purchasing.receive_order(purchasing.ReceiveOrder(number, parts, user), uow)
    except DomainError as exc:
        raise labelled(exc) from exc
    return ", ".join(f"line {p.line_no} × {p.quantity.normalize():f}" for p in parts)


@router.post("/buy/{number}/receive", name="buy_receive")
async def buy_receive(request: Request, number: str, viewer: CsrfChecked) -> Response:
    require_poster(viewer, "receive purchase orders")
    form = await request.form()
    uows = uows_of(request)
    in_dialog = form.get("dialog") == "1"
    try:
        received = await run_in_threadpool(_receive, uows, viewer.username, number, form)
    except DomainError as exc:
        if in_dialog and exc.field != "order":
            # The dialog shows its own refusal (the page's alert area is behind the dialog).
            entered = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
            context = await run_in_threadpool(
                _dialog_context,
                uows,
                number,
                error=exc.message,
                field=exc.field or "",
                entered=entered,
            )
            return render(request, "_buy_receive_dialog.html", context, status=422)
        if is_htmx(request) or exc.field == "order":
            raise
        entered = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        context = await run_in_threadpool(
            _order_context, request, viewer, number, error=exc.message, entered=entered
        )
        return render(request, "buy_order.html", context, status=422)
    request.app.state.feed.bump()
    if in_dialog and is_htmx(request):
        context = await run_in_threadpool(
            _dialog_context, uows, number, notice=f"Received: {received}"
        )
        return render(request, "_buy_receive_dialog.html", context)
    if not is_htmx(request):
        return RedirectResponse(
            f"/buy/{number}?{urlencode({'received': received})}", status_code=303
        )
    context = await run_in_threadpool(
        _order_context, request, viewer, number, notice=f"Received: {received}"
    )
    return render(request, "buy_order_body.html", context)
