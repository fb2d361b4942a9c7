"""Time-window LNS for the makespan of a plain flexible job shop: freed operations may move machine.

The flexible counterpart of :mod:`.window`. Each step frees the operations that start in a
random time window ``[t0, t1]`` of the incumbent (a :class:`SequenceGraph` whose ``mach`` and
``dur`` hold each operation's current machine) and solves a small, fresh CP-SAT model in which
every freed operation chooses one of its eligible machines and a start:

* operations starting before ``t0`` stay where they are; on each machine the freed operations
  that take it start after the end of its last such operation;
* operations starting after ``t1`` keep their machine and order, and come after every freed
  operation on their machine; their tails (longest path to the end) are constants, so a freed
  operation on machine ``m`` adds ``end + tail`` of its job successor and of the first later
  operation on ``m`` to the makespan; paths avoiding the window give a constant.

The sub-model's makespan is thus exact for the sequences it describes; redundant cuts bound it by
each machine's freed work between its earlier and later operations. Its solution is written
back into the machine sequences, re-timed exactly, and kept when the makespan is no worse
(equal plans are accepted, to walk plateaus). The window's size, in operations, grows after a
step solved to optimality and shrinks after one that timed out.
"""

from __future__ import annotations

import random
import time
from typing import Any

from ortools.sat.python import cp_model

from takt.planning.scheduling.cpsat.window import WindowStats, outside_length
from takt.planning.scheduling.tabu import SequenceGraph


def flex_window_lns(
    graph: SequenceGraph,
    makespan: int,
    deadline: float,
    workers: int,
    seed: int,
    step_limit: float = 1.0,
    size: int = 40,
    patience: int | None = None,
) -> tuple[int, WindowStats]:
    """Improve ``graph``'s machines and sequences (evaluated, ``makespan``) until ``deadline``.

    With ``patience``, it also stops after that many steps in a row without a better makespan.
    On return the graph holds the best assignment found, evaluated; returns its makespan.
    """
    rng = random.Random(seed)
    stats = WindowStats()
    n = graph.n
    count = float(min(size, n))
    since = 0
    while patience is None or since < patience:
        left = deadline - time.monotonic()
        if left < 0.05:
            break
        since += 1
        stats.steps += 1
        r = graph.r
        starts = sorted(range(n), key=r.__getitem__)
        width = max(2, min(n, round(count)))
        first = rng.randrange(0, max(1, n - width + 1))
        t0, t1 = r[starts[first]], r[starts[min(n, first + width) - 1]]
        free = [o for o in starts if t0 <= r[o] <= t1]
        step = _solve(graph, free, makespan, min(step_limit, left), workers, rng.randrange(1 << 30))
        if step is None:
            count = max(8.0, count / 1.2)
            continue
        placed, optimal = step
        if not placed:  # every critical path avoids the window
            continue
        count = min(float(n), count * 1.1) if optimal else max(8.0, count / 1.2)
        saved = (graph.mprev[:], graph.mnext[:], graph.mach[:], graph.dur[:])
        _write_back(graph, free, placed)
        value = graph.evaluate()
        if 0 <= value <= makespan:
            if value < makespan:
                stats.improved += 1
                since = 0
            makespan = value
        else:
            graph.mprev, graph.mnext, graph.mach, graph.dur = saved
            graph.evaluate()
    return makespan, stats


def _sequences(graph: SequenceGraph) -> dict[int, list[int]]:
    """Each machine's operations in sequence order."""
    out: dict[int, list[int]] = {}
    for o in range(graph.n):
        if graph.mprev[o] < 0:
            seq = out.setdefault(graph.mach[o], [])
            while o >= 0:
                seq.append(o)
                o = graph.mnext[o]
    return out


