"""Flexible job shop, makespan: window LNS with machine choice and the optimiser path using it."""

from __future__ import annotations

import random
import time
from dataclasses import replace

from takt.planning.scheduling.cpsat.flexwindow import flex_window_lns
from takt.planning.scheduling.cpsat.hybrid import flexible_lower_bound, improve_flexible
from takt.planning.scheduling.cpsat.solve import optimise
from takt.planning.scheduling.dispatch import dispatch
from takt.planning.scheduling.instances import parse_fjsp
from takt.planning.scheduling.plan import Objective
from takt.planning.scheduling.problem import Calendar, Problem
from takt.planning.scheduling.result import SolveStatus
from takt.planning.scheduling.tabu import SequenceGraph, supported
from takt.planning.scheduling.validate import assert_valid


def _flexible_shop(jobs: int, machines: int, seed: int) -> Problem:
    rng = random.Random(seed)
    lines = [f"{jobs} {machines}"]
    for _ in range(jobs):
        ops = rng.randint(3, 6)
        fields = [str(ops)]
        for _ in range(ops):
            eligible = rng.sample(range(1, machines + 1), rng.randint(1, min(3, machines)))
            fields.append(str(len(eligible)))
            for m in eligible:
                fields += [str(m), str(rng.randint(1, 20))]
        lines.append(" ".join(fields))
    return parse_fjsp("\n".join(lines) + "\n", f"flex{seed}")


def test_flexible_shops_are_supported_only_when_asked() -> None:
    problem = _flexible_shop(6, 4, 1)
    assert not supported(problem)
    assert supported(problem, flexible=True)
    shifts = replace(
        problem,
        resources=(
            replace(problem.resources[0], calendar=Calendar(((0, 50),))),
            *problem.resources[1:],
        ),
    )
    assert not supported(shifts, flexible=True)


def test_sequence_graph_follows_the_plans_machines() -> None:
    problem = _flexible_shop(8, 4, 2)
    start = dispatch(problem)
    graph = SequenceGraph(problem, start)
    assert graph.evaluate() == start.makespan
    for o, (j, k) in enumerate(graph.where):
        a = start.assignments[j][k]
        assert graph.mach[o] == a.resource
        assert graph.dur[o] == a.end - a.start


def test_flex_window_lns_returns_valid_plans_no_worse_than_the_start() -> None:
    for seed in (3, 4):
        problem = _flexible_shop(10, 5, seed)
        start = dispatch(problem)
        graph = SequenceGraph(problem, start)
        makespan, stats = flex_window_lns(
            graph, graph.evaluate(), time.monotonic() + 2, 1, seed, size=15
        )
        plan = graph.plan()
        assert_valid(problem, plan)
        assert plan.makespan == makespan <= start.makespan
        assert stats.steps > 0
        found = improve_flexible(problem, start, time.monotonic() + 1, 1, seed, patience=5)
        assert_valid(problem, found.plan)
        assert flexible_lower_bound(problem) <= found.plan.makespan <= start.makespan


def test_optimise_takes_the_flexible_path_and_stays_valid() -> None:
    problem = _flexible_shop(12, 5, 5)
    result = optimise(problem, objective=Objective.MAKESPAN, time_limit=3, workers=1)
    assert result.plan is not None
    assert_valid(problem, result.plan)
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert result.objective is not None
    assert result.warm_start_objective is not None
    assert result.objective <= result.warm_start_objective
    assert result.best_bound is not None
    assert result.best_bound <= result.objective
