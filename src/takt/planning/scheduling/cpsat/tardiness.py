"""Weighted tardiness for plants too large to model whole: order search, then LNS on parts.

The full model of a plant on calendars grows with its operations times the working intervals
ahead of each (the start-domain pieces of :mod:`.variables`); at ``bench.factory`` scale 1.0
(11 thousand operations, 4 million pieces) it takes about 50 s to build. Past a share of the
time limit (:func:`full_model_too_slow`), the optimiser does without it (:func:`improve_large`):

1. a local search on the job order of the warm start (:func:`.priority.improve_order`): the
   plan of a loaded plant is shaped by which orders go first, and each try re-dispatches only
   from the job it moves;
2. LNS on small fresh models of a few dozen operations of the best plan, every other one fixed
   (:mod:`.subplan`): it repairs what an order cannot express (an operation moved to another
   machine or into a hole, a sequence changed on one station only).
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Callable

from takt.planning.scheduling.calendar import WorkTime
from takt.planning.scheduling.cpsat.subplan import improve_tardiness
from takt.planning.scheduling.plan import Plan, measure
from takt.planning.scheduling.priority import improve_order
from takt.planning.scheduling.problem import Problem

BUILD_SHARE = 0.04
"""Above this share of the time limit forecast to build the full model, it is not built.

Measured on ``bench.factory`` at scales 0.1 and 0.25 with 20 s, where the full model builds in 1
and 5 s: the searches without it ended at 0.11 and 0.28 of rank-order dispatch's weighted
tardiness, the full model at 0.16 and 0.30 (from the same warm start)."""

SECONDS_PER_PIECE = 1.5e-5
"""Build time of the full model per start-domain piece (measured on ``bench.factory``: 1.2 to
1.7e-5 s at scales 0.1 to 1.0, 69 thousand to 4 million pieces, on the development machine)."""

ORDER_SHARE = 0.8
"""Share of :func:`improve_large`'s time given to the search on the dispatch order.

Measured on ``bench.factory`` with 20 s: at scale 0.1 the result hardly depends on it (0.110 to
0.112 of rank-order dispatch for shares 0.3 to 1.0), at 0.25 0.279 with 0.6 and 0.277 with 0.8;
at 1.0 the order search gains about ten times more per second than the LNS."""


def full_model_too_slow(problem: Problem, lower: list[list[int]], time_limit: float) -> bool:
    """Whether building the full model would take more than :data:`BUILD_SHARE` of the time.

    The forecast counts one piece per working interval from each unpinned operation's earliest
    start (``lower``) to the horizon, on each of its modes.
    """
    avail = WorkTime(problem).resources
    pieces = 0
    for j, job in enumerate(problem.jobs):
        for k, op in enumerate(job.operations):
            if op.pin is not None:
                continue
            for mode in op.modes:
                starts = avail[problem.resource_index(mode.resource)].starts
                pieces += len(starts) - max(0, bisect_right(starts, lower[j][k]) - 1)
    return pieces * SECONDS_PER_PIECE > BUILD_SHARE * time_limit


def improve_large(
    problem: Problem,
    warm_start: Plan,
    order: list[int] | None,
    deadline: float,
    workers: int,
    seed: int,
    report: Callable[[int], None] | None = None,
) -> tuple[Plan, int]:
    """The best plan found from ``warm_start`` by ``deadline``, and the steps made.

    ``order`` is the job order whose dispatch gives ``warm_start`` (None: there is none, and
    the order search is skipped). ``report`` hears each better weighted tardiness. The plan is
    never worse than ``warm_start``, and valid when it is.
    """

    def value(plan: Plan) -> int:
        return measure(problem, plan).weighted_tardiness

    plan, best, steps = warm_start, value(warm_start), 0
    if order is not None:
        now = time.monotonic()
        found = improve_order(
            problem, order, value, now + ORDER_SHARE * (deadline - now), seed, report=report
        )
        if found.value <= best:
            plan, best = found.plan, found.value
        steps += found.tries
    improved = improve_tardiness(problem, plan, deadline, workers, seed, report=report)
    if improved.weighted_tardiness <= best:
        plan = improved.plan
    return plan, steps + improved.steps
