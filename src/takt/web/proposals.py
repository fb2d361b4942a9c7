"""An optimised plan the planner accepts or discards (the Schedule page's "Optimise").

``scheduling.propose`` works the plan out and stores nothing; this module keeps it in the server
process's memory (``Proposals``) beside the stored plan's figures, for the before/after
comparison. Accept stores it through ``scheduling.accept`` (refused when an input changed since:
"optimise again"); Discard forgets it. Behind several app processes a proposal lives in the
process that made it: an Accept that reaches another process is told the proposal is gone, and
the planner optimises again.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from takt.app import scheduling
from takt.app.ports import UnitOfWorkFactory
from takt.app.schedule_queries import PlanFigures, schedule
from takt.app.stock import Clock, utc_now
from takt.domain.errors import DomainError

KEEP = 8  # proposals kept at once (the newest)
LIFETIME = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Figures:
    """What the planner compares: late orders, weighted tardiness and the makespan."""

    version: int | None
    late_orders: tuple[str, ...]
    tardiness_minutes: int
    makespan: datetime | None


@dataclass(frozen=True, slots=True)
class Proposal:
    token: str
    user: str
    before: Figures
    after: Figures
    plan: scheduling.Proposal = field(repr=False)

    @property
    def made_at(self) -> datetime:
        return self.plan.made_at

    @property
    def engine(self) -> str:
        return self.plan.summary.engine

    @property
    def status(self) -> str:
        return self.plan.summary.status

    @property
    def seconds(self) -> float:
        return self.plan.summary.seconds

    @property
    def orders(self) -> int:
        return self.plan.summary.orders

    @property
    def late_change(self) -> int:
        return len(self.after.late_orders) - len(self.before.late_orders)

    @property
    def tardiness_change(self) -> int:
        return self.after.tardiness_minutes - self.before.tardiness_minutes

    @property
    def makespan_change(self) -> int | None:
        """Minutes the last task ends later (negative: earlier); None when either is unknown."""
        if self.before.makespan is None or self.after.makespan is None:
            return None
        return int((self.after.makespan - self.before.makespan).total_seconds() // 60)

    @property
    def newly_late(self) -> list[str]:
        return [n for n in self.after.late_orders if n not in self.before.late_orders]

    @property
    def no_longer_late(self) -> list[str]:
        return [n for n in self.before.late_orders if n not in self.after.late_orders]


def stored_figures(uows: UnitOfWorkFactory) -> Figures:
    """The stored plan's figures, its makespan the latest planned finish of an open task."""
    data = schedule(uows)
    figures: PlanFigures = data.figures
    finishes = [t.planned_finish for t in data.tasks if t.planned_finish is not None]
    return Figures(
        figures.version,
        figures.late_orders,
        figures.tardiness_minutes,
        max(finishes) if finishes else None,
    )


def propose(uows: UnitOfWorkFactory, user: str, seconds: float, clock: Clock = utc_now) -> Proposal:
    """Optimises for up to ``seconds`` without storing anything; the plan before and after."""
    before = stored_figures(uows)
    plan = scheduling.propose(uows, clock, optimise_seconds=seconds)
    summary = plan.summary
    after = Figures(
        None,
        tuple(order.number for order in summary.late),
        summary.tardiness_minutes,
        summary.makespan,
    )
    return Proposal(secrets.token_urlsafe(12), user, before, after, plan)


def accept(proposal: Proposal, uows: UnitOfWorkFactory, clock: Clock = utc_now) -> int:
    """Stores the proposal's plan as a new version, if no input changed since it was made;
    returns the version. Raises ``DomainError`` (field "plan") when something changed."""
    return scheduling.accept(proposal.plan, uows, clock).version


