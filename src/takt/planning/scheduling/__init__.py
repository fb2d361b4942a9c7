"""Finite-capacity scheduling: problem data, calendars, the instant plan, validation, reasons.

Everything here is standard library only. The CP-SAT optimiser lives in
:mod:`takt.planning.scheduling.cpsat` (``from takt.planning.scheduling.cpsat.solve import
optimise``) so that importing this package never loads OR-Tools.
"""

from takt.planning.scheduling.dispatch import ScheduleError, dispatch, dispatch_by_work_remaining
from takt.planning.scheduling.explain import LateJob, Reason, explain
from takt.planning.scheduling.plan import Assignment, Measures, Objective, Plan, measure
from takt.planning.scheduling.problem import (
    ANY_SKILL,
    Calendar,
    Job,
    Mode,
    Operation,
    Operator,
    Pin,
    Problem,
    ProblemError,
    Resource,
    Window,
)
from takt.planning.scheduling.result import SolveResult, SolveStatus
from takt.planning.scheduling.validate import Violation, assert_valid, validate

__all__ = [
    "ANY_SKILL",
    "Assignment",
    "Calendar",
    "Job",
    "LateJob",
    "Measures",
    "Mode",
    "Objective",
    "Operation",
    "Operator",
    "Pin",
    "Plan",
    "Problem",
    "ProblemError",
    "Reason",
    "Resource",
    "ScheduleError",
    "SolveResult",
    "SolveStatus",
    "Violation",
    "Window",
    "assert_valid",
    "dispatch",
    "dispatch_by_work_remaining",
    "explain",
    "measure",
    "validate",
]
