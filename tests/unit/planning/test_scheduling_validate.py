"""The validator catches each kind of broken plan."""

from __future__ import annotations

from dataclasses import replace

import pytest

from takt.planning.scheduling.dispatch import dispatch
from takt.planning.scheduling.plan import Assignment, Plan
from takt.planning.scheduling.problem import (
    Calendar,
    Job,
    Mode,
    Operation,
    Pin,
    Problem,
    Resource,
    Window,
)
from takt.planning.scheduling.validate import assert_valid, validate

SAW = Resource(
    "SAW", calendar=Calendar(((0, 100), (200, 300))), downtime=(Window(250, 260, "blade change"),)
)
DRILL = Resource("DRILL", units=2)


def problem() -> Problem:
    return Problem(
        (SAW, DRILL),
        (
            Job(
                "A",
                (Operation("cut", (Mode("SAW", 30),)), Operation("drill", (Mode("DRILL", 10),))),
                release=5,
            ),
            Job(
                "B",
                (Operation("cut", (Mode("SAW", 80),)), Operation("drill", (Mode("DRILL", 10),))),
            ),
            Job("C", (Operation("drill", (Mode("DRILL", 5),), pin=Pin("DRILL", 1, 0, 7)),)),
        ),
        horizon=400,
    )


def with_change(plan: Plan, job: int, op: int, **changes: int) -> Plan:
    rows = [list(row) for row in plan.assignments]
    rows[job][op] = replace(rows[job][op], **changes)
    return Plan(tuple(tuple(row) for row in rows))


def test_the_dispatch_plan_is_valid() -> None:
    p = problem()
    assert_valid(p, dispatch(p))


@pytest.mark.parametrize(
    ("job", "op", "changes", "message"),
    [
        (0, 0, {"start": 0, "end": 30}, "before its release"),
        (0, 1, {"start": 6, "end": 16}, "before op 0 ends"),
        (1, 0, {"start": 50, "end": 240}, "holds 90 working minutes, needs 80"),
        (1, 0, {"start": 120, "end": 200}, "non-working minute"),
        (0, 0, {"resource": 1}, "'DRILL' is not eligible"),
        (0, 1, {"unit": 2}, "unit 2 of 'DRILL'"),
        (2, 0, {"start": 1, "end": 8}, "pin"),
        (0, 1, {"start": 395, "end": 405}, "outside [0, 400)"),
    ],
)
def test_broken_plans_are_reported(
    job: int, op: int, changes: dict[str, int], message: str
) -> None:
    p = problem()
    broken = with_change(dispatch(p), job, op, **changes)
    assert any(message in v.message for v in validate(p, broken)), validate(p, broken)


def test_work_through_a_maintenance_window_is_reported() -> None:
    p = problem()
    # 240..250 then 260..280 holds 30 working minutes only if the window is respected.
    good = with_change(dispatch(p), 0, 0, start=240, end=280)
    plan = with_change(good, 0, 1, start=280, end=290)
    assert validate(p, plan) == [] or all("overlap" in v.message for v in validate(p, plan))
    bad = with_change(plan, 0, 0, start=240, end=270)
    assert any("needs 30" in v.message for v in validate(p, bad))


def test_two_operations_on_one_unit_at_once_are_reported() -> None:
    p = problem()
    plan = dispatch(p)
    a_drill = plan.assignments[0][1]
    clash = with_change(
        plan, 1, 1, unit=a_drill.unit, start=a_drill.start + 1, end=a_drill.start + 11
    )
    clash = with_change(clash, 1, 0, start=0, end=80)
    moved = with_change(clash, 0, 0, start=200, end=230)
    moved = with_change(moved, 0, 1, start=230, end=240)
    moved = with_change(moved, 1, 1, unit=0, start=235, end=245)
    assert any("overlaps" in v.message for v in validate(p, moved))


def test_a_missing_operation_is_reported() -> None:
    p = problem()
    plan = dispatch(p)
    short = Plan((plan.assignments[0][:1], *plan.assignments[1:]))
    assert any("assignments for 2 operations" in v.message for v in validate(p, short))


def test_plan_of_refuses_duplicates() -> None:
    p = problem()
    a = Assignment(0, 0, 0, 0, 5, 35)
    with pytest.raises(ValueError, match="assigned twice"):
        Plan.of(p, [a, a])
