"""An independent checker for any plan, whoever made it.

It shares no code with the engines (not the calendar arithmetic, not the dispatcher's board):
it recomputes working time straight from the problem's calendars and downtime windows, so a bug
in the engines' shared helpers cannot hide itself. It checks:

* every operation assigned exactly once, on an eligible resource and an existing unit;
* pins kept exactly (pinned operations are facts: their calendar is not checked);
* working time: a pausable operation starts on a working minute and its span holds exactly its
  work in working minutes, ending on the minute the work completes; an uninterrupted one lies
  inside one working stretch and lasts exactly its work; everything ends by the horizon;
  zero-work operations are instantaneous and may be anywhere;
* routing order, release dates and the ``after`` links between jobs;
* capacity: on each resource unit, no two operations with work overlap;
* operators: an operation that needs one names an operator with its skill (one that needs none
  names nobody); working time is then counted only where both the unit and the operator work;
  no operator runs two operations with work at once. A pin without an operator needs nobody.

Downtime windows that name a unit stop only that unit.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from takt.planning.scheduling.plan import Assignment, Plan
from takt.planning.scheduling.problem import ANY_SKILL, Calendar, Problem, Window


@dataclass(frozen=True)
class Violation:
    """One broken rule, with the job and operation it concerns (indices; op -1 = whole job)."""

    job: int
    op: int
    message: str


def _working_spans(
    calendar: Calendar | None, windows: tuple[Window, ...], horizon: int
) -> list[tuple[int, int]]:
    # Minute-set arithmetic kept deliberately naive: clip, then cut each window out in turn.
    spans = [(0, horizon)] if calendar is None else list(calendar.intervals)
    spans = [(max(a, 0), min(b, horizon)) for a, b in spans if min(b, horizon) > max(a, 0)]
    for window in windows:
        cut: list[tuple[int, int]] = []
        for a, b in spans:
            if window.end <= a or window.start >= b:
                cut.append((a, b))
                continue
            if a < window.start:
                cut.append((a, window.start))
            if window.end < b:
                cut.append((window.end, b))
        spans = cut
    return sorted(spans)


def _both(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # Pairwise overlaps: quadratic, and fine for a checker.
    out = [(max(a, c), min(b, d)) for a, b in first for c, d in second if max(a, c) < min(b, d)]
    return sorted(out)


def _worked(spans: list[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(b, end) - max(a, start)) for a, b in spans)


def _is_working(spans: list[tuple[int, int]], t: int) -> bool:
    return any(a <= t < b for a, b in spans)


def validate(problem: Problem, plan: Plan) -> list[Violation]:
    """Every rule ``plan`` breaks for ``problem``; an empty list means the plan is valid."""
    found: list[Violation] = []
    horizon = problem.horizon
    unit_spans = [
        [
            _working_spans(r.calendar, tuple(w for w in r.downtime if w.unit in (None, u)), horizon)
            for u in range(r.units)
        ]
        for r in problem.resources
    ]
    people = [_working_spans(o.calendar, o.absences, horizon) for o in problem.operators]
    by_operator: dict[int, list[Assignment]] = defaultdict(list)
    if len(plan.assignments) != len(problem.jobs):
        return [
            Violation(
                -1, -1, f"plan has {len(plan.assignments)} jobs, problem has {len(problem.jobs)}"
            )
        ]
    by_unit: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for j, job in enumerate(problem.jobs):
        row = plan.assignments[j]
        if len(row) != len(job.operations):
            found.append(
                Violation(
                    j,
                    -1,
                    f"job {job.id!r}: {len(row)} assignments for {len(job.operations)} operations",
                )
            )
            continue
        for k, (op, a) in enumerate(zip(job.operations, row, strict=True)):
            where = f"job {job.id!r} op {k} ({op.name!r})"
            if (a.job, a.op) != (j, k):
                found.append(Violation(j, k, f"{where}: assignment labelled ({a.job}, {a.op})"))
            if not 0 <= a.resource < len(problem.resources):
                found.append(Violation(j, k, f"{where}: unknown resource index {a.resource}"))
                continue
            resource = problem.resources[a.resource]
            mode = op.mode_on(resource.id)
            if mode is None:
                found.append(Violation(j, k, f"{where}: {resource.id!r} is not eligible"))
                continue
            if not 0 <= a.unit < resource.units:
                found.append(Violation(j, k, f"{where}: unit {a.unit} of {resource.id!r}"))
                continue
            if a.end < a.start:
                found.append(Violation(j, k, f"{where}: ends {a.end} before start {a.start}"))
                continue
            work = op.setup + mode.duration
            if work > 0:
                by_unit[a.resource, a.unit].append(a)
            spans = unit_spans[a.resource][a.unit]
            if a.operator is not None:
                if not 0 <= a.operator < len(problem.operators):
                    found.append(Violation(j, k, f"{where}: unknown operator index {a.operator}"))
                    continue
                if work > 0:
                    by_operator[a.operator].append(a)
                spans = _both(spans, people[a.operator])
            if op.pin is not None:
                pin = op.pin
                named = None if a.operator is None else problem.operators[a.operator].id
                if (resource.id, a.unit, a.start, a.end, named) != (
                    pin.resource,
                    pin.unit,
                    pin.start,
                    pin.end,
                    pin.operator,
                ):
                    found.append(Violation(j, k, f"{where}: pin {pin} not kept"))
                continue
            crew = _operator_problem(problem, op.skill, a.operator)
            if crew:
                found.append(Violation(j, k, f"{where}: {crew}"))
            found.extend(
                Violation(j, k, f"{where}: {m}")
                for m in _time_problems(spans, a, work, op.pausable, horizon)
            )
        found.extend(_order_problems(problem, plan, j))
    for (r, u), items in by_unit.items():
        items.sort(key=lambda a: (a.start, a.end))
        for before, after in itertools.pairwise(items):
            if after.start < before.end:
                found.append(
                    Violation(
                        after.job,
                        after.op,
                        f"{problem.resources[r].id!r} unit {u}: job {problem.jobs[after.job].id!r} "
                        f"op {after.op} at {after.start} overlaps job "
                        f"{problem.jobs[before.job].id!r} op {before.op} until {before.end}",
                    )
                )
    for o, items in by_operator.items():
        items.sort(key=lambda a: (a.start, a.end))
        for before, after in itertools.pairwise(items):
            if after.start < before.end:
                found.append(
                    Violation(
                        after.job,
                        after.op,
                        f"operator {problem.operators[o].id!r} double-booked: job "
                        f"{problem.jobs[after.job].id!r} op {after.op} at {after.start} overlaps "
                        f"job {problem.jobs[before.job].id!r} op {before.op} until {before.end}",
                    )
                )
    return found


def _operator_problem(problem: Problem, skill: str | None, operator: int | None) -> str:
    """Why the assigned operator is wrong for an operation needing ``skill``, or ''."""
    if skill is None:
        if operator is None:
            return ""
        return f"needs no operator, yet {problem.operators[operator].id!r} is assigned"
    if operator is None:
        return f"needs an operator with skill {skill!r}, none assigned"
    person = problem.operators[operator]
    if skill != ANY_SKILL and skill not in person.skills:
        return f"operator {person.id!r} lacks skill {skill!r}"
    return ""


def _time_problems(
    spans: list[tuple[int, int]], a: Assignment, work: int, pausable: bool, horizon: int
) -> list[str]:
    if work == 0:
        return [] if a.end == a.start else [f"zero-work operation lasts {a.end - a.start}"]
    out: list[str] = []
    if a.start < 0 or a.end > horizon:
        out.append(f"[{a.start}, {a.end}) outside [0, {horizon})")
    if pausable:
        if not _is_working(spans, a.start):
            out.append(f"starts at {a.start}, a non-working minute")
        if not _is_working(spans, a.end - 1):
            out.append(f"ends at {a.end}, after a non-working minute")
        done = _worked(spans, a.start, a.end)
        if done != work:
            out.append(f"holds {done} working minutes, needs {work}")
    else:
        inside = any(s <= a.start and a.end <= e for s, e in spans)
        if not inside or a.end - a.start != work:
            out.append(
                f"uninterrupted [{a.start}, {a.end}) is not {work} minutes of one working stretch"
            )
    return out


def _order_problems(problem: Problem, plan: Plan, j: int) -> list[Violation]:
    job = problem.jobs[j]
    row = plan.assignments[j]
    out: list[Violation] = []
    first = row[0]
    if job.operations[0].pin is None and first.start < job.release:
        out.append(
            Violation(j, 0, f"job {job.id!r} starts {first.start} before its release {job.release}")
        )
    for p in problem.predecessors[j]:
        done = plan.assignments[p][-1].end
        if job.operations[0].pin is None and first.start < done:
            out.append(
                Violation(
                    j,
                    0,
                    f"job {job.id!r} starts {first.start} before job "
                    f"{problem.jobs[p].id!r} ends {done}",
                )
            )
    for k in range(1, len(row)):
        if job.operations[k].pin is None and row[k].start < row[k - 1].end:
            out.append(
                Violation(
                    j,
                    k,
                    f"job {job.id!r} op {k} starts {row[k].start} before "
                    f"op {k - 1} ends {row[k - 1].end}",
                )
            )
    return out


def assert_valid(problem: Problem, plan: Plan) -> None:
    """Raise ``AssertionError`` listing the first violations when ``plan`` is not valid."""
    found = validate(problem, plan)
    if found:
        lines = "\n".join(v.message for v in found[:10])
        raise AssertionError(f"{len(found)} violations:\n{lines}")
