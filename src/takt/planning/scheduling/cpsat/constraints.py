"""CP-SAT constraints: routing order, release dates, job links and resource capacity.

Capacity: a single-unit resource gets a no-overlap constraint; a resource with ``k`` identical
units a cumulative of capacity ``k`` (each operation takes one unit). Units are given out after
solving (see ``model.assign_units``): intervals on ``k`` identical units that never overlap more
than ``k`` deep can always be coloured with ``k`` colours, taking them by start time.

A resource whose units differ (a window stops one unit) has one mode per unit instead, and a
no-overlap per unit. Each operator gets a no-overlap over the intervals of the operations they
may run (optional, present when chosen).

Pinned operations are fixed intervals: others avoid them; their own order and release are facts
and are not re-checked.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from takt.planning.scheduling.cpsat.variables import Variables
from takt.planning.scheduling.problem import Problem


def add_precedences(model: cp_model.CpModel, problem: Problem, v: Variables) -> None:
    """Routing order inside each job, release dates, and jobs that wait for other jobs."""
    for j, job in enumerate(problem.jobs):
        row = v.ops[j]
        first = row[0]
        if not first.pinned:
            model.add(first.start >= job.release)
            for p in problem.predecessors[j]:
                model.add(first.start >= v.ops[p][-1].end)
        for before, after in itertools.pairwise(row):
            if not after.pinned:
                model.add(after.start >= before.end)


def resource_intervals(problem: Problem, v: Variables) -> dict[tuple[int, int | None], list[Any]]:
    """The intervals competing for each resource, or unit where units differ (zero-work left out)."""
    per_resource: dict[tuple[int, int | None], list[Any]] = defaultdict(list)
    for row in v.ops:
        for op in row:
            for mode in op.modes:
                if mode.work > 0:
                    per_resource[mode.resource, mode.unit].append(mode.interval)
    return per_resource


def add_capacity(model: cp_model.CpModel, problem: Problem, v: Variables) -> None:
    """No-overlap on single units and operators, cumulative on multi-unit resources."""
    for (r, unit), intervals in resource_intervals(problem, v).items():
        units = 1 if unit is not None else problem.resources[r].units
        if units == 1:
            model.add_no_overlap(intervals)
        elif len(intervals) > units:
            model.add_cumulative(intervals, [1] * len(intervals), units)
    per_operator: dict[int, list[Any]] = defaultdict(list)
    for row in v.ops:
        for op in row:
            for crew in op.crew:
                if crew.interval is not None:
                    per_operator[crew.operator].append(crew.interval)
    for intervals in per_operator.values():
        if len(intervals) > 1:
            model.add_no_overlap(intervals)


def add_redundant(model: cp_model.CpModel, problem: Problem, v: Variables) -> None:
    """Redundant cuts: each job's end is at least its start plus the work left in it.

    The chain of precedences implies it, but the linear relaxation sees it only this way.
    """
    for j, job in enumerate(problem.jobs):
        row = v.ops[j]
        if row[0].pinned:
            continue
        least = sum(min(op.work(m) for m in op.modes) for op in job.operations)
        if least > 0 and len(row) > 1:
            model.add(row[-1].end >= row[0].start + least)
