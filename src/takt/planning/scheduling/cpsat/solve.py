"""The optimiser: CP-SAT on the full model, then large-neighbourhood search when time is left.

Steps:

1. warm start: the best, for the objective, of the dispatch rules (rank order, earliest due
   date, most work remaining and, for weighted tardiness, the best of the blended rule
   ``due + c · work / weight`` over ``c``: :func:`.priority.best_blend`, given at most a quarter
   of the time limit). If no dispatch fits, the solve goes on without one;
2. bounds: earliest starts from release dates and routing (a proven lower bound per operation);
   for makespan the warm start's makespan caps every end (no better plan ends later);
3. full solve, hinted on every variable with the warm start, for the whole time limit
   (``lns=False``) or half of it (``lns=True``; by default above 400 operations); an optimal
   answer ends the run;
4. LNS from the best plan until the time limit: without calendars, CP-SAT restarted with only
   its own LNS workers (``use_lns_only``); with calendars, our step loop (:mod:`.lns`) that
   fixes most operations in time.

Measured on the development set (see the project's report): for instances up to 15x15 the plain
full solve is best; above that the gains of either LNS were within run-to-run noise at 20 s.

For the makespan of a plain job shop (one mode per operation, single-unit always-available
resources, no pins, job links or operators) above the size threshold, steps 2-4 are replaced by
:mod:`.hybrid`: a critical-path tabu search from the warm start, then a time-window LNS on small
fresh models of the freed operations. On generated 50x20 and 100x20 instances it reaches the
machine-load lower bound within seconds where the full model stays 3-6 % above it after 60 s.

For the makespan of a plain flexible job shop (several modes per operation, otherwise as above;
:func:`takt.planning.scheduling.tabu.supported` with ``flexible``), at any size and unless
``lns=False``, steps 2-4 are replaced by rounds of a full solve (with redundant machine-load
cuts, for 15 % of the time limit; an optimal answer ends the run) and a time-window LNS whose
freed operations may also change machine (:mod:`.flexwindow`), until the time limit. On
Brandimarte's mk01-mk05 it proves all five optimal within 20 s (mk05: 172; the plain full
model gave 174 after 60 s); on generated 15-20 job instances (``bench.fjsp_generated``) it ends
about 4 % below the plain full model at 60 s (most of it from the load cuts).

For weighted tardiness, when the full model would take more than 4 % of the time limit to build
(:func:`.tardiness.full_model_too_slow` forecasts it from its size: one start-domain piece per
working interval from each operation's earliest start to the horizon, on each mode), steps 2-4
are replaced by two searches that never build it (:mod:`.tardiness`): a local search on the
warm start's job order (move a late job up, dispatch again from the move on, keep the order
when no worse; :func:`.priority.improve_order`) for 80 % of the time left, then LNS on small
fresh models of a few dozen freed operations, every other one fixed (:mod:`.subplan`), until
the time limit.

Measured on ``bench.factory`` (2 workers; weighted tardiness as a share of rank-order
dispatch's, EDD dispatch being at 0.18 at scale 0.1 and 0.69 at 1.0). Scale 0.1, 20 s: the full
model reached 0.176 from the EDD warm start; now the blended rule starts at 0.158 and the two
searches end at 0.11. Scale 1.0 (11 thousand operations), 60 s: the full model took about 50 s
to build and returned its warm start (0.69); now the blended rule starts at 0.378 (about 4 s),
the order search and the LNS end at 0.374. At that size the order search brings most (LNS
steps gain about 0.1 % in 20 s there); the LNS adds more where fewer orders are late.

It never raises on an infeasible model: the result says INFEASIBLE and why. The returned plan is
never worse than the warm start. A ``progress`` callback hears of each better plan as it is found
(seconds since the start, the objective's value), for a screen that shows the search at work.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from ortools.sat.python import cp_model

from takt.planning.scheduling.cpsat.hybrid import improve_flexible, improve_makespan
from takt.planning.scheduling.cpsat.lns import improve
from takt.planning.scheduling.cpsat.model import Built, add_hint, build, extract, make_solver
from takt.planning.scheduling.cpsat.objective import primary_bound
from takt.planning.scheduling.cpsat.tardiness import full_model_too_slow, improve_large
from takt.planning.scheduling.dispatch import (
    ScheduleError,
    dispatch,
    dispatch_by_work_remaining,
    earliest_starts,
    job_order,
    priority_order,
)
from takt.planning.scheduling.plan import Objective, Plan, objective_value
from takt.planning.scheduling.priority import best_blend, blended
from takt.planning.scheduling.problem import Problem
from takt.planning.scheduling.result import SolveResult, SolveStatus
from takt.planning.scheduling.tabu import supported

WARM_SHARE = 0.25
"""Share of the time limit the search for the best priority rule may take (one plan at least)."""

Progress = Callable[[float, int], None]
"""Called with (seconds since the start, objective value) each time a better plan is found."""


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Passes each solution CP-SAT finds on to ``report`` (the model's objective expression)."""

    def __init__(self, report: Callable[[int], None]) -> None:
        super().__init__()
        self._report = report

    def on_solution_callback(self) -> None:
        self._report(int(self.objective_value))


