"""Assemble a CP-SAT model from variables, constraints and objective; read a plan back out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ortools.sat.python import cp_model

from takt.planning.scheduling.cpsat.constraints import (
    add_capacity,
    add_precedences,
    add_redundant,
)
from takt.planning.scheduling.cpsat.objective import ObjectiveVars, add_objective
from takt.planning.scheduling.cpsat.variables import (
    ModeVars,
    OpVars,
    Variables,
    build_variables,
)
from takt.planning.scheduling.plan import Assignment, Objective, Plan
from takt.planning.scheduling.problem import Problem


@dataclass
class Built:
    """A complete model with handles on its variables and objective."""

    model: cp_model.CpModel
    variables: Variables
    objective: ObjectiveVars


def build(problem: Problem, objective: Objective, lower: list[list[int]], horizon: int) -> Built:
    """The full model of ``problem`` with every start in ``[lower, horizon]``."""
    model = cp_model.CpModel()
    variables = build_variables(model, problem, lower, horizon)
    add_precedences(model, problem, variables)
    add_capacity(model, problem, variables)
    add_redundant(model, problem, variables)
    objective_vars = add_objective(model, problem, variables, objective)
    return Built(model, variables, objective_vars)


def add_hint(built: Built, plan: Plan, model: cp_model.CpModel | None = None) -> None:
    """Hint ``plan`` to the solver on every variable (``model`` defaults to ``built.model``).

    A complete hint lets CP-SAT take the plan as its first solution without a repair search.
    """
    model = built.model if model is None else model
    model.clear_hints()  # type: ignore[no-untyped-call]
    for row, plan_row in zip(built.variables.ops, plan.assignments, strict=True):
        for op, a in zip(row, plan_row, strict=True):
            if not op.pinned:
                hint_operation(model, op, a)
    goal = built.objective
    ends = [plan.completion(j) for j in range(len(plan.assignments))]
    model.add_hint(goal.makespan, max(ends, default=0))
    for var, j, due in goal.tardy:
        model.add_hint(var, max(0, ends[j] - due))
    for var, j, due in goal.late:
        model.add_hint(var, ends[j] > due)
    if goal.lateness is not None:
        var, dues = goal.lateness
        model.add_hint(var, max((ends[j] - due for j, due in dues), default=0))


def hint_operation(model: cp_model.CpModel, op: OpVars, a: Assignment) -> None:
    """Hint every variable of one unpinned operation with where and when ``a`` runs it."""
    model.add_hint(op.start, a.start)
    model.add_hint(op.end, a.end)
    if op.span is not None:
        model.add_hint(op.span, a.end - a.start)
    for crew in op.crew:
        if not isinstance(crew.chosen, int):
            model.add_hint(crew.chosen, crew.operator == a.operator)
        if crew.busy is not None:
            model.add_hint(crew.busy, crew.operator == a.operator and a.end > a.start)
    for mode in op.modes:
        chosen = mode.fits(a.resource, a.unit, a.operator)
        if not isinstance(mode.present, int):
            model.add_hint(mode.present, chosen)
        elapsed = a.end - a.start
        if mode.size is not None:
            least = min(value for _, value, _ in mode.choices)
            model.add_hint(mode.size, elapsed if chosen else least)
        for literal, value, _ in mode.choices:
            if literal is not None:
                model.add_hint(literal, chosen and value == elapsed)


def make_solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    """A solver with the run's limits; deterministic for a given seed and one worker."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    return solver


def extract(problem: Problem, built: Built, solver: cp_model.CpSolver) -> Plan:
    """The plan in the solver's current solution, units given out per resource."""
    raw: list[Raw] = []
    for j, row in enumerate(built.variables.ops):
        for k, op in enumerate(row):
            if op.pinned:
                continue
            chosen, operator = read_choice(solver, op)
            raw.append(
                Raw(
                    j,
                    k,
                    chosen.resource,
                    solver.value(op.start),
                    solver.value(op.end),
                    chosen.unit,
                    operator,
                )
            )
    return Plan.of(problem, assign_units(problem, raw))


def read_choice(solver: cp_model.CpSolver, op: OpVars) -> tuple[ModeVars, int | None]:
    """The mode and the operator (None: needs none) the solver's solution gives ``op``."""
    chosen = op.modes[0]
    for mode in op.modes:
        if isinstance(mode.present, int) or solver.boolean_value(mode.present):
            chosen = mode
            break
    operator = None
    for crew in op.crew:
        if isinstance(crew.chosen, int) or solver.boolean_value(crew.chosen):
            operator = crew.operator
            break
    return chosen, operator


class Raw(NamedTuple):
    """An operation as the solver placed it, before identical units are given out."""

    job: int
    op: int
    resource: int
    start: int
    end: int
    unit: int | None = None  # set where units differ: the model chose it
    operator: int | None = None


def assign_units(problem: Problem, raw: Sequence[Raw]) -> list[Assignment]:
    """Give each operation a unit of its resource; pinned operations keep theirs.

    Operations are taken by start time; each goes to the unit that became free last before it
    starts (best fit) among those whose future pins it does not overlap. When capacity holds,
    such a unit exists unless pins interleave pathologically; then unit 0 is used and the
    validator reports the clash.
    """
    out: list[Assignment] = []
    pins: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for j, job in enumerate(problem.jobs):
        for k, op in enumerate(job.operations):
            if op.pin is not None:
                pin = op.pin
                r = problem.resource_index(pin.resource)
                o = None if pin.operator is None else problem.operator_index[pin.operator]
                out.append(Assignment(j, k, r, pin.unit, pin.start, pin.end, o))
                if pin.end > pin.start:
                    pins[r, pin.unit].append((pin.start, pin.end))
    per_resource: dict[int, list[tuple[int, int, int, int, int | None]]] = defaultdict(list)
    for j, k, r, start, end, unit, operator in raw:
        if unit is not None:
            out.append(Assignment(j, k, r, unit, start, end, operator))
        elif problem.resources[r].units == 1 or end == start:
            out.append(Assignment(j, k, r, 0, start, end, operator))
        else:
            per_resource[r].append((start, end, j, k, operator))
    for r, items in per_resource.items():
        units = problem.resources[r].units
        free_at = [0] * units
        items.sort(key=lambda item: item[:4])
        for start, end, j, k, operator in items:
            best = -1
            for u in range(units):
                if free_at[u] > start:
                    continue
                if any(ps < end and start < pe for ps, pe in pins.get((r, u), ())):
                    continue
                if best < 0 or free_at[u] > free_at[best]:
                    best = u
            unit = max(best, 0)
            free_at[unit] = max(free_at[unit], end)
            out.append(Assignment(j, k, r, unit, start, end, operator))
    return out
