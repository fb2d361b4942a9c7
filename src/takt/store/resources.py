"""The resource repository: workstations with their calendars, and operators."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from takt.domain.errors import Conflict
from takt.domain.workstations import Operator, Shift, WorkCalendar, Workstation
from takt.store.lookups import Lookups
from takt.store.tables import (
    operator_workstations,
    operators,
    workstation_holidays,
    workstation_shifts,
    workstations,
)


class SqlResourceRepository:
    def __init__(self, session: Session, lookups: Lookups) -> None:
        self.session = session
        self.lookups = lookups

    def workstations(self) -> dict[str, Workstation]:
        shifts: dict[int, list[Shift]] = {}
        for ws_id, weekday, start, end in self.session.execute(
            select(
                workstation_shifts.c.workstation_id,
                workstation_shifts.c.weekday,
                workstation_shifts.c.start_time,
                workstation_shifts.c.end_time,
            )
        ):
            shifts.setdefault(ws_id, []).append(Shift(weekday, start, end))
        holidays: dict[int, set[date]] = {}
        for ws_id, day in self.session.execute(
            select(workstation_holidays.c.workstation_id, workstation_holidays.c.day)
        ):
            holidays.setdefault(ws_id, set()).add(day)
        result: dict[str, Workstation] = {}
        for row in self.session.execute(select(workstations).order_by(workstations.c.code)):
            calendar = WorkCalendar(
                tuple(shifts.get(row.id, ())), frozenset(holidays.get(row.id, ()))
            )
            result[row.code] = Workstation(
                id=row.id,
                code=row.code,
                name=row.name,
                cost_per_hour=row.cost_per_hour,
                parallel_units=row.parallel_units,
                calendar=calendar,
            )
        return result

    def add_workstation(self, workstation: Workstation) -> Workstation:
        if self.session.execute(
            select(workstations.c.id).where(workstations.c.code == workstation.code)
        ).first():
            raise Conflict(f"workstation {workstation.code!r} already exists", field="code")
        ws_id = self.session.execute(
            insert(workstations)
            .values(
                code=workstation.code,
                name=workstation.name,
                cost_per_hour=workstation.cost_per_hour,
                parallel_units=workstation.parallel_units,
            )
            .returning(workstations.c.id)
        ).scalar_one()
        calendar = workstation.calendar
        if calendar.shifts:
            self.session.execute(
                insert(workstation_shifts),
                [
                    {
                        "workstation_id": ws_id,
                        "weekday": s.weekday,
                        "start_time": _minute(s.start),
                        "end_time": _minute(s.end),
                    }
                    for s in calendar.shifts
                ],
            )
        if calendar.holidays:
            self.session.execute(
                insert(workstation_holidays),
                [{"workstation_id": ws_id, "day": d} for d in sorted(calendar.holidays)],
            )
        workstation.id = ws_id
        self.lookups.remember(workstations, workstation.code, ws_id)
        return workstation

    def operators(self) -> dict[str, Operator]:
        skills: dict[int, set[str]] = {}
        for op_id, code in self.session.execute(
            select(operator_workstations.c.operator_id, workstations.c.code).join(
                workstations, workstations.c.id == operator_workstations.c.workstation_id
            )
        ):
            skills.setdefault(op_id, set()).add(code)
        return {
            row.code: Operator(row.code, row.name, frozenset(skills.get(row.id, ())), id=row.id)
            for row in self.session.execute(select(operators).order_by(operators.c.code))
        }

    def add_operator(self, operator: Operator) -> Operator:
        if self.session.execute(
            select(operators.c.id).where(operators.c.code == operator.code)
        ).first():
            raise Conflict(f"operator {operator.code!r} already exists", field="code")
        ws_ids = self.lookups.ids_of(
            workstations, operator.workstations, "workstation", "workstations"
        )
        op_id = self.session.execute(
            insert(operators)
            .values(code=operator.code, name=operator.name)
            .returning(operators.c.id)
        ).scalar_one()
        if ws_ids:
            self.session.execute(
                insert(operator_workstations),
                [{"operator_id": op_id, "workstation_id": w} for w in ws_ids.values()],
            )
        operator.id = op_id
        return operator


def _minute(value: time) -> time:
    """Shift times are kept to the minute."""
    return value.replace(second=0, microsecond=0)
