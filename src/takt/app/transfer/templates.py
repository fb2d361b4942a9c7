"""The columns of each kind of file, and the blank templates users download to fill in.

A kind's columns are those an import reads; ``extra`` columns are written by its export for
information only (an item's average cost, an order line's shipped quantity) and ignored on import,
so an exported file imports as it is. Any other column is refused, so that a mistyped optional
column is never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from takt.app.transfer.formats import Format, Sheet, write
from takt.domain.errors import DomainError


class Kind(StrEnum):
    ITEMS = "items"
    BOMS = "boms"
    ROUTINGS = "routings"
    STOCK = "stock"
    SALES = "sales"
    PURCHASES = "purchases"
    LEDGER = "ledger"
    MOS = "mos"
    WORKBOOK = "workbook"


IMPORTABLE = (Kind.ITEMS, Kind.BOMS, Kind.ROUTINGS, Kind.STOCK, Kind.SALES, Kind.PURCHASES)
"""The kinds a file can hold, in the order a workbook's sheets are imported (what comes later may
refer to what came earlier)."""

MASTER_DATA = (Kind.ITEMS, Kind.BOMS, Kind.ROUTINGS)
"""The sheets of an exported or template workbook."""


class KindError(DomainError):
    """An unknown kind, or one that cannot be imported."""


def parse_kind(raw: str, importable: bool = False) -> Kind:
    try:
        kind = Kind(raw.strip().lower())
    except ValueError:
        kinds = ", ".join(k.value for k in Kind)
        raise KindError(f"unknown kind {raw!r} (one of {kinds})", field="kind") from None
    if importable and kind not in (*IMPORTABLE, Kind.WORKBOOK):
        names = ", ".join(k.value for k in (*IMPORTABLE, Kind.WORKBOOK))
        raise KindError(f"{kind} cannot be imported (one of {names})", field="kind")
    return kind


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    help: str
    example: str = ""
    required: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    """The columns of one kind: ``columns`` are imported, ``extra`` only exported."""

    kind: Kind
    description: str
    columns: tuple[Column, ...]
    extra: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


C = Column
YES_NO = "yes or no (true/false, 1/0); empty: no"

LAYOUTS: dict[Kind, Layout] = {
    Kind.ITEMS: Layout(
        Kind.ITEMS,
        "One row per item. A row whose SKU exists updates that item's columns in the file; "
        "a column left out of the file keeps its current value.",
        (
            C("sku", "Unique code: 1-64 letters, digits and . _ / -", "TABLE-OAK", True),
            C("name", "Name", "Oak dining table", True),
            C("kind", "product, subassembly or material (required for a new item)", "product"),
            C("unit", "Stock unit (pcs, kg, m, m2, l...); empty: pcs, or unchanged", "pcs"),
            C("purchase_unit", "Buying unit name (box, roll); with purchase_factor", ""),
            C("purchase_factor", "Stock units in one purchase unit", ""),
            C("default_supplier", "Supplier code (must exist)", ""),
            C("lead_time_days", "Purchase lead time in whole days", "0"),
            C("min_order_qty", "Minimum order quantity, stock unit", "0"),
            C("order_multiple", "Order in multiples of this, stock unit", "0"),
            C("reorder_point", "Reorder point, stock unit", "0"),
            C("safety_stock", "Safety stock, stock unit", "0"),
            C("batch_tracked", YES_NO, "no"),
            C("allow_negative_stock", YES_NO, "no"),
            C("sales_price", "Price per stock unit", "450"),
            C("standard_cost", "Cost used before any stock has a cost", ""),
            C("variant_of", "Template SKU (existing, or on an earlier row)", ""),
            C("valuation", "average or fifo; empty: average, or unchanged", "average"),
        ),
        ("average_cost", "last_purchase_price"),
    ),
    Kind.BOMS: Layout(
        Kind.BOMS,
        "One row per BOM line. The lines of each parent in the file replace its whole BOM.",
        (
            C("parent_sku", "The made item (product or subassembly)", "TABLE", True),
            C("component_sku", "What goes into it", "LEG", True),
            C("quantity", "Per one unit of the parent, in unit", "4", True),
            C("unit", "Unit of quantity; empty: the component's unit", "pcs"),
            C("wastage_pct", "Wastage in % (0-999); empty: 0", "5"),
        ),
    ),
    Kind.ROUTINGS: Layout(
        Kind.ROUTINGS,
        "One row per operation. The operations of each item in the file replace its routing.",
        (
            C("item_sku", "The made item", "TABLE", True),
            C("sequence", "Order of the operation (whole number, unique per item)", "10", True),
            C("name", "Operation name", "Assemble", True),
            C("workstation", "Workstation code (must exist)", "ASSY", True),
            C("setup_minutes", "Once per order; empty: 0", "10"),
            C("run_minutes", "Per unit; empty: 0", "45"),
            C("cost_per_hour", "Overrides the workstation's rate; empty: its rate", ""),
        ),
    ),
    Kind.STOCK: Layout(
        Kind.STOCK,
        "A stocktake: one row per item, location and batch counted. The difference to the "
        "books is posted as one stocktake document.",
        (
            C("sku", "Item counted", "OAK", True),
            C("location", "Location code; empty: MAIN", "MAIN"),
            C("batch", "Batch (only and always for batch-tracked items)", ""),
            C("counted", "Quantity physically there, stock unit", "120.5", True),
            C(
                "unit_cost",
                "Cost of each unit found above the books; empty: the item's current cost",
                "",
            ),
        ),
        ("name", "unit", "average_cost"),
    ),
    Kind.SALES: Layout(
        Kind.SALES,
        "Open sales orders: one row per line; rows with the same order_ref form one order "
        "(numbered SO-... on import, keeping order_ref as its reference) for what is still to "
        "deliver. An order_ref the customer already has on an order is refused.",
        (
            C(
                "order_ref",
                "The customer's reference for the order (e.g. their PO number, at most 64 "
                "characters), grouping its lines",
                "WEB-1001",
                True,
            ),
            C("customer", "Customer code (must exist)", "HOTEL", True),
            C("delivery_date", "YYYY-MM-DD", "2030-03-01", True),
            C("sku", "Item sold (a product or subassembly)", "TABLE", True),
            C("quantity", "Stock unit", "2", True),
            C("unit_price", "Empty: the item's sales price", "450"),
            C("status", "open, partly delivered (imported as open) or quote; empty: open", ""),
            C("shipped", "Already delivered: the line is imported for quantity - shipped", ""),
        ),
        ("line", "material_status", "number"),
    ),
    Kind.PURCHASES: Layout(
        Kind.PURCHASES,
        "Open purchase orders: one row per line; rows with the same order_ref form one order "
        "(numbered PO-... on import, keeping order_ref as its reference) for what is still to "
        "arrive. An order_ref the supplier already has on an order is refused.",
        (
            C(
                "order_ref",
                "The supplier's (or your requisition's) reference for the order, at most 64 "
                "characters, grouping its lines",
                "PO-TIMBER-7",
                True,
            ),
            C("supplier", "Supplier code (must exist)", "TIMBER", True),
            C("expected_date", "YYYY-MM-DD; empty: today + the supplier's lead time", ""),
            C("location", "Receiving location; empty: MAIN", "MAIN"),
            C("sku", "Material bought", "OAK", True),
            C("quantity", "In unit", "100", True),
            C("unit", "The item's purchase unit or stock unit; empty: its purchase unit", ""),
            C("unit_price", "Per unit; empty: the last purchase price", "4.20"),
            C("status", "open or partly received (imported as open); empty: open", ""),
            C("received", "Already received: the line is imported for quantity - received", ""),
        ),
        ("line", "number"),
    ),
    Kind.LEDGER: Layout(
        Kind.LEDGER,
        "Stock ledger entries, newest first (export only).",
        tuple(
            C(n, "")
            for n in (
                "at",
                "document",
                "sku",
                "location",
                "batch",
                "quantity",
                "unit_cost",
                "reason",
                "note",
                "user",
            )
        ),
    ),
    Kind.MOS: Layout(
        Kind.MOS,
        "Manufacturing orders as on the Make list (export only).",
        tuple(
            C(n, "")
            for n in (
                "number",
                "rank",
                "item",
                "quantity",
                "completed",
                "customer",
                "sales_line",
                "due_date",
                "production_minutes",
                "status",
                "material_status",
                "late",
                "blocked_reason",
            )
        ),
    ),
}


def layout(kind: Kind) -> Layout:
    return LAYOUTS[kind]


def help_sheet(kinds: tuple[Kind, ...]) -> Sheet:
    """What each column means, one row per column (the "help" sheet of an XLSX template)."""
    rows: list[tuple[str, str, str, str, str]] = []
    for kind in kinds:
        lay = LAYOUTS[kind]
        rows.append((kind.value, "", "", "", lay.description))
        for col in lay.columns:
            rows.append(
                (kind.value, col.name, "yes" if col.required else "", col.example, col.help)
            )
        for name in lay.extra:
            rows.append((kind.value, name, "", "", "written by export, ignored by import"))
    return Sheet("help", ("sheet", "column", "required", "example", "meaning"), rows)


def template(kind: Kind, fmt: Format) -> bytes:
    """A blank file to fill in: the header row; in XLSX also a "help" sheet with an example.

    The example lives on the help sheet, never on the data sheet, so importing an untouched
    template imports nothing. A workbook template has one sheet per master-data kind (XLSX only).
    """
    kinds: tuple[Kind, ...]
    if kind is Kind.WORKBOOK:
        if fmt is not Format.XLSX:
            raise KindError("a workbook template is XLSX only", field="format")
        kinds = MASTER_DATA
    elif kind in IMPORTABLE:
        kinds = (kind,)
    else:
        raise KindError(f"{kind} is export only: it has no import template", field="kind")
    sheets = [Sheet(k.value, LAYOUTS[k].names, []) for k in kinds]
    if fmt is Format.XLSX:
        sheets.append(help_sheet(kinds))
    return write(sheets, fmt)
