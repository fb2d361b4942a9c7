"""The optimiser's optimum equals the textbook answers on classic one- and two-machine problems."""

from __future__ import annotations

import random

import pytest

from takt.planning.scheduling.cpsat.solve import optimise
from takt.planning.scheduling.plan import Objective
from takt.planning.scheduling.problem import Job, Mode, Operation, Problem, Resource
from takt.planning.scheduling.result import SolveStatus
from takt.planning.scheduling.validate import assert_valid

SEEDS = [1, 2, 3]


def single_machine(seed: int, n: int = 9) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    jobs = [(rng.randint(1, 20), 0) for _ in range(n)]
    total = sum(p for p, _ in jobs)
    return [(p, rng.randint(p, total)) for p, _ in jobs]


def one_machine_problem(jobs: list[tuple[int, int]]) -> Problem:
    return Problem(
        (Resource("PRESS"),),
        tuple(
            Job(f"J{i}", (Operation("press", (Mode("PRESS", p),)),), due=d)
            for i, (p, d) in enumerate(jobs)
        ),
        horizon=sum(p for p, _ in jobs),
    )


def solve(problem: Problem, objective: Objective) -> int:
    result = optimise(problem, objective=objective, time_limit=10, workers=1, seed=0, lns=False)
    assert result.status is SolveStatus.OPTIMAL
    assert result.plan is not None
    assert result.objective is not None
    assert_valid(problem, result.plan)
    return result.objective


@pytest.mark.parametrize("seed", SEEDS)
def test_edd_order_minimises_maximum_lateness(seed: int) -> None:
    jobs = single_machine(seed)
    t, lmax = 0, None
    for p, d in sorted(jobs, key=lambda j: j[1]):
        t += p
        lmax = t - d if lmax is None else max(lmax, t - d)
    assert solve(one_machine_problem(jobs), Objective.MAX_LATENESS) == lmax


@pytest.mark.parametrize("seed", SEEDS)
def test_spt_order_minimises_total_completion_time(seed: int) -> None:
    jobs = single_machine(seed)
    t = total = 0
    for p, _ in sorted(jobs):
        t += p
        total += t
    assert solve(one_machine_problem(jobs), Objective.WEIGHTED_COMPLETION) == total


def moore_hodgson(jobs: list[tuple[int, int]]) -> int:
    on_time: list[int] = []
    t = late = 0
    for p, d in sorted(jobs, key=lambda j: j[1]):
        on_time.append(p)
        t += p
        if t > d:
            longest = max(on_time)
            on_time.remove(longest)
            t -= longest
            late += 1
    return late


@pytest.mark.parametrize("seed", SEEDS)
def test_moore_hodgson_minimises_the_number_of_late_jobs(seed: int) -> None:
    rng = random.Random(seed)
    jobs = [(p, rng.randint(p, 60)) for p in (rng.randint(1, 20) for _ in range(9))]
    assert solve(one_machine_problem(jobs), Objective.WEIGHTED_LATE_JOBS) == moore_hodgson(jobs)


def johnson_makespan(jobs: list[tuple[int, int]]) -> int:
    first = sorted((j for j in jobs if j[0] < j[1]), key=lambda j: j[0])
    last = sorted((j for j in jobs if j[0] >= j[1]), key=lambda j: -j[1])
    end1 = end2 = 0
    for a, b in first + last:
        end1 += a
        end2 = max(end2, end1) + b
    return end2


@pytest.mark.parametrize("seed", SEEDS)
def test_johnsons_rule_gives_the_two_machine_flow_shop_optimum(seed: int) -> None:
    rng = random.Random(seed)
    jobs = [(rng.randint(1, 30), rng.randint(1, 30)) for _ in range(9)]
    problem = Problem(
        (Resource("CUT"), Resource("PAINT")),
        tuple(
            Job(
                f"J{i}",
                (Operation("cut", (Mode("CUT", a),)), Operation("paint", (Mode("PAINT", b),))),
            )
            for i, (a, b) in enumerate(jobs)
        ),
        horizon=sum(a + b for a, b in jobs),
    )
    assert solve(problem, Objective.MAKESPAN) == johnson_makespan(jobs)