class Proposals:
    """The proposals of this process, newest last; each taken at most once (accept/discard)."""

    def __init__(self, keep: int = KEEP, lifetime: timedelta = LIFETIME) -> None:
        self._items: OrderedDict[str, Proposal] = OrderedDict()
        self._lock = threading.Lock()
        self.keep = keep
        self.lifetime = lifetime

    def add(self, proposal: Proposal) -> None:
        with self._lock:
            self._items[proposal.token] = proposal
            while len(self._items) > self.keep:
                self._items.popitem(last=False)

    def take(self, token: str, now: datetime) -> Proposal:
        """The proposal ``token`` (forgotten from now on); ``DomainError`` when it is gone."""
        with self._lock:
            found = self._items.pop(token, None)
        if found is None or now - found.made_at > self.lifetime:
            raise DomainError(
                "this optimised plan is no longer available: optimise again", field="plan"
            )
        return found


@dataclass
class Optimising:
    """An optimiser run in the background: the better plans it found so far, then its proposal.

    ``points`` are (seconds since the start, weighted tardiness in minutes) of each better plan,
    the warm start first: the Schedule page draws them while the search runs.
    """

    token: str
    user: str
    seconds: float
    points: list[tuple[float, int]] = field(default_factory=list)
    proposal: Proposal | None = None
    error: str = ""
    done: threading.Event = field(default_factory=threading.Event)
    handed_over: bool = False
    began: float = field(default_factory=time.monotonic)

    @property
    def best(self) -> int | None:
        return self.points[-1][1] if self.points else None

    @property
    def first(self) -> int | None:
        return self.points[0][1] if self.points else None

    @property
    def elapsed(self) -> float:
        """Seconds since the run began (the time limit at most)."""
        return min(self.seconds, time.monotonic() - self.began)

    def curve(self, width: int = 240, height: int = 48) -> str:
        """SVG polyline points of the best value over time (a step line), scaled to the box."""
        if not self.points:
            return ""
        top = max(v for _, v in self.points) or 1
        span = max(self.seconds, 0.001)
        coords: list[str] = []
        last_y: float | None = None
        for t, v in self.points:
            x = min(width, t / span * width)
            y = height - v / top * height
            if last_y is not None:
                coords.append(f"{x:.1f},{last_y:.1f}")  # a step: the best holds until now
            coords.append(f"{x:.1f},{y:.1f}")
            last_y = y
        return " ".join(coords)


class Optimisations:
    """The optimiser runs of this process (the newest few), by token."""

    def __init__(self, keep: int = KEEP) -> None:
        self._items: OrderedDict[str, Optimising] = OrderedDict()
        self._lock = threading.Lock()
        self.keep = keep

    def start(
        self, uows: UnitOfWorkFactory, user: str, seconds: float, clock: Clock = utc_now
    ) -> Optimising:
        """Starts optimising in a thread of its own and returns at once."""
        run = Optimising(secrets.token_urlsafe(12), user, seconds)
        with self._lock:
            self._items[run.token] = run
            while len(self._items) > self.keep:
                self._items.popitem(last=False)

        def work() -> None:
            try:
                before = stored_figures(uows)
                plan = scheduling.propose(
                    uows,
                    clock,
                    optimise_seconds=seconds,
                    progress=lambda t, value: run.points.append((t, value)),
                )
                summary = plan.summary
                after = Figures(
                    None,
                    tuple(order.number for order in summary.late),
                    summary.tardiness_minutes,
                    summary.makespan,
                )
                run.proposal = Proposal(secrets.token_urlsafe(12), user, before, after, plan)
            except DomainError as refused:
                run.error = str(refused)
            except Exception:  # the page must say the run failed rather than wait forever
                run.error = "the optimiser stopped on an internal error; the plan is unchanged"
                raise
            finally:
                run.done.set()

        threading.Thread(target=work, name=f"optimise-{run.token}", daemon=True).start()
        return run

    def get(self, token: str) -> Optimising:
        with self._lock:
            found = self._items.get(token)
        if found is None:
            raise DomainError("this optimiser run is no longer known: optimise again", field="plan")
        return found
