"""Random days at the table maker, on the real store: whatever happens, the books stay straight.

Hypothesis plays sequences of order operations (stock arriving, sales orders and quotes, shipments,
make-to-stock and make-to-order MOs, issues, completions, purchase orders and receipts, re-ranks,
cancellations) against a fresh SQLite copy of the small plant. After every operation:

- the stored balances are the sums of the ledger;
- per item, the stock allocated to lines is at most what is on hand (never below zero);
- per item, Committed is what open sales lines still have to ship (less what an open MO makes for
  them to order) plus what open MOs still have to consume, worked out here from the orders;
- an operation refused with a ``DomainError`` has changed nothing at all.

A second property plays the same days with re-plans among them and checks that the allocation a
process keeps between reads (redoing only the items whose change mark moved) is, after every
operation, exactly the allocation worked out afresh from everything stored.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from takt.app import catalog, purchasing, sales, scheduling, stock
from takt.app import manufacturing as mfg
from takt.app.availability import _allocation, allocation, sales_ref
from takt.app.ports import LedgerFilter
from takt.config import Settings, Takt, bootstrap
from takt.domain.errors import DomainError
from takt.domain.items import Item, ItemKind
from takt.domain.partners import Customer
from takt.domain.valuation import Valuation
from tests.integration.conftest import small_plant

D = Decimal
MON = date(2026, 11, 30)
ZERO = D(0)

MADE = ["TABLE", "LEG", "TOP"]
MATERIALS = ["OAK", "PLY", "GLUE"]
QTY = st.sampled_from([D("0.5"), D("1"), D("1"), D("2"), D("3"), D("5"), D("8")])
PICK = st.integers(min_value=0, max_value=7)  # which order so far (modulo how many there are)
DAY = st.integers(min_value=0, max_value=10)

OPERATION = st.one_of(
    st.tuples(st.just("receive"), st.sampled_from(MADE + MATERIALS), QTY),
    st.tuples(
        st.just("sell"),
        st.lists(st.tuples(st.sampled_from(MADE), QTY), min_size=1, max_size=2),
        DAY,
        st.booleans(),
    ),
    st.tuples(st.just("confirm"), PICK),
    st.tuples(st.just("ship"), PICK, st.sampled_from([1, 2]), QTY),
    st.tuples(st.just("ship allocated"), PICK, st.sampled_from([1, 2])),
    st.tuples(st.just("make"), st.sampled_from(MADE), QTY, DAY),
    st.tuples(st.just("make to order"), PICK, st.sampled_from([1, 2])),
    st.tuples(st.just("rank"), PICK, st.integers(min_value=1, max_value=4)),
    st.tuples(st.just("issue"), PICK, st.sampled_from(["OAK", "PLY", "GLUE", "LEG", "TOP"]), QTY),
    st.tuples(st.just("complete"), PICK, st.sampled_from([D("0.5"), D("1"), D("1"), D("2")])),
    st.tuples(st.just("buy"), st.sampled_from(["OAK", "PLY"]), QTY, DAY),
    st.tuples(st.just("receive po"), PICK, QTY),
    st.tuples(st.just("cancel"), st.sampled_from(["SO", "MO", "PO"]), PICK),
)


# Orders already there when the day starts: an open order, a quote, two MOs and a PO.
OPENING_ORDERS = {
    "SO": ["SO-0001", "SO-0002"],
    "MO": ["MO-0001", "MO-0002"],
    "PO": ["PO-0001"],
}


@dataclass
class Day:
    """The plant and the numbers of its orders, the opening ones and those made in this example."""

    takt: Takt
    orders: dict[str, list[str]] = field(
        default_factory=lambda: {kind: list(numbers) for kind, numbers in OPENING_ORDERS.items()}
    )

    def pick(self, kind: str, index: int) -> str | None:
        numbers = self.orders[kind]
        return numbers[index % len(numbers)] if numbers else None


REFERS_TO = {
    "confirm": "SO",
    "ship": "SO",
    "ship allocated": "SO",
    "make to order": "SO",
    "rank": "MO",
    "issue": "MO",
    "complete": "MO",
    "receive po": "PO",
}


def play(day: Day, op: tuple[Any, ...]) -> bool:
    """Runs one operation; False when it names an order and there is none yet.

    A refusal raises ``DomainError``.
    """
    uows = day.takt.uows
    kind = op[1] if op[0] == "cancel" else REFERS_TO.get(op[0])
    number = ""
    if kind is not None:
        index = op[2] if op[0] == "cancel" else op[1]
        picked = day.pick(kind, index)
        if picked is None:
            return False
        number = picked
    match op:
        case ("receive", sku, qty):
            batch = "G-1" if sku == "GLUE" else ""
            stock.receive(stock.Receive(sku, qty, D("10"), batch=batch), uows())
        case ("sell", lines, days, quote):
            order = sales.create_sales_order(
                sales.NewSalesOrder(
                    "HOTEL",
                    MON + timedelta(days),
                    tuple(sales.SalesLineInput(sku, qty, D("50")) for sku, qty in lines),
                    quote=quote,
                ),
                uows(),
            )
            day.orders["SO"].append(order.number)
        case ("confirm", _):
            sales.confirm_sales_order(number, uows())
        case ("ship", _, line_no, qty):
            sales.ship(sales.Ship(number, line_no, qty), uows())
        case ("ship allocated", _, line_no):
            with uows(read_only=True) as uow:
                line = allocation(uow).lines.get(sales_ref(number, line_no))
            if line is None or line.from_stock <= 0:
                return False
            sales.ship(sales.Ship(number, line_no, line.from_stock), uows())
        case ("make", sku, qty, days):
            mo = mfg.create_mo(mfg.NewMO(sku, qty, MON + timedelta(days)), uows())
            day.orders["MO"].append(mo.number)
        case ("make to order", _, line_no):
            mo = mfg.create_mo_for_sales_line(number, line_no, uows())
            day.orders["MO"].append(mo.number)
        case ("rank", _, position):
            mfg.rank_mo(number, position, uows())
        case ("issue", _, sku, qty):
            batch = "G-1" if sku == "GLUE" else ""
            mfg.issue(mfg.Issue(number, sku, qty, batch=batch), uows())
        case ("complete", _, good):
            mfg.complete(mfg.Complete(number, good), uows())
        case ("buy", sku, qty, days):
            po = purchasing.create_purchase_order(
                purchasing.NewPurchaseOrder(
                    "TIMBER",
                    (purchasing.PurchaseLineInput(sku, qty, D("12")),),
                    expected_date=MON + timedelta(days),
                ),
                uows(),
            )
            day.orders["PO"].append(po.number)
        case ("receive po", _, qty):
            purchasing.receive_purchase(purchasing.ReceivePurchase(number, 1, qty), uows())
        case ("cancel", "SO", _):
            sales.cancel_sales_order(number, uows())
        case ("cancel", "MO", _):
            mfg.cancel_mo(number, uows())
        case ("cancel", "PO", _):
            purchasing.cancel_purchase_order(number, uows())
        case _:
            raise AssertionError(f"unknown operation {op!r}")
    return True


def everything(takt: Takt) -> tuple[object, ...]:
    """All that an operation may change: ledger, balances, costs and every order."""
    with takt.uows(read_only=True) as uow:
        return (
            uow.stock.ledger(LedgerFilter(limit=100_000)),
            uow.stock.stored_balances(),
            uow.items.by_sku(),
            uow.sales.orders(),
            uow.manufacturing.orders(),
            uow.purchasing.orders(),
        )


def committed_from_orders(takt: Takt) -> dict[str, Decimal]:
    """Committed per item, worked out from the orders themselves (see availability.py)."""
    committed: dict[str, Decimal] = {}
    with takt.uows(read_only=True) as uow:
        sales_orders = uow.sales.orders()
        mos = [mo for mo in uow.manufacturing.orders() if mo.status.is_open]
    being_made: dict[tuple[str, int], Decimal] = {}
    for mo in mos:
        if mo.sales_order is not None and mo.sales_line is not None:
            key = (mo.sales_order, mo.sales_line)
            being_made[key] = being_made.get(key, ZERO) + mo.remaining
        for ing in mo.ingredients:
            committed[ing.sku] = committed.get(ing.sku, ZERO) + ing.remaining
    for order in sales_orders:
        if not order.status.is_open:
            continue
        for line in order.lines:
            still = line.remaining - being_made.get((order.number, line.line_no), ZERO)
            if still > 0:
                committed[line.sku] = committed.get(line.sku, ZERO) + still
    return {sku: qty for sku, qty in committed.items() if qty != 0}


def check_the_books(takt: Takt) -> None:
    with takt.uows(read_only=True) as uow:
        assert uow.stock.stored_balances() == uow.stock.ledger_sums()
        result = allocation(uow)
        on_hand = uow.stock.on_hand(list(uow.items.by_sku()))
    from_stock: dict[str, Decimal] = {}
    for line in result.lines.values():
        from_stock[line.item] = from_stock.get(line.item, ZERO) + line.from_stock
    for sku, taken in from_stock.items():
        assert taken <= max(on_hand[sku], ZERO), (sku, taken, on_hand[sku])
    figures = {sku: f.committed for sku, f in result.figures.items() if f.committed != 0}
    assert figures == committed_from_orders(takt)
    # The allocation's lines are that same demand: a line made to order counts what is not made.
    from_lines: dict[str, Decimal] = {}
    for line in result.lines.values():
        made = line.made_to_order.quantity if line.made_to_order else ZERO
        from_lines[line.item] = from_lines.get(line.item, ZERO) + max(line.quantity - made, ZERO)
    assert {sku: q for sku, q in from_lines.items() if q != 0} == figures


@pytest.fixture(scope="module")
def plant_file(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small plant with a customer, some stock and a few orders, stored once.

    Each example works on a copy.
    """
    path = tmp_path_factory.mktemp("plant") / "plant.db"
    shutil.copyfile(sqlite_template, path)
    takt = bootstrap(Settings(database_url=f"sqlite:///{path}"), migrate=False)
    try:
        small_plant(takt.uows)
        sales.add_customer(Customer("HOTEL", "Hotel Adler"), takt.uows())
        for sku, qty, batch in [
            ("OAK", "20", ""),
            ("PLY", "6", ""),
            ("GLUE", "1", "G-1"),
            ("LEG", "6", ""),
            ("TABLE", "2", ""),
        ]:
            stock.receive(stock.Receive(sku, D(qty), D("10"), batch=batch), takt.uows())
        opening_sales = [((("TABLE", "1"), ("LEG", "2")), 3, False), ((("TOP", "1"),), 5, True)]
        for number, (lines, days, quote) in zip(OPENING_ORDERS["SO"], opening_sales, strict=True):
            cmd = sales.NewSalesOrder(
                "HOTEL",
                MON + timedelta(days),
                tuple(sales.SalesLineInput(sku, D(qty), D("50")) for sku, qty in lines),
                quote=quote,
            )
            assert sales.create_sales_order(cmd, takt.uows()).number == number
        for number, (sku, qty) in zip(
            OPENING_ORDERS["MO"], [("LEG", "5"), ("TABLE", "1")], strict=True
        ):
            cmd_mo = mfg.NewMO(sku, D(qty), MON + timedelta(4))
            assert mfg.create_mo(cmd_mo, takt.uows()).number == number
        line_po = purchasing.PurchaseLineInput("PLY", D("4"), D("12"))
        po = purchasing.NewPurchaseOrder("TIMBER", (line_po,), expected_date=MON + timedelta(2))
        assert purchasing.create_purchase_order(po, takt.uows()).number == "PO-0001"
    finally:
        takt.close()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture
