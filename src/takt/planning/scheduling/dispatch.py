"""The instant plan: a dispatcher that places operations one at a time, never revisiting them.

Jobs are taken in rank order, then earliest due date (no due date last), then input order, with
a job never before the jobs it comes ``after``. Each operation of the job, in routing order, goes
to the eligible (resource, unit) where it finishes earliest (ties: earliest start, then input
order), at its earliest feasible time after its predecessor, its job's release date and the
jobs it waits for. It may fill a hole left between operations placed earlier (insertion), as long
as it fits there whole, so a low-rank job can use capacity a high-rank one left idle.

Pinned operations are placed first, exactly where pinned, and everything else avoids them.

An operation that needs an operator goes to the (unit, operator) pair where it finishes earliest,
both free over its whole span and working together for its work (ties: the operator with fewer
skills, keeping versatile people free for work only they can do). Operations that need no
operator take the path they always took, so plants without operators plan exactly as before.

:func:`dispatch_by_priority` takes jobs in any given priority order instead of by rank (the
tardiness rules of :mod:`takt.planning.scheduling.priority` use it); :class:`Replay` plans many
orders that differ a little, each from the board kept just before its first change.

:func:`dispatch_by_work_remaining` is a variant for makespan (benchmarks): it interleaves jobs,
always scheduling next the ready operation of the job with the most work remaining.

Raises :class:`ScheduleError` when an operation cannot fit before the horizon.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable, Sequence

from takt.planning.scheduling.calendar import Availability, WorkTime
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
        count = len(starts)
        idx = bisect_right(ends, ready)
        t = ready
        # The holes before each busy span, then the one after the last up to the horizon. A
        # hole shorter than the work cannot hold it: the calendar arithmetic is skipped there.
        while idx < count:
            if starts[idx] - t >= work:
                placed = avail.fit(t, work, pausable, starts[idx])
                if placed is not None:
                    return placed
            if ends[idx] > t:
                t = ends[idx]
            idx += 1
        return avail.fit(t, work, pausable, avail.horizon) if avail.horizon - t >= work else None

    def copy(self) -> _Unit:
        other = _Unit()
        other.starts = self.starts[:]
        other.ends = self.ends[:]
        return other

    def free_from(self, t: int) -> int:
        """``t``, or the end of the busy span that holds ``t``."""
        i = bisect_right(self.starts, t) - 1
        return self.ends[i] if i >= 0 and self.ends[i] > t else t

    def clash(self, start: int, end: int) -> int | None:
        """End of the last busy span overlapping ``[start, end)``, None when it is free."""
        i = bisect_right(self.ends, start)
        j = bisect_right(self.starts, end - 1) - 1
        return self.ends[j] if i <= j else None


def _earliest_together(
    avail: Availability,
    ready: int,
    work: int,
    pausable: bool,
    first: _Unit,
    second: _Unit,
    bound: int,
) -> tuple[int, int] | None:
    """Earliest placement at or after ``ready`` with ``first`` and ``second`` free, ending by
    ``bound`` (None when there is none).

    A placement that overlaps a busy span ending at ``e`` proves that no start before ``e``
    works (ends only move later with the start), so the search jumps there and tries again.
    """
    t = ready
    while True:
        placed = avail.earliest(t, work, pausable)
        if placed is None or placed[1] > bound:
            return None
        start, end = placed
        blocked = first.clash(start, end)
        other = second.clash(start, end)
        if other is not None and (blocked is None or other > blocked):
            blocked = other
        if blocked is None:
            return placed
        t = blocked


class _Board:
    """Every unit's and operator's busy spans plus working time: the dispatcher's state."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.time = WorkTime(problem)
        self.units = [[_Unit() for _ in range(r.units)] for r in problem.resources]
        self.people = [_Unit() for _ in problem.operators]
        self.placed: dict[tuple[int, int], Assignment] = {}
        for j, job in enumerate(problem.jobs):
            for k, op in enumerate(job.operations):
                if op.pin is not None:
                    pin = op.pin
                    r = problem.resource_index(pin.resource)
                    self.units[r][pin.unit].place(pin.start, pin.end)
                    o = None if pin.operator is None else problem.operator_index[pin.operator]
                    if o is not None:
                        self.people[o].place(pin.start, pin.end)
                    self.placed[j, k] = Assignment(j, k, r, pin.unit, pin.start, pin.end, o)

    def place(self, j: int, k: int, op: Operation, ready: int) -> Assignment:
        """Put operation ``k`` of job ``j`` at its best spot after ``ready`` and record it."""
        pinned = self.placed.get((j, k))
        if pinned is not None:
            return pinned
        if op.skill is not None:
            return self._place_with_operator(j, k, op, ready)
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
                spot = unit.earliest(self.time.units[r][u], ready, work, op.pausable)
                if spot is None:
                    continue
                candidate = (spot[1], spot[0], r, u)
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
        if best is None:
            raise self._no_fit(j, k, op, ready)
        end, start, r, u = best
        self.units[r][u].place(start, end)
        assignment = Assignment(j, k, r, u, start, end)
        self.placed[j, k] = assignment
        return assignment

    def _place_with_operator(self, j: int, k: int, op: Operation, ready: int) -> Assignment:
        problem = self.problem
        operators = problem.eligible_operators(op)
        skills = {o: len(problem.operators[o].skills) for o in operators}
        for mode in op.modes:
            if op.work(mode) == 0:
                # Instantaneous: it holds nobody, so any operator will do.
                o = min(operators, key=lambda o: (skills[o], o))
                r = problem.resource_index(mode.resource)
                return self._record(Assignment(j, k, r, 0, ready, ready, o))
        # Lower bounds first, searches second. A pair's placement is also a placement for its unit
        # alone (the unit works whenever the pair does), so the unit's own earliest spot bounds
        # the pair's start and end; the operator's next free working minute bounds its start.
        # Pairs are searched in order of these bounds, and the best end found so far stops the
        # search as soon as no remaining pair can beat it.
        starts: dict[int, int] = {}
        for o in operators:
            free = self.people[o].free_from(ready)
            working = self.time.operators[o].next_working(free)
            starts[o] = problem.horizon if working is None else working
        pairs: list[tuple[int, int, int, int, int, int, int]] = []
        for mode in op.modes:
            r = problem.resource_index(mode.resource)
            work = op.work(mode)
            for u, unit in enumerate(self.units[r]):
                alone = unit.earliest(self.time.units[r][u], ready, work, op.pausable)
                if alone is None:
                    continue
                for o in operators:
                    first = max(alone[0], starts[o])
                    lowest = max(alone[1], first + work)
                    pairs.append((lowest, skills[o], first, r, u, o, work))
        pairs.sort()
        best: tuple[int, int, int, int, int, int] | None = None  # end, start, skills, r, u, o
        bound = problem.horizon
        for lowest, count, first, r, u, o, work in pairs:
            if lowest > bound:
                break
            if best is not None and lowest == bound and count >= best[2]:
                continue  # could only tie on the end, with no fewer skills
            avail = self.time.pair(self.time.units[r][u], o)
            spot = _earliest_together(
                avail, first, work, op.pausable, self.units[r][u], self.people[o], bound
            )
            if spot is None:
                continue
            candidate = (spot[1], spot[0], count, r, u, o)
            if best is None or candidate[:3] < best[:3]:
                best = candidate
                bound = spot[1]
        if best is None:
            raise self._no_fit(j, k, op, ready)
        end, start, _, r, u, o = best
        self.units[r][u].place(start, end)
        self.people[o].place(start, end)
        return self._record(Assignment(j, k, r, u, start, end, o))

    def _record(self, assignment: Assignment) -> Assignment:
        self.placed[assignment.job, assignment.op] = assignment
        return assignment

    def _no_fit(self, j: int, k: int, op: Operation, ready: int) -> ScheduleError:
        job = self.problem.jobs[j]
        who = "" if op.skill is None else f" with an operator (skill {op.skill!r})"
        return ScheduleError(
            f"job {job.id!r}, operation {k} ({op.name!r}): no eligible resource{who} can fit "
            f"it after minute {ready} before the horizon {self.problem.horizon}"
        )

    def plan(self) -> Plan:
        return Plan.of(self.problem, list(self.placed.values()))

    def copy(self) -> _Board:
        """An independent board in the same state (working time is shared: it never changes)."""
        other = _Board.__new__(_Board)
        other.problem = self.problem
        other.time = self.time
        other.units = [[unit.copy() for unit in row] for row in self.units]
        other.people = [person.copy() for person in self.people]
        other.placed = dict(self.placed)
        return other

    def place_job(self, j: int) -> None:
        """Place every operation of job ``j`` in routing order (the jobs it follows are placed)."""
        problem = self.problem
        job = problem.jobs[j]
        ready = max(
            [
                job.release,
                *(
                    self.placed[p, len(problem.jobs[p].operations) - 1].end
                    for p in problem.predecessors[j]
                ),
            ]
        )
        for k, op in enumerate(job.operations):
            ready = self.place(j, k, op, ready).end


