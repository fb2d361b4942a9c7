"""Tabu search, window LNS and the hybrid makespan optimiser: valid plans, never worse."""

from __future__ import annotations

import time

import pytest

from takt.planning.scheduling.cpsat.hybrid import improve_makespan, lower_bound
from takt.planning.scheduling.cpsat.solve import optimise
from takt.planning.scheduling.cpsat.window import window_lns
from takt.planning.scheduling.dispatch import dispatch, dispatch_by_work_remaining
from takt.planning.scheduling.instances import parse_jssp, random_jssp
from takt.planning.scheduling.plan import Objective
from takt.planning.scheduling.problem import Calendar, Job, Mode, Operation, Problem, Resource
from takt.planning.scheduling.result import SolveStatus
from takt.planning.scheduling.tabu import SequenceGraph, supported, tabu_search
from takt.planning.scheduling.validate import assert_valid


def _shop(jobs: int, machines: int, seed: int) -> Problem:
    return parse_jssp(random_jssp(jobs, machines, seed), f"rnd{jobs}x{machines}s{seed}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tabu_returns_a_valid_plan_no_worse_than_its_start(seed: int) -> None:
    problem = _shop(10, 5, seed)
    start = dispatch(problem)
    plan, stats = tabu_search(problem, start, time.monotonic() + 5, seed, max_iterations=2000)
    assert_valid(problem, plan)
    assert plan.makespan <= start.makespan
    assert stats.best_makespan == plan.makespan
    assert plan.makespan >= lower_bound(problem)


def test_tabu_improves_a_poor_dispatch_plan() -> None:
    problem = _shop(15, 10, 4)
    start = dispatch(problem)
    plan, _ = tabu_search(problem, start, time.monotonic() + 5, 0, max_iterations=3000)
    assert_valid(problem, plan)
    assert plan.makespan < start.makespan


def test_tabu_keeps_release_dates_and_setups() -> None:
    resources = (Resource("a"), Resource("b"))
    jobs = tuple(
        Job(
            f"j{j}",
            (
                Operation("x", (Mode("a" if j % 2 else "b", 3 + j),), setup=j % 3),
                Operation("y", (Mode("b" if j % 2 else "a", 5),)),
            ),
            release=7 * j,
        )
        for j in range(6)
    )
    problem = Problem(resources, jobs, 1000)
    assert supported(problem)
    start = dispatch(problem)
    plan, _ = tabu_search(problem, start, time.monotonic() + 5, 0, max_iterations=500)
    assert_valid(problem, plan)
    assert plan.makespan <= start.makespan


def test_only_plain_job_shops_are_supported() -> None:
    flexible = Problem(
        (Resource("a"), Resource("b")),
        (Job("j", (Operation("x", (Mode("a", 3), Mode("b", 4))),)),),
        100,
    )
    assert not supported(flexible)
    shifts = Problem(
        (Resource("a", calendar=Calendar(((0, 50),))),),
        (Job("j", (Operation("x", (Mode("a", 3),)),)),),
        100,
    )
    assert not supported(shifts)
    assert supported(_shop(4, 3, 1))


def test_window_lns_keeps_the_schedule_valid_and_no_worse() -> None:
    problem = _shop(12, 6, 5)
    start = dispatch_by_work_remaining(problem)
    graph = SequenceGraph(problem, start)
    makespan = graph.evaluate()
    assert makespan <= start.makespan
    best, stats = window_lns(graph, makespan, time.monotonic() + 3, 1, 0, step_limit=0.3, size=25)
    assert stats.steps > 0
    plan = graph.plan()
    assert_valid(problem, plan)
    assert plan.makespan == best <= makespan


def test_hybrid_and_optimise_return_valid_plans_no_worse_than_the_warm_start() -> None:
    problem = _shop(20, 5, 6)
    start = dispatch(problem)
    found = improve_makespan(problem, start, time.monotonic() + 3, 1, 0)
    assert_valid(problem, found.plan)
    assert found.lower_bound <= found.plan.makespan <= start.makespan
    result = optimise(problem, objective=Objective.MAKESPAN, time_limit=3, workers=1, lns=True)
    assert result.plan is not None
    assert_valid(problem, result.plan)
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert result.warm_start_objective is not None
    assert result.objective is not None
    assert result.objective <= result.warm_start_objective
    assert result.best_bound is not None
    assert result.best_bound <= result.objective
