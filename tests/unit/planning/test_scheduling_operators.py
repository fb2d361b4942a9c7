"""Operators as a second resource, and breakdowns of one unit: golden plans, bad input, validator.

The plant: two presses that work round the clock and the people who run them. Anna has every
skill, Ben only welding; some presses have two units, one of which may break down.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from takt.planning.scheduling.cpsat.solve import optimise
from takt.planning.scheduling.dispatch import ScheduleError, dispatch
from takt.planning.scheduling.explain import explain
from takt.planning.scheduling.plan import Assignment, Objective, Plan, measure
from takt.planning.scheduling.problem import (
    ANY_SKILL,
    Calendar,
    Job,
    Mode,
    Operation,
    Operator,
    Pin,
    Problem,
    ProblemError,
    Resource,
    Window,
)
from takt.planning.scheduling.tabu import supported
from takt.planning.scheduling.validate import assert_valid, validate

HORIZON = 3 * 1440
PRESS_1, PRESS_2 = Resource("PRESS-1"), Resource("PRESS-2")
DAY_SHIFT = Calendar.weekly(HORIZON, [(360, 840)], workdays=range(7), name="day")
ANNA = Operator("ANNA", frozenset({"press", "weld"}))
BEN = Operator("BEN", frozenset({"weld"}))


def task(
    resource: str, minutes: int, skill: str | None = "press", *, pausable: bool = True
) -> Operation:
    return Operation(
        f"{skill or 'run'}", (Mode(resource, minutes),), skill=skill, pausable=pausable
    )


def mo(name: str, *ops: Operation, due: int = 0, release: int = 0) -> Job:
    return Job(name, ops, release=release, due=due)


def rows(problem: Problem, plan: Plan) -> list[tuple[str, str, int, int, str | None]]:
    """(job, resource, start, end, operator) per operation, for readable assertions."""
    return [
        (
            problem.jobs[a.job].id,
            problem.resources[a.resource].id,
            a.start,
            a.end,
            None if a.operator is None else problem.operators[a.operator].id,
        )
        for a in plan.all()
    ]


# Golden plans ----------------------------------------------------------------------------


def test_two_presses_and_one_operator_run_one_order_at_a_time() -> None:
    problem = Problem(
        (PRESS_1, PRESS_2),
        (mo("MO-1", task("PRESS-1", 60), due=60), mo("MO-2", task("PRESS-2", 60), due=60)),
        HORIZON,
        (ANNA,),
    )
    plan = dispatch(problem)
    assert_valid(problem, plan)
    assert rows(problem, plan) == [
        ("MO-1", "PRESS-1", 0, 60, "ANNA"),
        ("MO-2", "PRESS-2", 60, 120, "ANNA"),
    ]
    (late,) = explain(problem, plan)
    assert late.job == "MO-2"
    assert [r.kind for r in late.reasons] == ["operator"]
    text = late.reasons[0].text(problem, 1)
    assert text == "press waited 60 min for an operator with skill press (ANNA busy with MO-1)"
    result = optimise(problem, time_limit=5, workers=1)
    assert result.plan is not None
    assert_valid(problem, result.plan)
    assert result.plan.makespan == 120  # one person: no plan overlaps the two


def test_without_the_operator_the_presses_work_side_by_side() -> None:
    problem = Problem(
        (PRESS_1, PRESS_2),
        (mo("MO-1", task("PRESS-1", 60, None)), mo("MO-2", task("PRESS-2", 60, None))),
        HORIZON,
    )
    assert rows(problem, dispatch(problem)) == [
        ("MO-1", "PRESS-1", 0, 60, None),
        ("MO-2", "PRESS-2", 0, 60, None),
    ]


def test_work_stops_when_the_operators_shift_ends_and_goes_on_next_shift() -> None:
    day_worker = replace(ANNA, calendar=DAY_SHIFT)
    problem = Problem(
        (PRESS_1,),
        (
            mo("MO-1", task("PRESS-1", 600), due=840),
            mo("MO-2", task("PRESS-1", 60, pausable=False), release=0, due=3000),
        ),
        HORIZON,
        (day_worker,),
    )
    plan = dispatch(problem)
    assert_valid(problem, plan)
    # The press could run at midnight; Anna starts at 06:00, works 480 minutes until 14:00 and
    # finishes the last 120 the next morning. MO-2 follows on the same press and person.
    assert rows(problem, plan) == [
        ("MO-1", "PRESS-1", 360, 1440 + 480, "ANNA"),
        ("MO-2", "PRESS-1", 1440 + 480, 1440 + 540, "ANNA"),
    ]
    (late,) = explain(problem, plan)
    assert late.job == "MO-1"
    assert late.reasons[0].kind == "operator"
    assert "waited 360 min for an operator with skill press" in late.reasons[0].text(problem, 0)
    result = optimise(problem, time_limit=5, workers=1)
    assert result.plan is not None
    assert_valid(problem, result.plan)
    assert result.objective == 1440 + 480 - 840


def test_an_uninterrupted_job_waits_for_a_shift_long_enough() -> None:
    day_worker = replace(ANNA, calendar=DAY_SHIFT)
    problem = Problem(
        (PRESS_1,),
        (mo("MO-1", task("PRESS-1", 100, pausable=False), release=800),),
        HORIZON,
        (day_worker,),
    )
    assert rows(problem, dispatch(problem)) == [("MO-1", "PRESS-1", 1440 + 360, 1440 + 460, "ANNA")]


def test_a_skill_only_one_operator_has_queues_on_that_operator() -> None:
    problem = Problem(
        (PRESS_1, PRESS_2, Resource("WELDER")),
        (
            mo("MO-1", task("PRESS-1", 50)),
            mo("MO-2", task("PRESS-2", 50)),
            mo("MO-3", task("WELDER", 50, "weld")),
        ),
        HORIZON,
        (ANNA, BEN),
    )
    plan = dispatch(problem)
    assert_valid(problem, plan)
    assert rows(problem, plan) == [
        ("MO-1", "PRESS-1", 0, 50, "ANNA"),
        ("MO-2", "PRESS-2", 50, 100, "ANNA"),
        ("MO-3", "WELDER", 0, 50, "BEN"),
    ]
    result = optimise(problem, objective=Objective.MAKESPAN, time_limit=5, workers=1)
    assert result.plan is not None
    assert_valid(problem, result.plan)
    assert result.objective == 100


def test_any_operator_and_the_less_versatile_one_is_taken_first() -> None:
    problem = Problem(
        (PRESS_1,), (mo("MO-1", task("PRESS-1", 30, ANY_SKILL)),), HORIZON, (ANNA, BEN)
    )
    assert rows(problem, dispatch(problem)) == [("MO-1", "PRESS-1", 0, 30, "BEN")]


def test_a_pinned_operation_keeps_its_operator_busy() -> None:
    started = Operation(
        "press",
        (Mode("PRESS-1", 40),),
        skill="press",
        pin=Pin("PRESS-1", 0, 0, 40, operator="ANNA"),
    )
    problem = Problem(
        (PRESS_1, PRESS_2),
        (mo("MO-1", started), mo("MO-2", task("PRESS-2", 30))),
        HORIZON,
        (ANNA,),
    )
    plan = dispatch(problem)
    assert_valid(problem, plan)
    assert rows(problem, plan)[1] == ("MO-2", "PRESS-2", 40, 70, "ANNA")
    result = optimise(problem, time_limit=5, workers=1)
    assert result.plan is not None
    assert_valid(problem, result.plan)


def test_the_optimiser_may_hand_work_to_another_operator() -> None:
    # Ben starts at 00:30. Rank order gives the weld job to Anna, who finishes it first, and
    # the heavy press job then waits for her; the optimiser lets Ben weld a little late instead
    # (its warm start, the heavy job first by the weighted priority rule, already does).
    late_ben = replace(BEN, absences=(Window(0, 30, "doctor"),))
    problem = Problem(
        (PRESS_1, Resource("WELDER")),
        (
            Job("MO-1", (task("WELDER", 60, "weld"),), due=60, rank=0),
            Job("MO-2", (task("PRESS-1", 60),), due=60, rank=1, weight=5),
        ),
        HORIZON,
        (ANNA, late_ben),
    )
    assert rows(problem, dispatch(problem)) == [
        ("MO-1", "WELDER", 0, 60, "ANNA"),
        ("MO-2", "PRESS-1", 60, 120, "ANNA"),
    ]
    result = optimise(problem, time_limit=5, workers=1)
    assert result.plan is not None
    assert_valid(problem, result.plan)
    assert measure(problem, dispatch(problem)).weighted_tardiness == 300
    assert (result.warm_start_objective, result.objective) == (30, 30)
    assert rows(problem, result.plan) == [
        ("MO-1", "WELDER", 30, 90, "BEN"),
        ("MO-2", "PRESS-1", 0, 60, "ANNA"),
    ]


def test_a_broken_unit_stops_alone_and_its_twin_keeps_working() -> None:
    press = Resource("PRESS", units=2, downtime=(Window(0, 500, "hydraulics", unit=0),))
    jobs = (
        mo("MO-1", task("PRESS", 100, None), due=100),
        mo("MO-2", task("PRESS", 100, None), due=100),
    )
    problem = Problem((press,), jobs, HORIZON)
    plan = dispatch(problem)
    assert_valid(problem, plan)
    assert [(a.unit, a.start, a.end) for a in plan.all()] == [(1, 0, 100), (1, 100, 200)]
    result = optimise(problem, time_limit=5, workers=1)
    assert result.plan is not None
    assert_valid(problem, result.plan)
    assert result.objective == 100
    # The same window without a unit stops both: nothing runs before minute 500.
    whole = Problem((replace(press, downtime=(Window(0, 500, "power cut"),)),), jobs, HORIZON)
    assert [(a.unit, a.start) for a in dispatch(whole).all()] == [(0, 500), (1, 500)]


def test_a_pausable_job_on_a_broken_unit_pauses_over_the_breakdown() -> None:
    press = Resource("PRESS", units=1, downtime=(Window(50, 80, "jam", unit=0),))
    problem = Problem((press,), (mo("MO-1", task("PRESS", 100, None)),), HORIZON)
    plan = dispatch(problem)
    assert_valid(problem, plan)
    assert [(a.start, a.end) for a in plan.all()] == [(0, 130)]


def test_a_late_job_held_by_its_units_breakdown_says_so() -> None:
    press = Resource(
        "PRESS",
        units=2,
        downtime=(Window(0, 300, "hydraulics", unit=0), Window(0, 300, "die change", unit=1)),
    )
    problem = Problem((press,), (mo("MO-1", task("PRESS", 100, None), due=100),), HORIZON)
    plan = dispatch(problem)
    assert_valid(problem, plan)
    (late,) = explain(problem, plan)
    assert [(r.kind, r.detail) for r in late.reasons] == [("downtime", "hydraulics")]


def test_operators_rule_out_the_plain_job_shop_search() -> None:
    plain = Problem((PRESS_1,), (mo("MO-1", task("PRESS-1", 10, None)),), HORIZON)
    assert supported(plain)
    assert not supported(replace(plain, operators=(ANNA,)))
    staffed = Problem((PRESS_1,), (mo("MO-1", task("PRESS-1", 10)),), HORIZON, (ANNA,))
    assert not supported(staffed)
    result = optimise(staffed, objective=Objective.MAKESPAN, time_limit=2, workers=1, lns=True)
    assert result.plan is not None
    assert_valid(staffed, result.plan)


# Bad input ---------------------------------------------------------------------------------


def test_a_skill_nobody_has_names_the_job_and_operation() -> None:
    with pytest.raises(
        ProblemError, match=r"job 'MO-7', operation 0 \('paint'\): no operator has skill 'paint'"
    ):
        Problem((PRESS_1,), (mo("MO-7", task("PRESS-1", 10, "paint")),), HORIZON, (ANNA, BEN))


def test_an_operation_needing_an_operator_in_a_plant_without_any_is_refused() -> None:
    with pytest.raises(ProblemError, match=r"job 'MO-1', operation 0 .*the plant has none"):
        Problem((PRESS_1,), (mo("MO-1", task("PRESS-1", 10, ANY_SKILL)),), HORIZON)


def test_operators_with_the_same_id_are_refused() -> None:
    with pytest.raises(ProblemError, match=r"operator 'ANNA' defined twice"):
        Problem((PRESS_1,), (mo("MO-1", task("PRESS-1", 10)),), HORIZON, (ANNA, ANNA))


def test_a_pin_on_an_operator_without_the_skill_is_refused() -> None:
    started = Operation(
        "press", (Mode("PRESS-1", 40),), skill="press", pin=Pin("PRESS-1", 0, 0, 40, "BEN")
    )
    with pytest.raises(ProblemError, match=r"pinned on operator 'BEN' who lacks skill 'press'"):
        Problem((PRESS_1,), (mo("MO-1", started),), HORIZON, (ANNA, BEN))


def test_a_window_naming_a_unit_the_resource_lacks_is_refused() -> None:
    with pytest.raises(ProblemError, match=r"'PRESS': window 'jam' names unit 2, outside 0..1"):
        Resource("PRESS", units=2, downtime=(Window(0, 10, "jam", unit=2),))


def test_one_unit_broken_for_the_whole_horizon_leaves_the_other_working() -> None:
    press = Resource("PRESS", units=2, downtime=(Window(0, HORIZON, "scrapped", unit=0),))
    problem = Problem((press,), (mo("MO-1", task("PRESS", 10, None)),), HORIZON)
    assert [a.unit for a in dispatch(problem).all()] == [1]


def test_when_the_only_skilled_operator_is_away_the_dispatcher_says_so() -> None:
    away = replace(BEN, absences=(Window(0, HORIZON, "holiday"),))
    problem = Problem(
        (Resource("WELDER"),), (mo("MO-1", task("WELDER", 10, "weld")),), HORIZON, (away,)
    )
    with pytest.raises(ScheduleError, match=r"job 'MO-1', operation 0 .*operator \(skill 'weld'\)"):
        dispatch(problem)


# The validator -----------------------------------------------------------------------------


def staffed() -> Problem:
    return Problem(
        (PRESS_1, PRESS_2),
        (mo("MO-1", task("PRESS-1", 60)), mo("MO-2", task("PRESS-2", 60))),
        HORIZON,
        (ANNA, BEN),
    )


def test_the_validator_catches_an_operator_double_booked() -> None:
    problem = staffed()
    plan = Plan(((Assignment(0, 0, 0, 0, 0, 60, 0),), (Assignment(1, 0, 1, 0, 30, 90, 0),)))
    messages = [v.message for v in validate(problem, plan)]
    assert messages == [
        "operator 'ANNA' double-booked: job 'MO-2' op 0 at 30 overlaps job 'MO-1' op 0 until 60"
    ]


def test_the_validator_catches_a_missing_skill_and_a_missing_operator() -> None:
    problem = staffed()
    plan = Plan(((Assignment(0, 0, 0, 0, 0, 60, 1),), (Assignment(1, 0, 1, 0, 0, 60),)))
    messages = [v.message for v in validate(problem, plan)]
    assert messages == [
        "job 'MO-1' op 0 ('press'): operator 'BEN' lacks skill 'press'",
        "job 'MO-2' op 0 ('press'): needs an operator with skill 'press', none assigned",
    ]


def test_the_validator_catches_work_outside_the_operators_shift() -> None:
    problem = Problem(
        (PRESS_1,),
        (mo("MO-1", task("PRESS-1", 60)),),
        HORIZON,
        (replace(ANNA, calendar=DAY_SHIFT),),
    )
    night = Plan(((Assignment(0, 0, 0, 0, 0, 60, 0),),))
    messages = [v.message for v in validate(problem, night)]
    assert any("starts at 0, a non-working minute" in m for m in messages)
    assert validate(problem, Plan(((Assignment(0, 0, 0, 0, 360, 420, 0),),))) == []


def test_the_validator_catches_work_on_a_broken_unit() -> None:
    press = Resource("PRESS", units=2, downtime=(Window(0, 500, "hydraulics", unit=0),))
    problem = Problem((press,), (mo("MO-1", task("PRESS", 100, None)),), HORIZON)
    broken = Plan(((Assignment(0, 0, 0, 0, 0, 100),),))
    assert any("non-working minute" in v.message for v in validate(problem, broken))
    assert validate(problem, Plan(((Assignment(0, 0, 0, 1, 0, 100),),))) == []


def test_the_validator_refuses_an_operator_on_work_that_needs_none() -> None:
    problem = Problem((PRESS_1,), (mo("MO-1", task("PRESS-1", 60, None)),), HORIZON, (ANNA,))
    plan = Plan(((Assignment(0, 0, 0, 0, 0, 60, 0),),))
    assert [v.message for v in validate(problem, plan)] == [
        "job 'MO-1' op 0 ('run'): needs no operator, yet 'ANNA' is assigned"
    ]
