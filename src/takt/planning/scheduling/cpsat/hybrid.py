"""Makespan of large plain job shops: tabu search, then time-window LNS with small CP-SAT models.

Used by :func:`takt.planning.scheduling.cpsat.solve.optimise` for the makespan objective on
problems above its size threshold that :func:`takt.planning.scheduling.tabu.supported` accepts.
A full CP-SAT model of such problems spends most of a minute finding its way from a dispatch
plan; here a critical-path tabu search gets close in seconds, and the window LNS (re-sequencing
a few dozen to a few hundred operations at a time) carries on from it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from takt.planning.scheduling.cpsat.flexwindow import flex_window_lns
from takt.planning.scheduling.cpsat.window import window_lns
from takt.planning.scheduling.plan import Plan
from takt.planning.scheduling.problem import Problem
from takt.planning.scheduling.tabu import SequenceGraph, tabu_search


@dataclass
class HybridResult:
    """Best plan, a proven lower bound on its makespan, and the work done."""

    plan: Plan
    lower_bound: int
    tabu_iterations: int
    lns_steps: int


def lower_bound(problem: Problem) -> int:
    """Largest machine load or job length (with release dates): no plan ends earlier."""
    load = [0] * len(problem.resources)
    longest = 0
    for job in problem.jobs:
        length = job.release
        for op in job.operations:
            mode = op.modes[0]
            work = op.work(mode)
            load[problem.resource_index(mode.resource)] += work
            length += work
        longest = max(longest, length)
    return max([longest, *load])


def improve_makespan(
    problem: Problem,
    start: Plan,
    deadline: float,
    workers: int,
    seed: int,
    tabu_share: float = 0.3,
) -> HybridResult:
    """Tabu search for ``tabu_share`` of the time left, then window LNS until ``deadline``."""
    began = time.monotonic()
    bound = lower_bound(problem)
    tabu_end = began + tabu_share * max(0.0, deadline - began)
    plan, stats = tabu_search(problem, start, tabu_end, seed, target=bound)
    if plan.makespan <= bound:
        return HybridResult(plan, bound, stats.iterations, 0)
    graph = SequenceGraph(problem, plan)
    makespan = graph.evaluate()
    makespan, lns = window_lns(graph, makespan, deadline, workers, seed)
    if makespan < plan.makespan:
        plan = graph.plan()
    return HybridResult(plan, bound, stats.iterations, lns.steps)


def flexible_lower_bound(problem: Problem) -> int:
    """Longest job on its shortest modes, or the shortest total work spread over every machine.

    For a flexible job shop (several modes per operation); no plan ends earlier.
    """
    total = 0
    longest = 0
    for job in problem.jobs:
        length = job.release
        for op in job.operations:
            work = min(op.work(mode) for mode in op.modes)
            total += work
            length += work
        longest = max(longest, length)
    machines = max(1, len(problem.resources))
    return max(longest, -(-total // machines))


def improve_flexible(
    problem: Problem,
    start: Plan,
    deadline: float,
    workers: int,
    seed: int,
    patience: int | None = None,
) -> HybridResult:
    """Flexible job shop: time-window LNS with machine choice (:mod:`.flexwindow`) to ``deadline``."""
    bound = flexible_lower_bound(problem)
    graph = SequenceGraph(problem, start)
    makespan = graph.evaluate()
    if makespan < 0 or makespan <= bound:
        return HybridResult(start, bound, 0, 0)
    makespan, lns = flex_window_lns(graph, makespan, deadline, workers, seed, patience=patience)
    plan = graph.plan() if makespan < start.makespan else start
    return HybridResult(plan, bound, 0, lns.steps)
