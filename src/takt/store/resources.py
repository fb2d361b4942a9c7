"""The resource repository: workstations with their calendars, and operators."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from takt.domain.errors import Conflict, NotFound
from takt.domain.workstations import Operator, Shift, WorkCalendar, Workstation
from takt.store.items import lock_row, usages
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
        return self._workstations(None)

    def workstation(self, code: str, *, lock: bool = False) -> Workstation:
        """One workstation with its calendar (its row locked with ``lock``); ``NotFound``."""
        if lock:
            lock_row(self.session, workstations, self._workstation_id(code))
        found = self._workstations(code).get(code)
        if found is None:
            raise NotFound(f"unknown workstation {code!r}", field="code")
        return found

    def _workstation_id(self, code: str) -> int:
        return self.lookups.id_of(workstations, code, "workstation", "code")

    def _workstations(self, code: str | None) -> dict[str, Workstation]:
        shift_query = select(
            workstation_shifts.c.workstation_id,
            workstation_shifts.c.weekday,
            workstation_shifts.c.start_time,
            workstation_shifts.c.end_time,
        )
        holiday_query = select(workstation_holidays.c.workstation_id, workstation_holidays.c.day)
        ws_query = select(workstations).order_by(workstations.c.code)
        if code is not None:
            ws_id = self._workstation_id(code)
            shift_query = shift_query.where(workstation_shifts.c.workstation_id == ws_id)
            holiday_query = holiday_query.where(workstation_holidays.c.workstation_id == ws_id)
            ws_query = ws_query.where(workstations.c.id == ws_id)
        shifts: dict[int, list[Shift]] = {}
        for ws_id, weekday, start, end in self.session.execute(shift_query):
            shifts.setdefault(ws_id, []).append(Shift(weekday, start, end))
        holidays: dict[int, set[date]] = {}
        for ws_id, day in self.session.execute(holiday_query):
            holidays.setdefault(ws_id, set()).add(day)
        result: dict[str, Workstation] = {}
        for row in self.session.execute(ws_query):
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
        self._insert_calendar(ws_id, workstation.calendar)
        workstation.id = ws_id
        self.lookups.remember(workstations, workstation.code, ws_id)
        return workstation

    def _insert_calendar(self, ws_id: int, calendar: WorkCalendar) -> None:
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

    def update_workstation(self, workstation: Workstation) -> None:
        """Stores the name, rate, parallel units and (replacing it) the calendar."""
        ws_id = self._workstation_id(workstation.code)
        self.session.execute(
            update(workstations)
            .where(workstations.c.id == ws_id)
            .values(
                name=workstation.name,
                cost_per_hour=workstation.cost_per_hour,
                parallel_units=workstation.parallel_units,
            )
        )
        self.session.execute(
            delete(workstation_shifts).where(workstation_shifts.c.workstation_id == ws_id)
        )
        self.session.execute(
            delete(workstation_holidays).where(workstation_holidays.c.workstation_id == ws_id)
        )
        self._insert_calendar(ws_id, workstation.calendar)

    def workstation_usages(self, code: str) -> list[str]:
        """What refers to workstation ``code`` (routings, tasks); its row stays locked."""
        ws_id = self._workstation_id(code)
        lock_row(self.session, workstations, ws_id)
        return usages(self.session, workstations, ws_id)

    def delete_workstation(self, code: str) -> None:
        """Deletes the workstation, its calendar and the operators' permission to run it."""
        ws_id = self._workstation_id(code)
        self.session.execute(delete(workstations).where(workstations.c.id == ws_id))

    def operators(self) -> dict[str, Operator]:
        return self._operators(None)

    def operator(self, code: str, *, lock: bool = False) -> Operator:
        """One operator with the workstations they run (row locked with ``lock``); ``NotFound``."""
        op_id = self._operator_id(code)
        if lock:
            lock_row(self.session, operators, op_id)
        return self._operators(op_id)[code]

    def _operator_id(self, code: str) -> int:
        found = self.session.execute(
            select(operators.c.id).where(operators.c.code == code)
        ).scalar_one_or_none()
        if found is None:
            raise NotFound(f"unknown operator {code!r}", field="code")
        return int(found)

    def _operators(self, op_id: int | None) -> dict[str, Operator]:
        skill_query = select(operator_workstations.c.operator_id, workstations.c.code).join(
            workstations, workstations.c.id == operator_workstations.c.workstation_id
        )
        op_query = select(operators).order_by(operators.c.code)
        if op_id is not None:
            skill_query = skill_query.where(operator_workstations.c.operator_id == op_id)
            op_query = op_query.where(operators.c.id == op_id)
        skills: dict[int, set[str]] = {}
        for owner, code in self.session.execute(skill_query):
            skills.setdefault(owner, set()).add(code)
        return {
            row.code: Operator(row.code, row.name, frozenset(skills.get(row.id, ())), id=row.id)
            for row in self.session.execute(op_query)
        }

    def update_operator(self, operator: Operator) -> None:
        """Stores the name and (replacing them) the workstations the operator runs."""
        op_id = self._operator_id(operator.code)
        ws_ids = self.lookups.ids_of(
            workstations, operator.workstations, "workstation", "workstations"
        )
        self.session.execute(
            update(operators).where(operators.c.id == op_id).values(name=operator.name)
        )
        self.session.execute(
            delete(operator_workstations).where(operator_workstations.c.operator_id == op_id)
        )
        if ws_ids:
            self.session.execute(
                insert(operator_workstations),
                [{"operator_id": op_id, "workstation_id": w} for w in ws_ids.values()],
            )

    def operator_usages(self, code: str) -> list[str]:
        """What refers to operator ``code`` (tasks, users); its row stays locked."""
        op_id = self._operator_id(code)
        lock_row(self.session, operators, op_id)
        return usages(self.session, operators, op_id)

    def delete_operator(self, code: str) -> None:
        op_id = self._operator_id(code)
        self.session.execute(delete(operators).where(operators.c.id == op_id))

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
