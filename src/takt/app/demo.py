"""The demo factory: a small furniture maker, loaded through the ordinary use cases.

Oakline Furniture makes dining tables, chairs, a bookshelf, a desk and a nightstand from oak,
walnut and birch plywood. Everything goes in through ``takt.app.catalog`` and ``takt.app.stock``,
so the demo obeys the same rules as a user's own data (units convert, BOMs are checked for cycles,
receipts update the moving-average cost). The content is fixed: loading it twice into two empty
databases gives the same items, recipes, balances and costs (only the ledger's timestamps differ).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from takt.app import catalog, purchasing, sales, stock
from takt.app import manufacturing as mfg
from takt.app.ports import UnitOfWorkFactory
from takt.app.settings import SettingsChange, update_settings
from takt.app.tasks import TaskAction, TaskCommand, act_on_task
from takt.domain.bom import Bom, BomLine
from takt.domain.items import Item, ItemKind
from takt.domain.locations import Location
from takt.domain.partners import Customer, Supplier
from takt.domain.routing import Operation, Routing
from takt.domain.units import PurchaseUnit
from takt.domain.workstations import Operator, Shift, WorkCalendar, Workstation, standard_week

USER = "demo"
MAIN = "MAIN"
SHOP = "SHOP"

PLANT_HOLIDAYS = frozenset({date(2026, 12, 24), date(2026, 12, 25), date(2027, 1, 1)})
"""Whole days the plant is closed; every workstation shares them."""

D = Decimal

COMPANY_SETTINGS = SettingsChange(
    allow_over_receipt=False, overhead_pct=D("12"), overhead_per_hour=D("18")
)
"""Factory overhead (rent, power, supervision) at 12 % of material cost plus 18 per labour hour,
beside workstation rates of 32-85 an hour; a delivery above the order is refused."""


def load_demo(uows: UnitOfWorkFactory, today: date | None = None) -> bool:
    """Loads the demo factory into an empty database; False (and nothing written) if it has data.

    "Has data" means any item, location, supplier or workstation: the demo's codes would clash.
    Each record goes through its use case in its own unit of work, so a rule the demo broke would
    stop the load with the use case's ``DomainError`` at the first offending record, leaving what
    was loaded before it (``takt demo --reset`` starts again).

    The order book's dates are relative to ``today`` (default: the real today), so the demo
    always shows a current plan: orders due over the coming six weeks, a few already late.
    """
    with uows(read_only=True) as uow:
        if (
            uow.items.list()
            or uow.locations.list()
            or uow.locations.suppliers()
            or uow.resources.workstations()
        ):
            return False
    # Records are built afresh on every load: the use cases write their ids into them.
    for location in _locations():
        catalog.add_location(location, uows())
    for supplier in _suppliers():
        catalog.add_supplier(supplier, uows())
    for workstation in _workstations():
        catalog.add_workstation(workstation, uows())
    for operator in _operators():
        catalog.add_operator(operator, uows())
    # Templates before their variants, components before the BOMs that use them.
    for item in sorted(_items(), key=lambda i: i.variant_of is not None):
        catalog.add_item(item, uows())
    for bom in BOMS:
        catalog.set_bom(bom, uows())
    for routing in ROUTINGS:
        catalog.set_routing(routing, uows())
    # Before anything is made, so the finished goods' costs carry their overhead too.
    update_settings(COMPANY_SETTINGS, uows())
    for posting in OPENING_STOCK:
        posting.post(uows)
    _order_book(uows, today or date.today())
    return True


# ---------------------------------------------------------------- places, suppliers, people


def _locations() -> list[Location]:
    return [Location(MAIN, "Main warehouse"), Location(SHOP, "Shop floor")]


SUPPLIERS = {
    # code: (name, lead time in days)
    "BERGER": ("Berger Holz & Platten (timber, plywood)", 10),
    "FITTINGS": ("Beschlag24 (screws, hinges, runners)", 5),
    "FINISHES": ("Lackwerk Sued (glue, lacquer, oil, abrasives)", 7),
    "PACKAGING": ("Kartonagen Weiss (cartons, foam)", 3),
}


def _suppliers() -> list[Supplier]:
    return [Supplier(code, name, days) for code, (name, days) in SUPPLIERS.items()]


def _workstations() -> list[Workstation]:
    day = standard_week()  # Mon-Fri 07:00-15:30
    two_shifts = tuple(
        shift
        for weekday in range(5)
        for shift in (Shift(weekday, time(6), time(14)), Shift(weekday, time(14), time(22)))
    )
    # The glue press also cures overnight, Mon-Thu 22:00-06:00 (each belongs to the day it starts).
    day_and_night = day + tuple(Shift(weekday, time(22), time(6)) for weekday in range(4))

    def ws(
        code: str, name: str, rate: str, units: int = 1, shifts: tuple[Shift, ...] = day
    ) -> Workstation:
        return Workstation(code, name, D(rate), units, WorkCalendar(shifts, PLANT_HOLIDAYS))

    return [
        ws("SAW", "Panel saw and cross-cut", "42"),
        ws("CNC", "CNC router", "85", shifts=two_shifts),
        ws("EDGE", "Edge bander", "55"),
        ws("GLUE", "Glue press and clamping", "36", shifts=day_and_night),
        ws("SAND", "Sanding station", "38", units=2),
        ws("ASSEMBLY", "Assembly bench", "40", units=3),
        ws("FINISH", "Finishing booth (spray and oil)", "48", units=2),
        ws("PACK", "Packing station", "32"),
    ]


def _operators() -> list[Operator]:
    return [
        Operator("ANNA", "Anna Keller", frozenset({"SAW", "CNC"})),
        Operator("BEN", "Ben Okafor", frozenset({"CNC", "EDGE", "SAW"})),
        Operator("CARLA", "Carla Rossi", frozenset({"SAND", "FINISH"})),
        Operator("DAVID", "David Novak", frozenset({"GLUE", "ASSEMBLY"})),
        Operator("EMMA", "Emma Lindqvist", frozenset({"ASSEMBLY", "PACK", "SAND"})),
    ]


# ---------------------------------------------------------------- items


@dataclass(frozen=True, slots=True)
class _Material:
    """A bought item with its purchasing settings (stock-unit prices and quantities)."""

    sku: str
    name: str
    unit: str
    supplier: str
    price: str  # last purchase price per stock unit
    standard: str  # standard cost per stock unit
    moq: str = "0"
    multiple: str = "0"
    reorder: str = "0"
    safety: str = "0"
    buy_as: tuple[str, str] | None = None  # purchase unit: (name, stock units in one)
    batch: bool = False


# fmt: off
MATERIALS = (
    # Timber and panels
    _Material("OAK-BOARD", "Oak board 27 x 200 mm, FSC", "m", "BERGER", "14.80", "14.50", "20", "10", "80", "40"),
    _Material("OAK-SQUARE", "Oak square 60 x 60 mm", "m", "BERGER", "18.20", "18", "10", "5", "30", "15"),
    _Material("WALNUT-BOARD", "Walnut board 27 x 200 mm", "m", "BERGER", "32.50", "32", "10", "5", "25", "10"),
    _Material("PLY-18", "Birch plywood 18 mm", "m2", "BERGER", "24.40", "24", "6.25", "3.125", "12.5", "6.25", ("sheet 2500 x 1250", "3.125")),
    _Material("PLY-12", "Birch plywood 12 mm", "m2", "BERGER", "18.60", "18.50", "6.25", "3.125", "9.375", "3.125", ("sheet 2500 x 1250", "3.125")),
    _Material("MDF-6", "MDF back panel 6 mm, white", "m2", "BERGER", "6.20", "6", "5.796", "2.898", "8", "2.898", ("sheet 2070 x 1400", "2.898")),
    # Fittings
    _Material("STEEL-LEG", "Steel table leg 72 cm, black", "pcs", "FITTINGS", "38", "38", "8", "4", "8", "4"),
    _Material("SCREW-4x40", "Wood screw 4 x 40 mm", "pcs", "FITTINGS", "0.045", "0.05", "1000", "100", "1500", "500", ("box of 100", "100")),
    _Material("SCREW-4x16", "Wood screw 4 x 16 mm", "pcs", "FITTINGS", "0.03", "0.03", "1000", "200", "1000", "400", ("box of 200", "200")),
    _Material("DOWEL-8", "Beech dowel 8 x 40 mm", "pcs", "FITTINGS", "0.02", "0.02", "1000", "500", "1000", "500", ("bag of 500", "500")),
    _Material("BOLT-M6x60", "Hanger bolt M6 x 60 mm with nut", "pcs", "FITTINGS", "0.40", "0.40", "100", "50", "80", "40", ("bag of 50", "50")),
    _Material("HINGE-35", "Concealed hinge 35 mm, soft close", "pcs", "FITTINGS", "1.90", "1.95", "20", "10", "20", "10"),
    _Material("RUNNER-450", "Drawer runners 450 mm, full extension", "pair", "FITTINGS", "9.80", "10", "10", "5", "10", "5"),
    _Material("HANDLE-BRASS", "Brass knob 30 mm", "pcs", "FITTINGS", "4.20", "4.20", "20", "10", "15", "10"),
    _Material("SHELF-PIN", "Shelf support pin 5 mm", "pcs", "FITTINGS", "0.05", "0.05", "500", "100", "200", "100", ("bag of 100", "100")),
    _Material("FELT-PAD", "Felt pad 25 mm, self-adhesive", "pcs", "FITTINGS", "0.06", "0.06", "500", "100", "200", "100", ("bag of 100", "100")),
    _Material("EDGE-BAND", "Oak edge banding 22 mm", "m", "FITTINGS", "0.60", "0.60", "50", "50", "40", "20", ("roll of 50 m", "50")),
    # Finishes and abrasives
    _Material("GLUE-PVA", "PVA wood glue D3", "l", "FINISHES", "6.90", "6.80", "10", "5", "8", "5", ("canister 5 l", "5"), batch=True),
    _Material("VARNISH-MATT", "Water-based lacquer, matt", "l", "FINISHES", "18.90", "18.50", "10", "5", "15", "10", ("can 5 l", "5"), batch=True),
    _Material("OIL-HARDWAX", "Hardwax oil, natural", "l", "FINISHES", "42", "42", "2.5", "2.5", "3", "2.5", ("tin 2.5 l", "2.5"), batch=True),
    _Material("SANDPAPER-120", "Sanding disc P120, 150 mm", "pcs", "FINISHES", "0.38", "0.40", "100", "50", "80", "50", ("box of 50", "50")),
    _Material("SANDPAPER-240", "Sanding disc P240, 150 mm", "pcs", "FINISHES", "0.42", "0.45", "100", "50", "80", "50", ("box of 50", "50")),
    # Packaging
    _Material("BOX-L", "Carton 2000 x 1000 x 120 mm", "pcs", "PACKAGING", "9.50", "9.50", "20", "10", "10", "5"),
    _Material("BOX-M", "Carton 900 x 550 x 500 mm", "pcs", "PACKAGING", "3.20", "3.20", "25", "25", "20", "10"),
    _Material("BOX-S", "Carton 600 x 500 x 300 mm", "pcs", "PACKAGING", "2.40", "2.40", "25", "25", "10", "5"),
    _Material("FOAM-WRAP", "Foam wrap 3 mm, 1 m wide", "m", "PACKAGING", "0.35", "0.35", "100", "100", "60", "30", ("roll of 100 m", "100")),
)
# fmt: on


def _material(m: _Material) -> Item:
    return Item(
        sku=m.sku,
        name=m.name,
        kind=ItemKind.MATERIAL,
        unit=m.unit,
        purchase_unit=PurchaseUnit(m.buy_as[0], D(m.buy_as[1])) if m.buy_as else None,
        default_supplier=m.supplier,
        lead_time_days=SUPPLIERS[m.supplier][1],
        min_order_qty=D(m.moq),
        order_multiple=D(m.multiple),
        reorder_point=D(m.reorder),
        safety_stock=D(m.safety),
        batch_tracked=m.batch,
        standard_cost=D(m.standard),
        last_purchase_price=D(m.price),
    )


def _made(
    sku: str,
    name: str,
    kind: ItemKind = ItemKind.SUBASSEMBLY,
    price: str | None = None,
    safety: str = "0",
    variant_of: str | None = None,
    **attributes: str,
) -> Item:
    return Item(
        sku=sku,
        name=name,
        kind=kind,
        safety_stock=D(safety),
        sales_price=D(price) if price is not None else None,
        variant_of=variant_of,
        variant_attributes=dict(attributes),
    )


P = ItemKind.PRODUCT
# fmt: off
MADE = (
    # Subassemblies
    _made("TOP-OAK-180", "Oak table top 180 x 90 cm, glued"),
    _made("APRON-OAK-180", "Oak apron frame for 180 cm table"),
    _made("LEG-SET-OAK", "Set of 4 oak legs 72 cm, bolted", safety="2"),
    _made("TABLE-FRAME-OAK", "Oak table frame (apron and legs)"),
    _made("TOP-WALNUT-200", "Walnut table top 200 x 100 cm, glued"),
    _made("CHAIR-FRAME-OAK", "Oak chair frame"),
    _made("SEAT-OAK", "Oak chair seat, shaped"),
    _made("SIDE-OAK-180", "Oak bookshelf side 180 x 30 cm"),
    _made("SHELF-OAK-80", "Oak shelf 80 x 30 cm"),
    _made("DRAWER-450", "Drawer box 450 mm with oak front"),
    _made("DESK-TOP-140", "Desk top 140 x 70 cm, oak-edged plywood"),
    _made("CARCASS-NS", "Nightstand carcass, plywood"),
    _made("DOOR-NS", "Nightstand door, oak"),
    # Products (templates first; variants share their template's BOM and routing)
    _made("TABLE-OAK", "Dining table oak 180 x 90, natural", P, "1290", "1", finish="natural"),
    _made("TABLE-OAK-WHITE", "Dining table oak 180 x 90, white wash", P, "1340", variant_of="TABLE-OAK", finish="white wash"),
    _made("TABLE-WALNUT", "Dining table walnut 200 x 100, steel legs", P, "2190"),
    _made("CHAIR-OAK", "Dining chair oak, natural", P, "445", "4", finish="natural"),
    _made("CHAIR-OAK-BLACK", "Dining chair oak, black stained", P, "465", variant_of="CHAIR-OAK", finish="black"),
    _made("BOOKSHELF-OAK", "Bookshelf oak 180 x 85 cm", P, "990"),
    _made("DESK-OAK", "Desk oak 140 x 70 cm with drawer", P, "840"),
    _made("NIGHTSTAND-OAK", "Nightstand oak with drawer and door", P, "490"),
)
# fmt: on


def _items() -> list[Item]:
    return [*map(_material, MATERIALS), *MADE]


# ---------------------------------------------------------------- recipes


def _bom(item: str, *lines: tuple[str, str, str] | tuple[str, str, str, str]) -> Bom:
    """A BOM from (component, quantity, unit[, wastage %]) rows."""
    return Bom(item, tuple(BomLine(c, D(q), u, D(w[0] if w else "0")) for c, q, u, *w in lines))


# Wood lines carry wastage for saw kerf and defects; board lines are in cm, glue and finish in ml.
# fmt: off
BOMS = (
    _bom("TOP-OAK-180", ("OAK-BOARD", "900", "cm", "12"), ("DOWEL-8", "16", "pcs"), ("GLUE-PVA", "120", "ml"), ("SANDPAPER-120", "3", "pcs"), ("SANDPAPER-240", "2", "pcs")),
    _bom("APRON-OAK-180", ("OAK-BOARD", "460", "cm", "10"), ("DOWEL-8", "8", "pcs"), ("GLUE-PVA", "40", "ml"), ("SCREW-4x40", "8", "pcs")),
    _bom("LEG-SET-OAK", ("OAK-SQUARE", "300", "cm", "8"), ("BOLT-M6x60", "4", "pcs"), ("SANDPAPER-120", "1", "pcs")),
    _bom("TABLE-FRAME-OAK", ("APRON-OAK-180", "1", "pcs"), ("LEG-SET-OAK", "1", "pcs"), ("SCREW-4x40", "8", "pcs"), ("GLUE-PVA", "20", "ml")),
    _bom("TABLE-OAK", ("TOP-OAK-180", "1", "pcs"), ("TABLE-FRAME-OAK", "1", "pcs"), ("SCREW-4x40", "12", "pcs"), ("VARNISH-MATT", "450", "ml", "5"), ("FELT-PAD", "4", "pcs"), ("BOX-L", "1", "pcs"), ("FOAM-WRAP", "6", "m")),
    _bom("TOP-WALNUT-200", ("WALNUT-BOARD", "1100", "cm", "15"), ("DOWEL-8", "20", "pcs"), ("GLUE-PVA", "150", "ml"), ("SANDPAPER-120", "4", "pcs"), ("SANDPAPER-240", "3", "pcs")),
    _bom("TABLE-WALNUT", ("TOP-WALNUT-200", "1", "pcs"), ("STEEL-LEG", "4", "pcs"), ("SCREW-4x40", "16", "pcs"), ("OIL-HARDWAX", "300", "ml", "5"), ("FELT-PAD", "4", "pcs"), ("BOX-L", "1", "pcs"), ("FOAM-WRAP", "6", "m")),
    _bom("CHAIR-FRAME-OAK", ("OAK-SQUARE", "320", "cm", "10"), ("OAK-BOARD", "150", "cm", "10"), ("DOWEL-8", "12", "pcs"), ("GLUE-PVA", "35", "ml")),
    _bom("SEAT-OAK", ("OAK-BOARD", "180", "cm", "12"), ("DOWEL-8", "4", "pcs"), ("GLUE-PVA", "15", "ml"), ("SANDPAPER-120", "1", "pcs")),
    _bom("CHAIR-OAK", ("CHAIR-FRAME-OAK", "1", "pcs"), ("SEAT-OAK", "1", "pcs"), ("SCREW-4x40", "6", "pcs"), ("VARNISH-MATT", "180", "ml", "5"), ("SANDPAPER-240", "1", "pcs"), ("FELT-PAD", "4", "pcs"), ("BOX-M", "1", "pcs")),
    _bom("SIDE-OAK-180", ("OAK-BOARD", "360", "cm", "8"), ("DOWEL-8", "4", "pcs"), ("GLUE-PVA", "20", "ml")),
    _bom("SHELF-OAK-80", ("OAK-BOARD", "160", "cm", "8"), ("DOWEL-8", "2", "pcs"), ("GLUE-PVA", "10", "ml")),
    _bom("BOOKSHELF-OAK", ("SIDE-OAK-180", "2", "pcs"), ("SHELF-OAK-80", "5", "pcs"), ("MDF-6", "15300", "cm2", "5"), ("SHELF-PIN", "12", "pcs"), ("SCREW-4x16", "24", "pcs"), ("VARNISH-MATT", "600", "ml", "5"), ("BOX-L", "1", "pcs"), ("FOAM-WRAP", "4", "m")),
    _bom("DRAWER-450", ("PLY-12", "2400", "cm2", "10"), ("MDF-6", "1600", "cm2", "5"), ("OAK-BOARD", "50", "cm", "10"), ("RUNNER-450", "1", "pair"), ("HANDLE-BRASS", "1", "pcs"), ("SCREW-4x16", "12", "pcs"), ("GLUE-PVA", "15", "ml")),
    _bom("DESK-TOP-140", ("PLY-18", "9800", "cm2", "10"), ("EDGE-BAND", "430", "cm", "5"), ("GLUE-PVA", "30", "ml")),
    _bom("DESK-OAK", ("DESK-TOP-140", "1", "pcs"), ("LEG-SET-OAK", "1", "pcs"), ("DRAWER-450", "1", "pcs"), ("SCREW-4x40", "12", "pcs"), ("VARNISH-MATT", "250", "ml", "5"), ("FELT-PAD", "4", "pcs"), ("BOX-L", "1", "pcs"), ("FOAM-WRAP", "5", "m")),
    _bom("CARCASS-NS", ("PLY-18", "9000", "cm2", "10"), ("EDGE-BAND", "300", "cm", "5"), ("SCREW-4x40", "16", "pcs"), ("DOWEL-8", "8", "pcs"), ("GLUE-PVA", "25", "ml")),
    _bom("DOOR-NS", ("OAK-BOARD", "120", "cm", "12"), ("DOWEL-8", "4", "pcs"), ("GLUE-PVA", "10", "ml")),
    _bom("NIGHTSTAND-OAK", ("CARCASS-NS", "1", "pcs"), ("DRAWER-450", "1", "pcs"), ("DOOR-NS", "1", "pcs"), ("HINGE-35", "2", "pcs"), ("HANDLE-BRASS", "1", "pcs"), ("VARNISH-MATT", "200", "ml", "5"), ("FELT-PAD", "4", "pcs"), ("BOX-S", "1", "pcs")),
)
# fmt: on


def _routing(item: str, *ops: tuple[str, str, str, str]) -> Routing:
    """A routing from (operation, workstation, setup minutes, run minutes per unit), by tens."""
    return Routing(
        item,
        tuple(
            Operation((n + 1) * 10, name, ws, D(setup), D(run))
            for n, (name, ws, setup, run) in enumerate(ops)
        ),
    )


# fmt: off
ROUTINGS = (
    _routing("TOP-OAK-180", ("Cut boards to length", "SAW", "15", "12"), ("Glue up panel", "GLUE", "10", "25"), ("CNC trim and edge profile", "CNC", "20", "18"), ("Sand P120/P240", "SAND", "5", "30")),
    _routing("APRON-OAK-180", ("Cut rails", "SAW", "10", "8"), ("CNC mortises", "CNC", "20", "6"), ("Glue and clamp frame", "GLUE", "5", "15")),
    _routing("LEG-SET-OAK", ("Cut legs", "SAW", "10", "6"), ("CNC taper and drill", "CNC", "25", "10"), ("Sand legs", "SAND", "5", "12")),
    _routing("TABLE-FRAME-OAK", ("Bolt legs to apron", "ASSEMBLY", "5", "20")),
    _routing("TABLE-OAK", ("Fix top to frame", "ASSEMBLY", "10", "25"), ("Lacquer two coats", "FINISH", "20", "40"), ("Pack", "PACK", "5", "20")),
    _routing("TOP-WALNUT-200", ("Cut boards to length", "SAW", "15", "14"), ("Glue up panel", "GLUE", "10", "30"), ("CNC trim and edge profile", "CNC", "20", "20"), ("Sand P120/P240", "SAND", "5", "35")),
    _routing("TABLE-WALNUT", ("Mount steel legs", "ASSEMBLY", "10", "20"), ("Oil two coats", "FINISH", "15", "45"), ("Pack", "PACK", "5", "20")),
    _routing("CHAIR-FRAME-OAK", ("Cut parts", "SAW", "10", "8"), ("CNC joints", "CNC", "30", "12"), ("Glue and clamp", "GLUE", "5", "15"), ("Sand frame", "SAND", "5", "15")),
    _routing("SEAT-OAK", ("Cut and glue blank", "GLUE", "10", "10"), ("CNC shape seat", "CNC", "15", "9"), ("Sand seat", "SAND", "5", "10")),
    _routing("CHAIR-OAK", ("Fit seat to frame", "ASSEMBLY", "5", "15"), ("Lacquer", "FINISH", "15", "20"), ("Pack", "PACK", "5", "8")),
    _routing("SIDE-OAK-180", ("Cut boards", "SAW", "10", "6"), ("Glue up side", "GLUE", "5", "12"), ("CNC shelf-pin holes", "CNC", "15", "8"), ("Sand side", "SAND", "5", "10")),
    _routing("SHELF-OAK-80", ("Cut boards", "SAW", "10", "4"), ("Glue up shelf", "GLUE", "5", "8"), ("Sand shelf", "SAND", "5", "6")),
    _routing("BOOKSHELF-OAK", ("Assemble carcass and back", "ASSEMBLY", "10", "35"), ("Lacquer", "FINISH", "20", "45"), ("Pack flat", "PACK", "5", "20")),
    _routing("DRAWER-450", ("Cut plywood parts", "SAW", "10", "8"), ("CNC grooves and front", "CNC", "20", "10"), ("Assemble drawer and runners", "ASSEMBLY", "5", "20")),
    _routing("DESK-TOP-140", ("Cut to size", "SAW", "10", "6"), ("Edge band", "EDGE", "15", "8"), ("Sand top", "SAND", "5", "12")),
    _routing("DESK-OAK", ("Assemble desk", "ASSEMBLY", "10", "30"), ("Lacquer", "FINISH", "20", "35"), ("Pack", "PACK", "5", "15")),
    _routing("CARCASS-NS", ("Cut panels", "SAW", "10", "10"), ("Edge band", "EDGE", "15", "8"), ("CNC drill and dowel holes", "CNC", "20", "8"), ("Assemble carcass", "ASSEMBLY", "5", "20")),
    _routing("DOOR-NS", ("Cut and glue door", "GLUE", "10", "12"), ("CNC hinge cups", "CNC", "15", "5"), ("Sand door", "SAND", "5", "8")),
    _routing("NIGHTSTAND-OAK", ("Fit drawer, door and hinges", "ASSEMBLY", "10", "25"), ("Lacquer", "FINISH", "15", "30"), ("Pack", "PACK", "5", "10")),
)
# fmt: on


# ---------------------------------------------------------------- opening stock


@dataclass(frozen=True, slots=True)
class _Receipt:
    sku: str
    quantity: str
    unit_cost: str
    location: str = MAIN
    batch: str = ""

    def post(self, uows: UnitOfWorkFactory) -> None:
        cmd = stock.Receive(
            self.sku,
            D(self.quantity),
            D(self.unit_cost),
            self.location,
            self.batch,
            note="opening balance",
            user=USER,
        )
        stock.receive(cmd, uows())


@dataclass(frozen=True, slots=True)
class _Transfer:
    sku: str
    quantity: str
    batch: str = ""

    def post(self, uows: UnitOfWorkFactory) -> None:
        cmd = stock.Transfer(
            self.sku,
            D(self.quantity),
            MAIN,
            SHOP,
            self.batch,
            note="issue to shop floor",
            user=USER,
        )
        stock.transfer(cmd, uows())


# Two receipts at different prices for some items, so the moving average is visible; a few
# transfers put the working stock on the shop floor. Made items: finished goods from before.
# fmt: off
OPENING_STOCK: tuple[_Receipt | _Transfer, ...] = (
    _Receipt("OAK-BOARD", "120", "14.20"),
    _Receipt("OAK-BOARD", "80", "15.10"),
    _Transfer("OAK-BOARD", "30"),
    _Receipt("OAK-SQUARE", "40", "17.80"),
    _Receipt("OAK-SQUARE", "25", "18.60"),
    _Transfer("OAK-SQUARE", "12"),
    _Receipt("WALNUT-BOARD", "45", "32.50"),
    _Receipt("PLY-18", "18.75", "24.40"),
    _Receipt("PLY-12", "12.5", "18.20"),
    _Receipt("PLY-12", "6.25", "19"),
    _Receipt("MDF-6", "11.592", "6.20"),
    _Receipt("SCREW-4x40", "2000", "0.045"),
    _Receipt("SCREW-4x40", "1000", "0.048"),
    _Transfer("SCREW-4x40", "400"),
    _Receipt("SCREW-4x16", "1200", "0.03"),
    _Receipt("DOWEL-8", "2000", "0.02"),
    _Transfer("DOWEL-8", "500"),
    _Receipt("BOLT-M6x60", "150", "0.40"),
    _Receipt("HINGE-35", "30", "1.90"),
    _Receipt("RUNNER-450", "12", "9.80"),
    _Receipt("HANDLE-BRASS", "40", "4.20"),
    _Receipt("SHELF-PIN", "300", "0.05"),
    _Receipt("FELT-PAD", "400", "0.06"),
    _Receipt("EDGE-BAND", "100", "0.60"),
    _Receipt("GLUE-PVA", "10", "6.60", batch="GLU-2609-A"),
    _Receipt("GLUE-PVA", "15", "7.00", batch="GLU-2611-B"),
    _Transfer("GLUE-PVA", "5", batch="GLU-2609-A"),
    _Receipt("VARNISH-MATT", "20", "18.20", batch="VAR-2610-A"),
    _Receipt("VARNISH-MATT", "25", "18.90", batch="VAR-2611-A"),
    _Transfer("VARNISH-MATT", "5", batch="VAR-2610-A"),
    _Receipt("OIL-HARDWAX", "5", "41.50", batch="OIL-2608-A"),
    _Receipt("SANDPAPER-120", "200", "0.38"),
    _Receipt("SANDPAPER-240", "150", "0.42"),
    _Transfer("SANDPAPER-120", "50"),
    _Receipt("BOX-L", "15", "9.50"),
    _Receipt("BOX-M", "30", "3.20"),
    _Receipt("BOX-S", "10", "2.40"),
    _Receipt("FOAM-WRAP", "200", "0.35"),
    # STEEL-LEG has none yet: the walnut table's cost is an estimate from the last purchase price.
    _Receipt("LEG-SET-OAK", "3", "90.60", location=SHOP),
    _Receipt("TABLE-OAK", "2", "508.90"),
    _Receipt("CHAIR-OAK", "6", "231.40"),
)
# fmt: on


# ---------------------------------------------------------------- the order book

CUSTOMERS = {
    "HOTEL-ADLER": "Hotel Adler, Lindau",
    "CAFE-LINDE": "Café Linde",
    "STUDIO-NORD": "Studio Nord Architekten",
    "KRAUSE": "Möbelhaus Krause",
    "OFFICEPRO": "OfficePro Einrichtungen GmbH",
    "WEBSHOP": "Web shop (private customers)",
}


class _ShopClock:
    """Stamps shop-floor events at a set time; ``at`` moves it (events must not go backwards)."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.now = datetime.combine(today - timedelta(days=20), time(7), tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: int, hour: int, minute: int = 0) -> _ShopClock:
        self.now = datetime.combine(self.today + timedelta(days=day), time(hour, minute), UTC)
        return self


