"""Orders racing for the last units, on SQLite and PostgreSQL: one wins, the other is told why.

Each thread has its own engine, like two app processes; a barrier releases them together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest

from takt.app import manufacturing as mfg
from takt.app import sales, stock
from takt.config import Settings, Takt, bootstrap
from takt.domain.errors import DomainError
from takt.domain.ledger import StockKey
from takt.domain.manufacturing import MOStatus
from takt.domain.partners import Customer
from takt.domain.sales import SalesStatus

D = Decimal
THU, FRI = date(2026, 12, 3), date(2026, 12, 4)


def race(*work: Callable[[], object]) -> list[BaseException | None]:
    """Runs each ``work`` in its own thread, all released at the same instant."""
    barrier = threading.Barrier(len(work))
    outcomes: list[BaseException | None] = [None] * len(work)

    def run(i: int) -> None:
        barrier.wait()
        try:
            work[i]()
        except BaseException as exc:  # collected and asserted on below
            outcomes[i] = exc

    pool = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool), "a thread is still waiting: a deadlock?"
    return outcomes


@pytest.fixture
def shop(plant: Takt) -> Takt:
    sales.add_customer(Customer("HOTEL", "Hotel Adler"), plant.uows())
    return plant


@pytest.fixture
def two_apps(shop: Takt) -> Iterator[list[Takt]]:
    apps = [
        bootstrap(Settings(database_url=shop.settings.database_url), migrate=False)
        for _ in range(2)
    ]
    try:
        yield apps
    finally:
        for app in apps:
            app.close()


def one_winner(outcomes: list[BaseException | None]) -> int:
    """The index of the only success; every other outcome must be a refusal."""
    winners = [i for i, o in enumerate(outcomes) if o is None]
    assert len(winners) == 1, outcomes
    losers = [o for o in outcomes if o is not None]
    assert all(isinstance(o, DomainError) for o in losers), losers
    return winners[0]


def books_balance(takt: Takt) -> dict[StockKey, Decimal]:
    with takt.uows(read_only=True) as uow:
        balances = uow.stock.stored_balances()
        assert balances == uow.stock.ledger_sums()
    return balances


def test_two_packers_ship_the_last_table_of_one_line_and_only_one_does(
    shop: Takt, two_apps: list[Takt]
) -> None:
    """The hotel wants 2 tables; 1 is in stock; two packers each ship it at the same moment."""
    stock.receive(stock.Receive("TABLE", D("1"), D("200")), shop.uows())
    order = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", FRI, (sales.SalesLineInput("TABLE", D("2")),)), shop.uows()
    )
    packers = [
        lambda app=app: sales.ship(sales.Ship(order.number, 1, D("1")), app.uows())
        for app in two_apps
    ]
    one_winner(race(*packers))
    assert StockKey("TABLE", "MAIN") not in books_balance(shop)
    with shop.uows(read_only=True) as uow:
        shipped = uow.sales.get(order.number)
    assert (shipped.status, shipped.lines[0].shipped) == (SalesStatus.PARTLY_DELIVERED, D("1"))
    assert shipped.cost_shipped == D("200")


def test_two_orders_race_for_the_last_table_and_the_first_in_line_gets_it(
    shop: Takt, two_apps: list[Takt]
) -> None:
    """One table left; Thursday's order and Friday's order are packed at the same moment."""
    stock.receive(stock.Receive("TABLE", D("1"), D("200")), shop.uows())
    thursday, friday = (
        sales.create_sales_order(
            sales.NewSalesOrder("HOTEL", when, (sales.SalesLineInput("TABLE", D("1")),)),
            shop.uows(),
        ).number
        for when in (THU, FRI)
    )
    numbers = [friday, thursday]  # the later order's packer is as quick as the other's
    outcomes = race(
        *(
            lambda number=number, app=app: sales.ship(sales.Ship(number, 1, D("1")), app.uows())
            for number, app in zip(numbers, two_apps, strict=True)
        )
    )
    assert numbers[one_winner(outcomes)] == thursday
    assert StockKey("TABLE", "MAIN") not in books_balance(shop)
    with shop.uows(read_only=True) as uow:
        assert uow.sales.get(thursday).status is SalesStatus.DELIVERED
        assert uow.sales.get(friday).status is SalesStatus.OPEN


def test_two_completions_race_for_the_last_oak_and_only_one_makes_its_legs(
    shop: Takt, two_apps: list[Takt]
) -> None:
    """Two MOs for 10 legs each need 8 m of oak; 8 m are on the shelf."""
    stock.receive(stock.Receive("OAK", D("8"), D("4")), shop.uows())
    numbers = [mfg.create_mo(mfg.NewMO("LEG", D("10"), FRI), shop.uows()).number for _ in range(2)]
    outcomes = race(
        *(
            lambda number=number, app=app: mfg.complete(mfg.Complete(number, D("10")), app.uows())
            for number, app in zip(numbers, two_apps, strict=True)
        )
    )
    won = one_winner(outcomes)
    winner, loser = numbers[won], numbers[1 - won]
    balances = books_balance(shop)
    assert StockKey("OAK", "MAIN") not in balances
    assert balances[StockKey("LEG", "MAIN")] == D("10")
    with shop.uows(read_only=True) as uow:
        done, untouched = uow.manufacturing.get(winner), uow.manufacturing.get(loser)
    assert (done.status, done.ingredient("OAK").consumed) == (MOStatus.DONE, D("8"))
    assert (untouched.status, untouched.completed) == (MOStatus.NOT_STARTED, 0)
    assert untouched.ingredient("OAK").consumed == 0
