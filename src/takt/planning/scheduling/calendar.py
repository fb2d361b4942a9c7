"""Working time of a resource and the arithmetic engines need on it.

An :class:`Availability` is a resource's calendar clipped to ``[0, horizon)`` with its downtime
windows subtracted: sorted, disjoint, non-empty ``[start, end)`` intervals. Beside them it keeps
the cumulative working minutes at each interval's end, so that "when does an operation that
starts at ``t`` and needs ``w`` working minutes finish?" is two binary searches.

Two kinds of operation:

* pausable: work accumulates only inside working intervals; a start must be a working minute
  (nobody starts a job at 2 am when the plant is closed) and the end is the minute the last unit
  of work completes;
* uninterrupted: ``[start, start + w)`` lies inside one working interval.

Zero-work operations need no working time: they finish where they start, at any minute.

An operation run by an operator works only while both its resource unit and the operator work:
:class:`WorkTime` hands the engines that intersection for every (unit, operator) pair, built
once per distinct pair of calendars.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from takt.planning.scheduling.problem import Calendar, Operator, Problem, Resource, Window


@dataclass(frozen=True)
class Piece:
    """Starts in ``[lo, hi]`` (working minutes) all finish ``elapsed`` minutes after they start."""

    lo: int
    hi: int
    elapsed: int


class Availability:
    """Working intervals of one resource over ``[0, horizon)``; immutable after construction."""

    __slots__ = ("cum", "ends", "horizon", "starts")

    def __init__(self, intervals: Iterable[tuple[int, int]], horizon: int) -> None:
        self.horizon = horizon
        self.starts: list[int] = []
        self.ends: list[int] = []
        # cum[i] = working minutes in intervals 0..i-1, so cum[0] == 0.
        self.cum: list[int] = [0]
        for start, end in intervals:
            if end <= start:
                continue
            if self.ends and start <= self.ends[-1]:
                # Merge touching intervals: work does not pause at a shared boundary.
                self.cum[-1] += end - self.ends[-1]
                self.ends[-1] = end
                continue
            self.starts.append(start)
            self.ends.append(end)
            self.cum.append(self.cum[-1] + end - start)

    @classmethod
    def of(cls, resource: Resource, horizon: int, unit: int | None = None) -> Availability:
        """The working time of ``resource``: calendar ∩ [0, horizon) minus its downtime.

        With ``unit`` given, windows that stop only another unit are left out.
        """
        downtime = resource.downtime if unit is None else resource.downtime_of(unit)
        return cls.working(resource.calendar, downtime, horizon)

    @classmethod
    def of_operator(cls, operator: Operator, horizon: int) -> Availability:
        """When ``operator`` works: calendar ∩ [0, horizon) minus absences."""
        return cls.working(operator.calendar, operator.absences, horizon)

    @classmethod
    def working(
        cls, calendar: Calendar | None, downtime: Iterable[Window], horizon: int
    ) -> Availability:
        """``calendar`` (None: always) ∩ [0, horizon) minus the ``downtime`` windows."""
        spans = [(0, horizon)] if calendar is None else calendar.intervals
        windows: list[tuple[int, int]] = []
        for w_start, w_end in sorted((w.start, w.end) for w in downtime if w.end > w.start):
            # Merged windows are disjoint, which lets _subtract binary-search them.
            if windows and w_start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], w_end))
            else:
                windows.append((w_start, w_end))
        return cls(_subtract(spans, windows, horizon), horizon)

    @property
    def always(self) -> bool:
        """True when the resource works without a break over the whole horizon."""
        return len(self.starts) == 1 and self.starts[0] == 0 and self.ends[0] == self.horizon

    @property
    def intervals(self) -> list[tuple[int, int]]:
        """The working intervals, in order."""
        return list(zip(self.starts, self.ends, strict=True))

    def intersect(self, other: Availability) -> Availability:
        """Minutes when both work (a merge of two sorted interval lists)."""
        out: list[tuple[int, int]] = []
        i = j = 0
        while i < len(self.starts) and j < len(other.starts):
            start = max(self.starts[i], other.starts[j])
            end = min(self.ends[i], other.ends[j])
            if start < end:
                out.append((start, end))
            if self.ends[i] < other.ends[j]:
                i += 1
            else:
                j += 1
        return Availability(out, min(self.horizon, other.horizon))

    def next_working(self, t: int) -> int | None:
        """The first working minute at or after ``t``, or None if there is none before the horizon."""
        i = bisect_right(self.starts, t) - 1
        if i >= 0 and t < self.ends[i]:
            return t
        if i + 1 < len(self.starts):
            return self.starts[i + 1]
        return None

    def finish(self, start: int, work: int) -> int | None:
        """End of a pausable operation starting at working minute ``start``; None past the horizon.

        ``start`` must be a working minute when ``work > 0`` (see :meth:`next_working`).
        """
        if work == 0:
            return start
        i = bisect_right(self.starts, start) - 1
        target = self.cum[i] + (start - self.starts[i]) + work
        if target > self.cum[-1]:
            return None
        # The interval k in which cumulative work reaches target: cum[k] < target <= cum[k+1].
        k = bisect_left(self.cum, target) - 1
        return self.starts[k] + target - self.cum[k]

    def earliest(self, ready: int, work: int, pausable: bool) -> tuple[int, int] | None:
        """Earliest ``(start, end)`` at or after ``ready``, ignoring other operations."""
        if work == 0:
            return ready, ready
        if pausable:
            start = self.next_working(ready)
            if start is None:
                return None
            end = self.finish(start, work)
            return None if end is None else (start, end)
        i = max(bisect_right(self.starts, ready) - 1, 0)
        while i < len(self.starts):
            start = max(ready, self.starts[i])
            if start + work <= self.ends[i]:
                return start, start + work
            i += 1
        return None

    def fit(self, ready: int, work: int, pausable: bool, gap_end: int) -> tuple[int, int] | None:
        """Earliest placement at or after ``ready`` that ends by ``gap_end``, else None."""
        placed = self.earliest(ready, work, pausable)
        if placed is None or placed[1] > gap_end:
            return None
        return placed

    def pieces(self, work: int, lo: int, hi: int) -> list[Piece]:
        """Pausable starts in ``[lo, hi]`` grouped by how long the operation then lasts.

        Within one working interval, the elapsed time ``end - start`` is constant as long as the
        work finishes in the same later interval; it then equals ``work`` plus the non-working
        time crossed. Starts whose work would not finish by the horizon are left out.
        """
        result: list[Piece] = []
        if work <= 0:
            return result
        total = self.cum[-1]
        first = max(bisect_right(self.starts, lo) - 1, 0)
        for i in range(first, len(self.starts)):
            a_i, b_i = self.starts[i], self.ends[i]
            if a_i > hi:
                break
            s_lo, s_hi = max(a_i, lo), min(b_i - 1, hi)
            if s_lo > s_hi:
                continue
            base = self.cum[i] - a_i  # W(s) = base + s for s in this interval
            s_hi = min(s_hi, total - work - base)
            if s_lo > s_hi:
                break
            k = bisect_left(self.cum, base + s_lo + work) - 1
            while s_lo <= s_hi:
                # Work ends in interval k while base + s + work <= cum[k + 1].
                piece_hi = min(s_hi, self.cum[k + 1] - work - base)
                elapsed = work + (self.starts[k] - a_i) - (self.cum[k] - self.cum[i])
                result.append(Piece(s_lo, piece_hi, elapsed))
                s_lo = piece_hi + 1
                k += 1
        return result


class WorkTime:
    """Working time of every resource unit, every operator, and every pair of them.

    Units of a resource share one :class:`Availability` unless a window stops only one of them,
    and operators with the same calendar and absences share one, so the pairs to intersect are
    few (a plant has a handful of distinct shift patterns).
    """

    def __init__(self, problem: Problem) -> None:
        horizon = problem.horizon
        self.resources = [Availability.of(r, horizon) for r in problem.resources]
        self.units: list[list[Availability]] = [
            [Availability.of(r, horizon, u) for u in range(r.units)]
            if r.units_differ
            else [self.resources[i]] * r.units
            for i, r in enumerate(problem.resources)
        ]
        shared: dict[tuple[Calendar | None, tuple[Window, ...]], Availability] = {}
        self.operators: list[Availability] = []
        for operator in problem.operators:
            key = (operator.calendar, tuple(sorted(operator.absences, key=_window_key)))
            if key not in shared:
                shared[key] = Availability.of_operator(operator, horizon)
            self.operators.append(shared[key])
        self._pairs: dict[tuple[int, int], Availability] = {}

    def unit(self, resource: int, unit: int) -> Availability:
        """Working time of one unit of a resource."""
        return self.units[resource][unit]

    def pair(self, avail: Availability, operator: int | None) -> Availability:
        """``avail`` (a unit's or a resource's) as run by ``operator`` (None: no operator)."""
        if operator is None:
            return avail
        other = self.operators[operator]
        if other.always:
            return avail
        key = (id(avail), id(other))
        found = self._pairs.get(key)
        if found is None:
            found = self._pairs[key] = avail.intersect(other)
        return found


def _window_key(window: Window) -> tuple[int, int, str]:
    return (window.start, window.end, window.reason)


def _subtract(
    spans: Iterable[tuple[int, int]], windows: list[tuple[int, int]], horizon: int
) -> list[tuple[int, int]]:
    """``spans`` ∩ [0, horizon) minus ``windows`` (sorted and disjoint)."""
    out: list[tuple[int, int]] = []
    for span_start, span_end in spans:
        start, end = max(span_start, 0), min(span_end, horizon)
        if start >= end:
            continue
        # Only windows that may overlap this span matter; a binary search skips the rest.
        j = bisect_left(windows, (start,)) - 1
        j = max(j, 0)
        while start < end and j < len(windows):
            w_start, w_end = windows[j]
            if w_end <= start:
                j += 1
                continue
            if w_start >= end:
                break
            if w_start > start:
                out.append((start, w_start))
            start = max(start, w_end)
            j += 1
        if start < end:
            out.append((start, end))
    return out
