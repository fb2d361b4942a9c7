"""A small test plant, built through the use cases, shared by the integration tests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from takt.app import catalog
from takt.app.ports import UnitOfWorkFactory
from takt.config import Takt
from takt.domain.bom import Bom, BomLine
from takt.domain.items import Item, ItemKind
from takt.domain.locations import Location
from takt.domain.partners import Supplier
from takt.domain.routing import Operation, Routing
from takt.domain.workstations import Workstation

D = Decimal


def small_plant(uows: UnitOfWorkFactory) -> None:
    """A table maker: TABLE = TOP + 4 LEG (+5 %); LEG = 0.8 m OAK; TOP = 1.2 m2 PLY + 50 ml GLUE."""
    catalog.add_location(Location("MAIN", "Main warehouse"), uows())
    catalog.add_location(Location("SHOP", "Shop floor"), uows())
    catalog.add_supplier(Supplier("TIMBER", "Timber & Co", lead_time_days=7), uows())
    for item in [
        Item("OAK", "Oak board", ItemKind.MATERIAL, unit="m", default_supplier="TIMBER"),
        Item("PLY", "Plywood sheet", ItemKind.MATERIAL, unit="m2", standard_cost=D("12.50")),
        Item("GLUE", "Wood glue", ItemKind.MATERIAL, unit="l", batch_tracked=True),
        Item("SCREW", "Screw", ItemKind.MATERIAL, unit="pcs", allow_negative_stock=True),
        Item("LEG", "Table leg", ItemKind.SUBASSEMBLY),
        Item("TOP", "Table top", ItemKind.SUBASSEMBLY),
        Item("TABLE", "Dining table", ItemKind.PRODUCT, sales_price=D("450")),
    ]:
        catalog.add_item(item, uows())
    catalog.add_workstation(Workstation("SAW", "Panel saw", cost_per_hour=D("30")), uows())
    catalog.add_workstation(Workstation("ASSY", "Assembly bench", cost_per_hour=D("24")), uows())
    catalog.set_bom(Bom("LEG", (BomLine("OAK", D("80"), "cm"),)), uows())
    catalog.set_bom(
        Bom("TOP", (BomLine("PLY", D("1.2"), "m2"), BomLine("GLUE", D("50"), "ml"))), uows()
    )
    catalog.set_bom(
        Bom("TABLE", (BomLine("TOP", D("1"), "pcs"), BomLine("LEG", D("4"), "pcs", D("5")))),
        uows(),
    )
    catalog.set_routing(
        Routing("LEG", (Operation(10, "Cut legs", "SAW", D("15"), D("3")),)), uows()
    )
    catalog.set_routing(
        Routing("TABLE", (Operation(10, "Assemble", "ASSY", D("10"), D("45")),)), uows()
    )


@pytest.fixture
def plant(takt: Takt) -> Takt:
    """The small table maker, loaded into an empty database."""
    small_plant(takt.uows)
    return takt
