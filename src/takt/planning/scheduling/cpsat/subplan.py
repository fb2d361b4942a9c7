"""Large-neighbourhood search for weighted tardiness on small, fresh models of part of a plan.

For plants too large for the full model to be built in time (calendars make it large: each
pausable operation gets a piece of its start domain per working interval over the horizon), each
step frees a few dozen operations of the incumbent plan and builds a CP-SAT model of those
alone, with the variables of :mod:`.variables` over a short span ``[t_lo, t_hi]`` around them:

* every other operation stays exactly where it is (resource, unit, operator and times); those
  that overlap the span hold their unit and operator as fixed intervals;
* a freed operation starts after its job's release, after its fixed routing predecessor (or the
  fixed last operation of a job it comes ``after``) and ends before its fixed successor (or the
  fixed first operation of a job that comes after it) starts; freed neighbours are chained;
* the objective is the weighted tardiness of the jobs whose last operation is freed, then (with
  a weight small enough to make it lexicographic) the sum of the freed operations' ends, which
  packs work to the left and leaves room for later steps.

The incumbent is a solution of every such model (it is hinted in full), so a step never makes
the plan worse; its result is kept when the whole plan's weighted tardiness is no worse (equal
plans are accepted, to walk plateaus). Units of identical parallel machines are given out again
(``model.assign_units``) on the resources a freed operation took, as after a full solve.

Neighbourhoods, drawn each step in proportion to the weighted tardiness each recently removed
per second (as adaptive LNS does; every one keeps a share, so none is forgotten):

* late job: one late job, drawn with probability in proportion to its weighted tardiness, is
  freed whole, with every operation that starts on one of its operations' eligible resources
  in the ``width`` minutes before that operation's start (the work it may overtake);
* jobs: the late job and ``count`` jobs with operations on its eligible resources in the
  ``width`` minutes before each of its operations, all freed whole, so they may trade places;
* window: every operation that starts in a random time window of ``width`` minutes, around a
  late job's completion (where order matters).

Each neighbourhood's width and count adapt: they grow after a step whose model was solved to
optimality and shrink after one that ran out of time (:data:`STEP_LIMIT`), so that steps stay
small enough to be solved.

Measured on ``bench.factory`` at scale 0.1 (1,100 operations) with 15 s from the blended rule's
plan (0.158 of rank-order dispatch's weighted tardiness): 0.14 to 0.15 with 0.5 to 2 s steps,
the 0.5 s steps the steadiest over seeds.
"""

from __future__ import annotations

import logging
import random
import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from takt.planning.scheduling.calendar import WorkTime
from takt.planning.scheduling.cpsat.model import (
    Raw,
    assign_units,
    hint_operation,
    make_solver,
    read_choice,
)
from takt.planning.scheduling.cpsat.variables import OpVars, TimingKeys, operation_variables
from takt.planning.scheduling.plan import Assignment, Plan, measure
from takt.planning.scheduling.problem import Problem

_log = logging.getLogger(__name__)

HOODS = ("job", "window", "jobs")
"""The neighbourhoods, drawn at random each step (see the module docstring)."""

Op = tuple[int, int]
"""An operation: (job index, operation index)."""


@dataclass
class SubplanResult:
    """The best plan found, its weighted tardiness, steps made and how many improved it."""

    plan: Plan
    weighted_tardiness: int
    steps: int
    improved: int