def fresh_plant(plant_file: Path, tmp_path: Path) -> Iterator[Callable[[], Takt]]:
    """Makes a fresh copy of the plant per call: Hypothesis examples must not share a day."""
    apps: list[Takt] = []

    def make() -> Takt:
        path = tmp_path / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(plant_file, path)
        app = bootstrap(Settings(database_url=f"sqlite:///{path}"), migrate=False)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATION, min_size=1, max_size=20))
def test_the_books_stay_straight_whatever_the_day_brings(
    fresh_plant: Callable[[], Takt], operations: list[tuple[Any, ...]]
) -> None:
    takt = fresh_plant()
    day = Day(takt)
    try:
        for op in operations:
            before = everything(takt)
            try:
                attempted = play(day, op)
            except DomainError as refused:
                event(f"{op[0]}: refused ({type(refused).__name__})")
                assert everything(takt) == before, f"{op} was refused but changed something"
            else:
                event(f"{op[0]}: {'done' if attempted else 'nothing to do'}")
            check_the_books(takt)
    finally:
        takt.close()


def test_the_cost_of_a_fifo_shipment_is_the_value_that_left_the_ledger(plant: Takt) -> None:
    """Stools kept first-in first-out: one came in at 20, one at 30; both go to the hotel."""
    catalog.add_item(
        Item(
            "STOOL", "Bar stool", ItemKind.PRODUCT, sales_price=D("100"), valuation=Valuation.FIFO
        ),
        plant.uows(),
    )
    sales.add_customer(Customer("HOTEL", "Hotel Adler"), plant.uows())
    stock.receive(stock.Receive("STOOL", D("1"), D("20")), plant.uows())
    stock.receive(stock.Receive("STOOL", D("1"), D("30")), plant.uows())
    order = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", MON, (sales.SalesLineInput("STOOL", D("2")),)), plant.uows()
    )
    posted = sales.ship(sales.Ship(order.number, 1, D("2")), plant.uows())
    left = sum((-e.quantity * e.unit_cost for e in posted.entries), ZERO)
    assert left == D("50")  # the ledger is right: 20 + 30
    with plant.uows(read_only=True) as uow:
        shipped = uow.sales.get(order.number)
    assert (shipped.cost_shipped, shipped.margin) == (D("50"), D("150"))


