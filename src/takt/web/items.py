"""The Items page: every item with its kind, unit, stock, average cost, BOM and supplier, searched
and filtered by kind; an item's page (``/items/{sku}``) shows its BOM as a multi-level tree for a
chosen quantity, with each level's rolled-up planned cost, and its routing.

Everyone logged in may read items (operators too); cost figures (average cost, rolled-up costs,
hourly rates) follow the costs rule of ``takt.web.stock.sees_costs``.

Planners and admins (the API's rule for ``set_bom`` and ``set_routing``) also get two editors on a
made item's page: its BOM lines (component, quantity, unit, wastage %) and its routing (sequence,
operation, workstation, setup and run minutes, an optional hourly rate). Each saves the whole
BOM or routing through ``catalog.set_bom`` / ``catalog.set_routing`` with the CSRF token, its
audit entry in the same transaction. "Add a line" shows one more empty row (nothing saved); a
row ticked "Remove" or left empty is left out. Bad input comes back in the editor (422) with the
message naming the line and the field, nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from takt.app import api_queries, catalog, page_queries, queries
from takt.app.audit import AuditedUnitOfWork
from takt.domain.bom import Bom, BomCycleError, BomLine
from takt.domain.errors import DomainError
from takt.domain.items import ItemKind
from takt.domain.routing import Operation, Routing
from takt.domain.units import UNITS, conversion_factor
from takt.web import workstations
from takt.web.auth import PLANNERS, CsrfChecked, CurrentViewer, Refused, Viewer
from takt.web.render import quantity as shown
from takt.web.render import render
from takt.web.stock import form_text, parse_quantity, sees_costs, uows_of
from takt.web.trail import audited_uow

router = APIRouter()
router.include_router(workstations.router)  # /workstations: the pages of what routings run on
KINDS = tuple(k.value for k in ItemKind)
TextQuery = Annotated[str | None, Query(max_length=100)]
MAX_ROWS = 200
MAX_SEQUENCE = 100_000
SAVED = {"bom": "BOM saved.", "routing": "Routing saved."}


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


# ---------------------------------------------------------------- one item, and its editors


def may_edit(viewer: Viewer) -> bool:
    """Whether the viewer may change BOMs and routings (the API's rule: admin, planner)."""
    return viewer.role in PLANNERS


def require_editor(viewer: Viewer, what: str) -> None:
    if not may_edit(viewer):
        raise Refused(f"a user with role {viewer.role.value} may not change {what}")


@dataclass(frozen=True, slots=True)
class BomRow:
    """One row of the BOM editor as typed (or as stored); ``n`` numbers it in messages."""

    n: int
    component: str = ""
    quantity: str = ""
    unit: str = ""
    wastage: str = ""
    remove: bool = False

    @property
    def empty(self) -> bool:
        return not (self.component or self.quantity or self.unit or self.wastage)


@dataclass(frozen=True, slots=True)
class OperationRow:
    """One row of the routing editor as typed (or as stored)."""

    n: int
    sequence: str = ""
    name: str = ""
    workstation: str = ""
    setup: str = ""
    run: str = ""
    rate: str = ""
    remove: bool = False

    @property
    def empty(self) -> bool:
        return not (self.name or self.workstation or self.setup or self.run or self.rate)


@dataclass(frozen=True, slots=True)
class Editor:
    """An editor's rows and, after a refused save, the message and the field it names."""

    rows: tuple[Any, ...]
    error: str = ""
    field: str = ""

    @property
    def count(self) -> int:
        return max((r.n for r in self.rows), default=0)


def _text(value: Decimal | None) -> str:
    return "" if value is None else shown(value)


def bom_editor(bom: Bom | None) -> Editor:
    """The stored lines, then one empty row to add a component."""
    lines = bom.lines if bom is not None else ()
    rows = [
        BomRow(
            n, x.component, _text(x.quantity), x.unit, _text(x.wastage_pct) if x.wastage_pct else ""
        )
        for n, x in enumerate(lines, 1)
    ]
    return Editor((*rows, BomRow(len(rows) + 1)))


def routing_editor(routing: Routing | None) -> Editor:
    """The stored operations, then one empty row (its sequence the next ten)."""
    ops = routing.operations if routing is not None else ()
    rows = [
        OperationRow(
            n,
            str(op.sequence),
            op.name,
            op.workstation,
            _text(op.setup_minutes),
            _text(op.run_minutes),
            _text(op.cost_per_hour),
        )
        for n, op in enumerate(ops, 1)
    ]
    following = (max((op.sequence for op in ops), default=0) // 10 + 1) * 10
    return Editor((*rows, OperationRow(len(rows) + 1, str(following))))


def _row_count(form: Any) -> int:
    raw = form_text(form.get("lines"), 5)
    return min(max(int(raw), 0), MAX_ROWS) if raw.isdigit() else 0


def bom_rows(form: Any) -> tuple[BomRow, ...]:
    return tuple(
        BomRow(
            n,
            form_text(form.get(f"component-{n}")),
            form_text(form.get(f"quantity-{n}"), 40),
            form_text(form.get(f"unit-{n}"), 16),
            form_text(form.get(f"wastage-{n}"), 40),
            bool(form.get(f"remove-{n}")),
        )
        for n in range(1, _row_count(form) + 1)
    )


def operation_rows(form: Any) -> tuple[OperationRow, ...]:
    return tuple(
        OperationRow(
            n,
            form_text(form.get(f"sequence-{n}"), 8),
            form_text(form.get(f"name-{n}"), 100),
            form_text(form.get(f"workstation-{n}"), 32),
            form_text(form.get(f"setup-{n}"), 40),
            form_text(form.get(f"run-{n}"), 40),
            form_text(form.get(f"rate-{n}"), 40),
            bool(form.get(f"remove-{n}")),
        )
        for n in range(1, _row_count(form) + 1)
    )


def _kept(rows: tuple[Any, ...]) -> list[Any]:
    return [r for r in rows if not r.remove and not r.empty]


def _on_line(n: int, what: str, field: str, exc: DomainError) -> DomainError:
    """``exc`` as the refusal of row ``n``'s ``what`` (its form field ``field-n``)."""
    return DomainError(f"Line {n} {what}: {exc.message}", field=f"{field}-{n}")


BOM_FIELDS = {
    "component": ("component", "component"),
    "sku": ("component", "component"),
    "quantity": ("quantity", "quantity"),
    "unit": ("unit", "unit"),
    "wastage_pct": ("wastage %", "wastage"),
}


def parse_bom(sku: str, rows: tuple[BomRow, ...], units: dict[str, str]) -> Bom:
    """The BOM typed into the editor; ``units`` (SKU -> stock unit) fills a unit left empty."""
    lines: list[tuple[BomRow, BomLine]] = []
    for row in _kept(rows):
        n = row.n
        if not row.component:
            raise DomainError(f"Line {n} component: give the SKU", field=f"component-{n}")
        amount = parse_quantity(row.quantity, f"Line {n} quantity", f"quantity-{n}")
        if amount <= 0:
            raise DomainError(f"Line {n} quantity: must be more than 0", field=f"quantity-{n}")
        wastage = parse_quantity(row.wastage, f"Line {n} wastage %", f"wastage-{n}")
        unit = row.unit or units.get(row.component, "pcs")  # empty: the stock unit
        try:
            lines.append((row, BomLine(row.component, amount, unit, wastage)))
        except DomainError as exc:
            what, field = BOM_FIELDS.get(exc.field or "", ("quantity", "quantity"))
            raise _on_line(n, what, field, exc) from exc
    if not lines:
        raise DomainError("Lines: keep at least one line (component and quantity)", "component-1")
    try:
        return Bom(sku, tuple(line for _row, line in lines))
    except DomainError as exc:
        component = exc.path[1] if isinstance(exc, BomCycleError) else None
        seen: set[str] = set()
        for row, line in lines:  # the self-reference, or the second mention of a component
            if line.component == component or line.component in seen:
                raise _on_line(row.n, "component", "component", exc) from exc
            seen.add(line.component)
        raise


def bom_refusal(
    exc: DomainError, bom: Bom, rows: tuple[BomRow, ...], units: dict[str, str]
) -> DomainError:
    """The use case's refusal of ``bom`` pinned to the row it is about (a cycle's first step,
    an unknown SKU, a unit that does not convert to the component's)."""
    kept = {line.component: row.n for row, line in zip(_kept(rows), bom.lines, strict=True)}
    for line in bom.lines:
        n = kept[line.component]
        if isinstance(exc, BomCycleError):
            if line.component == exc.path[1]:
                return _on_line(n, "component", "component", exc)
        elif exc.field == "sku" and line.component not in units:
            return _on_line(n, "component", "component", exc)
        elif exc.field == "unit" and line.component in units:
            try:
                conversion_factor(line.unit, units[line.component])
            except DomainError:
                return _on_line(n, "unit", "unit", exc)
    return exc


def _whole(text: str, label: str, field: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_SEQUENCE:
        raise DomainError(f"{label}: {text[:8]!r} is not a whole number from 1", field=field)
    return int(text)


ROUTING_FIELDS = {
    "name": ("operation", "name"),
    "setup_minutes": ("setup minutes", "setup"),
    "run_minutes": ("run minutes", "run"),
    "cost_per_hour": ("cost per hour", "rate"),
    "workstation": ("workstation", "workstation"),
    "sequence": ("sequence", "sequence"),
}


def parse_routing(sku: str, rows: tuple[OperationRow, ...]) -> Routing:
    """The routing typed into the editor."""
    ops: list[tuple[OperationRow, Operation]] = []
    for row in _kept(rows):
        n = row.n
        sequence = _whole(row.sequence, f"Line {n} sequence", f"sequence-{n}")
        if not row.workstation:
            raise DomainError(f"Line {n} workstation: choose one", field=f"workstation-{n}")
        setup = parse_quantity(row.setup, f"Line {n} setup minutes", f"setup-{n}")
        run = parse_quantity(row.run, f"Line {n} run minutes", f"run-{n}")
        rate = (
            parse_quantity(row.rate, f"Line {n} cost per hour", f"rate-{n}") if row.rate else None
        )
        try:
            ops.append((row, Operation(sequence, row.name, row.workstation, setup, run, rate)))
        except DomainError as exc:
            what, field = ROUTING_FIELDS.get(exc.field or "", ("operation", "name"))
            raise _on_line(n, what, field, exc) from exc
    if not ops:
        raise DomainError("Lines: keep at least one operation", field="name-1")
    try:
        return Routing(sku, tuple(op for _row, op in ops))
    except DomainError as exc:
        seen: set[int] = set()
        for row, op in ops:
            if op.sequence in seen:
                raise _on_line(row.n, "sequence", "sequence", exc) from exc
            seen.add(op.sequence)
        raise


def routing_refusal(
    exc: DomainError, rows: tuple[OperationRow, ...], known: set[str]
) -> DomainError:
    """An unknown workstation pinned to its row."""
    if exc.field == "workstation":
        for row in _kept(rows):
            if row.workstation not in known:
                return _on_line(row.n, "workstation", "workstation", exc)
    return exc


# ---------------------------------------------------------------- the trail's records


def bom_record(bom: Bom | None) -> list[dict[str, str]] | None:
    """A BOM as the audit trail keeps it (JSON-ready), None for none."""
    if bom is None:
        return None
    return [
        {
            "component": x.component,
            "quantity": str(x.quantity),
            "unit": x.unit,
            "wastage_pct": str(x.wastage_pct),
        }
        for x in bom.lines
    ]


def routing_record(routing: Routing | None) -> list[dict[str, Any]] | None:
    if routing is None:
        return None
    return [
        {
            "sequence": op.sequence,
            "name": op.name,
            "workstation": op.workstation,
            "setup_minutes": str(op.setup_minutes),
            "run_minutes": str(op.run_minutes),
            "cost_per_hour": None if op.cost_per_hour is None else str(op.cost_per_hour),
        }
        for op in routing.operations
    ]


def _created_or_updated(uow: AuditedUnitOfWork) -> str:
    return "update" if uow.before else "create"


# ---------------------------------------------------------------- the pages


def _item_context(
    request: Request,
    viewer: Viewer,
    sku: str,
    chosen: Decimal = Decimal(1),
    editors: dict[str, Editor] | None = None,
) -> dict[str, Any]:
    """The page of ``sku``; for an editor, its BOM and routing editors (``editors``: the rows
    typed in a refused save, else those stored) with the SKUs, workstations and units to pick."""
    editors = editors or {}
    uows = uows_of(request)
    page = page_queries.item_page(uows, sku, chosen)
    context: dict[str, Any] = {"page": page, "costs": sees_costs(request, viewer)}
    item = page.item
    if may_edit(viewer) and item.is_made and item.variant_of is None:
        context["bom_editor"] = editors.get("bom") or bom_editor(api_queries.bom(uows, sku))
        context["routing_editor"] = editors.get("routing") or routing_editor(
            api_queries.routing(uows, sku)
        )
        context["components"] = [r for r in queries.items_brief(uows) if r.sku != sku]
        context["stations"] = api_queries.workstations(uows)
        context["units"] = sorted(UNITS)
    return context


@router.get("/items/{sku:path}", name="item_page")
def item_page(
    request: Request,
    sku: str,
    viewer: CurrentViewer,
    quantity: Annotated[str | None, Query(max_length=32)] = None,
    saved: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    chosen = parse_quantity(quantity or "1", "Quantity", "quantity")
    if chosen <= 0:
        raise DomainError("Quantity: must be more than zero", field="quantity")
    context = _item_context(request, viewer, sku, chosen)
    context["notice"] = SAVED.get(saved or "", "")
    return render(request, "items_item.html", context)


def _editable(uows: Any, sku: str, what: str) -> None:
    """Refuses (422) editing ``what`` of a bought item or a variant; ``NotFound`` (404)."""
    item = api_queries.item(uows, sku)
    if not item.is_made:
        raise DomainError(f"{sku} is a material (bought): it has no {what}", field="item")
    if item.variant_of is not None:
        raise DomainError(f"{sku} is a variant: it uses the {what} of {item.variant_of}", "item")


def _saved(sku: str, what: str) -> Response:
    target = f"/items/{quote(sku)}?{urlencode({'saved': what})}#{what}-head"
    return RedirectResponse(target, status_code=303)


def _refused(request: Request, viewer: Viewer, sku: str, what: str, editor: Editor) -> Response:
    context = _item_context(request, viewer, sku, editors={what: editor})
    return render(request, "items_item.html", context, status=422 if editor.error else 200)


def _save_bom(request: Request, viewer: Viewer, sku: str, form: Any) -> Response:
    uows = uows_of(request)
    _editable(uows, sku, "BOM")
    rows = bom_rows(form)
    if form.get("action") == "add":
        more = Editor((*rows, BomRow(len(rows) + 1)))
        return _refused(request, viewer, sku, "bom", more)
    units = {r.sku: r.unit for r in queries.items_brief(uows)}
    bom: Bom | None = None
    try:
        bom = parse_bom(sku, rows, units)
        trail = audited_uow(
            uows,
            viewer.username,
            _created_or_updated,
            "bom",
            sku,
            before=lambda uow: bom_record(uow.recipes.bom(sku)),
            after=bom_record(bom),
        )
        catalog.set_bom(bom, trail)
    except DomainError as exc:
        refusal = bom_refusal(exc, bom, rows, units) if bom is not None else exc
        failed = Editor(rows, refusal.message, refusal.field or "")
        return _refused(request, viewer, sku, "bom", failed)
    request.app.state.feed.bump()
    return _saved(sku, "bom")


def _save_routing(request: Request, viewer: Viewer, sku: str, form: Any) -> Response:
    uows = uows_of(request)
    _editable(uows, sku, "routing")
    rows = operation_rows(form)
    if form.get("action") == "add":
        following = max((int(r.sequence) for r in rows if r.sequence.isdigit()), default=0)
        blank = OperationRow(len(rows) + 1, str((following // 10 + 1) * 10))
        return _refused(request, viewer, sku, "routing", Editor((*rows, blank)))
    try:
        routing = parse_routing(sku, rows)
        trail = audited_uow(
            uows,
            viewer.username,
            _created_or_updated,
            "routing",
            sku,
            before=lambda uow: routing_record(uow.recipes.routing(sku)),
            after=routing_record(routing),
        )
        catalog.set_routing(routing, trail)
    except DomainError as exc:
        known = {w.code for w in api_queries.workstations(uows)}
        refusal = routing_refusal(exc, rows, known)
        failed = Editor(rows, refusal.message, refusal.field or "")
        return _refused(request, viewer, sku, "routing", failed)
    request.app.state.feed.bump()
    return _saved(sku, "routing")


Save = Callable[[Request, Viewer, str, Any], Response]


async def _save(request: Request, viewer: Viewer, sku: str, what: str, save: Save) -> Response:
    require_editor(viewer, f"{what}s")
    form = await request.form()
    return await run_in_threadpool(save, request, viewer, sku, form)


@router.post("/items/{sku:path}/bom", name="item_bom_save")
async def item_bom_save(request: Request, sku: str, viewer: CsrfChecked) -> Response:
    return await _save(request, viewer, sku, "BOM", _save_bom)


@router.post("/items/{sku:path}/routing", name="item_routing_save")
async def item_routing_save(request: Request, sku: str, viewer: CsrfChecked) -> Response:
    return await _save(request, viewer, sku, "routing", _save_routing)