def job_order(problem: Problem, by_rank: bool = True) -> list[int]:
    """Jobs by (rank, due date, input order), each after the jobs it must follow.

    With ``by_rank`` False the rank is ignored: earliest due date first.
    """

    def key(j: int) -> tuple[float, float]:
        job = problem.jobs[j]
        return (job.rank if by_rank else 0, float("inf") if job.due is None else job.due)

    return _ordered(problem, key)


def _ordered(problem: Problem, key: Callable[[int], tuple[float, ...]]) -> list[int]:
    """Jobs by increasing ``key`` (ties: input order), each after the jobs it must follow."""
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
    return _dispatch_in(problem, job_order(problem, by_rank))


def dispatch_by_priority(problem: Problem, priority: Sequence[float]) -> Plan:
    """The instant plan with jobs taken by increasing ``priority[j]`` instead of rank.

    Ties go by input order; a job still never goes before the jobs it comes ``after``. Priority
    rules for tardiness (:mod:`takt.planning.scheduling.priority`) plan through this.

    Raises:
        ScheduleError: an operation fits nowhere before the horizon.
        ValueError: ``priority`` does not hold one value per job.
    """
    return _dispatch_in(problem, priority_order(problem, priority))


def priority_order(problem: Problem, priority: Sequence[float]) -> list[int]:
    """Jobs by increasing ``priority[j]`` (ties: input order), each after the jobs it follows.

    Raises:
        ValueError: ``priority`` does not hold one value per job.
    """
    if len(priority) != len(problem.jobs):
        raise ValueError(f"{len(priority)} priorities for {len(problem.jobs)} jobs")
    return _ordered(problem, lambda j: (priority[j],))


