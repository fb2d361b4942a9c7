"""Moving average and FIFO valued side by side, with answers worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from takt.app import catalog, stock
from takt.config import Takt
from takt.domain.items import Item, ItemKind
from takt.domain.valuation import Valuation

D = Decimal


def _value(posted: stock.Posted) -> Decimal:
    return sum((-e.quantity * e.unit_cost for e in posted.entries), D(0))


def test_fifo_takes_the_oldest_layers_first_and_average_blends(plant: Takt) -> None:
    catalog.add_item(
        Item("WAX-F", "Wax (FIFO)", ItemKind.MATERIAL, valuation=Valuation.FIFO), plant.uows()
    )
    catalog.add_item(Item("WAX-A", "Wax (average)", ItemKind.MATERIAL), plant.uows())
    for sku in ("WAX-F", "WAX-A"):
        stock.receive(stock.Receive(sku, D("10"), D("4")), plant.uows())
        stock.receive(stock.Receive(sku, D("10"), D("6")), plant.uows())
        stock.receive(stock.Receive(sku, D("5"), D("7"), location="SHOP"), plant.uows())

    fifo = stock.scrap(stock.Scrap("WAX-F", D("15"), "melted"), plant.uows())
    average = stock.scrap(stock.Scrap("WAX-A", D("15"), "melted"), plant.uows())

    # FIFO: 10 from the first layer at 4 and 5 from the second at 6 = 70, as two ledger entries.
    assert [(e.quantity, e.unit_cost) for e in fifo.entries] == [
        (D("-10"), D("4")),
        (D("-5"), D("6")),
    ]
    assert _value(fifo) == D("70")
    # Average: (10x4 + 10x6 + 5x7) / 25 = 5.4 per unit -> 81.
    assert [(e.quantity, e.unit_cost) for e in average.entries] == [(D("-15"), D("5.4"))]
    assert _value(average) == D("81")

    with plant.uows() as uow:
        layers = uow.stock.lock_layers(["WAX-F"])["WAX-F"]
        wax_f, wax_a = uow.items.get("WAX-F"), uow.items.get("WAX-A")
    assert [(layer.quantity, layer.unit_cost) for layer in layers] == [
        (D("5"), D("6")),
        (D("5"), D("7")),
    ]
    # What is left is worth 5x6 + 5x7 = 65 (6.5 each) under FIFO, 10 x 5.4 = 54 under average.
    assert wax_f.average_cost == D("6.5")
    assert wax_a.average_cost == D("5.4")

    # A transfer moves stock between locations but not between layers.
    stock.transfer(stock.Transfer("WAX-F", D("5"), "SHOP", "MAIN"), plant.uows())
    next_out = stock.scrap(stock.Scrap("WAX-F", D("6"), "spilled"), plant.uows())
    assert [(e.quantity, e.unit_cost) for e in next_out.entries] == [
        (D("-5"), D("6")),
        (D("-1"), D("7")),
    ]
