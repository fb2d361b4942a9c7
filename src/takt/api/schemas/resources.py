"""Workstations with their calendars, operators, locations, customers and suppliers."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, Strict

from takt.api.schemas.common import Code, Cost, Day, Days, Input, MoneyIn, Name, Output, Patch
from takt.domain.locations import Location
from takt.domain.partners import Customer, Supplier
from takt.domain.workstations import Operator, Shift, WorkCalendar, Workstation, standard_week

HHMM = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["07:00"])]


class ShiftIn(Input):
    """Working time on ``weekday`` (0 = Monday) from ``start`` to ``end`` (HH:MM); an end at or
    before the start crosses midnight."""

    weekday: Annotated[int, Strict(), Field(ge=0, le=6)]
    start: HHMM
    end: HHMM


class CalendarIn(Input):
    shifts: list[ShiftIn] = Field(max_length=100)
    holidays: list[Day] = Field(default_factory=list, max_length=1000)

    def to_domain(self) -> WorkCalendar:
        return WorkCalendar(
            tuple(
                Shift(s.weekday, time.fromisoformat(s.start), time.fromisoformat(s.end))
                for s in self.shifts
            ),
            frozenset(self.holidays),
        )


ParallelUnits = Annotated[int, Strict(), Field(ge=1, le=1000)]


class WorkstationCreate(Input):
    code: Code
    name: Name
    cost_per_hour: MoneyIn = Decimal(0)
    parallel_units: ParallelUnits = 1
    calendar: CalendarIn | None = Field(
        default=None, description="Default: Monday to Friday, 07:00-15:30."
    )

    def to_domain(self) -> Workstation:
        cal = self.calendar
        calendar = cal.to_domain() if cal is not None else WorkCalendar(standard_week())
        return Workstation(self.code, self.name, self.cost_per_hour, self.parallel_units, calendar)


class WorkstationUpdate(Patch):
    """Changes to a workstation: only the fields sent change; a calendar replaces the whole
    calendar (shifts and holidays)."""

    name: Name | None = None
    cost_per_hour: MoneyIn | None = None
    parallel_units: ParallelUnits | None = None
    calendar: CalendarIn | None = None

    def changes(self) -> dict[str, Any]:
        changes = self.sent()
        if self.calendar is not None:
            changes["calendar"] = self.calendar.to_domain()
        return changes


class ShiftRead(Output):
    weekday: int
    start: str
    end: str


class CalendarRead(Output):
    shifts: list[ShiftRead]
    holidays: list[str]
    weekly_minutes: int


class WorkstationRead(Output):
    code: str
    name: str
    cost_per_hour: Cost
    parallel_units: int
    calendar: CalendarRead

    @classmethod
    def of(cls, w: Workstation) -> WorkstationRead:
        return cls(
            code=w.code,
            name=w.name,
            cost_per_hour=w.cost_per_hour,
            parallel_units=w.parallel_units,
            calendar=CalendarRead(
                shifts=[
                    ShiftRead(weekday=s.weekday, start=f"{s.start:%H:%M}", end=f"{s.end:%H:%M}")
                    for s in w.calendar.shifts
                ],
                holidays=sorted(d.isoformat() for d in w.calendar.holidays),
                weekly_minutes=w.calendar.weekly_minutes(),
            ),
        )


class OperatorCreate(Input):
    code: Code
    name: Name
    workstations: list[Code] = Field(default_factory=list, max_length=200)

    def to_domain(self) -> Operator:
        return Operator(self.code, self.name, frozenset(self.workstations))


class OperatorUpdate(Patch):
    """Changes to an operator; ``workstations`` replaces the list of those they run."""

    name: Name | None = None
    workstations: Annotated[list[Code], Field(max_length=200)] | None = None

    def changes(self) -> dict[str, Any]:
        changes = self.sent()
        if self.workstations is not None:
            changes["workstations"] = frozenset(self.workstations)
        return changes


class OperatorRead(Output):
    code: str
    name: str
    workstations: list[str]

    @classmethod
    def of(cls, o: Operator) -> OperatorRead:
        return cls(code=o.code, name=o.name, workstations=sorted(o.workstations))


class LocationCreate(Input):
    code: Code
    name: Name

    def to_domain(self) -> Location:
        return Location(self.code, self.name)


class LocationUpdate(Patch):
    name: Name | None = None


class LocationRead(Output):
    code: str
    name: str

    @classmethod
    def of(cls, loc: Location) -> LocationRead:
        return cls(code=loc.code, name=loc.name)


EMAIL = r"^$|^[^@\s\x00-\x1f]{1,64}@[^@\s\x00-\x1f]{1,180}$"


class CustomerCreate(Input):
    code: Code
    name: Name
    email: Annotated[str, Field(max_length=200, pattern=EMAIL)] = ""

    def to_domain(self) -> Customer:
        return Customer(self.code, self.name, self.email)


class CustomerUpdate(Patch):
    name: Name | None = None
    email: Annotated[str, Field(max_length=200, pattern=EMAIL)] | None = None


class CustomerRead(Output):
    code: str
    name: str
    email: str

    @classmethod
    def of(cls, c: Customer) -> CustomerRead:
        return cls(code=c.code, name=c.name, email=c.email)


class SupplierCreate(Input):
    code: Code
    name: Name
    lead_time_days: Days = 0

    def to_domain(self) -> Supplier:
        return Supplier(self.code, self.name, self.lead_time_days)


class SupplierUpdate(Patch):
    name: Name | None = None
    lead_time_days: Days | None = None


class SupplierRead(Output):
    code: str
    name: str
    lead_time_days: int

    @classmethod
    def of(cls, s: Supplier) -> SupplierRead:
        return cls(code=s.code, name=s.name, lead_time_days=s.lead_time_days)
