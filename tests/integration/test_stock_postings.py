"""Stock postings through the use cases, on SQLite and PostgreSQL.

A story of one small table maker: oak arrives, is moved to the shop floor, counted, scrapped.
After every step the stored balances equal the sum of the ledger.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from takt.app import stock
from takt.app.ports import LedgerFilter
from takt.config import Takt
from takt.domain.errors import DomainError, NotFound
from takt.domain.ledger import InsufficientStock, LedgerError, Reason, StockKey
from takt.domain.units import QuantityError

D = Decimal


def balances(takt: Takt) -> dict[StockKey, Decimal]:
    with takt.uows(read_only=True) as uow:
        stored = uow.stock.stored_balances()
        assert stored == uow.stock.ledger_sums(), "balances drifted from the ledger"
        return stored


def item(takt: Takt, sku: str):  # type: ignore[no-untyped-def]
    with takt.uows(read_only=True) as uow:
        return uow.items.get(sku)


def test_receipts_update_the_moving_average(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D("100"), D("4.00")), plant.uows())
    stock.receive(stock.Receive("OAK", D("50"), D("5.50")), plant.uows())
    oak = item(plant, "OAK")
    # (100 x 4.00 + 50 x 5.50) / 150 = 4.50
    assert oak.average_cost == D("4.5")
    assert balances(plant) == {StockKey("OAK", "MAIN"): D("150")}


def test_precision_survives_the_database(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D("3140"), D("1")), plant.uows())
    stock.adjust(stock.Adjust("OAK", D("-3106.4"), "cut offcuts"), plant.uows())
    assert balances(plant)[StockKey("OAK", "MAIN")] == D("33.6")
    stock.receive(stock.Receive("PLY", D("0.72"), D("12.5"), location="SHOP"), plant.uows())
    stock.adjust(stock.Adjust("PLY", D("-0.66"), "damaged corner", location="SHOP"), plant.uows())
    assert balances(plant)[StockKey("PLY", "SHOP")] == D("0.06")


def test_transfer_moves_stock_and_keeps_its_value(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D("10"), D("4")), plant.uows())
    posted = stock.transfer(stock.Transfer("OAK", D("4"), "MAIN", "SHOP"), plant.uows())
    assert [e.quantity for e in posted.entries] == [D("-4"), D("4")]
    assert {e.document for e in posted.entries} == {posted.document}
    assert balances(plant) == {StockKey("OAK", "MAIN"): D("6"), StockKey("OAK", "SHOP"): D("4")}
    assert item(plant, "OAK").average_cost == D("4")


def test_stocktake_posts_the_difference(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D("20"), D("4")), plant.uows())
    posted = stock.count(stock.Count("OAK", D("18.5")), plant.uows())
    assert posted is not None
    assert posted.entries[0].quantity == D("-1.5")
    assert posted.entries[0].reason is Reason.STOCKTAKE
    assert stock.count(stock.Count("OAK", D("18.5")), plant.uows()) is None
    assert balances(plant)[StockKey("OAK", "MAIN")] == D("18.5")


def test_scrap_leaves_at_the_average_cost(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D("10"), D("4")), plant.uows())
    posted = stock.scrap(stock.Scrap("OAK", D("2"), "split board"), plant.uows())
    assert posted.entries[0].quantity == D("-2")
    assert posted.entries[0].unit_cost == D("4")
    with plant.uows(read_only=True) as uow:
        entries = uow.stock.ledger(LedgerFilter(sku="OAK", reason=Reason.SCRAP))
    assert [e.note for e in entries] == ["split board"]


def test_batch_tracked_items_need_a_batch(plant: Takt) -> None:
    with pytest.raises(LedgerError, match="batch") as info:
        stock.receive(stock.Receive("GLUE", D("5"), D("8")), plant.uows())
    assert info.value.field == "batch"
    stock.receive(stock.Receive("GLUE", D("5"), D("8"), batch="G-01"), plant.uows())
    stock.receive(stock.Receive("GLUE", D("3"), D("9"), batch="G-02"), plant.uows())
    assert balances(plant) == {
        StockKey("GLUE", "MAIN", "G-01"): D("5"),
        StockKey("GLUE", "MAIN", "G-02"): D("3"),
    }
    with pytest.raises(InsufficientStock):
        stock.scrap(stock.Scrap("GLUE", D("4"), "spilled", batch="G-02"), plant.uows())


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (stock.Receive("NOPE", D("1"), D("1")), "sku"),
        (stock.Receive("OAK", D("1"), D("1"), location="ATTIC"), "location"),
        (stock.Receive("OAK", D("0"), D("1")), "quantity"),
        (stock.Receive("OAK", D("-2"), D("1")), "quantity"),
        (stock.Receive("OAK", D("5")), "unit_cost"),  # no cost known yet: never silently 0
        (stock.Scrap("OAK", D("1"), "gone"), "quantity"),  # nothing on hand
        (stock.Scrap("OAK", D("1"), "  "), "reason"),
        (stock.Transfer("OAK", D("1"), "MAIN", "MAIN"), "to_location"),
        (stock.Adjust("OAK", D("0"), "nothing"), "delta"),
    ],
)
def test_bad_postings_are_refused_and_write_nothing(
    plant: Takt, command: object, field: str
) -> None:
    stock.receive(stock.Receive("PLY", D("2"), D("12")), plant.uows())
    before = balances(plant)
    use_case = {
        stock.Receive: stock.receive,
        stock.Scrap: stock.scrap,
        stock.Transfer: stock.transfer,
        stock.Adjust: stock.adjust,
    }[type(command)]
    with pytest.raises(DomainError) as info:
        use_case(command, plant.uows())  # type: ignore[operator]
    assert info.value.field == field
    assert balances(plant) == before
    with plant.uows(read_only=True) as uow:
        assert len(uow.stock.ledger(LedgerFilter())) == 1


def test_a_refused_transfer_leaves_both_locations_untouched(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D("3"), D("4")), plant.uows())
    with pytest.raises(InsufficientStock, match="3 on hand, 5 requested"):
        stock.transfer(stock.Transfer("OAK", D("5"), "MAIN", "SHOP"), plant.uows())
    assert balances(plant) == {StockKey("OAK", "MAIN"): D("3")}


def test_negative_stock_only_where_the_item_allows_it(plant: Takt) -> None:
    stock.receive(stock.Receive("SCREW", D("10"), D("0.05")), plant.uows())
    stock.adjust(stock.Adjust("SCREW", D("-15"), "used on the line"), plant.uows())
    assert balances(plant)[StockKey("SCREW", "MAIN")] == D("-5")
    with pytest.raises(InsufficientStock):
        stock.adjust(stock.Adjust("PLY", D("-1"), "used"), plant.uows())


def test_standard_cost_values_stock_received_without_a_price(plant: Takt) -> None:
    posted = stock.receive(stock.Receive("PLY", D("4")), plant.uows())
    assert posted.entries[0].unit_cost == D("12.5")
    assert item(plant, "PLY").average_cost == D("12.5")


def test_unknown_sku_in_a_stocktake_names_it(plant: Takt) -> None:
    with pytest.raises(NotFound, match="'BOGUS'"):
        stock.count(stock.Count("BOGUS", D("1")), plant.uows())


def test_counting_a_negative_quantity_is_refused(plant: Takt) -> None:
    with pytest.raises(QuantityError) as info:
        stock.count(stock.Count("OAK", D("-1")), plant.uows())
    assert info.value.field == "counted"