def _reporter(
    progress: Progress | None, began: float, scale: int, start: int | None
) -> Callable[[int], None] | None:
    """A callback taking objective-expression values, telling ``progress`` of improvements."""
    if progress is None:
        return None
    best = [start]

    def report(expression: int) -> None:
        value = expression // scale
        if best[0] is None or value < best[0]:
            best[0] = value
            progress(time.monotonic() - began, value)

    return report


def optimise(
    problem: Problem,
    *,
    objective: Objective = Objective.WEIGHTED_TARDINESS,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    warm_start: Plan | None = None,
    lns: bool | None = None,
    full_share: float = 0.5,
    step_limit: float = 2.0,
    lns_mode: str = "auto",
    progress: Progress | None = None,
) -> SolveResult:
    """Minimise ``objective`` for ``problem`` within ``time_limit`` seconds.

    Args:
        warm_start: a feasible plan to start from; by default the instant plan.
        lns: run large-neighbourhood search after the full solve; by default only for problems
            of more than 400 operations (smaller ones the full model solves best alone).
        full_share: share of the time limit given to the full solve when LNS follows.
        step_limit: seconds per LNS step.
        lns_mode: "auto" (the default): "hybrid" or "subplan" where they apply, else
            "cpsat"; "hybrid" (makespan of a plain job shop only, :mod:`.hybrid`: tabu search
            then time-window LNS on small models, instead of the full solve); "subplan"
            (weighted tardiness only: order search then LNS on small models of part of the
            plan, :mod:`.subplan`, instead of the full solve; "auto" takes it when the full
            model would be slow to build); "cpsat" (CP-SAT's own neighbourhoods on all
            workers, used when no resource has a calendar) or "steps" (our step loop,
            :mod:`.lns`).
        progress: told of each better plan (seconds, objective value), the warm start first.

    Returns:
        The result; never raises for an infeasible problem (status INFEASIBLE with a reason).
    """
    began = time.monotonic()
    deadline = began + time_limit
    reason = ""
    order: list[int] | None = None  # the job order that dispatches to the warm start
    if warm_start is None:
        warm_start, reason, order = _warm_start(problem, objective, began + WARM_SHARE * time_limit)
    warm_value = None if warm_start is None else objective_value(problem, warm_start, objective)
    if progress is not None and warm_value is not None:
        progress(time.monotonic() - began, warm_value)
    try:
        lower = earliest_starts(problem)
    except ScheduleError as error:
        return _infeasible(problem, objective, began, str(error))
    clash = _pin_clash(problem)
    if clash:
        return _infeasible(problem, objective, began, clash)
    if (
        objective is Objective.MAKESPAN
        and warm_start is not None
        and lns is not False
        and lns_mode in ("auto", "hybrid")
        and not supported(problem)
        and supported(problem, flexible=True)
    ):
        return _flexible(
            problem, warm_start, lower, began, time_limit, workers, seed, reason, warm_value
        )
    if (
        objective is Objective.WEIGHTED_TARDINESS
        and warm_start is not None
        and lns is not False
        and lns_mode in ("auto", "subplan")
        and (lns_mode == "subplan" or full_model_too_slow(problem, lower, time_limit))
    ):
        return _subplan(
            problem, warm_start, order, began, deadline, workers, seed, reason, warm_value, progress
        )
    use_lns = lns if lns is not None else problem.operation_count > 400
    if (
        use_lns
        and objective is Objective.MAKESPAN
        and warm_start is not None
        and lns_mode in ("auto", "hybrid")
        and supported(problem)
    ):
        return _hybrid(problem, warm_start, began, deadline, workers, seed, reason, warm_value)
    horizon = problem.horizon
    if objective is Objective.MAKESPAN and warm_start is not None:
        horizon = min(horizon, warm_start.makespan)
    built = build(problem, objective, lower, horizon)
    if warm_start is not None:
        add_hint(built, warm_start)
    share = full_share if use_lns else 1.0
    solver = make_solver(time_limit * share, workers, seed)
    report = _reporter(progress, began, built.objective.scale, warm_value)
    status = solver.solve(built.model, None if report is None else _Reporter(report))
    best_plan: Plan | None = None
    best_expr: int | None = None
    bound: int | None = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        best_plan = extract(problem, built, solver)
        best_expr = int(solver.objective_value)
        bound = primary_bound(solver.best_objective_bound, built.objective, horizon)
    elif status == cp_model.INFEASIBLE:
        why = reason or "no plan meets every release date, calendar and pin before the horizon"
        return _infeasible(problem, objective, began, f"CP-SAT proved it infeasible: {why}")
    if status == cp_model.OPTIMAL:
        assert best_plan is not None
        value = objective_value(problem, best_plan, objective)
        return SolveResult(
            SolveStatus.OPTIMAL,
            objective,
            best_plan,
            value,
            value,
            time.monotonic() - began,
            reason,
            warm_value,
        )
    steps = 0
    if best_plan is None and warm_start is not None:
        best_plan = warm_start
        best_expr = _expression_value(problem, warm_start, objective, built.objective.scale)
    calendars = built.variables.timed
    if use_lns and best_plan is not None and not calendars and lns_mode != "steps":
        # Without calendars the model is small: CP-SAT's own neighbourhoods (intervals,
        # precedences, time windows) on every worker beat ours; the full search's proof work
        # is of no use any more at this size.
        best_plan, steps = _lns_only(problem, built, best_plan, deadline, workers, seed, report)
    elif use_lns and best_plan is not None and best_expr is not None:
        # With calendars the model is large (elapsed-time pieces): steps then fix the frozen
        # operations in time, which presolve removes, instead of only keeping their order.
        best_plan, best_expr, steps = improve(
            problem,
            built,
            best_plan,
            best_expr,
            deadline,
            workers,
            seed,
            step_limit,
            fix_times=calendars,
            report=report,
        )
    if best_plan is None:
        return SolveResult(
            SolveStatus.TIME_LIMIT,
            objective,
            None,
            None,
            None,
            time.monotonic() - began,
            reason or "no plan found in time",
            warm_value,
        )
    if (
        warm_value is not None
        and warm_start is not None
        and warm_value < objective_value(problem, best_plan, objective)
    ):
        best_plan = warm_start
    value = objective_value(problem, best_plan, objective)
    final = SolveStatus.OPTIMAL if bound is not None and value <= bound else SolveStatus.FEASIBLE
    return SolveResult(
        final,
        objective,
        best_plan,
        value,
        bound,
        time.monotonic() - began,
        reason,
        warm_value,
        steps,
    )


