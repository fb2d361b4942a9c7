"""A realistic plant: rank-order dispatch against the optimiser.

``python -m bench.factory --scale 0.1 --time-limit 60`` generates (seeded) 30 workstations in
10 families of 3 interchangeable ones (alternatives with different speeds), some with 2 units;
shifts (two 8-hour shifts Monday to Friday, or three for the bottleneck family), two public
holidays, 1-3 maintenance windows each; and ``2000 × scale`` manufacturing orders of 3-8
operations with setup times, material release dates, due dates, weights and a sales rank that
does not follow the due dates. It prints one JSON line per engine (rank-order dispatch, earliest
due date dispatch, the optimiser, which starts from the best of its dispatch rules, these two
among them; ``warm_start`` is that start's weighted tardiness): total weighted tardiness, late
orders, makespan, run time and whether the plan passed the validator.

``--operators N`` staffs the plant: N people, half on the early shift (06:00-14:00) and half on
the late one (14:00-22:00), Monday to Friday, each with the skills of three station families
(every family covered); every operation then needs an operator with its family's skill. The
load is sized to the scarcer of machines and people, so a small crew makes a people-bound plant.
``--unit-breakdowns`` makes each maintenance window of a two-unit station stop one unit only.
Without these options the plant is exactly the one generated before they existed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace

from takt.planning.scheduling.cpsat.solve import optimise
from takt.planning.scheduling.dispatch import dispatch
from takt.planning.scheduling.plan import Objective, Plan, measure
from takt.planning.scheduling.problem import (
    Calendar,
    Job,
    Mode,
    Operation,
    Operator,
    Problem,
    Resource,
    Window,
)
from takt.planning.scheduling.validate import validate

DAY = 1440
WEEK = 7 * DAY
FAMILIES = 10
PER_FAMILY = 3


SKILLS_EACH = 3
EARLY, LATE = (360, 840), (840, 1320)


def generate(
    scale: float = 0.1, seed: int = 0, operators: int = 0, unit_breakdowns: bool = False
) -> Problem:
    """A seeded plant with ``round(2000 * scale)`` orders, loaded to about 80 % of capacity.

    ``operators`` > 0 staffs it (see the module docstring); ``unit_breakdowns`` lets windows of
    two-unit stations stop one unit. Both leave every other draw of the generator unchanged.
    """
    rng = random.Random(seed)
    orders = max(1, round(2000 * scale))
    routes = []
    for _ in range(orders):
        families = [rng.randrange(FAMILIES) for _ in range(rng.randint(3, 8))]
        routes.append(
            [
                (f, rng.randint(20, 300), rng.choice((0, 0, 15, 30, 60)), rng.random() < 0.9)
                for f in families
            ]
        )
    work = sum(d + s for route in routes for _, d, s, _ in route)
    # Two 8-hour shifts on 5 days, 30 stations at roughly 1.2 units each.
    weekly_capacity = 5 * 2 * 480 * FAMILIES * PER_FAMILY * 1.2
    if operators:
        # Each person works one 8-hour shift on 5 days.
        weekly_capacity = min(weekly_capacity, 5 * 480 * operators)
    weeks = max(1.0, work / (0.8 * weekly_capacity))
    horizon = int((3 * weeks + 3) * WEEK)
    holidays = [rng.randrange(0, int(weeks * 7) + 1) for _ in range(2)]
    two_shifts = Calendar.weekly(horizon, [(360, 840), (840, 1320)], holidays=holidays)
    three_shifts = Calendar.weekly(horizon, [(0, 1440)], holidays=holidays)
    resources = []
    speed: dict[str, float] = {}
    for f in range(FAMILIES):
        for i in range(PER_FAMILY):
            name = f"WS{f:02d}-{i}"
            speed[name] = rng.choice((0.8, 1.0, 1.0, 1.25))
            windows = tuple(
                Window(start, start + rng.randint(120, 480), "maintenance")
                for start in (
                    rng.randrange(0, max(1, int(weeks * WEEK))) for _ in range(rng.randint(1, 3))
                )
            )
            units = 2 if rng.random() < 0.2 else 1
            if unit_breakdowns and units > 1:
                windows = tuple(replace(w, unit=i % units) for i, w in enumerate(windows))
            resources.append(
                Resource(
                    name,
                    units=units,
                    calendar=three_shifts if f == 0 else two_shifts,
                    downtime=windows,
                )
            )
    jobs = []
    for n, route in enumerate(routes):
        ops = []
        for k, (f, duration, setup, pausable) in enumerate(route):
            names = [f"WS{f:02d}-{i}" for i in range(PER_FAMILY)]
            eligible = rng.sample(names, rng.randint(1, PER_FAMILY))
            modes = tuple(Mode(r, max(1, round(duration * speed[r]))) for r in eligible)
            skill = f"F{f:02d}" if operators else None
            ops.append(Operation(f"op{k}-F{f}", modes, setup=setup, pausable=pausable, skill=skill))
        release = rng.randrange(0, max(1, int(0.8 * weeks * WEEK)))
        elapsed = sum(d + s for _, d, s, _ in route) * 3  # shifts: ~3 calendar min per work min
        due = release + int(elapsed * rng.uniform(1.0, 3.0)) + DAY
        jobs.append(
            Job(
                f"MO-{n:05d}",
                tuple(ops),
                release=release,
                due=due,
                weight=rng.choice((1, 1, 2, 3, 5)),
                rank=rng.randrange(orders),
            )
        )
    crew = _crew(operators, seed, horizon, holidays) if operators else ()
    return Problem(tuple(resources), tuple(jobs), horizon, crew)


def _crew(count: int, seed: int, horizon: int, holidays: list[int]) -> tuple[Operator, ...]:
    """``count`` operators on two shifts, each family's skill held by at least one of them."""
    # A generator of its own, so that the plant's other draws do not depend on the crew.
    rng = random.Random(seed + 7919)
    shifts = [
        Calendar.weekly(horizon, [EARLY], holidays=holidays, name="early"),
        Calendar.weekly(horizon, [LATE], holidays=holidays, name="late"),
    ]
    crew = []
    for i in range(count):
        others = rng.sample([f for f in range(FAMILIES) if f != i % FAMILIES], SKILLS_EACH - 1)
        skills = frozenset(f"F{f:02d}" for f in (i % FAMILIES, *others))
        crew.append(Operator(f"OP{i:03d}", skills, calendar=shifts[i % 2]))
    return tuple(crew)