class _Index:
    """The incumbent's operations per resource and per operator, by start, for span queries."""

    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.on_resource: list[list[tuple[int, int, int, int]]] = [[] for _ in problem.resources]
        self.on_operator: list[list[tuple[int, int, int, int]]] = [[] for _ in problem.operators]
        for a in plan.all():
            if a.end <= a.start:
                continue  # zero-work: holds nothing
            self.on_resource[a.resource].append((a.start, a.end, a.job, a.op))
            if a.operator is not None:
                self.on_operator[a.operator].append((a.start, a.end, a.job, a.op))
        self.resource_starts: list[list[int]] = []
        self.longest: list[int] = []
        for items in self.on_resource:
            items.sort()
            self.resource_starts.append([s for s, _, _, _ in items])
            self.longest.append(max((e - s for s, e, _, _ in items), default=0))
        self.operator_starts: list[list[int]] = []
        self.operator_longest: list[int] = []
        for items in self.on_operator:
            items.sort()
            self.operator_starts.append([s for s, _, _, _ in items])
            self.operator_longest.append(max((e - s for s, e, _, _ in items), default=0))

    def starting(self, r: int, lo: int, hi: int) -> list[Op]:
        """Operations on resource ``r`` that start in ``[lo, hi)``."""
        starts = self.resource_starts[r]
        items = self.on_resource[r]
        return [(j, k) for _, _, j, k in items[bisect_left(starts, lo) : bisect_left(starts, hi)]]

    def overlapping(self, r: int, lo: int, hi: int) -> list[tuple[int, int, int, int]]:
        """(start, end, job, op) of the operations on resource ``r`` that overlap ``[lo, hi)``."""
        return _overlapping(self.on_resource[r], self.resource_starts[r], self.longest[r], lo, hi)

    def operator_overlapping(self, o: int, lo: int, hi: int) -> list[tuple[int, int, int, int]]:
        """(start, end, job, op) of the operations operator ``o`` runs that overlap ``[lo, hi)``."""
        return _overlapping(
            self.on_operator[o], self.operator_starts[o], self.operator_longest[o], lo, hi
        )


def _overlapping(
    items: list[tuple[int, int, int, int]], starts: list[int], longest: int, lo: int, hi: int
) -> list[tuple[int, int, int, int]]:
    # Nothing that starts more than the longest span before lo can reach it.
    first = bisect_left(starts, lo - longest)
    last = bisect_right(starts, hi - 1)
    return [item for item in items[first:last] if item[1] > lo]


class _Search:
    """State of one run: the problem's constants and the incumbent."""

    def __init__(self, problem: Problem, plan: Plan, seed: int) -> None:
        self.problem = problem
        self.time = WorkTime(problem)
        self.rng = random.Random(seed)
        self.successors: list[list[int]] = [[] for _ in problem.jobs]
        for j, preds in enumerate(problem.predecessors):
            for p in preds:
                self.successors[p].append(j)
        self.eligible: list[list[tuple[int, ...]]] = [
            [tuple(problem.resource_index(m.resource) for m in op.modes) for op in job.operations]
            for job in problem.jobs
        ]
        self.set_plan(plan)

    def set_plan(self, plan: Plan) -> None:
        self.plan = plan
        self.index = _Index(self.problem, plan)
        self.value = measure(self.problem, plan).weighted_tardiness
        self.late: list[tuple[int, int]] = []  # (job, weighted tardiness)
        for j, job in enumerate(self.problem.jobs):
            if job.due is not None and job.weight > 0 and plan.completion(j) > job.due:
                self.late.append((j, job.weight * (plan.completion(j) - job.due)))

    def pick(self, hood: str, width: int, count: int) -> set[Op]:
        """The operations freed by one step (pinned operations never are).

        ``width`` (minutes) sizes the "job" and "window" neighbourhoods, ``count`` (jobs) the
        "jobs" one.
        """
        problem, plan, rng = self.problem, self.plan, self.rng
        jobs = problem.jobs
        free: set[Op] = set()
        if self.late:
            seed_job = rng.choices(self.late, weights=[w for _, w in self.late])[0][0]
        else:
            seed_job = rng.randrange(len(problem.jobs))
        if hood == "job":
            for k, a in enumerate(plan.assignments[seed_job]):
                free.add((seed_job, k))
                for r in self.eligible[seed_job][k]:
                    free.update(self.index.starting(r, a.start - width, a.start))
        elif hood == "jobs":
            # Whole jobs move freely, so they may trade places with one another.
            near: set[int] = set()
            for k, a in enumerate(plan.assignments[seed_job]):
                for r in self.eligible[seed_job][k]:
                    near.update(j for j, _ in self.index.starting(r, a.start - width, a.end))
            near.discard(seed_job)
            chosen = [seed_job, *rng.sample(sorted(near), min(len(near), count - 1))]
            for j in chosen:
                free.update((j, k) for k in range(len(jobs[j].operations)))
        else:
            centre = plan.completion(seed_job)
            lo = centre - rng.randrange(width + 1)
            for r in range(len(problem.resources)):
                free.update(self.index.starting(r, lo, lo + width))
        return {(j, k) for j, k in free if jobs[j].operations[k].pin is None}


