"""Time-window large-neighbourhood search for the makespan of a plain job shop.

Each step frees the operations that start in a random time window ``[t0, t1)`` of the incumbent
and re-sequences them with a small, fresh CP-SAT model of those operations only:

* operations starting before ``t0`` stay where they are (their times do not depend on the
  window) and give the freed ones constant release times;
* operations starting at or after ``t1`` keep their machine order; since all their
  predecessors start earlier, their tails (longest path to the end) are constants. A freed
  operation then adds ``end + tail`` of its job successor and of the first later operation on
  its machine to the makespan; paths avoiding the window give a constant.

The sub-model thus holds a few dozen to a few hundred intervals and builds in milliseconds.
Its solution is written back into the machine sequences, re-timed exactly, and kept when the
makespan is no worse (equal plans are accepted, to walk plateaus). The window's size, in
operations, grows after a step whose sub-model was solved to optimality and shrinks after one
that timed out.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from takt.planning.scheduling.tabu import SequenceGraph

_log = logging.getLogger(__name__)


@dataclass
class WindowStats:
    """Steps made, and how many of them improved the makespan."""

    steps: int = 0
    improved: int = 0


def window_lns(
    graph: SequenceGraph,
    makespan: int,
    deadline: float,
    workers: int,
    seed: int,
    step_limit: float = 1.0,
    size: int = 80,
) -> tuple[int, WindowStats]:
    """Improve ``graph``'s sequences (evaluated, makespan ``makespan``) until ``deadline``.

    On return the graph holds the best sequences found, evaluated; returns their makespan.
    """
    rng = random.Random(seed)
    stats = WindowStats()
    n = graph.n
    count = float(min(size, n))
    while True:
        left = deadline - time.monotonic()
        if left < 0.05:
            break
        stats.steps += 1
        r = graph.r
        starts = sorted(range(n), key=r.__getitem__)
        width = max(2, min(n, round(count)))
        first = rng.randrange(0, max(1, n - width + 1))
        # Whole instants only: every operation starting in [t0, t1] is freed.
        t0, t1 = r[starts[first]], r[starts[min(n, first + width) - 1]]
        free = [o for o in starts[max(0, first - width) : first + 2 * width] if t0 <= r[o] <= t1]
        step = _solve_window(
            graph, free, makespan, min(step_limit, left), workers, rng.randrange(1 << 30)
        )
        if step is None:
            count = max(10.0, count / 1.2)
            continue
        order, optimal = step
        if not order:  # every critical path avoids the window: nothing to gain there
            continue
        count = min(float(n), count * 1.1) if optimal else max(10.0, count / 1.2)
        saved = (graph.mprev[:], graph.mnext[:])
        _resequence(graph, free, order)
        value = graph.evaluate()
        if 0 <= value <= makespan:
            stats.improved += value < makespan
            makespan = value
        else:
            graph.mprev, graph.mnext = saved
            graph.evaluate()
        _log.debug(
            "window step %d free=%d optimal=%s makespan=%d", stats.steps, len(free), optimal, value
        )
    return makespan, stats


def _solve_window(
    graph: SequenceGraph, free: list[int], bound: int, limit: float, workers: int, seed: int
) -> tuple[list[int], bool] | None:
    """Re-sequence ``free`` optimally (or as well as time allows) under makespan ``bound``.

    Returns the new start order of ``free`` and whether it is optimal; an empty order when the
    paths avoiding the window already reach ``bound``; None when no solution came in time.
    """
    r, q, dur, mach = graph.r, graph.q, graph.dur, graph.mach
    jprev, jnext, mprev, mnext = graph.jprev, graph.jnext, graph.mprev, graph.mnext
    is_free = set(free)
    t0 = min(r[o] for o in free)
    # Tail constant of each freed operation through the first later operation on its machine.
    after_on: dict[int, int] = {}
    for o in free:
        s = mnext[o]
        if s >= 0 and s not in is_free:
            after_on[mach[o]] = s
    constant = outside_length(graph, is_free, t0)
    if constant >= bound:
        return [], False
    model = cp_model.CpModel()
    horizon = bound
    makespan = model.new_int_var(constant, horizon, "makespan")
    starts: dict[int, cp_model.IntVar] = {}
    per_machine: dict[int, list[cp_model.IntervalVar]] = {}
    for o in free:
        low = graph.rel[o]
        p = jprev[o]
        if p >= 0 and p not in is_free:
            low = max(low, r[p] + dur[p])
        p = mprev[o]
        while p >= 0 and p in is_free:
            p = mprev[p]
        if p >= 0:
            low = max(low, r[p] + dur[p])
        tail = 0
        s = jnext[o]
        if s >= 0 and s not in is_free:
            tail = dur[s] + q[s]
        a = after_on.get(mach[o], -1)
        if a >= 0:
            tail = max(tail, dur[a] + q[a])
        hi = horizon - dur[o] - tail
        if hi < low:
            return None
        start = model.new_int_var(low, hi, f"s{o}")
        starts[o] = start
        per_machine.setdefault(mach[o], []).append(
            model.new_fixed_size_interval_var(start, dur[o], f"i{o}")
        )
        model.add(makespan >= start + dur[o] + tail)
        model.add_hint(start, r[o])
    for o in free:
        s = jnext[o]
        if s >= 0 and s in is_free:
            model.add(starts[s] >= starts[o] + dur[o])
    for intervals in per_machine.values():
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    order = sorted(free, key=lambda o: (solver.value(starts[o]), r[o]))
    return order, status == cp_model.OPTIMAL


def _resequence(graph: SequenceGraph, free: list[int], order: list[int]) -> None:
    """Put the freed operations back into their machines' sequences in ``order``."""
    is_free = set(free)
    mprev, mnext, mach = graph.mprev, graph.mnext, graph.mach
    before: dict[int, int] = {}
    after: dict[int, int] = {}
    for o in free:
        p = mprev[o]
        while p >= 0 and p in is_free:
            p = mprev[p]
        before[mach[o]] = p
        s = mnext[o]
        while s >= 0 and s in is_free:
            s = mnext[s]
        after[mach[o]] = s
    last = dict(before)
    for o in order:
        m = mach[o]
        p = last[m]
        mprev[o] = p
        if p >= 0:
            mnext[p] = o
        last[m] = o
    for m, p in last.items():
        s = after[m]
        mnext[p] = s
        if s >= 0:
            mprev[s] = p


def outside_length(graph: SequenceGraph, is_free: set[int], t0: int) -> int:
    """The longest path that avoids the freed operations: what the plan keeps whatever the
    window's sub-model does (heads of later operations over non-freed predecessors only)."""
    r, q, dur, jprev, mprev = graph.r, graph.q, graph.dur, graph.jprev, graph.mprev
    constant = 0
    reduced: dict[int, int] = {}
    for o in sorted((o for o in range(graph.n) if o not in is_free), key=r.__getitem__):
        if r[o] < t0:
            constant = max(constant, r[o] + dur[o])
            continue
        head = graph.rel[o]
        p = jprev[o]
        if p >= 0 and p not in is_free:
            head = max(head, reduced.get(p, r[p]) + dur[p])
        p = mprev[o]
        while p >= 0 and p in is_free:
            p = mprev[p]
        if p >= 0:
            head = max(head, reduced.get(p, r[p]) + dur[p])
        reduced[o] = head
        constant = max(constant, head + dur[o] + q[o])
    return constant