def _dispatch_in(problem: Problem, order: list[int]) -> Plan:
    """Place every job's operations, job after job in ``order`` (see the module docstring)."""
    board = _Board(problem)
    for j in order:
        board.place_job(j)
    return board.plan()


class Replay:
    """Instant plans of job orders that differ little from one another, each made quickly.

    The plan of an order depends on the board after each of its prefixes. Keeping the board
    after every ``every`` jobs of the order last :meth:`keep`-t, a changed order is dispatched
    again only from the kept board just before its first change: moving a job a few places
    up re-places the jobs from there on, not the whole plant.
    """

    def __init__(self, problem: Problem, every: int = 50) -> None:
        self.problem = problem
        self.every = max(1, every)
        self.order: list[int] = []
        self.boards: list[_Board] = []

    def _run(self, order: list[int], first: int, board: _Board) -> tuple[Plan, list[_Board]]:
        boards: list[_Board] = []
        for i in range(first, len(order)):
            if i % self.every == 0:
                boards.append(board.copy())
            board.place_job(order[i])
        return board.plan(), boards

    def try_order(self, order: list[int]) -> tuple[Plan, list[_Board]]:
        """The plan of ``order`` and the boards to :meth:`keep` should it be chosen.

        ``order`` must list each job once, after the jobs it follows.

        Raises:
            ScheduleError: an operation fits nowhere before the horizon.
        """
        first = 0
        while first < len(order) and first < len(self.order) and order[first] == self.order[first]:
            first += 1
        block = min(first // self.every, len(self.boards) - 1)
        if block < 0:  # nothing kept yet
            return self._run(order, 0, _Board(self.problem))
        plan, boards = self._run(order, block * self.every, self.boards[block].copy())
        return plan, self.boards[:block] + boards

    def keep(self, order: list[int], boards: list[_Board]) -> None:
        """Make ``order`` (with the boards :meth:`try_order` gave for it) the one to change next."""
        self.order = list(order)
        self.boards = boards


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

    Each operation is placed at its earliest working minute on each mode (each distinct unit,
    with each eligible operator), ignoring every other operation (no capacity); the minimum
    bounds every feasible plan from below because "earliest placement after t" only moves later
    as t does.

    Raises:
        ScheduleError: an operation cannot finish before the horizon on any mode.
    """
    time = WorkTime(problem)
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
            operators: tuple[int | None, ...] = problem.eligible_operators(op) or (None,)
            spots = [
                spot
                for mode in op.modes
                for avail in _timings(time, problem.resource_index(mode.resource), operators)
                if (spot := avail.earliest(ready, op.work(mode), op.pausable)) is not None
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


def _timings(time: WorkTime, r: int, operators: tuple[int | None, ...]) -> list[Availability]:
    """The distinct working times an operation on resource ``r`` may get."""
    found: dict[int, Availability] = {}
    for unit in time.units[r]:
        for o in operators:
            avail = time.pair(unit, o)
            found.setdefault(id(avail), avail)
    return list(found.values())