@dataclass
class _Sub:
    """A step's model with handles on the freed operations' variables."""

    model: cp_model.CpModel
    ops: dict[Op, OpVars]
    start_value: int  # the objective's value at the incumbent (the hint)


def _build(search: _Search, free: set[Op], margin: int) -> _Sub | None:
    """The model of one step; None (the step is skipped) when the incumbent breaks its bounds.

    Every freed operation starts and ends within ``margin`` minutes of the freed span.
    """
    problem, plan = search.problem, search.plan
    rows = plan.assignments
    t_lo = min(rows[j][k].start for j, k in free) - margin
    t_hi = max(rows[j][k].end for j, k in free) + margin
    t_lo, t_hi = max(0, t_lo), min(problem.horizon, t_hi)
    model = cp_model.CpModel()
    keys: TimingKeys = {}
    ops: dict[Op, OpVars] = {}
    for j, k in sorted(free):
        job = problem.jobs[j]
        lo, hi = t_lo, t_hi
        if k == 0:
            lo = max(lo, job.release)
            for p in problem.predecessors[j]:
                last = len(problem.jobs[p].operations) - 1
                if (p, last) not in free:
                    lo = max(lo, rows[p][last].end)
        elif (j, k - 1) not in free:
            lo = max(lo, rows[j][k - 1].end)
        if k + 1 < len(job.operations):
            if (j, k + 1) not in free:
                hi = min(hi, rows[j][k + 1].start)
        else:
            for s in search.successors[j]:
                # A started (pinned) first operation is a fact that waits for nobody.
                if (s, 0) not in free and problem.jobs[s].operations[0].pin is None:
                    hi = min(hi, rows[s][0].start)
        a = rows[j][k]
        if not lo <= a.start <= a.end <= hi:
            return None  # cannot happen for a valid incumbent; refuse rather than break it
        op = job.operations[k]
        ops[j, k] = operation_variables(model, problem, search.time, op, lo, hi, f"j{j}o{k}", keys)
    for (j, k), v in ops.items():
        before = ops.get((j, k - 1)) if k > 0 else None
        if before is not None:
            model.add(v.start >= before.end)
        if k == 0:
            for p in problem.predecessors[j]:
                finish = ops.get((p, len(problem.jobs[p].operations) - 1))
                if finish is not None:
                    model.add(v.start >= finish.end)
    _add_capacity(search, model, ops, free, t_lo, t_hi)
    return _objective(search, model, ops, t_lo, t_hi)


