"""CP-SAT objectives, one per :class:`Objective`.

Weighted tardiness then makespan is one scalar objective ``(H + 1) · Σ w·T + Cmax`` where ``H``
bounds the makespan: any gain in tardiness outweighs any makespan, which makes the sum exactly
lexicographic without a second solve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from takt.planning.scheduling.cpsat.variables import Variables
from takt.planning.scheduling.plan import Objective
from takt.planning.scheduling.problem import Problem


@dataclass
class ObjectiveVars:
    """The model's objective expression and how to read the primary value back from it.

    ``primary(v)`` turns a value (or bound) of the full expression into the primary objective's
    value (or a valid lower bound on it).
    """

    expression: Any
    scale: int  # the primary term's coefficient in the expression
    makespan: Any
    # Auxiliary variables per job, for complete hints: (variable, job, due date).
    tardy: list[tuple[Any, int, int]] = field(default_factory=list)
    late: list[tuple[Any, int, int]] = field(default_factory=list)
    lateness: tuple[Any, list[tuple[int, int]]] | None = None


def add_objective(
    model: cp_model.CpModel, problem: Problem, v: Variables, objective: Objective
) -> ObjectiveVars:
    """Minimise ``objective``; returns what is needed to report it."""
    horizon = v.horizon
    ends = [row[-1].end for row in v.ops]
    makespan = model.new_int_var(0, horizon, "makespan")
    if ends:
        model.add_max_equality(makespan, ends)
    expression: Any
    terms: list[Any] = []
    tardy_vars: list[tuple[Any, int, int]] = []
    late_vars: list[tuple[Any, int, int]] = []
    lateness: tuple[Any, list[tuple[int, int]]] | None = None
    due_jobs = [(j, job) for j, job in enumerate(problem.jobs) if job.due is not None]
    if objective is Objective.MAKESPAN:
        expression, scale = makespan, 1
    elif objective is Objective.WEIGHTED_TARDINESS:
        for j, job in due_jobs:
            assert job.due is not None
            if job.weight == 0:
                continue
            tardy = model.new_int_var(0, max(0, horizon - job.due), f"t_{j}")
            model.add(tardy >= ends[j] - job.due)
            terms.append(job.weight * tardy)
            tardy_vars.append((tardy, j, job.due))
        scale = horizon + 1
        expression = scale * cp_model.LinearExpr.sum(terms) + makespan
    elif objective is Objective.MAX_LATENESS:
        lmax = model.new_int_var(-horizon, horizon, "lmax")
        dues = []
        for j, job in due_jobs:
            assert job.due is not None
            model.add(lmax >= ends[j] - job.due)
            dues.append((j, job.due))
        expression, scale = lmax, 1
        lateness = (lmax, dues)
    elif objective is Objective.WEIGHTED_COMPLETION:
        terms = [job.weight * ends[j] for j, job in enumerate(problem.jobs)]
        expression, scale = cp_model.LinearExpr.sum(terms), 1
    else:
        for j, job in due_jobs:
            assert job.due is not None
            late = model.new_bool_var(f"u_{j}")
            model.add(ends[j] <= job.due).only_enforce_if(~late)
            terms.append(job.weight * late)
            late_vars.append((late, j, job.due))
        expression, scale = cp_model.LinearExpr.sum(terms), 1
    model.minimize(expression)
    return ObjectiveVars(expression, scale, makespan, tardy_vars, late_vars, lateness)


def primary_bound(bound: float, objective_vars: ObjectiveVars, horizon: int) -> int:
    """A valid lower bound on the primary objective from one on the full expression."""
    if objective_vars.scale == 1:
        return int(-(-bound // 1))  # ceil, the objective being integral
    # bound <= scale·WT + Cmax with Cmax <= horizon, so WT >= (bound - horizon) / scale.
    return max(0, int(-(-(bound - horizon) // objective_vars.scale)))