def report(
    engine: str, problem: Problem, plan: Plan | None, seconds: float, extra: dict[str, object]
) -> dict[str, object]:
    """The JSON record of one engine's plan."""
    record: dict[str, object] = {
        "bench": "factory",
        "engine": engine,
        "orders": len(problem.jobs),
        "operations": problem.operation_count,
        "operators": len(problem.operators),
    }
    if plan is None:
        record.update(valid=False, seconds=round(seconds, 2), **extra)
        return record
    m = measure(problem, plan)
    record.update(
        weighted_tardiness=m.weighted_tardiness,
        late_orders=m.late_jobs,
        makespan=m.makespan,
        seconds=round(seconds, 2),
        valid=not validate(problem, plan),
        value=m.weighted_tardiness,
        unit="weighted minutes",
        **extra,
    )
    return record


def main(argv: list[str] | None = None) -> int:
    """Generate the plant, run both engines, print a JSON line each; 1 on an invalid plan."""
    parser = argparse.ArgumentParser(prog="python -m bench.factory", description=__doc__)
    parser.add_argument("--scale", type=float, default=0.1, help="fraction of 2,000 orders")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--operators", type=int, default=0, help="staff the plant with N people")
    parser.add_argument(
        "--unit-breakdowns", action="store_true", help="windows of 2-unit stations stop one unit"
    )
    args = parser.parse_args(argv)
    began = time.monotonic()
    problem = generate(args.scale, args.seed, args.operators, args.unit_breakdowns)
    generated = time.monotonic() - began
    began = time.monotonic()
    plan = dispatch(problem)
    rank = report(
        "rank_dispatch",
        problem,
        plan,
        time.monotonic() - began,
        {"generate_seconds": round(generated, 2)},
    )
    print(json.dumps(rank), flush=True)
    began = time.monotonic()
    edd = dispatch(problem, by_rank=False)
    print(
        json.dumps(report("edd_dispatch", problem, edd, time.monotonic() - began, {})), flush=True
    )
    began = time.monotonic()
    result = optimise(
        problem,
        objective=Objective.WEIGHTED_TARDINESS,
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
    )
    best = report(
        "cpsat",
        problem,
        result.plan,
        time.monotonic() - began,
        {
            "status": result.status.value,
            "time_limit": args.time_limit,
            "workers": args.workers,
            "seed": args.seed,
            "warm_start": result.warm_start_objective,
            "lns_steps": result.iterations,
            "reason": result.reason,
        },
    )
    rank_tardiness = rank.get("weighted_tardiness")
    best_tardiness = best.get("weighted_tardiness")
    if isinstance(rank_tardiness, int) and isinstance(best_tardiness, int):
        best["vs_rank_dispatch"] = round(best_tardiness / max(1, rank_tardiness), 3)
    print(json.dumps(best), flush=True)
    return 0 if rank["valid"] and best["valid"] else 1


if __name__ == "__main__":
    sys.exit(main())