def kept_equals_fresh(takt: Takt) -> None:
    with takt.uows(read_only=True) as uow:
        kept = allocation(uow)
        fresh = _allocation(uow, None)
    assert kept.lines == fresh.lines
    assert kept.figures == fresh.figures
    assert kept.order_tallies() == fresh.order_tallies()
    # One order's view, as the order screens read it, is kept the same way.
    for number in list(kept.lines)[:3]:
        order = number.split("/", 1)[0]
        with takt.uows(read_only=True) as uow:
            skus = sorted({ln.item for ln in fresh.order_lines(order)})
            one = {ln.ref: ln for ln in allocation(uow, skus).order_lines(order)}
            assert one == {ln.ref: ln for ln in fresh.order_lines(order)}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    operations=st.lists(st.one_of(OPERATION, st.tuples(st.just("plan"))), min_size=1, max_size=20)
)
def test_the_allocation_kept_between_reads_is_the_allocation_worked_out_afresh(
    fresh_plant: Callable[[], Takt], operations: list[tuple[Any, ...]]
) -> None:
    takt = fresh_plant()
    day = Day(takt)
    try:
        kept_equals_fresh(takt)
        for op in operations:
            try:
                if op == ("plan",):
                    scheduling.replan(takt.uows())
                else:
                    play(day, op)
            except DomainError:
                pass
            kept_equals_fresh(takt)
    finally:
        takt.close()


def test_a_new_safety_stock_shows_in_the_kept_figures(plant: Takt) -> None:
    with plant.uows(read_only=True) as uow:
        before = allocation(uow).figures["OAK"]
    catalog.update_item("OAK", {"safety_stock": D("12")}, plant.uows())
    with plant.uows(read_only=True) as uow:
        after = allocation(uow).figures["OAK"]
    assert (before.safety_stock, after.safety_stock) == (ZERO, D("12"))
    assert after.missing == before.missing + D("12")
