"""The schedule of the table maker: open MOs planned on the workstations' real calendars.

Shifts are Mon-Fri 07:00-15:30 (the default week), the plant runs on UTC; "now" is Monday
2026-11-30 08:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from takt.app import catalog, purchasing, stock
from takt.app import manufacturing as mfg
from takt.app.scheduling import OPERATORS, replan
from takt.app.tasks import TaskAction, TaskCommand, act_on_task
from takt.config import Takt
from takt.domain.workstations import Operator

D = Decimal
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
MON = NOW.date()


def clock() -> datetime:
    return NOW


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_orders_are_planned_on_shifts_and_late_ones_say_why(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D("100"), D("4")), plant.uows())
    stock.receive(stock.Receive("LEG", D("84"), D("5")), plant.uows())
    stock.receive(stock.Receive("TOP", D("20"), D("30")), plant.uows())
    legs = mfg.create_mo(mfg.NewMO("LEG", D("10"), MON + timedelta(4)), plant.uows(), clock)
    # 20 tables: 10 + 45 x 20 = 910 minutes of assembly; due today, it cannot make it.
    tables = mfg.create_mo(mfg.NewMO("TABLE", D("20"), MON), plant.uows(), clock)
    summary = replan(plant.uows(), clock)
    assert summary.orders == 2
    with plant.uows(read_only=True) as uow:
        leg_mo = uow.manufacturing.get(legs.number)
        table_mo = uow.manufacturing.get(tables.number)
    # Legs: 15 + 3 x 10 = 45 minutes on the saw from now.
    assert (leg_mo.planned_start, leg_mo.planned_finish) == (at(MON, 8), at(MON, 8, 45))
    assert not leg_mo.is_late
    # Tables: 450 minutes left today, 460 more from 07:00 on Tuesday.
    assert table_mo.planned_start == at(MON, 8)
    assert table_mo.planned_finish == at(MON + timedelta(1), 14, 40)
    assert table_mo.is_late
    assert [late.number for late in summary.late] == [tables.number]
    assert table_mo.late_reason == (
        "starts as early as it can (Mon 30 Nov 08:00) but needs 15.2 h on ASSY: "
        "too few working hours before the due date"
    )
    assert table_mo.tasks[0].planned_finish == at(MON + timedelta(1), 14, 40)


def test_an_order_waits_for_its_materials(plant: Takt) -> None:
    # 5 tops need 6 m2 of plywood; none in stock; a PO brings it on Thursday.
    purchasing.create_purchase_order(
        purchasing.NewPurchaseOrder(
            "TIMBER",
            (purchasing.PurchaseLineInput("PLY", D("10"), D("12")),),
            expected_date=MON + timedelta(3),
        ),
        plant.uows(),
    )
    stock.receive(stock.Receive("GLUE", D("1"), D("9"), batch="G-1"), plant.uows())
    # Tops have no routing of their own here, so plan legs that need oak arriving Wednesday.
    purchasing.create_purchase_order(
        purchasing.NewPurchaseOrder(
            "TIMBER",
            (purchasing.PurchaseLineInput("OAK", D("50"), D("4")),),
            expected_date=MON + timedelta(2),
        ),
        plant.uows(),
    )
    legs = mfg.create_mo(mfg.NewMO("LEG", D("10"), MON + timedelta(1)), plant.uows(), clock)
    summary = replan(plant.uows(), clock)
    with plant.uows(read_only=True) as uow:
        mo = uow.manufacturing.get(legs.number)
    assert mo.planned_start == at(MON + timedelta(2), 7)
    assert mo.is_late
    assert summary.late[0].reasons[0].startswith("materials from 2026-12-02: OAK")


def test_a_task_in_progress_is_pinned_and_the_plan_is_versioned(plant: Takt) -> None:
    stock.receive(stock.Receive("OAK", D("100"), D("4")), plant.uows())
    first = mfg.create_mo(mfg.NewMO("LEG", D("10"), MON + timedelta(4)), plant.uows(), clock)
    second = mfg.create_mo(mfg.NewMO("LEG", D("10"), MON + timedelta(4)), plant.uows(), clock)
    mfg.rank_mo(second.number, 1, plant.uows())
    # The first order is already on the saw: it keeps the saw, the higher-ranked one waits.
    act_on_task(
        TaskCommand(first.number, 10, TaskAction.START),
        plant.uows(),
        lambda: NOW - timedelta(minutes=15),
    )
    one = replan(plant.uows(), clock)
    with plant.uows(read_only=True) as uow:
        running = uow.manufacturing.get(first.number)
        waiting = uow.manufacturing.get(second.number)
    assert running.planned_finish == at(MON, 8, 30)  # 45 planned - 15 booked
    assert waiting.planned_start == at(MON, 8, 30)
    two = replan(plant.uows(), clock)
    assert two.version == one.version + 1
    assert two.fingerprint == one.fingerprint  # nothing changed


def test_the_plan_is_rerun_only_when_its_inputs_change(plant: Takt) -> None:
    from takt.app.scheduling import replan_if_changed

    stock.receive(stock.Receive("OAK", D("100"), D("4")), plant.uows())
    legs = mfg.create_mo(mfg.NewMO("LEG", D("10"), MON + timedelta(4)), plant.uows(), clock)
    first = replan_if_changed(plant.uows, clock)
    assert first is not None
    assert replan_if_changed(plant.uows, clock) is None  # nothing changed: no new plan
    mfg.rank_mo(legs.number, 1, plant.uows())  # same position: nothing changes
    assert replan_if_changed(plant.uows, clock) is None
    act_on_task(TaskCommand(legs.number, 10, TaskAction.START), plant.uows(), clock)
    second = replan_if_changed(plant.uows, clock)
    assert second is not None
    assert second.version == first.version + 1


def test_with_operators_planned_one_person_runs_one_task_at_a_time(plant: Takt) -> None:
    """Anna is the only one who may run the saw and the assembly bench: the legs (ranked first)
    take her from 08:00 to 08:45, so the tables wait for her though the bench is free."""
    catalog.add_operator(Operator("ANNA", "Anna", frozenset({"SAW", "ASSY"})), plant.uows())
    stock.receive(stock.Receive("OAK", D("100"), D("4")), plant.uows())
    stock.receive(stock.Receive("LEG", D("8"), D("5")), plant.uows())
    stock.receive(stock.Receive("TOP", D("2"), D("30")), plant.uows())
    legs = mfg.create_mo(mfg.NewMO("LEG", D("10"), MON + timedelta(4)), plant.uows(), clock)
    tables = mfg.create_mo(mfg.NewMO("TABLE", D("1"), MON + timedelta(4)), plant.uows(), clock)

    def planned() -> tuple[tuple[object, object], tuple[object, object]]:
        replan(plant.uows(), clock)
        with plant.uows(read_only=True) as uow:
            leg_mo = uow.manufacturing.get(legs.number)
            table_mo = uow.manufacturing.get(tables.number)
        return (
            (leg_mo.planned_start, leg_mo.planned_finish),
            (table_mo.planned_start, table_mo.planned_finish),
        )

    # Without operators in the plan both start at once on their own workstations.
    assert planned() == ((at(MON, 8), at(MON, 8, 45)), (at(MON, 8), at(MON, 8, 55)))
    with plant.uows() as uow:
        uow.settings.set(OPERATORS, "true")
        uow.commit()
    assert planned() == ((at(MON, 8), at(MON, 8, 45)), (at(MON, 8, 45), at(MON, 9, 40)))
