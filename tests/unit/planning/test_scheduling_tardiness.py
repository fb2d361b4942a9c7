"""Weighted tardiness on a plant too big for the full model: priority rules, order search, LNS.

The plant is the benchmark's (``bench.factory``), small: 60 orders on 30 workstations with two
or three shifts, holidays, maintenance windows, alternatives and two-unit stations.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import pytest

from bench.factory import generate
from takt.planning.scheduling.cpsat.solve import optimise
from takt.planning.scheduling.cpsat.subplan import improve_tardiness
from takt.planning.scheduling.dispatch import (
    Replay,
    dispatch,
    dispatch_by_priority,
    priority_order,
)
from takt.planning.scheduling.plan import Objective, Plan, measure
from takt.planning.scheduling.priority import best_blend, blended, improve_order
from takt.planning.scheduling.problem import (
    Calendar,
    Job,
    Mode,
    Operation,
    Pin,
    Problem,
    Resource,
)
from takt.planning.scheduling.result import SolveStatus
from takt.planning.scheduling.validate import assert_valid

DAY = 1440


def tardiness(problem: Problem, plan: Plan) -> int:
    return measure(problem, plan).weighted_tardiness


@pytest.fixture(scope="module")
def plant() -> Problem:
    return generate(0.03, seed=4)


def test_a_short_heavy_order_goes_before_a_long_light_one() -> None:
    # One saw, on day shift. A long cabinet (weight 1) and a short stool (weight 3), both due
    # at once: weighted shortest processing time puts the stool first, due date order cannot.
    saw = Resource("SAW", calendar=Calendar.weekly(4 * DAY, [(360, 840)], workdays=range(7)))
    problem = Problem(
        (saw,),
        (
            Job("CABINET", (Operation("cut", (Mode("SAW", 400),)),), due=800),
            Job("STOOL", (Operation("cut", (Mode("SAW", 60),)),), due=800, weight=3),
        ),
        4 * DAY,
    )
    plan = dispatch_by_priority(problem, blended(problem, math.inf))
    assert_valid(problem, plan)
    cabinet, stool = plan.assignments
    assert (stool[0].start, stool[0].end) == (360, 420)
    assert cabinet[0].start == 420
    assert dispatch(problem, by_rank=False).assignments[0][0].start == 360  # the cabinet first


def test_blended_rule_with_no_weight_on_work_is_earliest_due_date(plant: Problem) -> None:
    assert dispatch_by_priority(plant, blended(plant, 0.0)) == dispatch(plant, by_rank=False)


@pytest.mark.parametrize("operators", [0, 12])
def test_priority_plans_keep_calendars_windows_and_release_dates(operators: int) -> None:
    problem = generate(0.03, seed=4, operators=operators, unit_breakdowns=True)
    for c in (0.0, 16.0, math.inf):
        plan = dispatch_by_priority(problem, blended(problem, c))
        assert_valid(problem, plan)  # the validator checks calendars, windows and releases
        for job, row in zip(problem.jobs, plan.assignments, strict=True):
            assert row[0].start >= job.release


def test_an_order_never_goes_before_the_sub_assembly_it_waits_for(plant: Problem) -> None:
    # The frame MO waits for the leg MO; giving it the better priority does not change that.
    legs, frame = plant.jobs[0], plant.jobs[1]
    jobs = (legs, replace(frame, after=(legs.id,)), *plant.jobs[2:])
    problem = replace(plant, jobs=jobs)
    priority = [float(len(jobs) - j) for j in range(len(jobs))]  # the frame before the legs
    order = priority_order(problem, priority)
    assert order.index(0) < order.index(1)
    plan = dispatch_by_priority(problem, priority)
    assert_valid(problem, plan)
    assert plan.assignments[1][0].start >= plan.completion(0)


def test_the_best_blend_is_no_worse_than_due_date_order_or_wspt(plant: Problem) -> None:
    plan, c = best_blend(plant, lambda p: tardiness(plant, p))
    assert_valid(plant, plan)
    assert plan == dispatch_by_priority(plant, blended(plant, c))
    assert tardiness(plant, plan) <= tardiness(plant, dispatch(plant, by_rank=False))
    assert tardiness(plant, plan) <= tardiness(
        plant, dispatch_by_priority(plant, blended(plant, math.inf))
    )


def test_a_replayed_order_plans_exactly_as_a_fresh_dispatch(plant: Problem) -> None:
    order = priority_order(plant, blended(plant, math.inf))
    replay = Replay(plant, every=7)
    _plan, boards = replay.try_order(order)
    replay.keep(order, boards)
    for moved_from, moved_to in ((40, 3), (59, 30), (12, 11)):
        job = order[moved_from]
        moved = [*order[:moved_to], job, *order[moved_to:moved_from], *order[moved_from + 1 :]]
        replayed, boards = replay.try_order(moved)
        fresh = dispatch_by_priority(plant, [float(moved.index(j)) for j in range(len(moved))])
        assert replayed == fresh
        replay.keep(moved, boards)
        order = moved


def test_the_order_search_improves_rank_order(plant: Problem) -> None:
    order = priority_order(plant, [float(job.rank) for job in plant.jobs])
    start = tardiness(plant, dispatch(plant))
    heard: list[int] = []
    found = improve_order(
        plant,
        order,
        lambda p: tardiness(plant, p),
        time.monotonic() + 3,
        seed=2,
        report=heard.append,
    )
    assert_valid(plant, found.plan)
    assert found.value == tardiness(plant, found.plan) < start
    assert heard == sorted(heard, reverse=True)
    assert heard[-1] == found.value


def test_the_lns_on_small_models_improves_a_deliberately_bad_plan() -> None:
    # Latest due date first: orders due soon wait behind those due last.
    problem = generate(0.03, seed=4, unit_breakdowns=True)
    bad = dispatch_by_priority(problem, [-float(job.due or 0) for job in problem.jobs])
    start = tardiness(problem, bad)
    heard: list[int] = []
    found = improve_tardiness(
        problem, bad, time.monotonic() + 4, workers=1, seed=1, report=heard.append
    )
    assert_valid(problem, found.plan)
    assert found.weighted_tardiness == tardiness(problem, found.plan) < start
    assert found.improved == len(heard) >= 1
    assert heard == sorted(heard, reverse=True)


def test_the_lns_with_operators_keeps_plans_valid_and_never_worse() -> None:
    problem = generate(0.03, seed=4, operators=12, unit_breakdowns=True)
    start = dispatch(problem)
    found = improve_tardiness(problem, start, time.monotonic() + 2, workers=1, seed=1)
    assert found.steps >= 1
    assert_valid(problem, found.plan)
    assert found.weighted_tardiness == tardiness(problem, found.plan) <= tardiness(problem, start)


def test_the_lns_keeps_started_operations_where_they_are(plant: Problem) -> None:
    plan = dispatch(plant)
    # The first operation of every fifth order has started, where the plan put it.
    jobs = []
    for j, job in enumerate(plant.jobs):
        if j % 5:
            jobs.append(job)
            continue
        a = plan.assignments[j][0]
        pin = Pin(plant.resources[a.resource].id, a.unit, a.start, a.end)
        first = replace(job.operations[0], pin=pin)
        jobs.append(replace(job, operations=(first, *job.operations[1:])))
    problem = replace(plant, jobs=tuple(jobs))
    start = dispatch(problem)
    found = improve_tardiness(problem, start, time.monotonic() + 2, workers=1, seed=5)
    assert_valid(problem, found.plan)  # pins kept exactly, as the validator checks
    assert found.weighted_tardiness <= tardiness(problem, start)


def test_the_optimiser_without_the_full_model_beats_its_warm_start(plant: Problem) -> None:
    heard: list[int] = []
    result = optimise(
        plant,
        objective=Objective.WEIGHTED_TARDINESS,
        time_limit=4,
        workers=1,
        lns_mode="subplan",
        progress=lambda _, value: heard.append(value),
    )
    assert result.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert result.plan is not None
    assert_valid(plant, result.plan)
    assert result.warm_start_objective is not None
    assert result.objective is not None
    assert result.objective == tardiness(plant, result.plan) < result.warm_start_objective
    assert result.warm_start_objective <= tardiness(plant, dispatch(plant, by_rank=False))
    assert heard[0] == result.warm_start_objective
    assert heard[-1] == result.objective
    assert heard == sorted(heard, reverse=True)