def _add_capacity(
    search: _Search,
    model: cp_model.CpModel,
    ops: dict[Op, OpVars],
    free: set[Op],
    t_lo: int,
    t_hi: int,
) -> None:
    """Resources and operators: the freed intervals with the fixed ones in the span."""
    problem, plan, index = search.problem, search.plan, search.index
    per_resource: dict[tuple[int, int | None], list[Any]] = defaultdict(list)
    per_operator: dict[int, list[Any]] = defaultdict(list)
    for v in ops.values():
        for mode in v.modes:
            if mode.work > 0:
                per_resource[mode.resource, mode.unit].append(mode.interval)
        for crew in v.crew:
            if crew.interval is not None:
                per_operator[crew.operator].append(crew.interval)
    for r in {r for r, _ in per_resource}:
        differ = problem.resources[r].units_differ
        for start, end, j, k in index.overlapping(r, t_lo, t_hi):
            if (j, k) in free:
                continue
            unit = plan.assignments[j][k].unit if differ else None
            per_resource[r, unit].append(
                model.new_fixed_size_interval_var(start, end - start, f"f_{j}_{k}")
            )
    for o in list(per_operator):
        for start, end, j, k in index.operator_overlapping(o, t_lo, t_hi):
            if (j, k) not in free:
                per_operator[o].append(
                    model.new_fixed_size_interval_var(start, end - start, f"g_{j}_{k}")
                )
    for (r, unit), intervals in per_resource.items():
        units = 1 if unit is not None else problem.resources[r].units
        if units == 1:
            model.add_no_overlap(intervals)
        elif len(intervals) > units:
            model.add_cumulative(intervals, [1] * len(intervals), units)
    for intervals in per_operator.values():
        if len(intervals) > 1:
            model.add_no_overlap(intervals)


def _objective(
    search: _Search, model: cp_model.CpModel, ops: dict[Op, OpVars], t_lo: int, t_hi: int
) -> _Sub:
    """Weighted tardiness of the jobs whose last operation is freed, then the sum of ends."""
    problem, rows = search.problem, search.plan.assignments
    terms: list[Any] = []
    tardiness_at_hint = 0
    for (j, k), v in ops.items():
        job = problem.jobs[j]
        if k + 1 < len(job.operations) or job.due is None or job.weight == 0 or t_hi <= job.due:
            continue
        tardy = model.new_int_var(0, t_hi - job.due, f"t_{j}")
        model.add(tardy >= v.end - job.due)
        terms.append(job.weight * tardy)
        late = max(0, rows[j][k].end - job.due)
        model.add_hint(tardy, late)
        tardiness_at_hint += job.weight * late
    # The ends' sum moves by less than this over the span, so tardiness comes first.
    scale = len(ops) * (t_hi - t_lo) + 1
    ends = cp_model.LinearExpr.sum([v.end for v in ops.values()])
    expression = scale * cp_model.LinearExpr.sum(terms) + ends
    for (j, k), v in ops.items():
        hint_operation(model, v, rows[j][k])
    start_value = scale * tardiness_at_hint + sum(rows[j][k].end for j, k in ops)
    model.add(expression <= start_value)
    model.minimize(expression)
    return _Sub(model, ops, start_value)


def _apply(search: _Search, sub: _Sub, solver: cp_model.CpSolver) -> Plan:
    """The incumbent with the freed operations where the solver put them.

    Units are given out again on the resources of identical units that a freed operation
    takes; elsewhere every operation keeps its unit.
    """
    problem, rows = search.problem, search.plan.assignments
    raw: list[Raw] = []
    shared: set[int] = set()  # resources whose identical units are given out again
    for (j, k), v in sub.ops.items():
        mode, operator = read_choice(solver, v)
        start, end = solver.value(v.start), solver.value(v.end)
        raw.append(Raw(j, k, mode.resource, start, end, mode.unit, operator))
        if mode.unit is None and end > start and problem.resources[mode.resource].units > 1:
            shared.add(mode.resource)
    for r in shared:
        for start, end, j, k in search.index.on_resource[r]:
            if (j, k) not in sub.ops and problem.jobs[j].operations[k].pin is None:
                raw.append(Raw(j, k, r, start, end, None, rows[j][k].operator))
    changed: dict[int, dict[int, Assignment]] = defaultdict(dict)
    for a in assign_units(problem, raw):
        if (a.job, a.op) in sub.ops or a.resource in shared:
            changed[a.job][a.op] = a
    new_rows = list(rows)
    for j, ops in changed.items():
        new_rows[j] = tuple(ops.get(k, a) for k, a in enumerate(rows[j]))
    return Plan(tuple(new_rows))


