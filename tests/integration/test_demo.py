"""The demo factory and its order book load on SQLite and PostgreSQL and show every colour."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import event

from takt.app import manufacturing as mfg
from takt.app import orders_queries as views
from takt.app import purchasing, sales
from takt.app.demo import load_demo
from takt.config import Takt
from takt.domain.manufacturing import MOStatus
from takt.domain.sales import SalesStatus

TODAY = date(2026, 11, 30)


def test_the_demo_loads_once_with_an_order_book_in_every_colour(takt: Takt) -> None:
    started = time.perf_counter()
    assert load_demo(takt.uows, TODAY) is True
    assert time.perf_counter() - started < 15
    assert load_demo(takt.uows, TODAY) is False

    mos = views.make_list(takt.uows, None, lambda: TODAY)
    assert 35 <= len(mos) <= 45
    assert {r.material_status for r in mos if r.status != MOStatus.DONE.value} == {
        "green",
        "amber",
        "red",
    }
    states = Counter(r.status for r in mos)
    for status in MOStatus:
        if status is not MOStatus.CANCELLED:
            assert states[status.value] > 0, status
    assert any(r.customer for r in mos)  # made to order
    assert not any(r.late for r in mos)  # nothing open is past its due date

    orders = views.sales_list(takt.uows, None, lambda: TODAY)
    assert 25 <= len(orders) <= 35
    assert {r.material_status for r in orders if r.status == "open"} == {"green", "amber", "red"}
    assert Counter(r.status for r in orders)[SalesStatus.QUOTE.value] >= 2
    assert any(r.flag == "late" for r in orders)
    assert sum(r.margin for r in orders) > 0  # shipped orders made money

    purchases = views.purchase_list(takt.uows)
    assert any(p.status == "partly received" for p in purchases)
    assert any(p.too_late_for for p in purchases)

    with takt.uows(read_only=True) as uow:
        assert uow.stock.stored_balances() == uow.stock.ledger_sums()
        assert all(q >= 0 for q in uow.stock.stored_balances().values())


def test_a_red_line_says_what_comes_too_late(takt: Takt) -> None:
    load_demo(takt.uows, TODAY)
    reasons = [
        ln.reason
        for mo in views.make_list(takt.uows, None, lambda: TODAY)
        if mo.material_status == "red"
        for ln in views.order_status(takt.uows, mo.number).lines
        if ln.material_status == "red"
    ]
    assert any(r.startswith("expected too late: PO-") for r in reasons)
    assert views.task_list(takt.uows, operator="CARLA")


def test_listings_read_in_a_fixed_number_of_queries(takt: Takt) -> None:
    """Ten more orders of each kind: the listings still send the same number of statements."""
    load_demo(takt.uows, TODAY)
    listings = {
        "sales": lambda: views.sales_list(takt.uows, None, lambda: TODAY),
        "make": lambda: views.make_list(takt.uows, None, lambda: TODAY),
        "purchase": lambda: views.purchase_list(takt.uows, None),
        "tasks": lambda: views.task_list(takt.uows),
    }
    statements = [0]

    def counted(*_: object) -> None:
        statements[0] += 1

    def count() -> dict[str, int]:
        result = {}
        for name, listing in listings.items():
            statements[0] = 0
            listing()
            result[name] = statements[0]
        return result

    event.listen(takt.engine, "before_cursor_execute", counted)
    try:
        # The first read after a change also redoes the changed items' allocation (a fixed
        # number of queries too, but not the same): compare the reads that follow.
        count()
        before = count()
        due = date(2027, 1, 11)
        for _ in range(10):
            mfg.create_mo(mfg.NewMO("CHAIR-OAK", Decimal(2), due), takt.uows())
            line = sales.SalesLineInput("CHAIR-OAK", Decimal(1))
            sales.create_sales_order(sales.NewSalesOrder("WEBSHOP", due, (line,)), takt.uows())
            buy = purchasing.PurchaseLineInput("FELT-PAD", Decimal(5))
            purchasing.create_purchase_order(
                purchasing.NewPurchaseOrder("FITTINGS", (buy,), due), takt.uows()
            )
        count()
        assert count() == before
    finally:
        event.remove(takt.engine, "before_cursor_execute", counted)