class _Book:
    """Writes the order book through the use cases, one transaction per action."""

    def __init__(self, uows: UnitOfWorkFactory, today: date) -> None:
        self.uows = uows
        self.today = today
        self.clock = _ShopClock(today)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def so(self, customer: str, offset: int, *lines: tuple[str, str], quote: bool = False) -> str:
        cmd = sales.NewSalesOrder(
            customer,
            self.day(offset),
            tuple(sales.SalesLineInput(sku, D(qty)) for sku, qty in lines),
            quote=quote,
        )
        return sales.create_sales_order(cmd, self.uows()).number

    def ship(self, number: str, line: int, qty: str) -> None:
        sales.ship(sales.Ship(number, line, D(qty), user=USER), self.uows())

    def po(self, supplier: str, offset: int, *lines: tuple[str, str]) -> str:
        cmd = purchasing.NewPurchaseOrder(
            supplier,
            tuple(purchasing.PurchaseLineInput(sku, D(qty)) for sku, qty in lines),
            self.day(offset),
        )
        return purchasing.create_purchase_order(cmd, self.uows()).number

    def receive(self, number: str, line: int, qty: str, batch: str = "") -> None:
        cmd = purchasing.ReceivePurchase(number, line, D(qty), batch, user=USER)
        purchasing.receive_purchase(cmd, self.uows())

    def mo(self, sku: str, qty: str, due: int) -> str:
        return mfg.create_mo(mfg.NewMO(sku, D(qty), self.day(due)), self.uows()).number

    def mto(self, number: str, line: int) -> str:
        return mfg.create_mo_for_sales_line(number, line, self.uows()).number

    def complete(self, number: str, good: str) -> None:
        mfg.complete(mfg.Complete(number, D(good), user=USER), self.uows())

    def task(
        self,
        number: str,
        seq: int,
        action: TaskAction,
        operator: str | None = None,
        done: str = "0",
        reason: str = "",
    ) -> None:
        cmd = TaskCommand(number, seq, action, USER, operator, quantity_done=D(done), reason=reason)
        act_on_task(cmd, self.uows(), self.clock)

    def run(self, number: str, seq: int, operator: str, day: int, start: int, minutes: int) -> None:
        """Task ``seq`` started at ``start`` o'clock on ``day`` and finished ``minutes`` later."""
        self.clock.at(day, start)
        self.task(number, seq, TaskAction.START, operator)
        self.clock.now += timedelta(minutes=minutes)
        self.task(number, seq, TaskAction.FINISH, done="1")

    def made(self, sku: str, qty: str, due: int, crew: tuple[tuple[int, str, int], ...]) -> str:
        """An MO made in the past: every task run by ``crew`` (seq, operator, minutes), then
        completed in full."""
        number = self.mo(sku, qty, due)
        for seq, operator, minutes in crew:
            self.run(number, seq, operator, due - 2, 7 + seq // 10, minutes)
        self.complete(number, qty)
        return number


def _order_book(uows: UnitOfWorkFactory, today: date) -> None:
    """Customers, sales orders over the next six weeks, open POs and ~40 MOs in every state.

    The story, by colour: chairs, bookshelves and a table ship from stock (green); oak tables,
    desks and chairs wait for MOs and for purchase orders that arrive in time (amber); a walnut
    table waits for steel legs that arrive after it is due, desks for plywood that comes too late,
    and the hotel's ten nightstands have no supply at all (red).
    """
    book = _Book(uows, today)
    for code, name in CUSTOMERS.items():
        sales.add_customer(Customer(code, name), uows())

    # History: made and shipped in the past weeks.
    book.made("SIDE-OAK-180", "8", -14, ((10, "ANNA", 60), (20, "DAVID", 100), (30, "BEN", 80)))
    book.made("SHELF-OAK-80", "20", -14, ((10, "ANNA", 95), (20, "DAVID", 170), (30, "CARLA", 120)))
    book.made("BOOKSHELF-OAK", "4", -9, ((10, "EMMA", 160), (20, "CARLA", 210), (30, "EMMA", 90)))
    book.made("CHAIR-FRAME-OAK", "8", -12, ((10, "ANNA", 70), (20, "BEN", 135), (30, "DAVID", 120)))
    book.made("SEAT-OAK", "8", -12, ((10, "DAVID", 95), (20, "BEN", 85), (30, "CARLA", 80)))
    book.made("CHAIR-OAK", "8", -7, ((10, "EMMA", 130), (20, "CARLA", 175), (30, "EMMA", 70)))
    past = book.so("HOTEL-ADLER", -10, ("CHAIR-OAK", "2"))
    book.ship(past, 1, "2")
    past = book.so("WEBSHOP", -5, ("TABLE-OAK", "1"))
    book.ship(past, 1, "1")
    late = book.so("KRAUSE", -2, ("BOOKSHELF-OAK", "2"))
    book.ship(late, 1, "1")  # one left behind: the order is late

    # Open purchase orders: some arrive in time, the steel legs and plywood too late.
    oak = book.po("BERGER", 4, ("OAK-BOARD", "80"), ("OAK-SQUARE", "80"))
    book.receive(oak, 1, "30")
    book.po("FITTINGS", 3, ("RUNNER-450", "10"), ("HINGE-35", "20"), ("HANDLE-BRASS", "20"))
    book.po("PACKAGING", 2, ("BOX-L", "20"), ("BOX-M", "25"), ("BOX-S", "25"))
    book.po("FINISHES", 6, ("VARNISH-MATT", "4"))
    steel = book.po("FITTINGS", 12, ("STEEL-LEG", "12"))
    book.po("BERGER", 26, ("PLY-18", "6"))
    book.po("BERGER", 7, ("OAK-BOARD", "260"), ("OAK-SQUARE", "60"), ("MDF-6", "4"))
    book.po("BERGER", 15, ("WALNUT-BOARD", "20"))
    _ = steel

    # Sales orders over the coming six weeks, by delivery date.
    book.so("CAFE-LINDE", 3, ("CHAIR-OAK", "4"))
    book.so("WEBSHOP", 4, ("TABLE-OAK", "1"))
    book.so("STUDIO-NORD", 6, ("BOOKSHELF-OAK", "2"))
    no_desks = book.so("KRAUSE", 7, ("DESK-OAK", "3"))
    walnut_soon = book.so("STUDIO-NORD", 9, ("TABLE-WALNUT", "1"))
    book.so("HOTEL-ADLER", 10, ("CHAIR-OAK", "2"), ("TABLE-OAK", "2"))
    book.so("WEBSHOP", 11, ("NIGHTSTAND-OAK", "2"))
    book.so("HOTEL-ADLER", 13, ("TABLE-OAK", "2"), ("CHAIR-OAK", "8"))
    book.so("WEBSHOP", 14, ("CHAIR-OAK-BLACK", "4"))
    white = book.so("STUDIO-NORD", 17, ("TABLE-OAK-WHITE", "2"), ("CHAIR-OAK-BLACK", "8"))
    book.so("CAFE-LINDE", 18, ("CHAIR-OAK", "6"))
    walnut = book.so("HOTEL-ADLER", 21, ("TABLE-WALNUT", "2"))
    book.so("WEBSHOP", 21, ("DESK-OAK", "1"))
    book.so("OFFICEPRO", 24, ("DESK-OAK", "6"))
    book.so("KRAUSE", 25, ("BOOKSHELF-OAK", "3"), ("NIGHTSTAND-OAK", "2"))
    book.so("WEBSHOP", 27, ("TABLE-OAK", "1"), ("CHAIR-OAK", "4"))
    cafe_white = book.so("CAFE-LINDE", 28, ("TABLE-OAK-WHITE", "3"))
    book.so("HOTEL-ADLER", 35, ("NIGHTSTAND-OAK", "10"))  # no supply at all: red
    book.so("STUDIO-NORD", 38, ("BOOKSHELF-OAK", "2"), ("DESK-OAK", "2"))
    book.so("WEBSHOP", 40, ("NIGHTSTAND-OAK", "1"))
    book.so("OFFICEPRO", 42, ("DESK-OAK", "4"), ("CHAIR-OAK", "4"), quote=True)
    book.so("CAFE-LINDE", 35, ("CHAIR-OAK-BLACK", "12"), quote=True)
    book.so("KRAUSE", 41, ("TABLE-WALNUT", "1"), quote=True)
    _ = no_desks

    # Make to order: the walnut tables and the white-washed tables.
    walnut_soon_mo = book.mto(walnut_soon, 1)
    walnut_mo = book.mto(walnut, 1)
    white_mo = book.mto(white, 1)
    book.mto(cafe_white, 1)

    # The Make list: subassemblies first, then what they go into.
    tops = book.mo("TOP-OAK-180", "9", 6)
    aprons = book.mo("APRON-OAK-180", "9", 5)
    legs = book.mo("LEG-SET-OAK", "10", 5)
    frames = book.mo("TABLE-FRAME-OAK", "9", 7)
    tables = book.mo("TABLE-OAK", "4", 9)
    book.mo("TOP-WALNUT-200", "1", 6)
    book.mo("TOP-WALNUT-200", "2", 16)
    book.mo("TOP-OAK-180", "2", 13)
    book.mo("TABLE-FRAME-OAK", "2", 13)
    book.mo("APRON-OAK-180", "6", 11)
    chair_frames = book.mo("CHAIR-FRAME-OAK", "20", 8)
    seats = book.mo("SEAT-OAK", "20", 8)
    chairs = book.mo("CHAIR-OAK", "8", 11)
    book.mo("CHAIR-OAK-BLACK", "12", 13)
    drawers = book.mo("DRAWER-450", "10", 14)
    desk_tops = book.mo("DESK-TOP-140", "7", 18)
    book.mo("DESK-OAK", "7", 20)
    book.mo("CARCASS-NS", "4", 8)
    book.mo("DOOR-NS", "4", 8)
    book.mo("NIGHTSTAND-OAK", "4", 10)
    book.mo("SIDE-OAK-180", "10", 18)
    book.mo("SHELF-OAK-80", "25", 18)
    book.mo("BOOKSHELF-OAK", "5", 22)
    book.mo("TOP-OAK-180", "4", 22)
    book.mo("TABLE-FRAME-OAK", "4", 22)
    book.mo("TABLE-OAK", "4", 25)
    book.mo("CHAIR-FRAME-OAK", "6", 20)
    book.mo("SEAT-OAK", "6", 20)
    book.mo("CHAIR-OAK", "6", 24)
    book.mo("LEG-SET-OAK", "12", 16)
    book.mo("DRAWER-450", "6", 30)
    book.mo("DESK-OAK", "4", 36)
    _ = (walnut_soon_mo, walnut_mo, white_mo, frames)

    # The shop floor today: tops and legs under way, a chair order half made, aprons blocked.
    book.run(tops, 10, "ANNA", -1, 7, 65)
    book.run(tops, 20, "DAVID", -1, 9, 115)
    book.clock.at(-1, 13)
    book.task(tops, 30, TaskAction.START, "BEN")
    book.clock.at(-1, 14, 30)
    book.task(tops, 30, TaskAction.PAUSE)
    book.run(legs, 10, "ANNA", -2, 7, 70)
    book.clock.at(-2, 9)
    book.task(legs, 20, TaskAction.START, "BEN")
    book.clock.at(-2, 15)
    book.task(legs, 20, TaskAction.FINISH, done="10")
    book.clock.now = datetime.now(UTC) - timedelta(minutes=40)  # running right now
    book.task(legs, 30, TaskAction.START, "CARLA")
    book.complete(legs, "4")  # four sets sanded and bolted so far
    book.run(chair_frames, 10, "BEN", -3, 7, 100)
    book.run(chair_frames, 20, "ANNA", -2, 7, 180)
    book.run(seats, 10, "DAVID", -3, 7, 130)
    book.complete(seats, "6")
    book.clock.at(-1, 8)
    book.task(aprons, 10, TaskAction.START, "ANNA")
    book.clock.at(-1, 9)
    book.task(aprons, 10, TaskAction.BLOCK, reason="saw blade broken, spare ordered")
    mfg.block_mo(drawers, "runner delivery damaged: waiting for credit note", uows())
    book.run(desk_tops, 10, "BEN", -1, 10, 50)
    _ = (tables, chairs)
