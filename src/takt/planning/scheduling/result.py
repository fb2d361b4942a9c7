"""What an optimisation returns: a status instead of an exception, with its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from takt.planning.scheduling.plan import Objective, Plan


class SolveStatus(Enum):
    """How a solve ended.

    ``FEASIBLE`` means a plan was found but not proven optimal (usually the time limit ended the
    search); ``TIME_LIMIT`` means the time ran out before any plan was found; ``INFEASIBLE``
    means no plan exists, and :attr:`SolveResult.reason` says why.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    TIME_LIMIT = "time_limit"
    INFEASIBLE = "infeasible"


@dataclass(frozen=True)
class SolveResult:
    """The best plan found and how good it provably is.

    ``objective`` is the primary objective value of ``plan`` (see
    :func:`takt.planning.scheduling.plan.objective_value`); ``best_bound`` a proven lower bound on
    it; ``gap`` = (objective - bound) / max(1, |objective|), 0 when optimal. ``warm_start_objective``
    is the instant plan's value, which the optimiser never does worse than.
    """

    status: SolveStatus
    objective_kind: Objective
    plan: Plan | None
    objective: int | None
    best_bound: int | None
    seconds: float
    reason: str = ""
    warm_start_objective: int | None = None
    iterations: int = 0

    @property
    def gap(self) -> float | None:
        """Relative distance between objective and bound, None without both."""
        if self.objective is None or self.best_bound is None:
            return None
        return max(0, self.objective - self.best_bound) / max(1, abs(self.objective))
