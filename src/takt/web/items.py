"""The Items page: every item with its kind, unit, stock, average cost, BOM and supplier, searched
and filtered by kind; an item's page (``/items/{sku}``) shows its BOM as a multi-level tree for a
chosen quantity, with each level's rolled-up planned cost, and its routing. Read-only.

Everyone logged in may read items (operators too); cost figures (average cost, rolled-up costs,
hourly rates) follow the costs rule of ``takt.web.stock.sees_costs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from takt.app import page_queries, queries
from takt.domain.errors import DomainError
from takt.domain.items import ItemKind
from takt.web.auth import CurrentViewer, Viewer
from takt.web.render import render
from takt.web.stock import parse_quantity, sees_costs, uows_of

router = APIRouter()
KINDS = tuple(k.value for k in ItemKind)
TextQuery = Annotated[str | None, Query(max_length=100)]


@dataclass(frozen=True, slots=True)
class ItemFilters:
    q: str = ""
    kind: str = ""

    @classmethod
    def of(cls, q: str | None, kind: str | None) -> ItemFilters:
        chosen = (kind or "").strip().lower()
        return cls((q or "").strip()[:100], chosen if chosen in KINDS else "")

    @property
    def query(self) -> str:
        return urlencode({k: v for k, v in (("q", self.q), ("kind", self.kind)) if v})

    @property
    def active(self) -> bool:
        return bool(self.q or self.kind)


def _matches(row: queries.ItemRow, text: str) -> bool:
    if not text:
        return True
    needle = text.lower()
    return any(needle in (v or "").lower() for v in (row.sku, row.name, row.supplier))


def _table_context(request: Request, viewer: Viewer, filters: ItemFilters) -> dict[str, object]:
    rows = queries.item_list(uows_of(request))
    shown = [
        r for r in rows if (not filters.kind or r.kind == filters.kind) and _matches(r, filters.q)
    ]
    return {
        "rows": shown,
        "total": len(rows),
        "filters": filters,
        "kinds": KINDS,
        "costs": sees_costs(request, viewer),
    }


@router.get("/items", name="items_page")
def items_page(
    request: Request, viewer: CurrentViewer, q: TextQuery = None, kind: TextQuery = None
) -> Response:
    return render(
        request, "items_page.html", _table_context(request, viewer, ItemFilters.of(q, kind))
    )


@router.get("/items/table", name="items_table")
def items_table(
    request: Request, viewer: CurrentViewer, q: TextQuery = None, kind: TextQuery = None
) -> Response:
    return render(
        request, "items_table.html", _table_context(request, viewer, ItemFilters.of(q, kind))
    )


@router.get("/items/{sku:path}", name="item_page")
def item_page(
    request: Request,
    sku: str,
    viewer: CurrentViewer,
    quantity: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    chosen = parse_quantity(quantity or "1", "Quantity", "quantity")
    if chosen <= 0:
        raise DomainError("Quantity: must be more than zero", field="quantity")
    page = page_queries.item_page(uows_of(request), sku, chosen)
    context = {"page": page, "costs": sees_costs(request, viewer)}
    return render(request, "items_item.html", context)
