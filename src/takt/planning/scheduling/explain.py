"""Why is an order late? A reason chain per late job, read off a plan.

Walking a late job's routing backwards from its last operation, each operation started either
as soon as it could (its predecessor ended, or its materials arrived) or later. When later, the
wait is put down to what filled the gap on its resource unit:

* other jobs' operations: ``resource`` — the unit was busy with them;
* ``operator`` — the operator who runs it was busy with other jobs until later than the unit
  (or was off shift while the unit could work): it "waited for an operator with skill X";
* downtime windows: ``downtime`` — maintenance or a breakdown (of that unit or all of them);
* otherwise ``calendar`` — the resource was not working (night, weekend, holiday).

The first operation waiting for its release date gives ``material``; jobs that wait for other
jobs give ``job``. A step with no wait is not listed. Reasons come earliest-first.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from takt.planning.scheduling.plan import Assignment, Plan
from takt.planning.scheduling.problem import Calendar, Problem


@dataclass(frozen=True)
class Reason:
    """One link of the chain: operation ``op`` waited ``[since, until)`` because of ``kind``."""

    kind: str  # "resource" | "operator" | "downtime" | "calendar" | "material" | "job"
    op: int
    since: int
    until: int
    resource: str = ""
    blocking_jobs: tuple[str, ...] = ()
    detail: str = ""

    def text(self, problem: Problem, job: int) -> str:
        """A sentence for the planner."""
        name = problem.jobs[job].operations[self.op].name
        waited = self.until - self.since
        if self.kind == "resource":
            behind = ", ".join(self.blocking_jobs)
            return f"{name} waited {waited} min for {self.resource} behind {behind}"
        if self.kind == "operator":
            skill = problem.jobs[job].operations[self.op].skill
            who = "an operator" if not skill else f"an operator with skill {skill}"
            behind = f" ({self.detail} busy with {', '.join(self.blocking_jobs)})"
            return f"{name} waited {waited} min for {who}" + (behind if self.blocking_jobs else "")
        if self.kind == "downtime":
            return f"{name} waited {waited} min: {self.resource} down ({self.detail})"
        if self.kind == "calendar":
            return f"{name} waited {waited} min for {self.resource}'s working hours"
        if self.kind == "material":
            return f"{name} could not start before materials arrive at minute {self.until}"
        return f"{name} waited for job(s) {', '.join(self.blocking_jobs)} until {self.until}"


@dataclass(frozen=True)
class LateJob:
    """A late job, by how much, and the reasons (earliest first)."""

    job: str
    due: int
    completion: int
    reasons: tuple[Reason, ...]

    @property
    def lateness(self) -> int:
        """Minutes after the due date."""
        return self.completion - self.due


def explain(problem: Problem, plan: Plan) -> list[LateJob]:
    """Every late job of ``plan`` with its reason chain, latest first."""
    out: list[LateJob] = []
    busy: _Busy = defaultdict(list)
    for a in plan.all():
        if a.end > a.start:
            busy[a.resource, a.unit].append((a.start, a.end, a.job))
            if a.operator is not None:
                # Operators are keyed apart from units by a negative resource index.
                busy[-1, a.operator].append((a.start, a.end, a.job))
    for spans in busy.values():
        spans.sort()
    for j, job in enumerate(problem.jobs):
        done = plan.completion(j)
        if job.due is None or done <= job.due:
            continue
        chain = _chain(problem, plan, busy, j)
        out.append(LateJob(job.id, job.due, done, tuple(reversed(chain))))
    out.sort(key=lambda late: -late.lateness)
    return out


_Busy = defaultdict[tuple[int, int], list[tuple[int, int, int]]]


def _chain(problem: Problem, plan: Plan, busy: _Busy, j: int) -> list[Reason]:
    job = problem.jobs[j]
    row = plan.assignments[j]
    reasons: list[Reason] = []
    for k in range(len(row) - 1, -1, -1):
        a = row[k]
        if job.operations[k].pin is not None:
            break  # pinned: already started, nothing to explain
        if k > 0:
            ready = row[k - 1].end
        else:
            after = [(plan.completion(p), problem.jobs[p].id) for p in problem.predecessors[j]]
            waited_jobs = max(after, default=(0, ""))
            ready = max(job.release, waited_jobs[0])
        if a.start > ready:
            reasons.extend(_wait(problem, plan, busy, j, k, ready))
        if k == 0:
            after = [(plan.completion(p), problem.jobs[p].id) for p in problem.predecessors[j]]
            gate = max(after, default=(0, ""))
            if job.release > 0 and job.release >= gate[0]:
                reasons.append(Reason("material", 0, 0, job.release))
            elif gate[0] > 0:
                holders = tuple(name for end, name in after if end == gate[0])
                reasons.append(Reason("job", 0, 0, gate[0], blocking_jobs=holders))
    return reasons


def _blockers(
    problem: Problem, busy: _Busy, key: tuple[int, int], a: Assignment, ready: int
) -> tuple[list[str], int]:
    """Jobs holding ``key`` (a unit, or ``(-1, operator)``) in ``[ready, a.start)``, and when the
    last of them let go (``ready`` when none did)."""
    blockers: list[str] = []
    spans = busy.get(key, [])
    released = ready
    # Spans of one unit or operator never overlap, so walking back, ends decrease too.
    i = bisect_left(spans, (a.start,)) - 1
    while i >= 0 and spans[i][1] > ready:
        other = spans[i][2]
        released = max(released, min(spans[i][1], a.start))
        name = problem.jobs[other].id
        if other != a.job and name not in blockers:
            blockers.append(name)
        i -= 1
    blockers.reverse()
    return blockers, released


def _wait(problem: Problem, plan: Plan, busy: _Busy, j: int, k: int, ready: int) -> list[Reason]:
    """Why operation ``k`` of job ``j`` started after ``ready``."""
    a = plan.assignments[j][k]
    resource = problem.resources[a.resource]
    blockers, unit_free = _blockers(problem, busy, (a.resource, a.unit), a, ready)
    if a.operator is not None:
        person = problem.operators[a.operator]
        holders, person_free = _blockers(problem, busy, (-1, a.operator), a, ready)
        # The later of the two to let go is what held the operation.
        off_shift = not _works_between(person.calendar, ready, a.start) and _works_between(
            resource.calendar, ready, a.start
        )
        if (holders and person_free > unit_free) or (not blockers and off_shift):
            return [Reason("operator", k, ready, a.start, resource.id, tuple(holders), person.id)]
    if blockers:
        return [Reason("resource", k, ready, a.start, resource.id, tuple(blockers))]
    for window in resource.downtime:
        if window.unit not in (None, a.unit):
            continue
        if window.start < a.start and window.end > ready:
            return [Reason("downtime", k, ready, a.start, resource.id, detail=window.reason)]
    return [Reason("calendar", k, ready, a.start, resource.id)]


def _works_between(calendar: Calendar | None, start: int, end: int) -> bool:
    """Whether ``calendar`` (None: always) has working time in ``[start, end)``."""
    if calendar is None:
        return end > start
    return any(a < end and start < b for a, b in calendar.intervals)