def _hybrid(
    problem: Problem,
    warm_start: Plan,
    began: float,
    deadline: float,
    workers: int,
    seed: int,
    reason: str,
    warm_value: int | None,
) -> SolveResult:
    """Large plain job shop, makespan: tabu search then window LNS (:mod:`.hybrid`)."""
    found = improve_makespan(problem, warm_start, deadline, workers, seed)
    plan = found.plan if found.plan.makespan <= warm_start.makespan else warm_start
    value = plan.makespan
    status = SolveStatus.OPTIMAL if value <= found.lower_bound else SolveStatus.FEASIBLE
    return SolveResult(
        status,
        Objective.MAKESPAN,
        plan,
        value,
        found.lower_bound,
        time.monotonic() - began,
        reason,
        warm_value,
        found.lns_steps,
    )


def _subplan(
    problem: Problem,
    warm_start: Plan,
    order: list[int] | None,
    began: float,
    deadline: float,
    workers: int,
    seed: int,
    reason: str,
    warm_value: int | None,
    progress: Progress | None,
) -> SolveResult:
    """Weighted tardiness without the full model (:func:`.tardiness.improve_large`)."""

    def report(value: int) -> None:
        if progress is not None:
            progress(time.monotonic() - began, value)

    plan, steps = improve_large(problem, warm_start, order, deadline, workers, seed, report)
    value = objective_value(problem, plan, Objective.WEIGHTED_TARDINESS)
    return SolveResult(
        SolveStatus.OPTIMAL if value == 0 else SolveStatus.FEASIBLE,
        Objective.WEIGHTED_TARDINESS,
        plan,
        value,
        0,
        time.monotonic() - began,
        reason,
        warm_value,
        steps,
    )


def _full_solve(
    problem: Problem, lower: list[list[int]], plan: Plan, seconds: float, workers: int, seed: int
) -> tuple[Plan, int]:
    """The full model hinted with ``plan`` (ends capped by its makespan): (best plan, bound).

    Redundant cuts: the makespan is at least the work each machine is given.
    """
    horizon = min(problem.horizon, plan.makespan)
    built = build(problem, Objective.MAKESPAN, lower, horizon)
    load: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for row in built.variables.ops:
        for op in row:
            for mode in op.modes:
                if mode.work > 0:
                    load[mode.resource].append((mode.work, mode.present))
    for items in load.values():
        built.model.add(built.objective.makespan >= sum(w * p for w, p in items))
    add_hint(built, plan)
    solver = make_solver(seconds, workers, seed)
    status = solver.solve(built.model)
    bound = 0
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = extract(problem, built, solver)
        if found.makespan <= plan.makespan:
            plan = found
        bound = primary_bound(solver.best_objective_bound, built.objective, horizon) or 0
    return plan, bound


