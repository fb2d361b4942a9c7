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
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from takt.planning.scheduling.calendar import Availability
from takt.planning.scheduling.problem import Problem


@dataclass
class ModeVars:
    """One eligible resource of one operation."""

    resource: int
    work: int
    present: Any  # a literal (or the constant 1 when the operation has one mode)
    interval: Any
    size: Any = None  # the elapsed-time variable of a pausable mode on a calendar
    # (literal or None when it is the only one, elapsed minutes, start ranges)
    choices: list[tuple[Any, int, list[list[int]]]] = field(default_factory=list)


@dataclass
class OpVars:
    """Variables of one operation (``pinned`` ones are constants)."""

    start: Any
    end: Any
    modes: list[ModeVars] = field(default_factory=list)
    pinned: bool = False


@dataclass
class Variables:
    """All operation variables, ``ops[j][k]``, plus the working time they were built from."""

    ops: list[list[OpVars]]
    avail: list[Availability]
    horizon: int


def build_variables(
    model: cp_model.CpModel, problem: Problem, lower: list[list[int]], horizon: int
) -> Variables:
    """Create the variables of every operation within ``[lower[j][k], horizon]``.

    ``lower`` are valid lower bounds on starts (see ``dispatch.earliest_starts``); ``horizon``
    may be tighter than the problem's when the caller knows no better plan ends later.
    """
    avail = [Availability.of(r, problem.horizon) for r in problem.resources]
    ops: list[list[OpVars]] = []
    for j, job in enumerate(problem.jobs):
        row: list[OpVars] = []
        for k, op in enumerate(job.operations):
            name = f"j{j}o{k}"
            if op.pin is not None:
                pin = op.pin
                r = problem.resource_index(pin.resource)
                interval = model.new_fixed_size_interval_var(pin.start, pin.end - pin.start, name)
                row.append(
                    OpVars(
                        pin.start,
                        pin.end,
                        [ModeVars(r, pin.end - pin.start, 1, interval)],
                        pinned=True,
                    )
                )
                continue
            lo = lower[j][k]
            start = model.new_int_var(lo, horizon, f"s_{name}")
            end = model.new_int_var(lo, horizon, f"e_{name}")
            single = len(op.modes) == 1
            modes: list[ModeVars] = []
            for mode in op.modes:
                r = problem.resource_index(mode.resource)
                work = op.work(mode)
                present = 1 if single else model.new_bool_var(f"p_{name}_r{r}")
                mode_interval = _mode_interval(
                    model,
                    avail[r],
                    start,
                    end,
                    present,
                    work,
                    op.pausable,
                    lo,
                    horizon,
                    f"{name}_r{r}",
                )
                if mode_interval is not None:
                    interval, size, choices = mode_interval
                    modes.append(ModeVars(r, work, present, interval, size, choices))
                elif single:
                    model.add_bool_or([False])  # the only mode cannot fit: infeasible
                else:
                    model.add(present == 0)
            if not single:
                model.add_exactly_one(m.present for m in modes)
            row.append(OpVars(start, end, modes))
        ops.append(row)
    return Variables(ops, avail, horizon)


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
