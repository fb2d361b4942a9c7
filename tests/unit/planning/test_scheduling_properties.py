"""Random plants: every engine's plan validates, and the optimiser never loses to its warm start.

Plants come plain, or staffed: operators with skills and shifts, and downtime of single units.
"""

from __future__ import annotations

import math
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takt.planning.scheduling.cpsat.lns import improve
from takt.planning.scheduling.cpsat.model import build
from takt.planning.scheduling.cpsat.solve import optimise
from takt.planning.scheduling.cpsat.subplan import improve_tardiness
from takt.planning.scheduling.dispatch import (
    Replay,
    dispatch,
    dispatch_by_priority,
    dispatch_by_work_remaining,
    earliest_starts,
    priority_order,
)
from takt.planning.scheduling.plan import Objective, Plan, measure, objective_value
from takt.planning.scheduling.priority import blended, improve_order
from takt.planning.scheduling.problem import (
    ANY_SKILL,
    Calendar,
    Job,
    Mode,
    Operation,
    Operator,
    Pin,
    Problem,
    Resource,
    Window,
)
from takt.planning.scheduling.validate import validate

HORIZON = 4000


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    resources = []
    for r in range(draw(st.integers(1, 3))):
        calendar = None
        if draw(st.booleans()):
            # Shifts of 40-100 minutes every 100: long enough for any uninterrupted operation.
            length = draw(st.integers(40, 100))
            calendar = Calendar(tuple((t, t + length) for t in range(0, HORIZON, 100)))
        downtime = tuple(
            Window(s, s + d, "maintenance")
            for s, d in draw(
                st.lists(st.tuples(st.integers(0, 600), st.integers(1, 50)), max_size=2)
            )
        )
        resources.append(Resource(f"R{r}", draw(st.integers(1, 2)), calendar, downtime))
    names = [r.id for r in resources]
    jobs = []
    pinned_used = False
    for j in range(draw(st.integers(1, 5))):
        ops = []
        for k in range(draw(st.integers(1, 3))):
            eligible = draw(
                st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)
            )
            modes = tuple(Mode(r, draw(st.integers(0, 30))) for r in eligible)
            pin = None
            if k == 0 and not pinned_used and draw(st.booleans()):
                # One pinned operation (already started at minute 0) per plant, on unit 0.
                pinned_used = True
                pin = Pin(modes[0].resource, 0, 0, modes[0].duration)
            ops.append(
                Operation(
                    f"op{k}",
                    modes,
                    setup=draw(st.integers(0, 5)),
                    pausable=draw(st.booleans()),
                    pin=pin,
                )
            )
        after = (f"J{j - 1}",) if j > 0 and draw(st.integers(0, 4)) == 0 else ()
        jobs.append(
            Job(
                f"J{j}",
                tuple(ops),
                release=draw(st.integers(0, 200)),
                due=draw(st.integers(0, 600)),
                weight=draw(st.integers(1, 3)),
                rank=draw(st.integers(0, 2)),
                after=after,
            )
        )
    return Problem(tuple(resources), tuple(jobs), HORIZON)


SKILLS = ("press", "weld")


