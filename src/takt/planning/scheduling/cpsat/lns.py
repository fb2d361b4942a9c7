"""Large-neighbourhood search around an incumbent plan, each step a small CP-SAT solve.

A step copies the full model and freezes most of the incumbent: operations outside the chosen
neighbourhood keep their resource and their order on their resource unit (consecutive ones are
chained ``end <= next start``); they may still slide in time. With ``fix_times`` (used when
resources have calendars, whose elapsed-time pieces make the model large) they are fixed in
time instead, which presolve removes cheaply. The neighbourhood is free. The
step's solve is hinted with the incumbent and cut off at its objective, so it can only return a
plan as good or better; equal plans are accepted too, letting the search walk plateaus of equal
makespan.

Neighbourhoods, picked at random each step:

* jobs: a random set of jobs;
* machines: every operation on a random set of resources (rebuilds their sequences);
* window: every operation starting in a random time window, with operations that end before it
  fixed in time (they cannot matter).

Each neighbourhood's size adapts: it grows after a step that proved its subproblem optimal
quickly and shrinks after one that ran out of time.
"""

from __future__ import annotations

import itertools
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from takt.planning.scheduling.cpsat.model import Built, add_hint, extract, make_solver
from takt.planning.scheduling.plan import Assignment, Plan
from takt.planning.scheduling.problem import Problem

_log = logging.getLogger(__name__)


@dataclass
class _Neighbourhood:
    name: str
    size: float  # fraction of jobs / resources / horizon relaxed

    def grow(self) -> None:
        self.size = min(0.9, self.size * 1.15)

    def shrink(self) -> None:
        self.size = max(0.02, self.size / 1.15)


def improve(
    problem: Problem,
    built: Built,
    incumbent: Plan,
    incumbent_value: int,
    deadline: float,
    workers: int,
    seed: int,
    step_limit: float = 2.0,
    fix_times: bool = False,
    report: Callable[[int], None] | None = None,
) -> tuple[Plan, int, int]:
    """Improve ``incumbent`` (objective ``incumbent_value``) until ``deadline`` (monotonic).

    Returns the best plan, its value of the model's objective expression, and the step count.
    Steps are logged at DEBUG level on this module's logger.
    """
    rng = random.Random(seed)
    hoods = [
        _Neighbourhood("jobs", 0.15),
        _Neighbourhood("machines", 0.2),
        _Neighbourhood("window", 0.15),
    ]
    if len(problem.resources) < 3:
        hoods = [h for h in hoods if h.name != "machines"]
    steps = 0
    best, best_value = incumbent, incumbent_value
    while True:
        left = deadline - time.monotonic()
        if left < 0.05:
            break
        steps += 1
        hood = rng.choice(hoods)
        free = _pick(problem, best, hood, rng)
        model = built.model.clone()
        _freeze(model, built, best, free, fix_times or hood.name == "window", fix_times)
        add_hint(built, best, model)
        model.add(built.objective.expression <= best_value)
        solver = make_solver(min(step_limit, left), workers, rng.randrange(1 << 30))
        # Steps are many and small: deep probing in presolve costs more than it finds.
        solver.parameters.cp_model_probing_level = 0
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            value = int(solver.objective_value)
            if value <= best_value:
                best = extract(problem, Built(model, built.variables, built.objective), solver)
                best_value = value
                if report is not None:
                    report(value)
        if status == cp_model.OPTIMAL:
            hood.grow()
        else:
            hood.shrink()
        _log.debug(
            "lns step %d %s size=%.3f free=%d %s best=%d %.2fs",
            steps,
            hood.name,
            hood.size,
            len(free),
            solver.status_name(status),
            best_value,
            solver.wall_time,
        )
    return best, best_value, steps


def _pick(
    problem: Problem, plan: Plan, hood: _Neighbourhood, rng: random.Random
) -> set[tuple[int, int]]:
    """The operations set free in this step."""
    ops = plan.all()
    if hood.name == "jobs":
        count = max(2, round(hood.size * len(problem.jobs)))
        jobs = set(rng.sample(range(len(problem.jobs)), min(count, len(problem.jobs))))
        return {(a.job, a.op) for a in ops if a.job in jobs}
    if hood.name == "machines":
        count = max(2, round(hood.size * len(problem.resources)))
        chosen = set(rng.sample(range(len(problem.resources)), min(count, len(problem.resources))))
        # An operation with alternatives is freed when any of its eligible resources is chosen.
        free = set()
        for a in ops:
            op = problem.jobs[a.job].operations[a.op]
            if any(problem.resource_index(m.resource) in chosen for m in op.modes):
                free.add((a.job, a.op))
        return free
    span = max(1, plan.makespan)
    width = max(1, round(hood.size * span))
    start = rng.randrange(0, max(1, span - width + 1))
    return {(a.job, a.op) for a in ops if start <= a.start < start + width}


def _freeze(
    model: cp_model.CpModel,
    built: Built,
    plan: Plan,
    free: set[tuple[int, int]],
    fix_before: bool,
    fix_all: bool = False,
) -> None:
    """Keep every operation outside ``free`` on its resource (and operator) and in its order there."""
    ops = built.variables.ops
    window_start = min((plan.assignments[j][k].start for j, k in free), default=0)
    # Keyed (resource, unit) for units and (-1, operator) for operators.
    chains: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for a in plan.all():
        if (a.job, a.op) in free:
            continue
        op = ops[a.job][a.op]
        if op.pinned:
            continue
        for mode in op.modes:
            if not isinstance(mode.present, int):
                model.add(mode.present == int(mode.fits(a.resource, a.unit, a.operator)))
        for crew in op.crew:
            if not isinstance(crew.chosen, int):
                model.add(crew.chosen == int(crew.operator == a.operator))
        if fix_all or (fix_before and a.end <= window_start):
            model.add(op.start == a.start)
            model.add(op.end == a.end)
            continue
        if a.end > a.start:
            chains[a.resource, a.unit].append(a)
            if a.operator is not None:
                chains[-1, a.operator].append(a)
    for chain in chains.values():
        chain.sort(key=lambda a: (a.start, a.end))
        for before, after in itertools.pairwise(chain):
            model.add(ops[before.job][before.op].end <= ops[after.job][after.op].start)
