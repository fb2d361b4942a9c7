"""A small furniture workshop shared by the BOM and costing tests.

A TABLE is 4 LEGs (5 % wastage) and 16 SCREWs; a LEG is one BLANK and 10 ml of GLUE; a BLANK
is cut from 0.8 m of OAK-BOARD, which is stocked in centimetres. TABLE-OAK is a variant of TABLE.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from takt.domain.bom import Bom, BomBook, BomLine
from takt.domain.items import Item, ItemKind

D = Decimal


def furniture_items() -> dict[str, Item]:
    items = [
        Item("TABLE", "Dining table", ItemKind.PRODUCT),
        Item(
            "TABLE-OAK",
            "Dining table, oak finish",
            ItemKind.PRODUCT,
            variant_of="TABLE",
            variant_attributes={"finish": "oak"},
        ),
        Item("LEG", "Table leg", ItemKind.SUBASSEMBLY),
        Item("BLANK", "Leg blank", ItemKind.SUBASSEMBLY),
        Item("OAK-BOARD", "Oak board 20 mm", ItemKind.MATERIAL, unit="cm"),
        Item("GLUE", "Wood glue", ItemKind.MATERIAL, unit="ml"),
        Item("SCREW", "Screw 4x40", ItemKind.MATERIAL),
    ]
    return {item.sku: item for item in items}


def furniture_boms() -> dict[str, Bom]:
    return {
        "TABLE": Bom(
            "TABLE",
            (
                BomLine("LEG", D(4), "pcs", wastage_pct=D(5)),
                BomLine("SCREW", D(16), "pcs"),
            ),
        ),
        "LEG": Bom("LEG", (BomLine("BLANK", D(1), "pcs"), BomLine("GLUE", D(10), "ml"))),
        "BLANK": Bom("BLANK", (BomLine("OAK-BOARD", D("0.8"), "m"),)),
    }


@pytest.fixture
def items() -> dict[str, Item]:
    """A fresh copy of the workshop's items, free to change in one test."""
    return furniture_items()


@pytest.fixture
def boms() -> dict[str, Bom]:
    """A fresh copy of the workshop's recipes, free to change in one test."""
    return furniture_boms()


@pytest.fixture
def furniture(items: dict[str, Item], boms: dict[str, Bom]) -> BomBook:
    return BomBook(items, boms)
