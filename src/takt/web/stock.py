"""The Stock page: every item's in stock, committed, expected, available and missing, and an
item's ledger (``/stock/{sku}``) filtered by location and reason.

Everyone logged in may read stock (operators too); cost columns (average cost, stock value, the
ledger's unit cost) follow the costs rule: admins and planners, viewers when the setting
``costs.viewers_see`` is "true", never operators. The helpers at the top are shared with the Sell
and Buy pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from takt.app import api_queries, web_queries
from takt.app.ports import UnitOfWorkFactory
from takt.domain.errors import DomainError
from takt.domain.ledger import Reason
from takt.domain.users import Role
from takt.web.auth import PLANNERS, READERS, CurrentViewer, Refused, Viewer
from takt.web.render import is_htmx, render

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
    ledger = web_queries.item_ledger(uows_of(request), sku, chosen_location, chosen_reason)
    if chosen_location is not None and chosen_location not in ledger.locations:
        raise DomainError(f"location: unknown location {chosen_location!r}", field="location")
    context = {
        "ledger": ledger,
        "location": chosen_location or "",
        "reason": chosen_reason.value if chosen_reason else "",
        "reasons": REASONS,
        "costs": sees_costs(request, viewer),
    }
    template = "stock_ledger.html" if is_htmx(request) else "stock_item.html"
    return render(request, template, context)
