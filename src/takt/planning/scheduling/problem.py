"""Scheduling problem data: workstations, calendars, manufacturing orders and their operations.

Plain frozen dataclasses that know no solver and no database. Every class checks its own
invariants in ``__post_init__`` and raises :class:`ProblemError` naming the offending job,
operation or resource, so a bad order is refused before any engine runs.

Time is a whole number of minutes from the plan origin (minute 0 = "now" for the planner).
Intervals are half-open ``[start, end)``.

Invariants of a valid :class:`Problem`:

* resource ids are unique, each resource has at least one unit and some working time in
  ``[0, horizon)`` once its calendar and downtime are applied; a downtime window that names a
  unit names one the resource has;
* operator ids are unique; an operation that needs an operator with a skill finds at least one
  operator who has it (any operator at all for :data:`ANY_SKILL`);
* job ids are unique; every operation has at least one eligible resource (a :class:`Mode`),
  never two modes on the same resource, and every mode names a known resource;
* durations, setups, release dates and weights are non-negative;
* pinned operations (already started or done) form a prefix of their job's routing and name an
  eligible resource and a valid unit, and a skilled operator if they name one;
* the ``after`` links between jobs (a sub-assembly MO feeding its parent) form no cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property


class ProblemError(ValueError):
    """Problem data that no engine can schedule; the message names the job, operation or line."""


ANY_SKILL = ""
"""The skill of an operation that any operator may run (see :attr:`Operation.skill`)."""


@dataclass(frozen=True, slots=True)
class Window:
    """A span ``[start, end)`` when a resource cannot work (maintenance, breakdown).

    ``unit`` None stops every unit of the resource; an index stops that unit only (one of two
    parallel machines broken down), the others keep working.
    """

    start: int
    end: int
    reason: str = ""
    unit: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ProblemError(f"window {self.reason!r}: end {self.end} before start {self.start}")


@dataclass(frozen=True)
class Calendar:
    """Working time as sorted, disjoint, non-empty ``[start, end)`` intervals.

    Outside these intervals nobody works (nights, weekends, holidays). Adjacent intervals are
    merged on construction so that "working time" has a single representation.
    """

    intervals: tuple[tuple[int, int], ...]
    name: str = ""

    def __post_init__(self) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(self.intervals):
            if end <= start:
                raise ProblemError(f"calendar {self.name!r}: empty interval [{start}, {end})")
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        object.__setattr__(self, "intervals", tuple(merged))

    @classmethod
    def weekly(
        cls,
        horizon: int,
        shifts: Iterable[tuple[int, int]],
        workdays: Iterable[int] = (0, 1, 2, 3, 4),
        holidays: Iterable[int] = (),
        name: str = "",
    ) -> Calendar:
        """Repeat daily ``shifts`` (minutes from midnight) on ``workdays`` (0 = the origin's day).

        ``workdays`` are taken modulo 7, ``holidays`` are day numbers from the origin. A shift may
        end after midnight (``end`` up to 2880).

        Raises:
            ProblemError: a shift is empty or longer than a day.
        """
        shift_list = list(shifts)
        for start, end in shift_list:
            if not 0 <= start < end <= start + 1440:
                raise ProblemError(f"calendar {name!r}: bad shift ({start}, {end})")
        days = set(workdays)
        off = set(holidays)
        spans = [
            (day * 1440 + start, min(day * 1440 + end, horizon))
            for day in range(horizon // 1440 + 1)
            if day % 7 in days and day not in off
            for start, end in shift_list
            if day * 1440 + start < horizon
        ]
        return cls(tuple(spans), name)


@dataclass(frozen=True)
class Resource:
    """A workstation with ``units`` identical parallel machines sharing one calendar.

    ``calendar`` None means it can work at any time. ``downtime`` windows (maintenance,
    breakdowns) stop every unit, or the one unit they name.
    """

    id: str
    units: int = 1
    calendar: Calendar | None = None
    downtime: tuple[Window, ...] = ()

    def __post_init__(self) -> None:
        if self.units < 1:
            raise ProblemError(f"resource {self.id!r}: units must be at least 1, got {self.units}")
        for window in self.downtime:
            if window.unit is not None and not 0 <= window.unit < self.units:
                raise ProblemError(
                    f"resource {self.id!r}: window {window.reason!r} names unit {window.unit}, "
                    f"outside 0..{self.units - 1}"
                )

    @property
    def units_differ(self) -> bool:
        """True when some downtime stops a single unit, so the units are no longer identical."""
        return any(w.unit is not None and w.end > w.start for w in self.downtime)

    def downtime_of(self, unit: int | None) -> tuple[Window, ...]:
        """Windows that stop ``unit`` (None: the windows that stop every unit)."""
        return tuple(w for w in self.downtime if w.unit is None or w.unit == unit)


@dataclass(frozen=True)
class Operator:
    """A person who runs operations: the skills they have and when they work.

    ``calendar`` None means available at any time (the resources' calendars then decide);
    ``absences`` (leave, training) are subtracted from it. An operator runs one operation at a
    time.
    """

    id: str
    skills: frozenset[str] = frozenset()
    calendar: Calendar | None = None
    absences: tuple[Window, ...] = ()

    def can_run(self, skill: str | None) -> bool:
        """Whether this operator may run an operation needing ``skill``."""
        return skill is not None and (skill == ANY_SKILL or skill in self.skills)


@dataclass(frozen=True, slots=True)
class Mode:
    """One way to run an operation: on ``resource`` for ``duration`` working minutes."""

    resource: str
    duration: int


@dataclass(frozen=True, slots=True)
class Pin:
    """Where and when an operation already started (or finished): the plan must keep it.

    ``operator`` names who runs it, when known; None leaves every operator free meanwhile.
    """

    resource: str
    unit: int
    start: int
    end: int
    operator: str | None = None


@dataclass(frozen=True)
class Operation:
    """One routing step of a job.

    ``setup`` minutes precede the processing on whichever resource is chosen; setup and
    processing are one block of work. A ``pausable`` operation (the default, as a real shift
    works) accumulates work only in its resource's working time and so may span a night; a
    non-pausable one must run uninterrupted inside one working interval.

    ``skill`` None: the operation needs no operator (or operators are not planned).
    Otherwise one operator who has that skill (any operator for :data:`ANY_SKILL`) runs it from
    start to end, setup included; the work then goes on only while both the resource unit and
    that operator work, and the operator does nothing else until it ends.
    """

    name: str
    modes: tuple[Mode, ...]
    setup: int = 0
    pausable: bool = True
    pin: Pin | None = None
    skill: str | None = None

    def work(self, mode: Mode) -> int:
        """Working minutes the operation needs in ``mode`` (setup included)."""
        return self.setup + mode.duration

    def mode_on(self, resource: str) -> Mode | None:
        """The mode on ``resource``, or None when that resource is not eligible."""
        for mode in self.modes:
            if mode.resource == resource:
                return mode
        return None


@dataclass(frozen=True)
class Job:
    """A manufacturing order: operations run in routing order.

    ``release`` is when its materials are in stock or expected: no operation starts before.
    ``due`` None means no due date (never late). ``rank`` orders the instant plan (lower first);
    ``weight`` scales tardiness. ``after`` lists jobs that must finish before this one starts.
    """

    id: str
    operations: tuple[Operation, ...]
    release: int = 0
    due: int | None = None
    weight: int = 1
    rank: int = 0
    after: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = f"job {self.id!r}"
        if not self.operations:
            raise ProblemError(f"{where}: no operations")
        if self.release < 0:
            raise ProblemError(f"{where}: negative release {self.release}")
        if self.weight < 0:
            raise ProblemError(f"{where}: negative weight {self.weight}")
        pinned_prefix = True
        for index, op in enumerate(self.operations):
            at = f"{where}, operation {index} ({op.name!r})"
            if not op.modes:
                raise ProblemError(f"{at}: no eligible resource")
            if op.setup < 0:
                raise ProblemError(f"{at}: negative setup {op.setup}")
            seen: set[str] = set()
            for mode in op.modes:
                if mode.duration < 0:
                    raise ProblemError(
                        f"{at}: negative duration {mode.duration} on {mode.resource!r}"
                    )
                if mode.resource in seen:
                    raise ProblemError(f"{at}: resource {mode.resource!r} listed twice")
                seen.add(mode.resource)
            if op.pin is not None:
                if not pinned_prefix:
                    raise ProblemError(f"{at}: pinned after an unpinned operation")
                if op.pin.resource not in seen:
                    raise ProblemError(f"{at}: pinned on ineligible {op.pin.resource!r}")
                if op.pin.end < op.pin.start:
                    raise ProblemError(f"{at}: pin ends before it starts")
            else:
                pinned_prefix = False


@dataclass(frozen=True)
class Problem:
    """Everything an engine needs: resources, jobs, the horizon in minutes, and operators.

    Every operation must finish by ``horizon``; a calendar says nothing beyond it. Without
    ``operators`` no operation may need one (:attr:`Operation.skill` None everywhere).

    Raises:
        ProblemError: on any broken invariant listed in the module docstring.
    """

    resources: tuple[Resource, ...]
    jobs: tuple[Job, ...]
    horizon: int
    operators: tuple[Operator, ...] = ()
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.horizon <= 0:
            raise ProblemError(f"horizon must be positive, got {self.horizon}")
        index: dict[str, int] = {}
        for i, resource in enumerate(self.resources):
            if resource.id in index:
                raise ProblemError(f"resource {resource.id!r} defined twice")
            index[resource.id] = i
        object.__setattr__(self, "_index", index)
        job_ids: dict[str, int] = {}
        for j, job in enumerate(self.jobs):
            if job.id in job_ids:
                raise ProblemError(f"job {job.id!r} defined twice")
            job_ids[job.id] = j
        for job in self.jobs:
            for k, op in enumerate(job.operations):
                for mode in op.modes:
                    if mode.resource not in index:
                        raise ProblemError(
                            f"job {job.id!r}, operation {k} ({op.name!r}): "
                            f"unknown resource {mode.resource!r}"
                        )
                if op.pin is not None:
                    units = self.resources[index[op.pin.resource]].units
                    if not 0 <= op.pin.unit < units:
                        raise ProblemError(
                            f"job {job.id!r}, operation {k}: pinned unit {op.pin.unit} "
                            f"outside 0..{units - 1}"
                        )
            for other in job.after:
                if other not in job_ids:
                    raise ProblemError(f"job {job.id!r}: after unknown job {other!r}")
        self._check_operators()
        self._check_no_cycle(job_ids)
        for resource in self.resources:
            if not _has_working_time(resource, self.horizon):
                raise ProblemError(
                    f"resource {resource.id!r}: no working time before the horizon {self.horizon}"
                )

    def _check_operators(self) -> None:
        seen: set[str] = set()
        for operator in self.operators:
            if operator.id in seen:
                raise ProblemError(f"operator {operator.id!r} defined twice")
            seen.add(operator.id)
        known: set[str] = set().union(*(o.skills for o in self.operators))
        for job in self.jobs:
            for k, op in enumerate(job.operations):
                at = f"job {job.id!r}, operation {k} ({op.name!r})"
                if op.skill is not None:
                    if not self.operators:
                        raise ProblemError(f"{at}: needs an operator but the plant has none")
                    if op.skill != ANY_SKILL and op.skill not in known:
                        raise ProblemError(f"{at}: no operator has skill {op.skill!r}")
                if op.pin is None or op.pin.operator is None:
                    continue
                if op.pin.operator not in seen:
                    raise ProblemError(f"{at}: pinned on unknown operator {op.pin.operator!r}")
                operator = self.operators[self.operator_index[op.pin.operator]]
                if not operator.can_run(op.skill):
                    raise ProblemError(
                        f"{at}: pinned on operator {op.pin.operator!r} who lacks skill {op.skill!r}"
                    )

    def _check_no_cycle(self, job_ids: Mapping[str, int]) -> None:
        # Iterative DFS with colours: a grey job met again closes a cycle.
        colour = [0] * len(self.jobs)
        for root in range(len(self.jobs)):
            if colour[root]:
                continue
            stack: list[tuple[int, int]] = [(root, 0)]
            colour[root] = 1
            while stack:
                node, pos = stack[-1]
                preds = self.jobs[node].after
                if pos < len(preds):
                    stack[-1] = (node, pos + 1)
                    nxt = job_ids[preds[pos]]
                    if colour[nxt] == 1:
                        cycle = [self.jobs[n].id for n, _ in stack]
                        start = cycle.index(self.jobs[nxt].id)
                        chain = " -> ".join([*cycle[start:], self.jobs[nxt].id])
                        raise ProblemError(f"cycle of precedence between jobs: {chain}")
                    if colour[nxt] == 0:
                        colour[nxt] = 1
                        stack.append((nxt, 0))
                else:
                    colour[node] = 2
                    stack.pop()

    def resource_index(self, resource_id: str) -> int:
        """Position of ``resource_id`` in :attr:`resources`.

        Raises:
            KeyError: unknown resource.
        """
        return self._index[resource_id]

    @cached_property
    def operator_index(self) -> dict[str, int]:
        """Position of each operator id in :attr:`operators`."""
        return {operator.id: o for o, operator in enumerate(self.operators)}

    def eligible_operators(self, op: Operation) -> tuple[int, ...]:
        """Indices of the operators who may run ``op`` (empty when it needs none)."""
        if op.skill is None:
            return ()
        return self._by_skill.get(op.skill) or tuple(
            o for o, operator in enumerate(self.operators) if operator.can_run(op.skill)
        )

    @cached_property
    def _by_skill(self) -> dict[str, tuple[int, ...]]:
        # Built once: engines ask for every operation, and skills repeat.
        skills = {op.skill for job in self.jobs for op in job.operations if op.skill is not None}
        return {
            skill: tuple(o for o, operator in enumerate(self.operators) if operator.can_run(skill))
            for skill in skills
        }

    @cached_property
    def job_index(self) -> dict[str, int]:
        """Position of each job id in :attr:`jobs`."""
        return {job.id: j for j, job in enumerate(self.jobs)}

    @cached_property
    def predecessors(self) -> tuple[tuple[int, ...], ...]:
        """For each job, the indices of jobs that must finish before it starts."""
        return tuple(tuple(self.job_index[o] for o in job.after) for job in self.jobs)

    @property
    def operation_count(self) -> int:
        """Number of operations over all jobs."""
        return sum(len(job.operations) for job in self.jobs)


def _has_working_time(resource: Resource, horizon: int) -> bool:
    # Enough that one unit works: windows naming a unit stop that unit only.
    units: list[int | None] = list(range(resource.units)) if resource.units_differ else [None]
    return any(_unit_works(resource, unit, horizon) for unit in units)


def _unit_works(resource: Resource, unit: int | None, horizon: int) -> bool:
    spans = [(0, horizon)] if resource.calendar is None else list(resource.calendar.intervals)
    windows = sorted((w.start, w.end) for w in resource.downtime_of(unit) if w.end > w.start)
    for start, end in spans:
        start, end = max(start, 0), min(end, horizon)
        for w_start, w_end in windows:
            if w_start <= start < w_end:
                start = w_end
            elif start < w_start < end:
                return True
        if start < end:
            return True
    return False
