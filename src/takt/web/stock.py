"""The Stock page: every item's in stock, committed, expected, available and missing, and an
item's ledger (``/stock/{sku}``) filtered by location and reason, with its batches, a Transfer
and a Stocktake form, and each batch's trace (``/stock/{sku}/batch/{batch}``).

Transfers and stocktakes are for admins and planners (the API's rule for stock postings): other
roles see no form and the server refuses their posts (403). Each posting runs its use case on an
audited unit of work, so the audit entry commits with the posting or not at all.

Everyone logged in may read stock (operators too); cost columns (average cost, stock value, the
ledger's unit cost) follow the costs rule: admins and planners, viewers when the setting
``costs.viewers_see`` is "true", never operators. The helpers at the top are shared with the Sell
and Buy pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from takt.app import api_queries, web_queries
from takt.app import audit as trail
from takt.app import stock as postings
from takt.app.ports import UnitOfWorkFactory
from takt.domain.errors import DomainError, NotFound
from takt.domain.ledger import Reason
from takt.domain.users import Role
from takt.web.auth import PLANNERS, READERS, CsrfChecked, CurrentViewer, Refused, Viewer
from takt.web.render import is_htmx, render
from takt.web.trail import audited_uow, first_issued

router = APIRouter()
MAX_QUANTITY = Decimal("1e9")
REASONS = tuple(r.value for r in Reason)


# ---------------------------------------------------------------- shared by Sell, Buy, Stock


def uows_of(request: Request) -> UnitOfWorkFactory:
    uows: UnitOfWorkFactory = request.app.state.takt.uows
    return uows


def sees_costs(request: Request, viewer: Viewer) -> bool:
    """Admins and planners; viewers when ``costs.viewers_see`` is "true"; never operators."""
    if viewer.role is Role.VIEWER:
        return viewer.role.sees_costs(api_queries.viewers_see_costs(uows_of(request)))
    return viewer.role.sees_costs()


def require_reader(viewer: Viewer, page: str) -> None:
    """Refuses (403) a role that may not read ``page`` (operators: orders and money)."""
    if viewer.role not in READERS:
        raise Refused(f"a user with role {viewer.role.value} may not see the {page} page")


def may_post(viewer: Viewer) -> bool:
    """Whether the viewer may ship or receive (the API's rule for orders: admin, planner)."""
    return viewer.role in PLANNERS


def require_poster(viewer: Viewer, action: str) -> None:
    if not may_post(viewer):
        raise Refused(f"a user with role {viewer.role.value} may not {action}")


def parse_quantity(text: object, label: str, field: str) -> Decimal:
    """A quantity typed into a form ("" is zero); ``DomainError`` naming ``label`` otherwise."""
    raw = (text if isinstance(text, str) else "").strip().replace(",", ".")
    if not raw:
        return Decimal(0)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise DomainError(f"{label}: {raw[:20]!r} is not a number", field=field) from None
    if not value.is_finite() or abs(value) > MAX_QUANTITY:
        raise DomainError(f"{label}: not a sensible quantity", field=field)
    if value < 0:
        raise DomainError(f"{label}: must not be negative", field=field)
    return value


def form_text(value: object, limit: int = 64) -> str:
    return (value if isinstance(value, str) else "").strip()[:limit]


# ---------------------------------------------------------------- the list


@dataclass(frozen=True, slots=True)
class StockFilters:
    q: str = ""
    short: bool = False

    @classmethod
    def of(cls, q: str | None, short: str | None) -> StockFilters:
        return cls((q or "").strip()[:100], (short or "").lower() in {"1", "true", "on", "yes"})

    @property
    def query(self) -> str:
        params = {"q": self.q, "short": "1" if self.short else ""}
        return urlencode({k: v for k, v in params.items() if v})

    @property
    def active(self) -> bool:
        return bool(self.q or self.short)


def _table_context(request: Request, viewer: Viewer, filters: StockFilters) -> dict[str, object]:
    rows = web_queries.stock_rows(uows_of(request))
    shown = [r for r in rows if r.matches(filters.q) and (not filters.short or r.missing > 0)]
    return {
        "rows": shown,
        "total": len(rows),
        "filters": filters,
        "costs": sees_costs(request, viewer),
    }


TextQuery = Annotated[str | None, Query(max_length=100)]


@router.get("/stock", name="stock_page")
def stock_page(
    request: Request, viewer: CurrentViewer, q: TextQuery = None, short: TextQuery = None
) -> Response:
    context = _table_context(request, viewer, StockFilters.of(q, short))
    return render(request, "stock_page.html", context)


@router.get("/stock/table", name="stock_table")
def stock_table(
    request: Request, viewer: CurrentViewer, q: TextQuery = None, short: TextQuery = None
) -> Response:
    context = _table_context(request, viewer, StockFilters.of(q, short))
    return render(request, "stock_table.html", context)


# ---------------------------------------------------------------- one item's ledger


@router.get("/stock/{sku}/batch/{batch:path}", name="stock_batch")
def stock_batch(request: Request, sku: str, batch: str, viewer: CurrentViewer) -> Response:
    """The trace of one batch: every ledger entry of it, oldest first, with running balances."""
    trace = web_queries.batch_trace(uows_of(request), sku, batch[:64])
    return render(
        request, "stock_batch.html", {"trace": trace, "costs": sees_costs(request, viewer)}
    )


def _item_context(
    request: Request,
    viewer: Viewer,
    sku: str,
    location: str | None = None,
    reason: Reason | None = None,
    **extra: object,
) -> dict[str, object]:
    ledger = web_queries.item_ledger(uows_of(request), sku, location, reason)
    if location is not None and location not in ledger.locations:
        raise DomainError(f"location: unknown location {location!r}", field="location")
    return {
        "ledger": ledger,
        "location": location or "",
        "reason": reason.value if reason else "",
        "reasons": REASONS,
        "costs": sees_costs(request, viewer),
        "batches": sorted(
            (p for p in ledger.places if p.batch), key=lambda p: (p.batch, p.location)
        ),
        "may_post": may_post(viewer),
        "failed": "",
        "field": "",
        "error": "",
        "entered": {},
        **extra,
    }


@router.get("/stock/{sku}", name="stock_item")
def stock_item(
    request: Request,
    sku: str,
    viewer: CurrentViewer,
    location: Annotated[str | None, Query(max_length=32)] = None,
    reason: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    chosen_reason = Reason(reason) if reason in REASONS else None
    chosen_location = (location or "").strip() or None
    done = request.query_params.get("done", "")[:200]
    context = _item_context(request, viewer, sku, chosen_location, chosen_reason, notice=done)
    template = "stock_ledger.html" if is_htmx(request) else "stock_item.html"
    return render(request, template, context)


# ---------------------------------------------------------------- transfer and stocktake

LABELS = {
    "quantity": "Quantity",
    "from_location": "From location",
    "to_location": "To location",
    "location": "Location",
    "batch": "Batch",
    "counted": "Counted quantity",
    "note": "Note",
}


def _location(form: Any, name: str, places: web_queries.ItemPlaces) -> str:
    code = form_text(form.get(name), 32)
    if not code:
        raise DomainError(f"{LABELS[name]}: choose a location", field=name)
    if code not in places.locations:
        raise DomainError(f"{LABELS[name]}: unknown location {code!r}", field=name)
    return code


def _batch(form: Any, places: web_queries.ItemPlaces, action: str) -> str:
    if not places.item.batch_tracked:
        return ""
    batch = form_text(form.get("batch"), 64)
    if not batch:
        raise DomainError(
            f"Batch: {places.item.sku} is batch-tracked, give the batch to {action}", field="batch"
        )
    return batch


def _labelled(exc: DomainError, fields: dict[str | None, str]) -> DomainError:
    """The use case's refusal with the form's field it is about named first."""
    name = fields.get(exc.field, exc.field or "")
    label = LABELS.get(name, "Request")
    return DomainError(f"{label}: {exc.message}", field=name)


def _transfer(uows: UnitOfWorkFactory, user: str, sku: str, form: Any) -> str:
    places = web_queries.item_places(uows, sku)
    quantity = parse_quantity(form.get("quantity"), LABELS["quantity"], "quantity")
    if quantity == 0:
        raise DomainError("Quantity: enter the quantity to move", field="quantity")
    source = _location(form, "from_location", places)
    destination = _location(form, "to_location", places)
    if source == destination:
        raise DomainError("To location: must differ from the from location", field="to_location")
    batch = _batch(form, places, "move")
    note = form_text(form.get("note"), 200)
    cmd = postings.Transfer(places.item.sku, quantity, source, destination, batch, note, user)
    after = {
        "sku": cmd.sku,
        "quantity": str(quantity),
        "source": source,
        "destination": destination,
        "batch": batch,
        "note": note,
    }
    uow = audited_uow(uows, user, "transfer", "stock", first_issued, after=after)
    try:
        posted = postings.transfer(cmd, uow)
    except NotFound as exc:
        if exc.field == "sku":
            raise
        raise _labelled(exc, {"location": "from_location"}) from exc
    except DomainError as exc:
        raise _labelled(exc, {}) from exc
    where = f" of batch {batch}" if batch else ""
    return (
        f"Moved {quantity.normalize():f}{where} from {source} to {destination} ({posted.document})"
    )


def _count(uows: UnitOfWorkFactory, user: str, sku: str, form: Any) -> str:
    places = web_queries.item_places(uows, sku)
    location = _location(form, "location", places)
    batch = _batch(form, places, "count")
    if not form_text(form.get("counted")):
        raise DomainError("Counted quantity: enter what you counted (0 for none)", field="counted")
    counted = parse_quantity(form.get("counted"), LABELS["counted"], "counted")
    cmd = postings.Count(places.item.sku, counted, location, batch, user)
    after = {"sku": cmd.sku, "counted": str(counted), "location": location, "batch": batch}
    uow = audited_uow(uows, user, "count", "stock", first_issued, after=after)
    try:
        posted = postings.count(cmd, uow)
    except NotFound as exc:
        if exc.field == "sku":
            raise
        raise _labelled(exc, {}) from exc
    except DomainError as exc:
        raise _labelled(exc, {}) from exc
    where = f"{location}" + (f", batch {batch}" if batch else "")
    if posted is None:
        # Nothing was posted, yet someone counted: that stays on the trail (as in the API).
        trail.record(uows, user, "count", "stock", "-", None, after)
        return f"Counted {counted.normalize():f} at {where}: matches the books, nothing posted"
    delta = sum((e.quantity for e in posted.entries), Decimal(0))
    sign = "+" if delta > 0 else ""
    return (
        f"Counted {counted.normalize():f} at {where}: "
        f"{sign}{delta.normalize():f} posted ({posted.document})"
    )


Action = Callable[[UnitOfWorkFactory, str, str, Any], str]


async def _post(
    request: Request, sku: str, viewer: Viewer, name: str, action: Action, verb: str
) -> Response:
    require_poster(viewer, verb)
    form = await request.form()
    uows = uows_of(request)
    try:
        done = await run_in_threadpool(action, uows, viewer.username, sku, form)
    except DomainError as exc:
        if isinstance(exc, NotFound) and exc.field in {"sku", None}:
            raise  # an unknown item: 404
        entered = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        context = await run_in_threadpool(
            _item_context,
            request,
            viewer,
            sku,
            failed=name,
            field=exc.field or "",
            error=exc.message,
            entered=entered,
        )
        template = "stock_item_body.html" if is_htmx(request) else "stock_item.html"
        return render(request, template, context, status=422)
    request.app.state.feed.bump()
    if not is_htmx(request):
        target = request.url_for("stock_item", sku=sku).path
        return RedirectResponse(f"{target}?{urlencode({'done': done})}", status_code=303)
    context = await run_in_threadpool(_item_context, request, viewer, sku, notice=done)
    return render(request, "stock_item_body.html", context)


@router.post("/stock/{sku}/transfer", name="stock_transfer")
async def stock_transfer(request: Request, sku: str, viewer: CsrfChecked) -> Response:
    """Moves stock (of one batch) between two locations: one TRF document, two entries."""
    return await _post(request, sku, viewer, "transfer", _transfer, "transfer stock")


@router.post("/stock/{sku}/count", name="stock_count")
async def stock_count(request: Request, sku: str, viewer: CsrfChecked) -> Response:
    """A stocktake at one location (and batch): the difference to the books is posted."""
    return await _post(request, sku, viewer, "count", _count, "count stock")