def _solve(
    graph: SequenceGraph, free: list[int], bound: int, limit: float, workers: int, seed: int
) -> tuple[dict[int, tuple[int, int]], bool] | None:
    """Place ``free`` (machine and start) optimally, or as well as time allows, under ``bound``.

    Returns {operation: (machine, start)} and whether it is optimal; an empty mapping when the
    paths avoiding the window already reach ``bound``; None when no solution came in time.
    """
    r, q, dur = graph.r, graph.q, graph.dur
    jprev, jnext = graph.jprev, graph.jnext
    is_free = set(free)
    t0 = min(r[o] for o in free)
    before_end: dict[int, int] = {}
    after: dict[int, int] = {}
    for m, seq in _sequences(graph).items():
        for o in seq:
            if o in is_free:
                continue
            if r[o] < t0:
                before_end[m] = max(before_end.get(m, 0), r[o] + dur[o])
            elif m not in after:
                after[m] = o
    constant = outside_length(graph, is_free, t0)
    if constant >= bound:
        return {}, False
    model = cp_model.CpModel()
    makespan = model.new_int_var(constant, bound, "makespan")
    starts: dict[int, Any] = {}
    ends: dict[int, Any] = {}
    chosen: dict[int, list[tuple[int, Any]]] = {}
    per_machine: dict[int, list[Any]] = {}
    for o in free:
        low = graph.rel[o]
        p = jprev[o]
        if p >= 0 and p not in is_free:
            low = max(low, r[p] + dur[p])
        job_tail = 0
        s = jnext[o]
        if s >= 0 and s not in is_free:
            job_tail = dur[s] + q[s]
        options = []
        for m, d in graph.options[o]:
            lo = max(low, before_end.get(m, 0))
            a = after.get(m, -1)
            tail = max(job_tail, dur[a] + q[a]) if a >= 0 else job_tail
            hi = bound - d - tail
            if hi >= lo:
                options.append((m, d, lo, hi, tail))
        if not options:
            return None
        start = model.new_int_var(min(x[2] for x in options), max(x[3] for x in options), f"s{o}")
        end = model.new_int_var(0, bound, f"e{o}")
        starts[o], ends[o] = start, end
        model.add_hint(start, r[o])
        lits: list[tuple[int, Any]] = []
        for m, d, lo, hi, tail in options:
            if len(options) == 1:
                interval = model.new_interval_var(start, d, end, f"i{o}m{m}")
                model.add(start >= lo)
                model.add(makespan >= end + tail)
                lits.append((m, 1))
            else:
                lit = model.new_bool_var(f"x{o}m{m}")
                interval = model.new_optional_interval_var(start, d, end, lit, f"i{o}m{m}")
                model.add(start >= lo).only_enforce_if(lit)
                model.add(start <= hi).only_enforce_if(lit)
                model.add(makespan >= end + tail).only_enforce_if(lit)
                model.add_hint(lit, m == graph.mach[o])
                lits.append((m, lit))
            if d > 0:
                per_machine.setdefault(m, []).append(interval)
        if len(lits) > 1:
            model.add_exactly_one(lit for _, lit in lits)
        chosen[o] = lits
    for o in free:
        s = jnext[o]
        if s >= 0 and s in is_free:
            model.add(starts[s] >= ends[o])
    for intervals in per_machine.values():
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    # Redundant cuts: on each machine the freed work runs between the last earlier operation's
    # end and the first later operation (then its tail).
    loads: dict[int, list[tuple[int, Any]]] = {}
    for o in free:
        for m, lit in chosen[o]:
            d = min(dd for mm, dd in graph.options[o] if mm == m)
            if d > 0:
                loads.setdefault(m, []).append((d, lit))
    for m, items in loads.items():
        a = after.get(m, -1)
        tail = dur[a] + q[a] if a >= 0 else 0
        model.add(makespan >= before_end.get(m, 0) + tail + sum(d * x for d, x in items))
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    placed: dict[int, tuple[int, int]] = {}
    for o in free:
        machine = next(
            m for m, lit in chosen[o] if isinstance(lit, int) or solver.boolean_value(lit)
        )
        placed[o] = (machine, solver.value(starts[o]))
    return placed, status == cp_model.OPTIMAL


def _write_back(graph: SequenceGraph, free: list[int], placed: dict[int, tuple[int, int]]) -> None:
    """Move the freed operations to their new machines, between the earlier and later ones."""
    r = graph.r
    is_free = set(free)
    sequences = _sequences(graph)
    moved: dict[int, list[tuple[int, int, int]]] = {}
    for o, (m, start) in placed.items():
        moved.setdefault(m, []).append((start, r[o], o))
        graph.dur[o] = min(d for mm, d in graph.options[o] if mm == m)
        graph.mach[o] = m
    for m in set(sequences) | set(moved):
        seq = [o for o in sequences.get(m, []) if o not in is_free]
        cut = sum(1 for o in seq if r[o] < r[free[0]])
        mine = [o for _, _, o in sorted(moved.get(m, []))]
        new = seq[:cut] + mine + seq[cut:]
        prev = -1
        for o in new:
            graph.mprev[o] = prev
            if prev >= 0:
                graph.mnext[prev] = o
            prev = o
        if prev >= 0:
            graph.mnext[prev] = -1
