"""Manufacturing orders without a database: planning, tasks, completing, cost of the output.

The furniture workshop of ``conftest.py``: a TABLE is 4 LEGs (+5 % wastage) and 16 SCREWs; a LEG
is a BLANK and 10 ml of GLUE; a BLANK is cut from 0.8 m of OAK-BOARD, stocked in centimetres.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from takt.domain.bom import Bom, BomBook, BomLine
from takt.domain.items import Item, ItemKind
from takt.domain.manufacturing import (
    ManufacturingError,
    ManufacturingOrder,
    MOStatus,
    Overhead,
)
from takt.domain.routing import Operation, Routing
from takt.domain.tasks import TaskStatus
from takt.domain.units import QuantityError

D = Decimal
FRIDAY = date(2026, 12, 4)
MONDAY_8AM = datetime(2026, 11, 30, 8, 0)
RATES = {"ASSEMBLY": D("48"), "SAW": D("36")}
TABLE_ROUTING = Routing(
    "TABLE",
    (
        Operation(20, "Oil", "ASSEMBLY", D("5"), D("2"), cost_per_hour=D("30")),
        Operation(10, "Assemble", "ASSEMBLY", D("30"), D("12")),
    ),
)
BLANK_ROUTING = Routing("BLANK", (Operation(10, "Cut", "SAW", D("10"), D("2")),))


def plan(
    book: BomBook, sku: str, quantity: str, routing: Routing | None = None, number: str = "MO-0001"
) -> ManufacturingOrder:
    return ManufacturingOrder.plan(
        number,
        book.item(sku),
        D(quantity),
        book,
        routing,
        RATES,
        location="MAIN",
        due_date=FRIDAY,
        created_at=MONDAY_8AM,
    )


def minutes(n: int) -> datetime:
    return MONDAY_8AM + timedelta(minutes=n)


# ---------------------------------------------------------------- planning


def test_ingredients_are_the_bom_times_the_quantity_plus_wastage(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10")
    assert [(i.sku, i.planned) for i in mo.ingredients] == [("LEG", D("42")), ("SCREW", D("160"))]
    assert all(i.consumed == 0 and i.remaining == i.planned for i in mo.ingredients)
    assert mo.status is MOStatus.NOT_STARTED
    assert (mo.remaining, mo.rank, mo.is_make_to_order) == (D("10"), 0, False)


def test_ingredients_come_out_in_the_components_stock_unit(furniture: BomBook) -> None:
    mo = plan(furniture, "BLANK", "5")  # 5 x 0.8 m, the board is stocked in cm
    assert [(i.sku, i.planned) for i in mo.ingredients] == [("OAK-BOARD", D("400"))]


def test_an_ingredient_that_does_not_terminate_is_rounded_up() -> None:
    items = {
        "HOOK": Item("HOOK", "Coat hook", ItemKind.PRODUCT),
        "SCREW": Item("SCREW", "Screw", ItemKind.MATERIAL, unit="dozen"),
    }
    book = BomBook(items, {"HOOK": Bom("HOOK", (BomLine("SCREW", D("1"), "pcs"),))})
    mo = plan(book, "HOOK", "1")
    assert mo.ingredient("SCREW").planned == D("0.083334")  # 1/12 dozen, never short


def test_a_variant_is_planned_from_its_templates_bom(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE-OAK", "1")
    assert [(i.sku, i.planned) for i in mo.ingredients] == [("LEG", D("4.2")), ("SCREW", D("16"))]


def test_tasks_follow_the_routing_with_their_planned_minutes_and_rates(
    furniture: BomBook,
) -> None:
    mo = plan(furniture, "TABLE", "10", TABLE_ROUTING)
    assert [(t.sequence, t.name, t.workstation) for t in mo.tasks] == [
        (10, "Assemble", "ASSEMBLY"),
        (20, "Oil", "ASSEMBLY"),
    ]
    assert [t.planned_minutes for t in mo.tasks] == [D("150"), D("25")]  # 30 + 12 x 10; 5 + 2 x 10
    assert [t.cost_per_hour for t in mo.tasks] == [D("48"), D("30")]  # the oiling rate overrides
    assert all(t.status is TaskStatus.NOT_STARTED for t in mo.tasks)
    assert mo.production_minutes == D("175")


def test_a_workstation_without_a_known_rate_costs_nothing_per_hour(furniture: BomBook) -> None:
    routing = Routing("BLANK", (Operation(10, "Cut", "CNC", D("10"), D("2")),))
    assert plan(furniture, "BLANK", "1", routing).tasks[0].cost_per_hour == 0


def test_without_a_routing_there_are_no_tasks(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "1")
    assert (mo.tasks, mo.production_minutes) == ([], 0)


def test_a_material_is_not_made(furniture: BomBook) -> None:
    with pytest.raises(ManufacturingError, match="SCREW is a material") as info:
        plan(furniture, "SCREW", "10")
    assert info.value.field == "sku"


@pytest.mark.parametrize("quantity", ["0", "-3"])
def test_an_order_makes_a_positive_quantity(furniture: BomBook, quantity: str) -> None:
    with pytest.raises(QuantityError, match="quantity must be positive"):
        plan(furniture, "TABLE", quantity)


def test_the_planned_cost_is_ingredients_at_average_plus_planned_hours(
    furniture: BomBook,
) -> None:
    mo = plan(furniture, "TABLE", "10", TABLE_ROUTING)
    cost = mo.planned_cost(
        {"LEG": D("5"), "SCREW": D("0.1")}, Overhead(D("10"), per_labour_hour=D("6"))
    )
    # materials 42 x 5 + 160 x 0.1 = 226; labour 150 min at 48/h + 25 min at 30/h = 120 + 12.5
    # overhead 10 % of 226 + 175 min at 6/h = 22.6 + 17.5
    assert (cost.materials, cost.labour, cost.overhead) == (D("226"), D("132.5"), D("40.1"))
    assert cost.total == D("398.6")


# ---------------------------------------------------------------- replanning and editing


def test_an_order_not_started_follows_a_new_quantity(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10", TABLE_ROUTING)
    mo.replan_quantity(D("5"), furniture, TABLE_ROUTING, RATES)
    assert mo.quantity == D("5")
    assert [(i.sku, i.planned) for i in mo.ingredients] == [("LEG", D("21")), ("SCREW", D("80"))]
    assert [t.planned_minutes for t in mo.tasks] == [D("90"), D("15")]


def test_a_started_order_no_longer_follows_a_new_quantity(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10", TABLE_ROUTING)
    mo.start()
    with pytest.raises(ManufacturingError, match="in progress: its quantity can no longer"):
        mo.replan_quantity(D("5"), furniture, TABLE_ROUTING, RATES)
    assert mo.quantity == D("10")
    assert mo.ingredient("LEG").planned == D("42")


def test_a_new_quantity_must_be_positive(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10")
    with pytest.raises(QuantityError):
        mo.replan_quantity(D("0"), furniture, None, RATES)
    assert mo.quantity == D("10")


def test_an_ingredient_can_be_changed_or_added_for_one_order(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10")
    mo.set_ingredient("SCREW", D("170"))
    mo.set_ingredient("GLUE", D("30"))
    assert [(i.sku, i.planned) for i in mo.ingredients] == [
        ("LEG", D("42")),
        ("SCREW", D("170")),
        ("GLUE", D("30")),
    ]
    with pytest.raises(QuantityError):
        mo.set_ingredient("GLUE", D("-1"))
    with pytest.raises(ManufacturingError, match="OAK-BOARD is not an ingredient of MO-0001"):
        mo.ingredient("OAK-BOARD")


# ---------------------------------------------------------------- status


def test_blocking_needs_a_reason_and_unblocking_returns_to_work(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10", TABLE_ROUTING)
    mo.task(10).start(minutes(0), "ines")
    mo.sync_with_tasks()
    with pytest.raises(ManufacturingError, match="needs a reason") as info:
        mo.block("   ")
    assert (info.value.field, mo.status) == ("reason", MOStatus.IN_PROGRESS)
    mo.block("waiting for the customer's drawing")
    assert (mo.status, mo.blocked_reason) == (
        MOStatus.BLOCKED,
        "waiting for the customer's drawing",
    )
    mo.unblock()
    assert (mo.status, mo.blocked_reason) == (MOStatus.IN_PROGRESS, "")
    with pytest.raises(ManufacturingError, match="is not blocked"):
        mo.unblock()


def test_the_planner_can_set_an_order_in_progress(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10", TABLE_ROUTING)
    mo.start()
    assert mo.status is MOStatus.IN_PROGRESS
    mo.start()  # already started: nothing changes
    assert mo.status is MOStatus.IN_PROGRESS


def test_an_order_set_in_progress_is_in_progress_again_after_a_block(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10", TABLE_ROUTING)
    mo.start()
    mo.block("waiting for the customer's drawing")
    mo.unblock()
    assert mo.status is MOStatus.IN_PROGRESS


def test_an_order_unblocked_before_anything_happened_is_not_started_again(
    furniture: BomBook,
) -> None:
    mo = plan(furniture, "TABLE", "10", TABLE_ROUTING)
    mo.block("machine down")
    mo.unblock()
    assert mo.status is MOStatus.NOT_STARTED


def test_the_order_follows_its_tasks(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10", TABLE_ROUTING)
    mo.task(10).start(minutes(0), "ines")
    mo.sync_with_tasks()
    assert mo.status is MOStatus.IN_PROGRESS
    mo.task(20).block(minutes(5), "ines", "oil delivery late")
    mo.sync_with_tasks()
    assert mo.status is MOStatus.BLOCKED
    assert mo.block_text == "task 20 Oil: oil delivery late"
    mo.task(20).unblock(minutes(9), "ines")
    mo.sync_with_tasks()
    assert (mo.status, mo.blocked_reason) == (MOStatus.IN_PROGRESS, "")
    with pytest.raises(ManufacturingError, match="MO-0001 has no task 30"):
        mo.task(30)


def test_a_planners_block_outlives_a_blocked_task(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10", TABLE_ROUTING)
    mo.block("waiting for the customer's drawing")
    mo.task(10).block(minutes(0), "ines", "glue gun broken")
    mo.sync_with_tasks()
    mo.task(10).unblock(minutes(30), "ines")
    mo.sync_with_tasks()
    assert mo.status is MOStatus.BLOCKED
    assert mo.blocked_reason == "waiting for the customer's drawing"


def test_rank_changes_only_while_the_order_is_open(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "2")
    mo.set_rank(3)
    assert mo.rank == 3
    mo.completed_output(D("2"), D("80"))
    with pytest.raises(ManufacturingError, match="is done: only open orders can be ranked") as info:
        mo.set_rank(1)
    assert (info.value.field, mo.rank) == ("rank", 3)


def test_only_an_order_not_started_can_be_cancelled(furniture: BomBook) -> None:
    waiting = plan(furniture, "TABLE", "2")
    waiting.cancel()
    assert waiting.status is MOStatus.CANCELLED
    assert not waiting.status.is_open
    with pytest.raises(ManufacturingError, match="is cancelled: only open orders"):
        waiting.set_rank(1)
    started = plan(furniture, "TABLE", "2")
    started.issued("SCREW", D("16"), D("1.6"))
    assert started.status is MOStatus.IN_PROGRESS  # issuing starts the order
    with pytest.raises(ManufacturingError, match="only an order not started can be cancelled"):
        started.cancel()


# ---------------------------------------------------------------- issuing and completing


def test_what_can_be_issued(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10")
    assert mo.can_issue("LEG", D("50")) is None  # more than planned: the actual use counts
    assert mo.can_issue("GLUE", D("1")) == "GLUE is not an ingredient of MO-0001"
    assert mo.can_issue("LEG", D("0")) == "quantity to issue must be positive, got 0"
    mo.cancel()
    assert mo.can_issue("LEG", D("1")) == "MO-0001 is cancelled"
    with pytest.raises(ManufacturingError, match="MO-0001 is cancelled"):
        mo.issued("LEG", D("1"), D("5"))


def test_a_completion_consumes_the_planned_share_of_what_was_not_issued(
    furniture: BomBook,
) -> None:
    mo = plan(furniture, "TABLE", "10")  # 42 legs, 160 screws
    assert mo.default_consumption(D("5")) == {"LEG": D("21"), "SCREW": D("80")}
    mo.issued("SCREW", D("100"), D("10"))  # the screws went to the bench early
    assert mo.default_consumption(D("5")) == {"LEG": D("21")}  # 80 due, 100 already there
    mo.issued("LEG", D("11"), D("55"))
    assert mo.default_consumption(D("5")) == {"LEG": D("10")}


def test_the_final_completion_takes_everything_that_remains(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10")
    mo.issued("LEG", D("40"), D("200"))
    mo.completed_output(D("3"), D("70"))
    assert mo.default_consumption(D("7")) == {"LEG": D("2"), "SCREW": D("160")}


@given(splits=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=6))
def test_completing_in_parts_consumes_exactly_the_plan(splits: list[int]) -> None:
    """Whatever the parts, the planned share is taken and nothing is lost to rounding."""
    items = {
        "HOOK": Item("HOOK", "Coat hook", ItemKind.PRODUCT),
        "SCREW": Item("SCREW", "Screw", ItemKind.MATERIAL, unit="dozen"),
    }
    book = BomBook(items, {"HOOK": Bom("HOOK", (BomLine("SCREW", D("1"), "pcs"),))})
    total = sum(splits)
    mo = plan(book, "HOOK", str(total))  # total/12 dozen: rarely a finite decimal
    for good in splits:
        due = mo.default_consumption(D(good)).get("SCREW", D(0))
        assert due >= 0
        if due:
            mo.issued("SCREW", due, D(0))
        mo.completed_output(D(good), D(0))
    assert mo.status is MOStatus.DONE
    assert mo.ingredient("SCREW").consumed == mo.ingredient("SCREW").planned
    exact = Fraction(total, 12)
    assert Fraction(mo.ingredient("SCREW").planned) - exact < Fraction(1, 10**6)


def test_completions_move_the_status_to_done(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10")
    mo.completed_output(D("4"), D("60"))
    assert (mo.status, mo.completed, mo.remaining) == (MOStatus.PARTIALLY_COMPLETED, D("4"), D("6"))
    mo.completed_output(D("6"), D("55"))
    assert (mo.status, mo.remaining, mo.output_value) == (MOStatus.DONE, D("0"), D("570"))


def test_what_cannot_be_completed(furniture: BomBook) -> None:
    mo = plan(furniture, "TABLE", "10")
    assert mo.can_complete(D("0")) == "good quantity must be positive, got 0"
    assert mo.can_complete(D("11")) == "MO-0001 has 10 left to make, not 11"
    mo.completed_output(D("8"), D("60"))
    assert mo.can_complete(D("3")) == "MO-0001 has 2 left to make, not 3"
    mo.block("varnish running")
    assert mo.can_complete(D("2")) == "MO-0001 is blocked (varnish running)"
    with pytest.raises(ManufacturingError, match="is blocked") as info:
        mo.completed_output(D("2"), D("60"))
    assert (info.value.field, mo.completed) == ("quantity", D("8"))
    mo.unblock()
    assert mo.status is MOStatus.PARTIALLY_COMPLETED
    mo.completed_output(D("2"), D("60"))
    with pytest.raises(ManufacturingError, match="is done: it cannot be completed again"):
        mo.completed_output(D("1"), D("60"))
    assert mo.completed == D("10")


# ---------------------------------------------------------------- actual cost of the output


def test_the_output_carries_materials_labour_and_overhead_not_yet_carried(
    furniture: BomBook,
) -> None:
    """Ten blanks, completed 4 then 6; the saw bench is booked 30 minutes before each."""
    overhead = Overhead(pct_of_materials=D("10"), per_labour_hour=D("6"))
    routing = Routing("BLANK", (Operation(10, "Cut", "SAW", D("10"), D("2"), D("30")),))
    mo = plan(furniture, "BLANK", "10", routing)  # 800 cm of board
    cut = mo.task(10)
    cut.start(minutes(0), "ines")
    cut.pause(minutes(30), "ines")
    mo.issued("OAK-BOARD", D("340"), D("13.6"))
    # materials 13.6; labour 30 min at 30/h = 15; overhead 1.36 + 0.5 h x 6 = 4.36: 32.96 / 4
    assert mo.output_unit_cost(D("4"), overhead) == D("8.24")
    mo.completed_output(D("4"), D("8.24"))
    cut.resume(minutes(60), "ines")
    cut.finish(minutes(90), "ines", quantity_done=D("10"))
    mo.issued("OAK-BOARD", D("510"), D("20.4"))
    actual = mo.actual_cost(overhead)
    assert (actual.materials, actual.labour, actual.overhead) == (D("34"), D("30"), D("9.4"))
    # 73.4 in all, 32.96 already carried by the first four: 40.44 / 6
    assert mo.output_unit_cost(D("6"), overhead) == D("6.74")
    mo.completed_output(D("6"), D("6.74"))
    assert mo.output_value == actual.total


def test_a_running_task_is_costed_up_to_now(furniture: BomBook) -> None:
    routing = Routing("BLANK", (Operation(10, "Cut", "SAW", D("10"), D("2"), D("30")),))
    mo = plan(furniture, "BLANK", "2", routing)
    mo.task(10).start(minutes(0), "ines")
    assert mo.output_unit_cost(D("2"), Overhead()) == 0  # nothing booked without a "now"
    assert mo.output_unit_cost(D("2"), Overhead(), now=minutes(20)) == D("5")  # 20 min at 30/h


def test_output_never_gets_a_negative_cost(furniture: BomBook) -> None:
    mo = plan(furniture, "BLANK", "2")
    mo.completed_output(D("1"), D("9"))  # valued at more than was spent so far
    assert mo.output_unit_cost(D("1"), Overhead()) == 0
