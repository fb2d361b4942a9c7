"""Capable-to-promise at the table maker: "when could we deliver N of these?"

"Now" is Monday 2026-11-30 08:00 (UTC); shifts are Mon-Fri 07:00-15:30.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from takt.app import catalog, stock
from takt.app import manufacturing as mfg
from takt.app.promise import promise
from takt.config import Takt
from takt.domain.bom import Bom, BomLine
from takt.domain.errors import DomainError
from takt.domain.items import Item, ItemKind
from takt.domain.routing import Operation, Routing

D = Decimal
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
MON = NOW.date()


def clock() -> datetime:
    return NOW


def test_stock_on_hand_is_promised_today(plant: Takt) -> None:
    stock.receive(stock.Receive("TABLE", D("3"), D("200")), plant.uows())
    answer = promise("TABLE", D("2"), plant.uows(), clock=clock)
    assert (answer.promised, answer.binding, answer.from_stock) == (MON, "in stock", D("2"))


def test_what_must_be_made_waits_for_the_workstation(plant: Takt) -> None:
    stock.receive(stock.Receive("TOP", D("10"), D("30")), plant.uows())
    stock.receive(stock.Receive("LEG", D("50"), D("5")), plant.uows())
    # Two days of assembly already booked ahead of the new order (10 + 45 x 20 = 910 min).
    mfg.create_mo(mfg.NewMO("TABLE", D("20"), MON + timedelta(10)), plant.uows(), clock)
    stock.receive(stock.Receive("TOP", D("20"), D("30")), plant.uows())
    stock.receive(stock.Receive("LEG", D("84"), D("5")), plant.uows())
    answer = promise("TABLE", D("2"), plant.uows(), by=MON, clock=clock)
    # The booked order ends Tuesday 14:40; 2 tables take 100 more minutes: Tuesday 16:20 is after
    # the shift, so the new order finishes Wednesday morning.
    assert answer.promised == date(2026, 12, 2)
    assert answer.to_make == D("2")
    assert answer.meets_request is False
    assert "ASSY" in answer.binding


def test_a_missing_material_waits_its_lead_time(plant: Takt) -> None:
    catalog.add_item(
        Item("VENEER", "Oak veneer", ItemKind.MATERIAL, unit="m2", lead_time_days=10), plant.uows()
    )
    catalog.add_item(
        Item("PANEL", "Veneered panel", ItemKind.PRODUCT, sales_price=D("90")), plant.uows()
    )
    catalog.set_bom(Bom("PANEL", (BomLine("VENEER", D("1"), "m2"),)), plant.uows())
    catalog.set_routing(
        Routing("PANEL", (Operation(10, "Press", "SAW", D("10"), D("5")),)), plant.uows()
    )
    answer = promise("PANEL", D("4"), plant.uows(), clock=clock)
    assert answer.promised == MON + timedelta(10)
    assert answer.to_buy == {"VENEER": D("4")}
    assert answer.binding == "VENEER: 10 days to buy"
    with plant.uows(read_only=True) as uow:
        assert uow.manufacturing.orders() == []  # a promise writes nothing


def test_promising_nothing_or_an_unknown_item_is_refused(plant: Takt) -> None:
    with pytest.raises(DomainError) as info:
        promise("TABLE", D("0"), plant.uows(), clock=clock)
    assert info.value.field == "quantity"
    with pytest.raises(DomainError, match="unknown SKU 'SOFA'"):
        promise("SOFA", D("1"), plant.uows(), clock=clock)
