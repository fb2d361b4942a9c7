"""Tabu search on the critical path for the makespan of a plain job shop.

A fast local search that turns a dispatch plan into a much better warm start for CP-SAT on
large instances. It works on machine sequences (the disjunctive graph) kept in flat arrays:

* heads ``r`` (earliest starts) by a topological pass over job and machine arcs, tails ``q``
  (longest path after an operation ends) by the reverse pass; the makespan is ``max r + d``;
* neighbourhood N5 (Nowicki & Smutnicki): on one critical path, split into blocks of
  consecutive operations on one machine, swap the first two and the last two operations of each
  block. Swapping two adjacent critical operations never creates a cycle;
* each move is scored by Taillard's estimate of the longest path through the swapped pair (exact
  heads and tails of the two operations from their neighbours), the best one that is not tabu is
  made (a tabu move is allowed when its estimate beats the best makespan);
* the reverse swap stays tabu for a random tenure; after many steps without improvement the
  search jumps back to the best sequences and perturbs them with a few random critical swaps.

It applies only to problems it can model exactly (:func:`supported`): one mode per operation,
single-unit resources that are always available, no pins, no links between jobs and no
operators; release
dates and setups are kept. The plan it returns is never worse than the one it starts from.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass

from takt.planning.scheduling.plan import Assignment, Plan
from takt.planning.scheduling.problem import Problem


def supported(problem: Problem, flexible: bool = False) -> bool:
    """Whether :func:`tabu_search` models ``problem`` exactly (a job shop with release dates).

    Operators are a second resource it does not know: any operation needing one rules it out.
    With ``flexible``, operations may have several modes (a flexible job shop: the sequence
    graph then follows the plan's choice of machine, see :mod:`.cpsat.flexwindow`).
    """
    if problem.operators:
        return False
    if any(r.units != 1 or r.calendar is not None or r.downtime for r in problem.resources):
        return False
    return all(
        not job.after
        and all(
            (len(op.modes) == 1 or (flexible and len(op.modes) > 1))
            and op.pin is None
            and op.skill is None
            for op in job.operations
        )
        for job in problem.jobs
    )


@dataclass
class TabuStats:
    """What one search did: iterations made and the makespans before and after."""

    iterations: int = 0
    start_makespan: int = 0
    best_makespan: int = 0


class SequenceGraph:
    """The disjunctive graph: fixed job arcs, machine arcs from the current sequences.

    Each operation runs on the machine the plan gives it (in a flexible job shop, ``options``
    lists every (machine, duration) it may take; ``mach`` and ``dur`` hold the current one).
    """

    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.problem = problem
        ids: list[list[int]] = []
        self.dur: list[int] = []
        self.mach: list[int] = []
        self.rel: list[int] = []
        self.jprev: list[int] = []
        self.jnext: list[int] = []
        self.where: list[tuple[int, int]] = []
        self.options: list[list[tuple[int, int]]] = []
        for j, job in enumerate(problem.jobs):
            row: list[int] = []
            for k, op in enumerate(job.operations):
                o = len(self.dur)
                row.append(o)
                mode = op.modes[0]
                self.dur.append(op.work(mode))
                self.mach.append(problem.resource_index(mode.resource))
                self.options.append(
                    [(problem.resource_index(m.resource), op.work(m)) for m in op.modes]
                )
                self.rel.append(job.release if k == 0 else 0)
                self.jprev.append(row[-2] if k > 0 else -1)
                self.jnext.append(-1)
                if k > 0:
                    self.jnext[row[-2]] = o
                self.where.append((j, k))
            ids.append(row)
        n = len(self.dur)
        self.n = n
        # Machine sequences from the plan's start times (ties: end, then input order).
        per_machine: list[list[tuple[int, int, int]]] = [[] for _ in problem.resources]
        for a in plan.all():
            o = ids[a.job][a.op]
            if a.resource != self.mach[o]:  # another mode of a flexible operation
                self.mach[o] = a.resource
                self.dur[o] = min(d for m, d in self.options[o] if m == a.resource)
            per_machine[self.mach[o]].append((a.start, a.end, o))
        self.mprev = [-1] * n
        self.mnext = [-1] * n
        for items in per_machine:
            items.sort()
            for (_, _, before), (_, _, after) in itertools.pairwise(items):
                self.mprev[after] = before
                self.mnext[before] = after
        self.r = [0] * n
        self.q = [0] * n
        self.order: list[int] = []

    def evaluate(self) -> int:
        """Recompute heads, tails and the topological order; the makespan (-1 on a cycle)."""
        n, dur, jprev, jnext, mprev, mnext = (
            self.n,
            self.dur,
            self.jprev,
            self.jnext,
            self.mprev,
            self.mnext,
        )
        indeg = [(jprev[o] >= 0) + (mprev[o] >= 0) for o in range(n)]
        r = self.rel[:]
        stack = [o for o in range(n) if indeg[o] == 0]
        order: list[int] = []
        push = stack.append
        pop = stack.pop
        while stack:
            o = pop()
            order.append(o)
            e = r[o] + dur[o]
            s = jnext[o]
            if s >= 0:
                if r[s] < e:
                    r[s] = e
                indeg[s] -= 1
                if indeg[s] == 0:
                    push(s)
            s = mnext[o]
            if s >= 0:
                if r[s] < e:
                    r[s] = e
                indeg[s] -= 1
                if indeg[s] == 0:
                    push(s)
        if len(order) < n:
            return -1
        q = [0] * n
        for o in reversed(order):
            t = 0
            s = jnext[o]
            if s >= 0:
                t = q[s] + dur[s]
            s = mnext[o]
            if s >= 0 and q[s] + dur[s] > t:
                t = q[s] + dur[s]
            q[o] = t
        self.r, self.q, self.order = r, q, order
        return max((r[o] + dur[o] for o in range(n)), default=0)

    def critical_blocks(self, makespan: int) -> list[list[int]]:
        """Blocks (runs on one machine) of one critical path ending at the makespan."""
        r, dur, jprev, mprev = self.r, self.dur, self.jprev, self.mprev
        end = next(o for o in range(self.n) if r[o] + dur[o] == makespan)
        blocks: list[list[int]] = [[end]]
        o = end
        while True:
            p = mprev[o]
            if p >= 0 and r[p] + dur[p] == r[o]:
                blocks[-1].append(p)
                o = p
                continue
            p = jprev[o]
            if p >= 0 and r[p] + dur[p] == r[o]:
                blocks.append([p])
                o = p
                continue
            break
        blocks.reverse()
        for block in blocks:
            block.reverse()
        return blocks

    def swap_estimate(self, u: int, v: int) -> int:
        """Taillard's estimate of the makespan after swapping adjacent ``u`` then ``v``."""
        r, q, dur = self.r, self.q, self.dur
        pm, sm, pu, pv, su, sv = (
            self.mprev[u],
            self.mnext[v],
            self.jprev[u],
            self.jprev[v],
            self.jnext[u],
            self.jnext[v],
        )
        rv = self.rel[v]
        if pv >= 0:
            rv = max(rv, r[pv] + dur[pv])
        if pm >= 0:
            rv = max(rv, r[pm] + dur[pm])
        ru = max(self.rel[u], rv + dur[v])
        if pu >= 0:
            ru = max(ru, r[pu] + dur[pu])
        qu = 0
        if su >= 0:
            qu = q[su] + dur[su]
        if sm >= 0:
            qu = max(qu, q[sm] + dur[sm])
        qv = dur[u] + qu
        if sv >= 0:
            qv = max(qv, q[sv] + dur[sv])
        return max(rv + dur[v] + qv, ru + dur[u] + qu)

    def swap(self, u: int, v: int) -> None:
        """Make ``v`` run just before ``u`` on their machine (``u`` was just before ``v``)."""
        mprev, mnext = self.mprev, self.mnext
        pm, sm = mprev[u], mnext[v]
        if pm >= 0:
            mnext[pm] = v
        mprev[v] = pm
        mnext[v] = u
        mprev[u] = v
        mnext[u] = sm
        if sm >= 0:
            mprev[sm] = u

    def plan(self) -> Plan:
        """The semi-active plan of the current sequences (call :meth:`evaluate` first)."""
        out = [
            Assignment(j, k, self.mach[o], 0, self.r[o], self.r[o] + self.dur[o])
            for o, (j, k) in enumerate(self.where)
        ]
        return Plan.of(self.problem, out)


def _moves(blocks: list[list[int]]) -> list[tuple[int, int]]:
    """N5: swap the first two and the last two operations of each critical block."""
    moves: list[tuple[int, int]] = []
    last = len(blocks) - 1
    for i, block in enumerate(blocks):
        if len(block) < 2:
            continue
        # The first pair of the first block and the last pair of the last one cannot shorten
        # the path (unless the path is one block).
        if i > 0 or last == 0:
            moves.append((block[0], block[1]))
        if (i < last or last == 0) and (len(block) > 2 or not moves or moves[-1] != tuple(block)):
            moves.append((block[-2], block[-1]))
    return moves


def tabu_search(
    problem: Problem,
    plan: Plan,
    deadline: float,
    seed: int = 0,
    max_iterations: int | None = None,
    target: int = 0,
) -> tuple[Plan, TabuStats]:
    """Improve ``plan``'s makespan until ``deadline`` (monotonic) or ``max_iterations`` steps.

    It stops early at a makespan of ``target`` or less (a known lower bound).

    ``problem`` must pass :func:`supported`. Returns the best plan found (``plan`` itself if
    nothing better was found) and what the search did.
    """
    rng = random.Random(seed)
    graph = SequenceGraph(problem, plan)
    current = graph.evaluate()
    stats = TabuStats(0, plan.makespan, plan.makespan)
    if current < 0:  # the plan's sequences do not form a schedule (should not happen)
        return plan, stats
    best = current
    best_seq = (graph.mprev[:], graph.mnext[:])
    best_plan = graph.plan() if current < plan.makespan else plan
    n = graph.n
    base_tenure = 8 + n // max(1, 4 * len(problem.resources))
    tabu: dict[int, int] = {}
    since_best = 0
    patience = 1000 + n
    it = 0
    while (max_iterations is None or it < max_iterations) and best > target:
        if it & 15 == 0 and time.monotonic() >= deadline:
            break
        it += 1
        moves = _moves(graph.critical_blocks(current))
        if not moves:  # the critical path is one job's chain: optimal
            break
        chosen: tuple[int, int] | None = None
        chosen_value = 0
        for u, v in moves:
            value = graph.swap_estimate(u, v)
            if (tabu.get(u * n + v, 0) < it or value < best) and (
                chosen is None or value < chosen_value
            ):
                chosen, chosen_value = (u, v), value
        if chosen is None:
            chosen = moves[rng.randrange(len(moves))]
        u, v = chosen
        graph.swap(u, v)
        tabu[v * n + u] = it + base_tenure + rng.randrange(base_tenure)
        current = graph.evaluate()
        if current < best:
            best = current
            best_seq = (graph.mprev[:], graph.mnext[:])
            best_plan = graph.plan()
            since_best = 0
            continue
        since_best += 1
        if since_best >= patience:
            # Back to the best sequences, shaken by a few random critical swaps.
            graph.mprev, graph.mnext = best_seq[0][:], best_seq[1][:]
            current = graph.evaluate()
            tabu.clear()
            for _ in range(2 + rng.randrange(4)):
                options = _moves(graph.critical_blocks(current))
                if not options:
                    break
                graph.swap(*options[rng.randrange(len(options))])
                current = graph.evaluate()
            since_best = 0
    stats.iterations = it
    stats.best_makespan = min(best, plan.makespan)
    return best_plan, stats