@st.composite
def staffed_problems(draw: st.DrawFn) -> Problem:
    """Plants with 1-3 operators; operations need a skill, any operator, or nobody."""
    resources = []
    for r in range(draw(st.integers(1, 3))):
        units = draw(st.integers(1, 2))
        calendar = None
        if draw(st.booleans()):
            length = draw(st.integers(40, 100))
            calendar = Calendar(tuple((t, t + length) for t in range(0, HORIZON, 100)))
        downtime = tuple(
            Window(s, s + d, "breakdown", unit=draw(st.sampled_from([None, *range(units)])))
            for s, d in draw(
                st.lists(st.tuples(st.integers(0, 600), st.integers(1, 80)), max_size=2)
            )
        )
        resources.append(Resource(f"R{r}", units, calendar, downtime))
    operators = []
    for o in range(draw(st.integers(1, 3))):
        skills = frozenset(draw(st.lists(st.sampled_from(SKILLS), min_size=1, unique=True)))
        calendar = None
        if draw(st.booleans()):
            # Shifts aligned with the resources' and at least as long as any operation.
            length = draw(st.integers(40, 100))
            calendar = Calendar(tuple((t, t + length) for t in range(0, HORIZON, 100)))
        absences = tuple(
            Window(s, s + d, "leave")
            for s, d in draw(
                st.lists(st.tuples(st.integers(0, 600), st.integers(1, 80)), max_size=1)
            )
        )
        operators.append(Operator(f"P{o}", skills, calendar, absences))
    known = sorted(set().union(*(o.skills for o in operators)))
    names = [r.id for r in resources]
    jobs = []
    pinned_used = False
    for j in range(draw(st.integers(1, 5))):
        ops = []
        for k in range(draw(st.integers(1, 3))):
            eligible = draw(
                st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)
            )
            modes = tuple(Mode(r, draw(st.integers(0, 30))) for r in eligible)
            skill = draw(st.sampled_from([None, ANY_SKILL, *known]))
            pin = None
            if k == 0 and not pinned_used and draw(st.booleans()):
                pinned_used = True
                who = None
                if skill is not None:
                    who = next(o.id for o in operators if o.can_run(skill))
                pin = Pin(modes[0].resource, 0, 0, modes[0].duration, operator=who)
            ops.append(
                Operation(
                    f"op{k}",
                    modes,
                    setup=draw(st.integers(0, 5)),
                    pausable=draw(st.booleans()),
                    pin=pin,
                    skill=skill,
                )
            )
        jobs.append(
            Job(
                f"J{j}",
                tuple(ops),
                release=draw(st.integers(0, 200)),
                due=draw(st.integers(0, 600)),
                weight=draw(st.integers(1, 3)),
                rank=draw(st.integers(0, 2)),
            )
        )
    return Problem(tuple(resources), tuple(jobs), HORIZON, tuple(operators))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=staffed_problems())
def test_dispatch_plans_with_operators_are_valid(problem: Problem) -> None:
    for plan in (dispatch(problem), dispatch_by_work_remaining(problem)):
        assert validate(problem, plan) == []
        for job, row in zip(problem.jobs, plan.assignments, strict=True):
            for op, a in zip(job.operations, row, strict=True):
                who = None if a.operator is None else problem.operators[a.operator].id
                if op.pin is not None:
                    assert who == op.pin.operator
                else:
                    assert (who is None) == (op.skill is None)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    problem=staffed_problems(),
    objective=st.sampled_from([Objective.WEIGHTED_TARDINESS, Objective.MAKESPAN]),
)
def test_optimised_plans_with_operators_are_valid_and_no_worse_than_the_warm_start(
    problem: Problem, objective: Objective
) -> None:
    result = optimise(problem, objective=objective, time_limit=1.0, workers=1, seed=0)
    assert result.plan is not None, result.reason
    assert validate(problem, result.plan) == []
    assert result.warm_start_objective is not None
    assert result.objective is not None
    assert result.objective <= result.warm_start_objective
    if result.best_bound is not None:
        assert result.best_bound <= result.objective


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=staffed_problems())
def test_lns_steps_with_operators_keep_plans_valid_and_never_worse(problem: Problem) -> None:
    warm = dispatch(problem)
    built = build(problem, Objective.WEIGHTED_TARDINESS, earliest_starts(problem), HORIZON)
    value = (HORIZON + 1) * objective_value(problem, warm, Objective.WEIGHTED_TARDINESS)
    value += warm.makespan
    plan, best, _ = improve(
        problem, built, warm, value, time.monotonic() + 0.3, workers=1, seed=3, step_limit=0.05
    )
    assert validate(problem, plan) == []
    assert best <= value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems())