def _flexible(
    problem: Problem,
    warm_start: Plan,
    lower: list[list[int]],
    began: float,
    time_limit: float,
    workers: int,
    seed: int,
    reason: str,
    warm_value: int | None,
    full_share: float = 0.15,
    patience: int = 50,
) -> SolveResult:
    """Plain flexible job shop, makespan: full solves and flexible window LNS in turn.

    Each round solves the full model, hinted with the best plan, for ``full_share`` of the time
    limit (an optimal answer ends the run), then runs :func:`.hybrid.improve_flexible` until
    ``patience`` steps in a row bring nothing better; the two searches get each other out of
    their local optima.
    """
    deadline = began + time_limit
    plan = warm_start
    bound = 0
    steps = 0
    round_ = 0
    while deadline - time.monotonic() > 0.1 and plan.makespan > bound:
        left = deadline - time.monotonic()
        plan, found_bound = _full_solve(
            problem, lower, plan, min(left, time_limit * full_share), workers, seed + round_
        )
        bound = max(bound, found_bound)
        if deadline - time.monotonic() < 0.1 or plan.makespan <= bound:
            break
        found = improve_flexible(problem, plan, deadline, workers, seed + round_, patience)
        plan, steps = found.plan, steps + found.lns_steps
        bound = max(bound, found.lower_bound)
        round_ += 1
    value = plan.makespan
    return SolveResult(
        SolveStatus.OPTIMAL if value <= bound else SolveStatus.FEASIBLE,
        Objective.MAKESPAN,
        plan,
        value,
        bound,
        time.monotonic() - began,
        reason,
        warm_value,
        steps,
    )


def _lns_only(
    problem: Problem,
    built: Built,
    plan: Plan,
    deadline: float,
    workers: int,
    seed: int,
    report: Callable[[int], None] | None = None,
) -> tuple[Plan, int]:
    """Second phase: CP-SAT with only its LNS workers, hinted with ``plan``; (best plan, 1)."""
    left = deadline - time.monotonic()
    if left < 0.1:
        return plan, 0
    add_hint(built, plan)
    solver = make_solver(left, workers, seed + 1)
    solver.parameters.use_lns_only = True
    status = solver.solve(built.model, None if report is None else _Reporter(report))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return extract(problem, built, solver), 1
    return plan, 1


def _warm_start(
    problem: Problem, objective: Objective, deadline: float
) -> tuple[Plan | None, str, list[int] | None]:
    """The best dispatch rule's plan, why there is none, and the job order that gives it.

    The order is None when the plan is not one of a job order (most work remaining first).
    """
    try:
        plan = dispatch(problem)
    except ScheduleError as error:
        return None, str(error), None
    order: list[int] | None = job_order(problem)
    # Other dispatch rules are cheap; the best of them is the warm start.
    others: list[tuple[Plan, list[int] | None]] = [
        (dispatch(problem, by_rank=False), job_order(problem, by_rank=False)),
        (dispatch_by_work_remaining(problem), None),
    ]
    if objective is Objective.WEIGHTED_TARDINESS:
        value = partial(objective_value, problem, objective=objective)
        blend, c = best_blend(problem, value, deadline)
        others.append((blend, priority_order(problem, blended(problem, c))))
    for other, other_order in others:
        if objective_value(problem, other, objective) < objective_value(problem, plan, objective):
            plan, order = other, other_order
    return plan, "", order


def _expression_value(problem: Problem, plan: Plan, objective: Objective, scale: int) -> int:
    primary = objective_value(problem, plan, objective)
    if objective is Objective.WEIGHTED_TARDINESS:
        return scale * primary + plan.makespan
    return primary


def _pin_clash(problem: Problem) -> str:
    """A reason when two pinned operations hold the same unit or operator at once, else ''."""
    held: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for job in problem.jobs:
        for k, op in enumerate(job.operations):
            pin = op.pin
            if pin is not None and pin.end > pin.start:
                span = (pin.start, pin.end, f"job {job.id!r} op {k}")
                held[f"{pin.resource!r} unit {pin.unit}"].append(span)
                if pin.operator is not None:
                    held[f"operator {pin.operator!r}"].append(span)
    for what, spans in held.items():
        spans.sort()
        for (_, end, first), (start, _, second) in itertools.pairwise(spans):
            if start < end:
                return f"pinned {first} and {second} overlap on {what}"
    return ""


def _infeasible(problem: Problem, objective: Objective, began: float, reason: str) -> SolveResult:
    return SolveResult(
        SolveStatus.INFEASIBLE, objective, None, None, None, time.monotonic() - began, reason
    )
