"""A plan: where and when each operation runs, and the measures planners judge it by.

A :class:`Plan` holds one :class:`Assignment` per operation, indexed ``[job][operation]``.
Engines produce plans; :mod:`takt.planning.scheduling.validate` checks them independently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from takt.planning.scheduling.problem import Problem


@dataclass(frozen=True, slots=True)
class Assignment:
    """Operation ``op`` of job ``job`` runs on unit ``unit`` of resource ``resource`` (indices).

    It occupies that unit over ``[start, end)``; a pausable operation's span includes the
    non-working time it was paused over. ``operator`` is the index of the operator who runs it
    (in ``Problem.operators``), None when the operation needs none.
    """

    job: int
    op: int
    resource: int
    unit: int
    start: int
    end: int
    operator: int | None = None


class Objective(Enum):
    """What the optimiser minimises (a secondary makespan term breaks ties where stated)."""

    WEIGHTED_TARDINESS = "weighted_tardiness"  # Σ w·max(0, C - d), then makespan
    MAKESPAN = "makespan"  # max C
    MAX_LATENESS = "max_lateness"  # max (C - d) over jobs with a due date
    WEIGHTED_COMPLETION = "weighted_completion"  # Σ w·C
    WEIGHTED_LATE_JOBS = "weighted_late_jobs"  # Σ w·[C > d]


@dataclass(frozen=True)
class Plan:
    """One assignment per operation, ``assignments[j][k]`` for operation ``k`` of job ``j``."""

    assignments: tuple[tuple[Assignment, ...], ...]

    @classmethod
    def of(cls, problem: Problem, flat: Sequence[Assignment]) -> Plan:
        """Arrange a flat list into ``[job][op]`` order.

        Raises:
            ValueError: an operation is missing or assigned twice.
        """
        grid: list[list[Assignment | None]] = [[None] * len(j.operations) for j in problem.jobs]
        for a in flat:
            if grid[a.job][a.op] is not None:
                raise ValueError(f"operation {a.op} of job {a.job} assigned twice")
            grid[a.job][a.op] = a
        rows: list[tuple[Assignment, ...]] = []
        for j, row in enumerate(grid):
            done = tuple(a for a in row if a is not None)
            if len(done) != len(row):
                raise ValueError(f"job {problem.jobs[j].id!r} has unassigned operations")
            rows.append(done)
        return cls(tuple(rows))

    def all(self) -> list[Assignment]:
        """Every assignment, job by job."""
        return [a for row in self.assignments for a in row]

    def completion(self, job: int) -> int:
        """When job ``job``'s last operation ends."""
        return self.assignments[job][-1].end

    @property
    def makespan(self) -> int:
        """End of the last operation (0 for an empty plan)."""
        return max((row[-1].end for row in self.assignments if row), default=0)


@dataclass(frozen=True)
class Measures:
    """What a planner reads off a plan."""

    weighted_tardiness: int
    late_jobs: int
    makespan: int
    max_lateness: int
    weighted_completion: int
    weighted_late_jobs: int


def measure(problem: Problem, plan: Plan) -> Measures:
    """Tardiness, lateness and completion measures of ``plan`` (jobs without due are never late)."""
    tardiness = late = weighted_late = completion_sum = 0
    max_lateness: int | None = None
    for j, job in enumerate(problem.jobs):
        done = plan.completion(j)
        completion_sum += job.weight * done
        if job.due is None:
            continue
        lateness = done - job.due
        max_lateness = lateness if max_lateness is None else max(max_lateness, lateness)
        if lateness > 0:
            tardiness += job.weight * lateness
            late += 1
            weighted_late += job.weight
    return Measures(
        weighted_tardiness=tardiness,
        late_jobs=late,
        makespan=plan.makespan,
        max_lateness=0 if max_lateness is None else max_lateness,
        weighted_completion=completion_sum,
        weighted_late_jobs=weighted_late,
    )


def objective_value(problem: Problem, plan: Plan, objective: Objective) -> int:
    """The primary value of ``objective`` for ``plan``, as the optimiser reports it.

    For :attr:`Objective.WEIGHTED_TARDINESS` this is the weighted tardiness alone; the optimiser's
    makespan tie-break is not part of it.
    """
    m = measure(problem, plan)
    return {
        Objective.WEIGHTED_TARDINESS: m.weighted_tardiness,
        Objective.MAKESPAN: m.makespan,
        Objective.MAX_LATENESS: m.max_lateness,
        Objective.WEIGHTED_COMPLETION: m.weighted_completion,
        Objective.WEIGHTED_LATE_JOBS: m.weighted_late_jobs,
    }[objective]
