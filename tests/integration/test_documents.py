"""Whole documents in one transaction: a delivery received, an order shipped, all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from takt.app import purchasing, sales, stock
from takt.config import Takt
from takt.domain.errors import DomainError
from takt.domain.ledger import StockKey
from takt.domain.partners import Customer
from takt.domain.purchasing import PurchaseStatus
from takt.domain.sales import SalesStatus

D = Decimal
FRI = date(2026, 12, 4)


def ledger_and_balances(takt: Takt) -> tuple[int, dict[StockKey, Decimal]]:
    from takt.app.ports import LedgerFilter

    with takt.uows(read_only=True) as uow:
        return len(uow.stock.ledger(LedgerFilter(limit=10_000))), uow.stock.stored_balances()


def test_a_delivery_is_received_whole_or_not_at_all(plant: Takt) -> None:
    po = purchasing.create_purchase_order(
        purchasing.NewPurchaseOrder(
            "TIMBER",
            (
                purchasing.PurchaseLineInput("OAK", D("50"), D("4")),
                purchasing.PurchaseLineInput("PLY", D("10"), D("12")),
            ),
            expected_date=FRI,
        ),
        plant.uows(),
    )
    before = ledger_and_balances(plant)
    bad = purchasing.ReceiveOrder(
        po.number, (purchasing.ReceiptLine(1, D("50")), purchasing.ReceiptLine(2, D("11")))
    )
    with pytest.raises(DomainError, match="more than the 10"):
        purchasing.receive_order(bad, plant.uows())
    assert ledger_and_balances(plant) == before
    good = purchasing.ReceiveOrder(
        po.number, (purchasing.ReceiptLine(1, D("50")), purchasing.ReceiptLine(2, D("10")))
    )
    posted = purchasing.receive_order(good, plant.uows())
    assert {e.document for e in posted.entries} == {po.number}
    with plant.uows(read_only=True) as uow:
        assert uow.purchasing.get(po.number).status is PurchaseStatus.RECEIVED
        assert uow.stock.stored_balances() == {
            StockKey("OAK", "MAIN"): D("50"),
            StockKey("PLY", "MAIN"): D("10"),
        }


def test_an_order_ships_whole_or_not_at_all(plant: Takt) -> None:
    sales.add_customer(Customer("HOTEL", "Hotel Adler"), plant.uows())
    stock.receive(stock.Receive("TABLE", D("3"), D("200")), plant.uows())
    stock.receive(stock.Receive("TOP", D("2"), D("40")), plant.uows())
    order = sales.create_sales_order(
        sales.NewSalesOrder(
            "HOTEL",
            FRI,
            (sales.SalesLineInput("TABLE", D("3")), sales.SalesLineInput("TOP", D("5"), D("60"))),
        ),
        plant.uows(),
    )
    before = ledger_and_balances(plant)
    with pytest.raises(DomainError, match="only 2 TOP allocated"):
        sales.ship_order(
            sales.ShipOrder(order.number, (sales.ShipLine(1, D("3")), sales.ShipLine(2, D("3")))),
            plant.uows(),
        )
    assert ledger_and_balances(plant) == before
    posted = sales.ship_order(
        sales.ShipOrder(order.number, (sales.ShipLine(1, D("3")), sales.ShipLine(2, D("2")))),
        plant.uows(),
    )
    assert posted.values(2) == [D("600"), D("80")]
    with plant.uows(read_only=True) as uow:
        shipped = uow.sales.get(order.number)
    assert shipped.status is SalesStatus.PARTLY_DELIVERED
    assert (shipped.revenue, shipped.cost_shipped) == (D("1470"), D("680"))
