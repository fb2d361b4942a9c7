"""Concurrent postings cannot oversell, lose or create stock — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

from takt.app import stock
from takt.config import Settings, Takt, bootstrap
from takt.domain.ledger import InsufficientStock, StockKey

D = Decimal


def _race(threads: int, work: Callable[[int], None]) -> list[BaseException | None]:
    """Runs ``work(i)`` in ``threads`` threads released at the same instant."""
    barrier = threading.Barrier(threads)
    outcomes: list[BaseException | None] = [None] * threads

    def run(i: int) -> None:
        barrier.wait()
        try:
            work(i)
        except BaseException as exc:  # collected and asserted on below
            outcomes[i] = exc

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    return outcomes


def test_twenty_people_take_the_last_board_and_only_one_gets_it(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D("1"), D("4")), plant.uows())
    # Each thread has its own engine, like separate app processes.
    apps = [
        bootstrap(Settings(database_url=plant.settings.database_url), migrate=False)
        for _ in range(20)
    ]
    try:
        outcomes = _race(
            20,
            lambda i: stock.scrap(stock.Scrap("OAK", D("1"), f"taken by {i}"), apps[i].uows()),
        )
    finally:
        for app in apps:
            app.close()
    winners = [o for o in outcomes if o is None]
    losers = [o for o in outcomes if o is not None]
    assert len(winners) == 1
    assert all(isinstance(o, InsufficientStock) for o in losers), losers
    with plant.uows(read_only=True) as uow:
        assert uow.stock.stored_balances() == {}
        assert uow.stock.ledger_sums() == {}


def test_crossing_transfers_neither_deadlock_nor_lose_stock(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D("100"), D("4")), plant.uows())
    stock.receive(stock.Receive("OAK", D("100"), D("4"), location="SHOP"), plant.uows())
    apps = [
        bootstrap(Settings(database_url=plant.settings.database_url), migrate=False)
        for _ in range(12)
    ]

    def work(i: int) -> None:
        source, destination = ("MAIN", "SHOP") if i % 2 else ("SHOP", "MAIN")
        for _ in range(3):
            stock.transfer(stock.Transfer("OAK", D("1.5"), source, destination), apps[i].uows())

    try:
        outcomes = _race(12, work)
    finally:
        for app in apps:
            app.close()
    assert outcomes == [None] * 12
    with plant.uows(read_only=True) as uow:
        balances = uow.stock.stored_balances()
        assert balances == uow.stock.ledger_sums()
    assert balances == {StockKey("OAK", "MAIN"): D("100"), StockKey("OAK", "SHOP"): D("100")}
