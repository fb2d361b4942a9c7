"""The instant plan: a dispatcher that places operations one at a time, never revisiting them.

Jobs are taken in rank order, then earliest due date (no due date last), then input order, with
a job never before the jobs it comes ``after``. Each operation of the job, in routing order, goes
to the eligible (resource, unit) where it finishes earliest (ties: earliest start, then input
order), at its earliest feasible time after its predecessor, its job's release date and the
jobs it waits for. It may fill a hole left between operations placed earlier (insertion), as long
as it fits there whole, so a low-rank job can use capacity a high-rank one left idle.

Pinned operations are placed first, exactly where pinned, and everything else avoids them.

:func:`dispatch_by_work_remaining` is a variant for makespan (benchmarks): it interleaves jobs,
always scheduling next the ready operation of the job with the most work remaining.

Raises :class:`ScheduleError` when an operation cannot fit before the horizon.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right

from takt.planning.scheduling.calendar import Availability
from takt.planning.scheduling.plan import Assignment, Plan
from takt.planning.scheduling.problem import Operation, Problem, ProblemError


class ScheduleError(ProblemError):
    """No feasible placement exists for an operation before the horizon."""


class _Unit:
    """Busy spans of one resource unit, kept sorted and disjoint."""

    __slots__ = ("ends", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def place(self, start: int, end: int) -> None:
        if end <= start:
            return
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def earliest(
        self, avail: Availability, ready: int, work: int, pausable: bool
    ) -> tuple[int, int] | None:
        """Earliest placement at or after ``ready`` in a hole of this unit."""
        starts, ends = self.starts, self.ends
        idx = bisect_right(ends, ready)
        t = ready
        while True:
            gap_end = starts[idx] if idx < len(starts) else avail.horizon
            placed = avail.fit(t, work, pausable, gap_end)
            if placed is not None:
                return placed
            if idx >= len(starts):
                return None
            t = max(t, ends[idx])
            idx += 1


class _Board:
    """Every unit's busy spans plus the resources' working time: the dispatcher's state."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.avail = [Availability.of(r, problem.horizon) for r in problem.resources]
        self.units = [[_Unit() for _ in range(r.units)] for r in problem.resources]
        self.placed: dict[tuple[int, int], Assignment] = {}
        for j, job in enumerate(problem.jobs):
            for k, op in enumerate(job.operations):
                if op.pin is not None:
                    r = problem.resource_index(op.pin.resource)
                    self.units[r][op.pin.unit].place(op.pin.start, op.pin.end)
                    self.placed[j, k] = Assignment(j, k, r, op.pin.unit, op.pin.start, op.pin.end)

    def place(self, j: int, k: int, op: Operation, ready: int) -> Assignment:
        """Put operation ``k`` of job ``j`` at its best spot after ``ready`` and record it."""
        pinned = self.placed.get((j, k))
        if pinned is not None:
            return pinned
        best: tuple[int, int, int, int] | None = None  # (end, start, resource, unit)
        for mode in op.modes:
            r = self.problem.resource_index(mode.resource)
            work = op.work(mode)
            if work == 0:
                candidate = (ready, ready, r, 0)
                if best is None or candidate < best:
                    best = candidate
                continue
            for u, unit in enumerate(self.units[r]):
                spot = unit.earliest(self.avail[r], ready, work, op.pausable)
                if spot is None:
                    continue
                candidate = (spot[1], spot[0], r, u)
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
        if best is None:
            job = self.problem.jobs[j]
            raise ScheduleError(
                f"job {job.id!r}, operation {k} ({op.name!r}): no eligible resource can fit it "
                f"after minute {ready} before the horizon {self.problem.horizon}"
            )
        end, start, r, u = best
        self.units[r][u].place(start, end)
        assignment = Assignment(j, k, r, u, start, end)
        self.placed[j, k] = assignment
        return assignment

    def plan(self) -> Plan:
        return Plan.of(self.problem, list(self.placed.values()))


