"""CP-SAT variables: for each operation a start, an end and one optional interval per mode.

Working time in the model
-------------------------
A resource that works all the time over the horizon (every benchmark instance) gets the fast
path: fixed-size intervals of the operation's work.

On a resource with a calendar, an uninterrupted operation keeps a fixed size; only its start is
restricted, to ``⋃ [a_i, b_i - work]`` over the working intervals ``[a_i, b_i)``.

A pausable operation's elapsed time ``end - start`` depends on its start: it is its work plus the
non-working time it crosses. For a start inside one working interval that elapsed time is
constant as long as the work ends in the same later interval, so the starts split into pieces
``[lo, hi] -> elapsed`` (:meth:`Availability.pieces`). Pieces with the same elapsed time are
grouped: one Boolean per distinct elapsed value ``e``, enforcing ``start ∈ ⋃ pieces(e)`` and
``size == e``, exactly one of them true when the mode is chosen. A daily shift pattern yields a
handful of distinct values (same day, over one night, over a weekend...), so the model stays
small even over a long horizon. The interval then spans the breaks it crosses, which is harmless
for capacity: nothing else can work on the resource during its breaks.

Zero-work modes get zero-size intervals that are kept out of the resource constraints.

Units that differ, and operators
--------------------------------
Units of a resource are identical unless a downtime window stops only one of them; then each
unit becomes a mode of its own (its own working time, no-overlap per unit) instead of sharing a
cumulative.

An operation that needs an operator gets one Boolean per eligible operator (exactly one true)
and, per operator, an optional interval over the operation's ``[start, end)`` that goes into
that operator's no-overlap, as alternative machines do. Its work goes on only while the unit and
the operator both work, so a mode's working time depends on who runs it: the eligible operators
are grouped by the working time they give together with the unit, and each group is a mode of
its own (usually one group: operators on the plant's shifts, or always available), its operator
Booleans implying it. Without operators nothing of this is built.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from takt.planning.scheduling.calendar import Availability, WorkTime
from takt.planning.scheduling.problem import Operation, Problem


@dataclass
class ModeVars:
    """One eligible resource of one operation (or one unit of it, or one group of operators)."""

    resource: int
    work: int
    present: Any  # a literal (or the constant 1 when the operation has one mode)
    interval: Any
    size: Any = None  # the elapsed-time variable of a pausable mode on a calendar
    # (literal or None when it is the only one, elapsed minutes, start ranges)
    choices: list[tuple[Any, int, list[list[int]]]] = field(default_factory=list)
    unit: int | None = None  # None: any unit, given out after solving
    operators: tuple[int, ...] = ()  # the operators this timing is for; () = any eligible one

    def fits(self, resource: int, unit: int, operator: int | None) -> bool:
        """Whether an assignment to ``(resource, unit, operator)`` takes this mode."""
        return (
            self.resource == resource
            and (self.unit is None or self.unit == unit)
            and (not self.operators or operator in self.operators)
        )


@dataclass
class CrewVars:
    """One eligible operator of one operation: chosen, and busy over the operation when it works."""

    operator: int
    chosen: Any  # a literal (or the constant 1 when only one operator may run it)
    busy: Any = None  # literal: chosen and the chosen mode has work (None: same as chosen)
    interval: Any = None  # None when no mode has work


@dataclass
class OpVars:
    """Variables of one operation (``pinned`` ones are constants)."""

    start: Any
    end: Any
    modes: list[ModeVars] = field(default_factory=list)
    pinned: bool = False
    crew: list[CrewVars] = field(default_factory=list)
    span: Any = None  # end - start, when an operator's interval needs it


@dataclass
class Variables:
    """All operation variables, ``ops[j][k]``, plus the working time they were built from."""

    ops: list[list[OpVars]]
    avail: list[Availability]
    horizon: int
    timed: bool = False  # some unit or operator does not work all the time


TimingKeys = dict[int, tuple[tuple[int, ...], tuple[int, ...]]]
"""Working times compared by value, cached per object (see :func:`operation_variables`)."""


def build_variables(
    model: cp_model.CpModel, problem: Problem, lower: list[list[int]], horizon: int
) -> Variables:
    """Create the variables of every operation within ``[lower[j][k], horizon]``.

    ``lower`` are valid lower bounds on starts (see ``dispatch.earliest_starts``); ``horizon``
    may be tighter than the problem's when the caller knows no better plan ends later.
    """
    time = WorkTime(problem)
    keys: TimingKeys = {}
    ops: list[list[OpVars]] = []
    for j, job in enumerate(problem.jobs):
        row: list[OpVars] = []
        for k, op in enumerate(job.operations):
            name = f"j{j}o{k}"
            if op.pin is not None:
                row.append(_pinned(model, problem, op, name))
                continue
            row.append(
                operation_variables(model, problem, time, op, lower[j][k], horizon, name, keys)
            )
        ops.append(row)
    timed = not all(a.always for units in time.units for a in units) or not all(
        a.always for a in time.operators
    )
    return Variables(ops, time.resources, horizon, timed)


def operation_variables(
    model: cp_model.CpModel,
    problem: Problem,
    time: WorkTime,
    op: Operation,
    lo: int,
    hi: int,
    name: str,
    keys: TimingKeys,
) -> OpVars:
    """Variables of one unpinned operation that starts at or after ``lo`` and ends by ``hi``.

    ``keys`` is a cache shared by the calls for one model (operators grouped by working time).
    A mode that cannot fit in ``[lo, hi]`` is ruled out; when none fits the model is infeasible.
    """
    start = model.new_int_var(lo, hi, f"s_{name}")
    end = model.new_int_var(lo, hi, f"e_{name}")
    timings = _timings(problem, time, op, keys)
    single = len(timings) == 1
    modes: list[ModeVars] = []
    for n, (r, unit, work, avail, group) in enumerate(timings):
        present = 1 if single else model.new_bool_var(f"p_{name}_r{r}_{n}")
        mode_interval = _mode_interval(
            model, avail, start, end, present, work, op.pausable, lo, hi, f"{name}_r{r}_{n}"
        )
        if mode_interval is not None:
            interval, size, choices = mode_interval
            modes.append(ModeVars(r, work, present, interval, size, choices, unit, group))
        elif single:
            model.add_bool_or([False])  # the only mode cannot fit: infeasible
        else:
            model.add(present == 0)
    if not single:
        model.add_exactly_one(m.present for m in modes)
    vars_ = OpVars(start, end, modes)
    if op.skill is not None:
        _add_crew(model, problem, op, vars_, hi, name)
    return vars_


_Timing = tuple[int, int | None, int, Availability, tuple[int, ...]]


def _timings(
    problem: Problem,
    time: WorkTime,
    op: Operation,
    keys: TimingKeys,
) -> list[_Timing]:
    """The modes of ``op`` in the model: (resource, unit, work, working time, operators).

    One per eligible resource, unless its units differ (one per unit) or its eligible operators
    give different working times (one per group of operators who give the same).
    """
    operators = problem.eligible_operators(op)
    out: list[_Timing] = []
    for mode in op.modes:
        r = problem.resource_index(mode.resource)
        work = op.work(mode)
        units: list[tuple[int | None, Availability]] = (
            list(enumerate(time.units[r]))
            if work > 0 and problem.resources[r].units_differ
            else [(None, time.resources[r])]
        )
        for unit, avail in units:
            if work == 0 or not operators:
                out.append((r, unit, work, avail, ()))
                continue
            groups: dict[tuple[tuple[int, ...], tuple[int, ...]], list[int]] = {}
            shared: dict[tuple[tuple[int, ...], tuple[int, ...]], Availability] = {}
            for o in operators:
                pair = time.pair(avail, o)
                key = keys.get(id(pair))
                if key is None:
                    # Compared by value: an operator whose shifts cover the unit's gives the
                    # unit's own working time, though it is a different object.
                    key = keys[id(pair)] = (tuple(pair.starts), tuple(pair.ends))
                groups.setdefault(key, []).append(o)
                shared.setdefault(key, pair)
            for key, members in groups.items():
                group = () if len(groups) == 1 else tuple(members)
                out.append((r, unit, work, shared[key], group))
    return out


def _pinned(model: cp_model.CpModel, problem: Problem, op: Operation, name: str) -> OpVars:
    """Constants for an operation that already started: it holds its unit and operator."""
    assert op.pin is not None
    pin = op.pin
    r = problem.resource_index(pin.resource)
    interval = model.new_fixed_size_interval_var(pin.start, pin.end - pin.start, name)
    # The unit only matters where units differ; elsewhere the pin joins the cumulative.
    unit = pin.unit if problem.resources[r].units_differ else None
    crew = []
    if pin.operator is not None:
        held = interval if pin.end > pin.start else None
        crew.append(CrewVars(problem.operator_index[pin.operator], 1, None, held))
    return OpVars(
        pin.start,
        pin.end,
        [ModeVars(r, pin.end - pin.start, 1, interval, unit=unit)],
        pinned=True,
        crew=crew,
    )


def _add_crew(
    model: cp_model.CpModel,
    problem: Problem,
    op: Operation,
    v: OpVars,
    horizon: int,
    name: str,
) -> None:
    """One Boolean and one optional interval per eligible operator of ``op``."""
    operators = problem.eligible_operators(op)
    single = len(operators) == 1
    crew = [CrewVars(o, 1 if single else model.new_bool_var(f"x_{name}_o{o}")) for o in operators]
    if not single:
        model.add_exactly_one(c.chosen for c in crew)
    if any(m.operators for m in v.modes):
        for c in crew:
            # Choosing an operator chooses a mode timed for them.
            allowed = [m.present for m in v.modes if not m.operators or c.operator in m.operators]
            if any(isinstance(p, int) for p in allowed):
                continue
            if isinstance(c.chosen, int):
                model.add_bool_or(allowed or [False])
            else:
                model.add_bool_or(allowed or [False]).only_enforce_if(c.chosen)
    working = [m for m in v.modes if m.work > 0]
    if not working:
        v.crew = crew
        return
    v.span = model.new_int_var(0, horizon, f"span_{name}")
    model.add(v.start + v.span == v.end)
    idle = [m.present for m in v.modes if m.work == 0]
    for c in crew:
        busy = c.chosen
        if idle:
            # Zero-work modes hold nobody: busy = chosen and a mode with work chosen.
            busy = model.new_bool_var(f"y_{name}_o{c.operator}")
            if not isinstance(c.chosen, int):
                model.add_implication(busy, c.chosen)
            model.add(sum(m.present for m in working) >= 1).only_enforce_if(busy)
            model.add(busy >= c.chosen + sum(m.present for m in working) - 1)
            c.busy = busy
        if isinstance(busy, int):
            c.interval = model.new_interval_var(v.start, v.span, v.end, f"o_{name}_o{c.operator}")
        else:
            c.interval = model.new_optional_interval_var(
                v.start, v.span, v.end, busy, f"o_{name}_o{c.operator}"
            )
    v.crew = crew


def _mode_interval(
    model: cp_model.CpModel,
    avail: Availability,
    start: Any,
    end: Any,
    present: Any,
    work: int,
    pausable: bool,
    lo: int,
    horizon: int,
    name: str,
) -> tuple[Any, Any, list[tuple[Any, int, list[list[int]]]]] | None:
    """The optional interval of one mode, with its working-time constraints; None if none fits.

    Also returns the elapsed-time variable and the (literal, elapsed, start ranges) choices of a
    pausable mode on a calendar, so that hints can set them.
    """
    enforce = [] if isinstance(present, int) else [present]
    if work == 0 or avail.always:
        if work > min(horizon, avail.horizon) - lo:
            return None
        return _interval(model, start, work, end, present, name), None, []
    if not pausable:
        spans = [
            [max(a, lo), min(b - work, horizon - work)]
            for a, b in avail.intervals
            if min(b - work, horizon - work) >= max(a, lo)
        ]
        if not spans:
            return None
        model.add_linear_expression_in_domain(
            start, cp_model.Domain.from_intervals(spans)
        ).only_enforce_if(enforce)
        return _interval(model, start, work, end, present, name), None, []
    by_elapsed: dict[int, list[list[int]]] = defaultdict(list)
    for piece in avail.pieces(work, lo, horizon):
        hi = min(piece.hi, horizon - piece.elapsed)
        if piece.lo <= hi:
            by_elapsed[piece.elapsed].append([piece.lo, hi])
    if not by_elapsed:
        return None
    size = model.new_int_var(min(by_elapsed), max(by_elapsed), f"d_{name}")
    if len(by_elapsed) == 1:
        ((elapsed, spans),) = by_elapsed.items()
        model.add_linear_expression_in_domain(
            start, cp_model.Domain.from_intervals(spans)
        ).only_enforce_if(enforce)
        model.add(size == elapsed)
        choices: list[tuple[Any, int, list[list[int]]]] = [(None, elapsed, spans)]
    else:
        choices = []
        for elapsed, spans in by_elapsed.items():
            choice = model.new_bool_var(f"c_{name}_{elapsed}")
            model.add_linear_expression_in_domain(
                start, cp_model.Domain.from_intervals(spans)
            ).only_enforce_if(choice)
            model.add(size == elapsed).only_enforce_if(choice)
            choices.append((choice, elapsed, spans))
        literals = [c for c, _, _ in choices if c is not None]
        if enforce:
            model.add(sum(literals) == present)
        else:
            model.add_exactly_one(literals)
    return _interval(model, start, size, end, present, name), size, choices


def _interval(
    model: cp_model.CpModel, start: Any, size: Any, end: Any, present: Any, name: str
) -> Any:
    # An optional interval ties start + size == end only when present; the operation's shared
    # start and end then follow the chosen mode.
    if isinstance(present, int):
        return model.new_interval_var(start, size, end, f"i_{name}")
    return model.new_optional_interval_var(start, size, end, present, f"i_{name}")