def test_dispatch_plans_are_valid(problem: Problem) -> None:
    for plan in (dispatch(problem), dispatch_by_work_remaining(problem)):
        assert validate(problem, plan) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    problem=problems(),
    objective=st.sampled_from([Objective.WEIGHTED_TARDINESS, Objective.MAKESPAN]),
)
def test_optimised_plans_are_valid_and_no_worse_than_the_warm_start(
    problem: Problem, objective: Objective
) -> None:
    result = optimise(problem, objective=objective, time_limit=1.0, workers=1, seed=0)
    assert result.plan is not None, result.reason
    assert validate(problem, result.plan) == []
    assert result.objective == objective_value(problem, result.plan, objective)
    assert result.warm_start_objective is not None
    assert result.objective is not None
    assert result.objective <= result.warm_start_objective
    if result.best_bound is not None:
        assert result.best_bound <= result.objective


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems())
def test_lns_steps_keep_plans_valid_and_never_worse(problem: Problem) -> None:
    warm = dispatch(problem)
    built = build(problem, Objective.WEIGHTED_TARDINESS, earliest_starts(problem), HORIZON)
    value = (HORIZON + 1) * objective_value(problem, warm, Objective.WEIGHTED_TARDINESS)
    value += warm.makespan
    plan, best, steps = improve(
        problem, built, warm, value, time.monotonic() + 0.3, workers=1, seed=3, step_limit=0.05
    )
    assert steps >= 1
    assert validate(problem, plan) == []
    assert best <= value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=st.one_of(problems(), staffed_problems()), c=st.sampled_from([0.0, 16.0, math.inf]))
def test_priority_plans_are_valid_and_replays_plan_alike(problem: Problem, c: float) -> None:
    order = priority_order(problem, blended(problem, c))
    plan = dispatch_by_priority(problem, blended(problem, c))
    assert validate(problem, plan) == []
    replay = Replay(problem, every=2)
    first, boards = replay.try_order(order)
    assert first == plan
    replay.keep(order, boards)
    # The last job first, where the jobs it follows allow: replayed from the change only.
    moved = [order[-1], *order[:-1]]
    if all(not problem.jobs[j].after for j in moved):
        changed, _ = replay.try_order(moved)
        assert changed == dispatch_by_priority(
            problem, [float(moved.index(j)) for j in range(len(order))]
        )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=st.one_of(problems(), staffed_problems()))
def test_subplan_lns_keeps_plans_valid_and_never_worse(problem: Problem) -> None:
    warm = dispatch(problem)
    start = measure(problem, warm).weighted_tardiness
    found = improve_tardiness(problem, warm, time.monotonic() + 0.3, workers=1, seed=3)
    assert validate(problem, found.plan) == []
    assert found.weighted_tardiness == measure(problem, found.plan).weighted_tardiness <= start


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=st.one_of(problems(), staffed_problems()))
def test_order_search_keeps_plans_valid_and_never_worse(problem: Problem) -> None:
    order = priority_order(problem, [float(job.rank) for job in problem.jobs])
    start = measure(problem, dispatch_by_priority(problem, [float(j.rank) for j in problem.jobs]))

    def value(plan: Plan) -> int:
        return measure(problem, plan).weighted_tardiness

    found = improve_order(problem, order, value, time.monotonic() + 0.2, seed=1)
    assert validate(problem, found.plan) == []
    assert found.value == value(found.plan) <= start.weighted_tardiness
    assert sorted(found.order) == list(range(len(problem.jobs)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=st.one_of(problems(), staffed_problems()))
def test_the_optimiser_without_the_full_model_is_valid_and_no_worse(problem: Problem) -> None:
    result = optimise(problem, time_limit=0.5, workers=1, seed=0, lns_mode="subplan")
    assert result.plan is not None, result.reason
    assert validate(problem, result.plan) == []
    assert result.warm_start_objective is not None
    assert result.objective == measure(problem, result.plan).weighted_tardiness
    assert result.objective <= result.warm_start_objective
