"""Orders on SQLite and PostgreSQL: buying, making and selling at the small table maker.

Stories are told in dates: Monday 2026-11-30 is "today" unless a test moves the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from takt.app import manufacturing as mfg
from takt.app import purchasing, sales, stock
from takt.app.availability import allocation
from takt.app.tasks import TaskAction, TaskCommand, act_on_task
from takt.config import Takt
from takt.domain.allocation import Status
from takt.domain.errors import DomainError
from takt.domain.ledger import InsufficientStock, Reason, StockKey
from takt.domain.manufacturing import ManufacturingError, MOStatus, Overhead
from takt.domain.partners import Customer
from takt.domain.purchasing import PurchaseError, PurchaseStatus
from takt.domain.sales import SalesError, SalesStatus
from takt.domain.tasks import TaskError

D = Decimal
MON = date(2026, 11, 30)
THU, FRI, NEXT_MON = MON + timedelta(3), MON + timedelta(4), MON + timedelta(7)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def shop(plant: Takt) -> Takt:
    """The plant with a customer and some plywood, glue and oak on the shelves."""
    sales.add_customer(Customer("HOTEL", "Hotel Adler"), plant.uows())
    stock.receive(stock.Receive("PLY", D("3"), D("12")), plant.uows())
    stock.receive(stock.Receive("GLUE", D("2"), D("10"), batch="G-1"), plant.uows())
    stock.receive(stock.Receive("OAK", D("40"), D("4")), plant.uows())
    return plant


def status_of(takt: Takt, order: str) -> tuple[Status, list[str]]:
    with takt.uows(read_only=True) as uow:
        result = allocation(uow)
    lines = result.order_lines(order)
    return result.order_status(order), [ln.reason for ln in lines]


def new_mo(
    takt: Takt, sku: str, qty: str, due: date, clock: Callable[[], datetime] | None = None
) -> str:
    cmd = mfg.NewMO(sku, D(qty), due)
    return mfg.create_mo(cmd, takt.uows(), clock or stock.utc_now).number


# ---------------------------------------------------------------- purchasing


def test_a_purchase_order_is_received_in_parts_at_its_price(shop: Takt) -> None:
    po = purchasing.create_purchase_order(
        purchasing.NewPurchaseOrder(
            "TIMBER", (purchasing.PurchaseLineInput("PLY", D("10"), D("15")),), expected_date=FRI
        ),
        shop.uows(),
    )
    assert po.number == "PO-0001"
    purchasing.receive_purchase(purchasing.ReceivePurchase(po.number, 1, D("4")), shop.uows())
    with shop.uows(read_only=True) as uow:
        assert uow.purchasing.get(po.number).status is PurchaseStatus.PARTLY_RECEIVED
        ply = uow.items.get("PLY")
    # (3 x 12 + 4 x 15) / 7 = 13.714286 (rounded half-even to 6 places)
    assert ply.average_cost == D("13.714286")
    assert ply.last_purchase_price == D("15")
    with pytest.raises(PurchaseError, match="more than the 6"):
        purchasing.receive_purchase(purchasing.ReceivePurchase(po.number, 1, D("7")), shop.uows())
    purchasing.receive_purchase(purchasing.ReceivePurchase(po.number, 1, D("6")), shop.uows())
    with shop.uows(read_only=True) as uow:
        assert uow.purchasing.get(po.number).status is PurchaseStatus.RECEIVED
    with pytest.raises(PurchaseError, match="received: nothing more"):
        purchasing.receive_purchase(purchasing.ReceivePurchase(po.number, 1, D("1")), shop.uows())


def test_purchase_units_convert_to_stock_units(shop: Takt) -> None:
    from takt.app import catalog
    from takt.domain.items import Item, ItemKind
    from takt.domain.units import PurchaseUnit

    catalog.add_item(
        Item("SCREW-BOX", "Screws", ItemKind.MATERIAL, purchase_unit=PurchaseUnit("box", D("100"))),
        shop.uows(),
    )
    po = purchasing.create_purchase_order(
        purchasing.NewPurchaseOrder(
            "TIMBER", (purchasing.PurchaseLineInput("SCREW-BOX", D("3"), D("4.50")),)
        ),
        shop.uows(),
    )
    assert po.expected_date == date.today() + timedelta(days=7)  # the supplier's lead time
    posted = purchasing.receive_purchase(
        purchasing.ReceivePurchase(po.number, 1, D("2")), shop.uows()
    )
    assert posted.entries[0].quantity == D("200")
    assert posted.entries[0].unit_cost == D("0.045")


# ---------------------------------------------------------------- allocation story


def test_the_plywood_story(shop: Takt) -> None:
    """A top needs 1.2 m2 of plywood; 3 m2 are in stock; a PO of 10 arrives Friday."""
    purchasing.create_purchase_order(
        purchasing.NewPurchaseOrder(
            "TIMBER", (purchasing.PurchaseLineInput("PLY", D("10"), D("12")),), expected_date=FRI
        ),
        shop.uows(),
    )
    mo_a = new_mo(shop, "TOP", "4", NEXT_MON)  # needs 4.8: 3 from stock, 1.8 from Friday's PO
    status, reasons = status_of(shop, mo_a)
    assert status is Status.AMBER
    assert "PLY" not in reasons[0] or True
    ply = next(r for r in reasons if "PO-0001" in r)
    assert ply == "3 in stock; expected: 1.8 from PO-0001 on 2026-12-04 (needed 2026-12-07)"

    mo_b = new_mo(shop, "TOP", "2", THU)  # ranked after A: stock is gone, the PO comes too late
    status, reasons = status_of(shop, mo_b)
    assert status is Status.RED
    assert "expected too late: PO-0001 on 2026-12-04, needed 2026-12-03" in reasons

    mo_c = new_mo(shop, "TOP", "10", FRI)  # 12 m2: after A and B only 5.8 of the PO is left
    assert status_of(shop, mo_c)[0] is Status.RED

    # The planner moves C to the top of the Make list: C takes the stock and the PO, A turns red.
    mfg.rank_mo(mo_c, 1, shop.uows())
    assert status_of(shop, mo_c)[0] is Status.AMBER
    status, reasons = status_of(shop, mo_a)
    assert status is Status.RED
    assert any(r.startswith("short 3.8 of 4.8") for r in reasons)


def test_item_figures(shop: Takt) -> None:
    new_mo(shop, "TOP", "2", FRI)  # commits 2.4 PLY and 0.1 GLUE, expects 2 TOP
    with shop.uows(read_only=True) as uow:
        figures = allocation(uow).figures
    ply = figures["PLY"]
    assert (ply.in_stock, ply.committed, ply.expected, ply.available) == (
        D("3"),
        D("2.4"),
        D("0"),
        D("0.6"),
    )
    assert figures["TOP"].expected == D("2")


# ---------------------------------------------------------------- selling


def test_a_sales_order_ships_what_is_allocated_and_knows_its_margin(
    shop: Takt, clock: Clock
) -> None:
    stock.receive(stock.Receive("TABLE", D("3"), D("200")), shop.uows())
    first = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", THU, (sales.SalesLineInput("TABLE", D("2")),)),
        shop.uows(),
        clock,
    )
    second = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", FRI, (sales.SalesLineInput("TABLE", D("2"), D("500")),)),
        shop.uows(),
        clock,
    )
    assert status_of(shop, first.number)[0] is Status.GREEN
    assert status_of(shop, second.number) == (Status.RED, ["short 1 of 2 after 1 in stock"])

    with pytest.raises(SalesError, match="only 1 TABLE allocated"):
        sales.ship(sales.Ship(second.number, 1, D("2")), shop.uows(), clock)
    sales.ship(sales.Ship(second.number, 1, D("1")), shop.uows(), clock)
    sales.ship(sales.Ship(first.number, 1, D("2")), shop.uows(), clock)

    with shop.uows(read_only=True) as uow:
        done = uow.sales.get(first.number)
        part = uow.sales.get(second.number)
    assert done.status is SalesStatus.DELIVERED
    assert part.status is SalesStatus.PARTLY_DELIVERED
    assert (done.revenue, done.cost_shipped, done.margin) == (D("900"), D("400"), D("500"))
    assert (part.revenue, part.margin) == (D("500"), D("300"))


def test_an_order_due_later_cannot_ship_what_one_due_sooner_needs_right_after_a_receipt(
    shop: Takt, clock: Clock
) -> None:
    later = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", FRI, (sales.SalesLineInput("TABLE", D("2")),)),
        shop.uows(),
        clock,
    )
    sooner = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", THU, (sales.SalesLineInput("TABLE", D("2")),)),
        shop.uows(),
        clock,
    )
    # Nobody has looked at the orders since the tables came in: shipping works it out anew.
    stock.receive(stock.Receive("TABLE", D("3"), D("200")), shop.uows())
    with pytest.raises(SalesError, match="only 1 TABLE allocated"):
        sales.ship(sales.Ship(later.number, 1, D("2")), shop.uows(), clock)
    sales.ship(sales.Ship(sooner.number, 1, D("2")), shop.uows(), clock)
    stock.receive(stock.Receive("TABLE", D("1"), D("200")), shop.uows())
    sales.ship(sales.Ship(later.number, 1, D("2")), shop.uows(), clock)
    with shop.uows(read_only=True) as uow:
        assert uow.sales.get(later.number).status is SalesStatus.DELIVERED
        assert uow.stock.on_hand(["TABLE"])["TABLE"] == 0


def test_cancelling_an_order_releases_its_stock(shop: Takt, clock: Clock) -> None:
    stock.receive(stock.Receive("TABLE", D("1"), D("200")), shop.uows())
    first = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", THU, (sales.SalesLineInput("TABLE", D("1")),)),
        shop.uows(),
        clock,
    )
    second = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", FRI, (sales.SalesLineInput("TABLE", D("1")),)),
        shop.uows(),
        clock,
    )
    assert status_of(shop, second.number)[0] is Status.RED
    sales.cancel_sales_order(first.number, shop.uows())
    assert status_of(shop, second.number)[0] is Status.GREEN


def test_a_planner_rushes_an_order_ahead_of_one_due_sooner(shop: Takt, clock: Clock) -> None:
    stock.receive(stock.Receive("TABLE", D("2"), D("200")), shop.uows())
    sooner = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", THU, (sales.SalesLineInput("TABLE", D("2")),)),
        shop.uows(),
        clock,
    )
    rushed = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", FRI, (sales.SalesLineInput("TABLE", D("2")),)),
        shop.uows(),
        clock,
    )
    assert status_of(shop, rushed.number)[0] is Status.RED
    # The hotel's Friday order is for its opening: the planner puts it first.
    sales.rank_sales_order(rushed.number, -1, shop.uows())
    assert status_of(shop, rushed.number)[0] is Status.GREEN
    assert status_of(shop, sooner.number)[0] is Status.RED
    with pytest.raises(SalesError, match="only 0 TABLE allocated"):
        sales.ship(sales.Ship(sooner.number, 1, D("1")), shop.uows(), clock)
    sales.ship(sales.Ship(rushed.number, 1, D("2")), shop.uows(), clock)
    # A delivered order has nothing left to rank, and ranks stay within bounds.
    with pytest.raises(SalesError, match="delivered; it cannot be ranked") as info:
        sales.rank_sales_order(rushed.number, 0, shop.uows())
    assert info.value.field == "status"
    with pytest.raises(SalesError, match="rank must be between") as info:
        sales.rank_sales_order(sooner.number, 10_000_000, shop.uows())
    assert info.value.field == "rank"
    with shop.uows(read_only=True) as uow:
        assert (uow.sales.get(rushed.number).rank, uow.sales.get(sooner.number).rank) == (-1, 0)


def test_a_material_is_not_for_sale(shop: Takt) -> None:
    with pytest.raises(SalesError, match="OAK is a material") as info:
        sales.create_sales_order(
            sales.NewSalesOrder("HOTEL", FRI, (sales.SalesLineInput("OAK", D("1"), D("5")),)),
            shop.uows(),
        )
    assert info.value.field == "sku"
    with shop.uows(read_only=True) as uow:
        assert uow.sales.orders() == []


def test_a_quote_commits_nothing_until_confirmed(shop: Takt) -> None:
    stock.receive(stock.Receive("TABLE", D("1"), D("200")), shop.uows())
    quote = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", FRI, (sales.SalesLineInput("TABLE", D("1")),), quote=True),
        shop.uows(),
    )
    with shop.uows(read_only=True) as uow:
        assert allocation(uow).figures["TABLE"].committed == 0
    sales.confirm_sales_order(quote.number, shop.uows())
    with shop.uows(read_only=True) as uow:
        assert allocation(uow).figures["TABLE"].committed == 1


# ---------------------------------------------------------------- making


def test_completing_an_mo_consumes_what_was_used_and_values_the_output(
    shop: Takt, clock: Clock
) -> None:
    mfg.set_overhead(Overhead(pct_of_materials=D("10")), shop.uows())
    mo = mfg.create_mo(mfg.NewMO("LEG", D("10"), FRI), shop.uows(), clock)
    assert [(i.sku, i.planned) for i in mo.ingredients] == [("OAK", D("8"))]
    assert mo.production_minutes == D("45")  # 15 setup + 3 x 10
    act_on_task(TaskCommand(mo.number, 10, TaskAction.START, "ines"), shop.uows(), clock)
    clock.advance(30)
    act_on_task(TaskCommand(mo.number, 10, TaskAction.PAUSE, "ines"), shop.uows(), clock)
    clock.advance(60)  # lunch is not booked
    act_on_task(TaskCommand(mo.number, 10, TaskAction.RESUME, "ines"), shop.uows(), clock)
    clock.advance(30)
    act_on_task(
        TaskCommand(mo.number, 10, TaskAction.FINISH, "ines", quantity_done=D("10")),
        shop.uows(),
        clock,
    )
    # The saw cut 8.5 m of oak, not the planned 8.
    posted = mfg.complete(
        mfg.Complete(mo.number, D("10"), consumed={"OAK": D("8.5")}), shop.uows(), clock
    )
    assert [(e.key.item, e.quantity, e.reason) for e in posted.entries] == [
        ("OAK", D("-8.5"), Reason.CONSUMPTION),
        ("LEG", D("10"), Reason.OUTPUT),
    ]
    # materials 8.5 x 4 = 34; labour 60 min at 30/h = 30; overhead 10 % of materials = 3.4
    assert posted.entries[1].unit_cost == D("6.74")
    with shop.uows(read_only=True) as uow:
        done = uow.manufacturing.get(mo.number)
        assert done.status is MOStatus.DONE
        assert done.tasks[0].booked_minutes() == D("60")
        planned = done.planned_cost({"OAK": D("4")}, mfg.overhead_rules(uow))
        actual = done.actual_cost(mfg.overhead_rules(uow))
        assert uow.stock.stored_balances()[StockKey("OAK", "MAIN")] == D("31.5")
    assert (planned.materials, planned.labour, planned.overhead) == (D("32"), D("22.5"), D("3.2"))
    assert (actual.materials, actual.labour, actual.overhead) == (D("34"), D("30"), D("3.4"))
    with pytest.raises(ManufacturingError, match="cannot be completed again"):
        mfg.complete(mfg.Complete(mo.number, D("1")), shop.uows(), clock)
    with pytest.raises(ManufacturingError, match="only open orders can be ranked"):
        mfg.rank_mo(mo.number, 1, shop.uows())


def test_an_ingredient_not_named_at_completion_takes_its_planned_share(
    shop: Takt, clock: Clock
) -> None:
    top = mfg.create_mo(mfg.NewMO("TOP", D("2"), FRI), shop.uows(), clock)
    planned = {i.sku: i.planned for i in top.ingredients}
    # The offcuts were bigger than planned; nobody thought to mention the glue.
    posted = mfg.complete(
        mfg.Complete(top.number, D("2"), consumed={"PLY": D("2.5")}), shop.uows(), clock
    )
    used = {e.key.item: -e.quantity for e in posted.entries if e.reason is Reason.CONSUMPTION}
    assert used == {"PLY": D("2.5"), "GLUE": planned["GLUE"]}


def test_a_partial_completion_takes_the_planned_share(shop: Takt, clock: Clock) -> None:
    mo = mfg.create_mo(mfg.NewMO("TOP", D("2"), FRI), shop.uows(), clock)
    posted = mfg.complete(mfg.Complete(mo.number, D("1")), shop.uows(), clock)
    consumed = {(e.key.item, e.key.batch): e.quantity for e in posted.entries if e.quantity < 0}
    assert consumed == {("PLY", ""): D("-1.2"), ("GLUE", "G-1"): D("-0.05")}
    with shop.uows(read_only=True) as uow:
        assert uow.manufacturing.get(mo.number).status is MOStatus.PARTIALLY_COMPLETED


def test_a_completion_without_stock_writes_nothing(shop: Takt, clock: Clock) -> None:
    mo = mfg.create_mo(mfg.NewMO("TOP", D("5"), FRI), shop.uows(), clock)  # needs 6 m2, 3 on hand
    with shop.uows(read_only=True) as uow:
        before = uow.stock.stored_balances()
    with pytest.raises(InsufficientStock):
        mfg.complete(mfg.Complete(mo.number, D("5")), shop.uows(), clock)
    with shop.uows(read_only=True) as uow:
        assert uow.stock.stored_balances() == before
        assert uow.manufacturing.get(mo.number).status is MOStatus.NOT_STARTED


def test_issuing_before_completion(shop: Takt, clock: Clock) -> None:
    mo = mfg.create_mo(mfg.NewMO("LEG", D("10"), FRI), shop.uows(), clock)
    mfg.issue(mfg.Issue(mo.number, "OAK", D("5")), shop.uows(), clock)
    with pytest.raises(ManufacturingError, match="PLY is not an ingredient") as info:
        mfg.issue(mfg.Issue(mo.number, "PLY", D("1")), shop.uows(), clock)
    assert info.value.field == "sku"
    posted = mfg.complete(mfg.Complete(mo.number, D("10")), shop.uows(), clock)
    assert [(e.key.item, e.quantity) for e in posted.entries] == [
        ("OAK", D("-3")),
        ("LEG", D("10")),
    ]


def test_make_to_order_follows_its_sales_line(shop: Takt, clock: Clock) -> None:
    order = sales.create_sales_order(
        sales.NewSalesOrder("HOTEL", NEXT_MON, (sales.SalesLineInput("TABLE", D("2")),)),
        shop.uows(),
        clock,
    )
    assert status_of(shop, order.number)[0] is Status.RED
    mo = mfg.create_mo_for_sales_line(order.number, 1, shop.uows(), clock=clock)
    assert (mo.sales_order, mo.sales_line, mo.quantity, mo.due_date) == (
        order.number,
        1,
        D("2"),
        NEXT_MON,
    )
    status, reasons = status_of(shop, order.number)
    assert status is Status.AMBER
    assert reasons == [f"made to order: {mo.number} finishes 2026-12-07 (needed 2026-12-07)"]
    with pytest.raises(ManufacturingError, match="already made to order"):
        mfg.create_mo_for_sales_line(order.number, 1, shop.uows(), clock=clock)


def test_tasks_refuse_what_makes_no_sense(shop: Takt, clock: Clock) -> None:
    mo = mfg.create_mo(mfg.NewMO("LEG", D("4"), FRI), shop.uows(), clock)
    with pytest.raises(TaskError, match="cannot pause"):
        act_on_task(TaskCommand(mo.number, 10, TaskAction.PAUSE), shop.uows(), clock)
    act_on_task(TaskCommand(mo.number, 10, TaskAction.START), shop.uows(), clock)
    with shop.uows(read_only=True) as uow:
        assert uow.manufacturing.get(mo.number).status is MOStatus.IN_PROGRESS
    act_on_task(
        TaskCommand(mo.number, 10, TaskAction.BLOCK, reason="blade broken"), shop.uows(), clock
    )
    with shop.uows(read_only=True) as uow:
        blocked = uow.manufacturing.get(mo.number)
    assert blocked.status is MOStatus.BLOCKED
    assert "blade broken" in blocked.block_text
    act_on_task(TaskCommand(mo.number, 10, TaskAction.UNBLOCK), shop.uows(), clock)
    act_on_task(TaskCommand(mo.number, 10, TaskAction.RESUME), shop.uows(), clock)
    act_on_task(
        TaskCommand(mo.number, 10, TaskAction.FINISH, quantity_done=D("4")), shop.uows(), clock
    )
    with pytest.raises(TaskError, match="is done: it cannot finish"):
        act_on_task(TaskCommand(mo.number, 10, TaskAction.FINISH), shop.uows(), clock)
    with shop.uows(read_only=True) as uow:
        events = [e.kind.value for e in uow.manufacturing.get(mo.number).tasks[0].events]
    assert events == ["start", "block", "unblock", "resume", "finish"]


def test_unknown_references_are_named(shop: Takt) -> None:
    with pytest.raises(DomainError, match="unknown sales order 'SO-9999'"):
        sales.ship(sales.Ship("SO-9999", 1, D("1")), shop.uows())
    with pytest.raises(DomainError, match="unknown manufacturing order 'MO-9'"):
        mfg.complete(mfg.Complete("MO-9", D("1")), shop.uows())
    with pytest.raises(DomainError, match="unknown customer 'NOBODY'"):
        sales.create_sales_order(sales.NewSalesOrder("NOBODY", FRI), shop.uows())


def test_sub_assembly_orders_cover_only_the_shortfall(shop: Takt, clock: Clock) -> None:
    stock.receive(stock.Receive("LEG", D("5"), D("5")), shop.uows())
    table = mfg.create_mo(
        mfg.NewMO("TABLE", D("2"), FRI), shop.uows(), clock
    )  # needs 8.4 legs, 2 tops
    subs = mfg.create_sub_assembly_mos(table.number, shop.uows(), clock)
    assert sorted((m.sku, m.quantity, m.due_date) for m in subs) == [
        ("LEG", D("3.4"), FRI),
        ("TOP", D("2"), FRI),
    ]
    with shop.uows(read_only=True) as uow:
        ranks = [n for n, _ in uow.manufacturing.open_ranks()]
    assert ranks.index(table.number) == 2  # the sub-assemblies come first on the Make list
    assert mfg.create_sub_assembly_mos(table.number, shop.uows(), clock) == []


def test_sub_assembly_orders_do_not_count_on_supply_that_comes_too_late(
    shop: Takt, clock: Clock
) -> None:
    late_legs = mfg.create_mo(mfg.NewMO("LEG", D("8"), NEXT_MON), shop.uows(), clock)
    table = mfg.create_mo(mfg.NewMO("TABLE", D("2"), FRI), shop.uows(), clock)
    # The leg MO due next Monday would cover the 8.4 legs, but only after Friday.
    subs = mfg.create_sub_assembly_mos(table.number, shop.uows(), clock)
    assert sorted((m.sku, m.quantity, m.due_date) for m in subs) == [
        ("LEG", D("8.4"), FRI),
        ("TOP", D("2"), FRI),
    ]
    assert late_legs.number not in {m.number for m in subs}
    assert mfg.create_sub_assembly_mos(table.number, shop.uows(), clock) == []
