"""Operators act only on their own work: tasks assigned to them, or free tasks on workstations
they may run, and MOs holding such a task. Other roles pass unchecked."""

from __future__ import annotations

from takt.api.deps import Caller
from takt.api.problems import ApiProblem
from takt.app import api_queries
from takt.app.ports import UnitOfWorkFactory
from takt.domain.manufacturing import ManufacturingOrder


def _runs(uows: UnitOfWorkFactory, operator: str) -> frozenset[str]:
    found = {o.code: o for o in api_queries.operators(uows)}.get(operator)
    return found.workstations if found else frozenset()


def check_task(uows: UnitOfWorkFactory, caller: Caller, number: str, sequence: int) -> None:
    """Refuses (403) an operator acting on a task that is not theirs; 404 for an unknown MO."""
    operator = caller.operator
    if operator is None:
        return
    task = api_queries.manufacturing_order(uows, number).task(sequence)
    if not task.is_work_of(operator, _runs(uows, operator)):
        raise ApiProblem(403, f"task {sequence} of {number} is not yours ({operator})")


def check_mo(uows: UnitOfWorkFactory, caller: Caller, number: str) -> ManufacturingOrder | None:
    """Refuses (403) an operator posting to an MO none of whose tasks is theirs."""
    operator = caller.operator
    if operator is None:
        return None
    mo = api_queries.manufacturing_order(uows, number)
    runs = _runs(uows, operator)
    if not any(t.is_work_of(operator, runs) for t in mo.tasks):
        raise ApiProblem(403, f"{number} has no task of yours ({operator})")
    return mo