_LEAST_WIDTH = 60.0
"""Neighbourhoods never shrink below an hour: narrower ones free too little to gain."""

STEP_LIMIT = 0.5
"""Seconds of solving per step."""


_MEMORY = 0.3
"""Weight of the latest step in a neighbourhood's gain rate."""

_EXPLORE = 0.15
"""Least share of the best rate every neighbourhood is drawn with, so none is forgotten."""


def _choose(rng: random.Random, rates: dict[str, float]) -> str:
    """A neighbourhood drawn in proportion to its recent gain per second (at random at first)."""
    top = max(rates.values())
    if top <= 0:
        return rng.choice(HOODS)
    return rng.choices(HOODS, weights=[max(rates[h], _EXPLORE * top) for h in HOODS])[0]


def _step(
    search: _Search, hood: str, width: int, count: int, left: float, workers: int
) -> tuple[bool | None, float, int]:
    """One step: free, model, solve, keep the result when no worse.

    Returns whether the step's model was solved to optimality (None: no model), the seconds
    spent solving and the number of operations freed.
    """
    free = search.pick(hood, width, count)
    if not free:
        return None, 0.0, 0
    sub = _build(search, free, width)
    if sub is None:
        return None, 0.0, len(free)
    solver = make_solver(min(STEP_LIMIT, left), workers, search.rng.randrange(1 << 30))
    # Many small steps: deep presolve probing costs more than it finds.
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(sub.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < sub.start_value:
        candidate = _apply(search, sub, solver)
        if measure(search.problem, candidate).weighted_tardiness <= search.value:
            search.set_plan(candidate)
    return status == cp_model.OPTIMAL, solver.wall_time, len(free)


def improve_tardiness(
    problem: Problem,
    plan: Plan,
    deadline: float,
    workers: int,
    seed: int,
    width: int = 1440,
    report: Callable[[int], None] | None = None,
) -> SubplanResult:
    """Lower ``plan``'s weighted tardiness by steps on small models until ``deadline``.

    ``plan`` must be valid; every plan kept is then valid too. ``width`` is the starting width
    of the neighbourhoods, in minutes. ``report`` hears each better weighted tardiness.
    Steps are logged at DEBUG level on this module's logger.
    """
    search = _Search(problem, plan, seed)
    rng = search.rng
    widths = {hood: float(width) for hood in HOODS}
    counts = dict.fromkeys(HOODS, 12.0)  # only "jobs" reads its count
    # Adaptive choice (as in adaptive LNS): each neighbourhood's recent gain per second.
    rates = dict.fromkeys(HOODS, 0.0)
    steps = improved = 0
    overhead = 0.0  # the longest time a step took outside the solver, to end in time
    while search.value > 0:
        began = time.monotonic()
        left = deadline - began
        if left < overhead + 0.1:
            break
        steps += 1
        hood = _choose(rng, rates)
        before = search.value
        optimal, solved, freed = _step(
            search, hood, round(widths[hood]), round(counts[hood]), left - overhead, workers
        )
        spent = time.monotonic() - began
        overhead = max(overhead, spent - solved)
        rates[hood] = (1 - _MEMORY) * rates[hood] + _MEMORY * (before - search.value) / spent
        if optimal:
            widths[hood] = min(widths[hood] * 1.2, float(problem.horizon))
            counts[hood] = min(counts[hood] * 1.2, float(len(problem.jobs)))
        elif optimal is not None:
            widths[hood] = max(_LEAST_WIDTH, widths[hood] / 1.2)
            counts[hood] = max(2.0, counts[hood] / 1.2)
        if search.value < before:
            improved += 1
            if report is not None:
                report(search.value)
        _log.debug(
            "subplan step %d %s width=%d count=%d free=%d optimal=%s value=%d %.2fs",
            steps,
            hood,
            round(widths[hood]),
            round(counts[hood]),
            freed,
            optimal,
            search.value,
            solved,
        )
    return SubplanResult(search.plan, search.value, steps, improved)
