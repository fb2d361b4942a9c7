"""Workstations, their working calendars, and the operators who run them.

A calendar is a set of shifts per weekday plus holidays; the scheduler turns it into available
intervals over its horizon. Shifts may cross midnight (a night shift 22:00-06:00 belongs to the day
it starts on).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from takt.domain.errors import DomainError

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ResourceError(DomainError):
    """A workstation, calendar or operator that breaks a rule."""


def check_code(code: str, what: str) -> str:
    if not CODE_PATTERN.fullmatch(code):
        raise ResourceError(
            f"{what} code {code!r} is not valid: use 1-32 letters, digits and . _ -", field="code"
        )
    return code


@dataclass(frozen=True, slots=True)
class Shift:
    """Working time on one weekday (0 = Monday) from ``start`` to ``end``; end <= start crosses midnight."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ResourceError(
                f"weekday must be 0 (Mon) to 6 (Sun), got {self.weekday}", "weekday"
            )
        if self.start.second or self.start.microsecond or self.end.second or self.end.microsecond:
            raise ResourceError("shift times are whole minutes", "start")
        if self.start == self.end:
            raise ResourceError("a shift must not start and end at the same time", "end")

    @property
    def minutes(self) -> int:
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return end - start if end > start else end + 1440 - start

    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Shifts per weekday and holidays (whole days off). Shifts on one day must not overlap."""

    shifts: tuple[Shift, ...] = ()
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        spans = sorted(
            ((s.weekday * 1440 + s.start.hour * 60 + s.start.minute, s) for s in self.shifts),
            key=lambda span: (span[0], span[1].minutes),
        )
        # The week wraps: Sunday's night shift runs into Monday morning.
        wrapped = [*spans, (spans[0][0] + 7 * 1440, spans[0][1])] if len(spans) > 1 else spans
        for (start_a, a), (start_b, b) in itertools.pairwise(wrapped):
            if start_a + a.minutes > start_b:
                raise ResourceError(f"shifts overlap: {a.label()} and {b.label()}", "shifts")

    def intervals(self, start: date, end: date) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals of the days ``start`` <= day < ``end``, in time order, holidays skipped."""
        day = start
        while day < end:
            if day not in self.holidays:
                for shift in sorted(
                    (s for s in self.shifts if s.weekday == day.weekday()), key=lambda s: s.start
                ):
                    begin = datetime.combine(day, shift.start)
                    yield begin, begin + timedelta(minutes=shift.minutes)
            day += timedelta(days=1)

    def weekly_minutes(self) -> int:
        return sum(s.minutes for s in self.shifts)


def standard_week(
    first: time = time(7, 0), last: time = time(15, 30), days: int = 5
) -> tuple[Shift, ...]:
    """One shift a day on the first ``days`` weekdays (Mon-Fri by default)."""
    return tuple(Shift(d, first, last) for d in range(days))


@dataclass(slots=True)
class Workstation:
    """A machine or station: ``parallel_units`` identical units, each costing ``cost_per_hour``."""

    code: str
    name: str
    cost_per_hour: Decimal = Decimal(0)
    parallel_units: int = 1
    calendar: WorkCalendar = field(default_factory=lambda: WorkCalendar(standard_week()))
    id: int | None = None

    def __post_init__(self) -> None:
        check_code(self.code, "workstation")
        if not self.name.strip():
            raise ResourceError(f"workstation {self.code} needs a name", "name")
        if self.parallel_units < 1:
            raise ResourceError(
                f"workstation {self.code}: parallel units must be 1 or more, got {self.parallel_units}",
                "parallel_units",
            )
        if self.cost_per_hour < 0:
            raise ResourceError(
                f"workstation {self.code}: cost per hour must not be negative", "cost_per_hour"
            )


@dataclass(slots=True)
class Operator:
    """A person on the shop floor and the workstations they may run."""

    code: str
    name: str
    workstations: frozenset[str] = frozenset()
    id: int | None = None

    def __post_init__(self) -> None:
        check_code(self.code, "operator")
        if not self.name.strip():
            raise ResourceError(f"operator {self.code} needs a name", "name")

    def may_run(self, workstation: str) -> bool:
        return workstation in self.workstations
