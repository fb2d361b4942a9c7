"""The Make list a page at a time: filters, positions among all open MOs, a fixed query count.

A table maker with a dozen open MOs for legs, tops and tables, some made to order for the hotel.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import event

from takt.app import manufacturing as mfg
from takt.app import sales, stock
from takt.app.orders_queries import MakeQuery, make_list, make_order, make_page
from takt.config import Takt
from takt.domain.partners import Customer

D = Decimal
MON = date(2026, 11, 30)
TODAY = date(2026, 11, 25)


def today() -> date:
    return TODAY


def book(plant: Takt, mos: int) -> list[str]:
    """``mos`` make-to-stock MOs (legs, tops, tables in turn) and two tables made to order."""
    stock.receive(stock.Receive("OAK", D("10"), D("8")), plant.uows())
    numbers = []
    for n in range(mos):
        sku = ("LEG", "TOP", "TABLE")[n % 3]
        due = MON + timedelta(days=n % 5)
        numbers.append(mfg.create_mo(mfg.NewMO(sku, D(1 + n % 3), due), plant.uows()).number)
    with plant.uows(read_only=True) as uow:
        known = "HOTEL" in uow.partners.customers()
    if not known:
        sales.add_customer(Customer("HOTEL", "Hotel Adler"), plant.uows())
    order = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", MON, (sales.SalesLineInput("TABLE", D("2"), D("450")),)),
        plant.uows(),
    )
    numbers.append(mfg.create_mo_for_sales_line(order.number, 1, plant.uows()).number)
    return numbers


def test_a_page_shows_the_rows_of_the_whole_list_at_their_places(plant: Takt) -> None:
    numbers = book(plant, 12)
    everything = make_list(plant.uows, today=today)
    first = make_page(plant.uows, MakeQuery(page_size=5), today=today)
    second = make_page(plant.uows, MakeQuery(page=2, page_size=5), today=today)
    assert first.total == first.matching == len(numbers) == 13
    assert first.pages == 3
    assert first.rows == everything[:5]
    assert second.rows == everything[5:10]
    assert second.positions == [6, 7, 8, 9, 10]


def test_filters_narrow_the_list_and_keep_each_rows_place(plant: Takt) -> None:
    book(plant, 12)
    everything = make_list(plant.uows, today=today)
    tables = make_page(plant.uows, MakeQuery(search="table"), today=today)
    assert [r.item for r in tables.rows] == ["TABLE"] * 5
    assert tables.positions == [i for i, r in enumerate(everything, 1) if r.item == "TABLE"]
    hotel = make_page(plant.uows, MakeQuery(search="hotel"), today=today)
    assert [r.customer for r in hotel.rows] == ["HOTEL"]
    red = make_page(plant.uows, MakeQuery(material="red"), today=today)
    assert red.rows
    assert all(r.material_status == "red" for r in red.rows)
    assert red.matching == sum(1 for r in everything if r.material_status == "red")
    late = make_page(plant.uows, MakeQuery(late_only=True), today=lambda: MON + timedelta(3))
    assert late.rows
    assert all(r.due_date < MON + timedelta(3) for r in late.rows)
    every, matching = make_order(plant.uows, MakeQuery(search="leg"))
    assert len(every) == 13
    assert len(matching) == 4
    assert matching == [n for n in every if n in {r.number for r in everything if r.item == "LEG"}]


def test_a_page_takes_the_same_number_of_queries_for_ten_or_forty_orders(plant: Takt) -> None:
    def statements(query: MakeQuery) -> int:
        seen: list[Any] = []
        listener = lambda *_: seen.append(1)  # noqa: E731
        event.listen(plant.engine, "before_cursor_execute", listener)
        try:
            make_page(plant.uows, query, today=today)
        finally:
            event.remove(plant.engine, "before_cursor_execute", listener)
        return len(seen)

    book(plant, 9)
    make_page(plant.uows, MakeQuery(), today=today)  # the first read allocates every item
    few = statements(MakeQuery())
    book(plant, 30)
    make_page(plant.uows, MakeQuery(), today=today)
    assert statements(MakeQuery()) == few