def job_order(problem: Problem, by_rank: bool = True) -> list[int]:
    """Jobs by (rank, due date, input order), each after the jobs it must follow.

    With ``by_rank`` False the rank is ignored: earliest due date first.
    """

    def key(j: int) -> tuple[int, float, int]:
        job = problem.jobs[j]
        return (job.rank if by_rank else 0, float("inf") if job.due is None else job.due, j)

    preds = problem.predecessors
    waiting = [len(p) for p in preds]
    successors: list[list[int]] = [[] for _ in problem.jobs]
    for j, ps in enumerate(preds):
        for p in ps:
            successors[p].append(j)
    heap = [(key(j), j) for j in range(len(problem.jobs)) if waiting[j] == 0]
    heapq.heapify(heap)
    order: list[int] = []
    while heap:
        _, j = heapq.heappop(heap)
        order.append(j)
        for s in successors[j]:
            waiting[s] -= 1
            if waiting[s] == 0:
                heapq.heappush(heap, (key(s), s))
    return order


def dispatch(problem: Problem, by_rank: bool = True) -> Plan:
    """The rank-order instant plan (see the module docstring).

    With ``by_rank`` False, jobs go by earliest due date alone (a warm start for tardiness).

    Raises:
        ScheduleError: an operation fits nowhere before the horizon.
    """
    board = _Board(problem)
    for j in job_order(problem, by_rank):
        job = problem.jobs[j]
        ready = max(
            [
                job.release,
                *(
                    board.placed[p, len(problem.jobs[p].operations) - 1].end
                    for p in problem.predecessors[j]
                ),
            ]
        )
        for k, op in enumerate(job.operations):
            ready = board.place(j, k, op, ready).end
    return board.plan()


def dispatch_by_work_remaining(problem: Problem) -> Plan:
    """Interleaved list scheduling: next, the ready operation whose job has most work left.

    A job becomes ready once the jobs it follows are complete. Work is counted on each
    operation's shortest mode.

    Raises:
        ScheduleError: an operation fits nowhere before the horizon.
    """
    board = _Board(problem)
    remaining = [
        sum(min(op.work(m) for m in op.modes) for op in job.operations) for job in problem.jobs
    ]
    preds = problem.predecessors
    waiting = [len(p) for p in preds]
    successors: list[list[int]] = [[] for _ in problem.jobs]
    for j, ps in enumerate(preds):
        for p in ps:
            successors[p].append(j)
    ready_at = [job.release for job in problem.jobs]
    next_op = [0] * len(problem.jobs)
    heap = [(-remaining[j], j) for j in range(len(problem.jobs)) if waiting[j] == 0]
    heapq.heapify(heap)
    while heap:
        _, j = heapq.heappop(heap)
        job = problem.jobs[j]
        k = next_op[j]
        op = job.operations[k]
        ready_at[j] = board.place(j, k, op, ready_at[j]).end
        remaining[j] -= min(op.work(m) for m in op.modes)
        next_op[j] = k + 1
        if k + 1 < len(job.operations):
            heapq.heappush(heap, (-remaining[j], j))
            continue
        for s in successors[j]:
            waiting[s] -= 1
            ready_at[s] = max(ready_at[s], ready_at[j])
            if waiting[s] == 0:
                heapq.heappush(heap, (-remaining[s], s))
    return board.plan()


def earliest_starts(problem: Problem) -> list[list[int]]:
    """A lower bound on each operation's start: release, job links and work before it.

    Each operation is placed at its earliest working minute on each mode, ignoring every other
    operation (no capacity); the minimum over modes bounds every feasible plan from below
    because "earliest placement after t" only moves later as t does.

    Raises:
        ScheduleError: an operation cannot finish before the horizon on any mode.
    """
    avail = [Availability.of(r, problem.horizon) for r in problem.resources]
    result: list[list[int]] = [[] for _ in problem.jobs]
    finish: list[int] = [0] * len(problem.jobs)
    for j in job_order(problem):
        job = problem.jobs[j]
        ready = max([job.release, *(finish[p] for p in problem.predecessors[j])])
        row: list[int] = []
        for k, op in enumerate(job.operations):
            if op.pin is not None:
                row.append(op.pin.start)
                ready = op.pin.end
                continue
            spots = [
                spot
                for mode in op.modes
                if (
                    spot := avail[problem.resource_index(mode.resource)].earliest(
                        ready, op.work(mode), op.pausable
                    )
                )
                is not None
            ]
            if not spots:
                raise ScheduleError(
                    f"job {job.id!r}, operation {k} ({op.name!r}): cannot finish before the "
                    f"horizon {problem.horizon} on any eligible resource"
                )
            row.append(min(s for s, _ in spots))
            ready = min(e for _, e in spots)
        result[j] = row
        finish[j] = ready
    return result
