"""The bridge from stored orders to the scheduler, and back.

``build`` turns the open manufacturing orders into a planning problem: each open task becomes an
operation on its workstation (minutes still to do: planned minus booked), each workstation
brings its calendar (shifts and holidays in the plant's time zone), and each MO may not start
before its materials are there (its release, from the allocation's pegging). ``replan`` runs the
instant plan (or the CP-SAT optimiser) on it, writes every task's and MO's planned start and
finish, explains late orders, and records the plan as a version with its inputs' fingerprint.

Choices:
- A task in progress is pinned from now for the minutes it still needs; done tasks are gone.
- A material short with no supply in sight holds its MO for the item's purchase lead time.
- An order is late when its planned finish passes the end of its due date.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from time import perf_counter
from zoneinfo import ZoneInfo

from takt.app.availability import allocation, ingredient_ref
from takt.app.ports import UnitOfWork, UnitOfWorkFactory
from takt.app.stock import Clock, utc_now
from takt.app.webhooks import publish_event
from takt.domain.allocation import Status
from takt.domain.errors import DomainError
from takt.domain.events import PlanChanged
from takt.domain.manufacturing import ManufacturingOrder, MOStatus
from takt.domain.tasks import TaskStatus
from takt.domain.workstations import Workstation
from takt.planning.scheduling.dispatch import ScheduleError, dispatch
from takt.planning.scheduling.explain import Reason, explain
from takt.planning.scheduling.plan import Plan, measure
from takt.planning.scheduling.problem import (
    Calendar,
    Job,
    Mode,
    Operation,
    Pin,
    Problem,
    Resource,
)
from takt.planning.scheduling.problem import Operator as PlanOperator

TIMEZONE = "plant.timezone"
OPERATORS = "plan.operators"
"""Setting: "true" plans operators as a second resource (a task needs a free operator who may
run its workstation); anything else plans workstations only."""
HORIZON_DAYS = 120
MAX_HORIZON_DAYS = 3 * 365


def plant_zone(uow: UnitOfWork) -> ZoneInfo:
    return ZoneInfo(uow.settings.get(TIMEZONE, "UTC"))


@dataclass(frozen=True, slots=True)
class Release:
    """When an MO's materials are there, and the ingredient that decides it."""

    day: date | None
    because: str = ""


@dataclass(slots=True)
class Model:
    """A planning problem and how its jobs and operations map back to MOs and tasks."""

    problem: Problem
    origin: datetime
    zone: ZoneInfo
    jobs: list[str]  # job index -> MO number
    tasks: list[list[int]]  # job index -> task sequence per operation
    releases: dict[str, Release]
    unscheduled: list[str] = field(default_factory=list)  # open MOs without open tasks

    def at(self, minute: int) -> datetime:
        return self.origin + timedelta(minutes=minute)

    def fingerprint(self) -> str:
        """A hash of what the plan depends on (not of the clock), to tell when it is stale."""
        canon = {
            "jobs": [
                [
                    j.id,
                    j.release,
                    j.due,
                    j.rank,
                    [[m.resource, m.duration] for op in j.operations for m in op.modes],
                    [op.skill for op in j.operations],
                ]
                for j in self.problem.jobs
            ],
            "operators": [[o.id, sorted(o.skills)] for o in self.problem.operators],
            "resources": [
                [r.id, r.units, len(r.calendar.intervals) if r.calendar else 0]
                for r in self.problem.resources
            ],
            "day": self.origin.astimezone(self.zone).date().isoformat(),
        }
        return hashlib.sha256(json.dumps(canon, sort_keys=True).encode()).hexdigest()[:16]


def _minute(origin: datetime, moment: datetime) -> int:
    """Whole minutes from the plan origin (0 for anything in the past)."""
    return max(0, math.ceil((moment - origin).total_seconds() / 60))


def _calendar(ws: Workstation, origin: datetime, zone: ZoneInfo, horizon: int) -> Calendar:
    first = origin.astimezone(zone).date() - timedelta(days=1)
    last = first + timedelta(days=horizon // 1440 + 2)
    spans: list[tuple[int, int]] = []
    for begin, end in ws.calendar.intervals(first, last):
        start = int((begin.replace(tzinfo=zone) - origin).total_seconds() // 60)
        stop = int((end.replace(tzinfo=zone) - origin).total_seconds() // 60)
        start, stop = max(start, 0), min(stop, horizon)
        if stop > start:
            spans.append((start, stop))
    return Calendar(tuple(spans), name=ws.code)


def releases(uow: UnitOfWork, mos: Sequence[ManufacturingOrder], today: date) -> dict[str, Release]:
    """When each MO's ingredients are all there, from the allocation's pegging."""
    result = allocation(uow)
    items = uow.items.by_sku()
    out: dict[str, Release] = {}
    for mo in mos:
        latest: tuple[date, str] | None = None
        for ing in mo.ingredients:
            line = result.lines.get(ingredient_ref(mo.number, ing.sku))
            if line is None or line.status is Status.GREEN:
                continue
            alloc = line.allocation
            ready = max((p.date for p in line.pegs), default=today)
            why = line.reason
            if alloc is not None and alloc.short > 0:
                item = items[ing.sku]
                if item.is_made:
                    why = f"{ing.sku} short {alloc.short}: no open order makes it"
                else:
                    lead = item.lead_time_days
                    ready = max(ready, today + timedelta(days=lead))
                    why = f"{ing.sku} short {alloc.short}: {lead} days to buy"
            else:
                why = f"{ing.sku} {why}"
            if latest is None or ready > latest[0]:
                latest = (ready, why)
        out[mo.number] = (
            Release(latest[0], latest[1]) if latest and latest[0] > today else Release(None)
        )
    return out


def build(uow: UnitOfWork, now: datetime, horizon_days: int = HORIZON_DAYS) -> Model:
    """The planning problem of every open MO, as things stand in this unit of work."""
    zone = plant_zone(uow)
    origin = now.astimezone(UTC).replace(second=0, microsecond=0)
    horizon = horizon_days * 1440
    stations = uow.resources.workstations()
    resources = tuple(
        Resource(code, ws.parallel_units, _calendar(ws, origin, zone, horizon))
        for code, ws in sorted(stations.items())
        if ws.calendar.shifts
    )
    usable = {r.id for r in resources}
    # Operators as a second resource, when the plant says so: a task on a workstation that some
    # operators may run needs one of them for its whole length; stations nobody is registered
    # for run unattended.
    people = uow.resources.operators() if uow.settings.get(OPERATORS) == "true" else {}
    crew = tuple(
        PlanOperator(code, frozenset(person.workstations))
        for code, person in sorted(people.items())
        if person.workstations
    )
    staffed: set[str] = set().union(*(p.skills for p in crew))
    mos = uow.manufacturing.orders([s.value for s in MOStatus if s.is_open])
    rel = releases(uow, mos, origin.astimezone(zone).date())
    jobs: list[Job] = []
    numbers: list[str] = []
    sequences: list[list[int]] = []
    unscheduled: list[str] = []
    pinned_units: dict[str, int] = {}
    for mo in mos:
        ops: list[Operation] = []
        seqs: list[int] = []
        for task in mo.tasks:
            if task.status is TaskStatus.DONE:
                continue
            if task.workstation not in usable:
                raise DomainError(
                    f"{mo.number} task {task.sequence}: workstation {task.workstation} has no "
                    "working hours",
                    field="workstation",
                )
            left = max(Decimal(0), task.planned_minutes - task.booked_minutes(now))
            minutes = math.ceil(left)
            pin = None
            if task.status is TaskStatus.IN_PROGRESS and not ops:
                unit = pinned_units.get(task.workstation, 0)
                if unit < stations[task.workstation].parallel_units:
                    pinned_units[task.workstation] = unit + 1
                    runs = people.get(task.operator or "")
                    who = task.operator if runs and task.workstation in runs.workstations else None
                    pin = Pin(task.workstation, unit, 0, minutes, operator=who)
            ops.append(
                Operation(
                    f"{task.sequence} {task.name}",
                    (Mode(task.workstation, minutes),),
                    pin=pin,
                    skill=task.workstation if task.workstation in staffed else None,
                )
            )
            seqs.append(task.sequence)
        if not ops:
            unscheduled.append(mo.number)
            continue
        release = rel[mo.number].day
        due_end = datetime.combine(mo.due_date + timedelta(days=1), time(0), zone)
        jobs.append(
            Job(
                mo.number,
                tuple(ops),
                release=_minute(origin, datetime.combine(release, time(0), zone)) if release else 0,
                due=_minute(origin, due_end),
                weight=2 if mo.is_make_to_order else 1,
                rank=mo.rank,
            )
        )
        numbers.append(mo.number)
        sequences.append(seqs)
    problem = Problem(resources, tuple(jobs), horizon, crew)
    return Model(problem, origin, zone, numbers, sequences, rel, unscheduled)


@dataclass(frozen=True, slots=True)
class LateOrder:
    number: str
    due: date
    finish: datetime
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """What a replan decided: a version, its engine and measures, and the late orders."""

    version: int
    fingerprint: str
    engine: str
    status: str
    orders: int
    operations: int
    tardiness_minutes: int
    makespan: datetime | None
    late: tuple[LateOrder, ...]
    seconds: float


Progress = Callable[[float, int], None]
"""Told of each better plan the optimiser finds: (seconds since it started, weighted tardiness)."""


def _plan(
    model: Model,
    optimise_seconds: float | None,
    workers: int,
    seed: int,
    progress: Progress | None = None,
) -> tuple[Plan, str, str]:
    if optimise_seconds is None:
        return dispatch(model.problem), "dispatch", "feasible"
    from takt.planning.scheduling.cpsat.solve import optimise

    result = optimise(
        model.problem,
        time_limit=optimise_seconds,
        workers=workers,
        seed=seed,
        progress=progress,
    )
    if result.plan is None:
        raise DomainError(f"the optimiser found no plan: {result.reason}", field="schedule")
    return result.plan, "cp-sat", result.status.value


def replan(
    uow: UnitOfWork,
    clock: Clock = utc_now,
    *,
    optimise_seconds: float | None = None,
    workers: int = 2,
    seed: int = 0,
) -> PlanSummary:
    """Plans every open MO on finite capacity and stores the plan as a new version."""
    with uow:
        now = clock()
        outcome = _work_out(uow, now, optimise_seconds, workers, seed)
        summary = _write(uow, outcome, now, clock)
        uow.commit()
        return summary


@dataclass(frozen=True, slots=True)
class Proposal:
    """An optimised plan worked out and not stored: the planner accepts or discards it.

    ``marker`` is the plan's inputs at the time (``input_marker``): accepting it once they have
    changed is refused, since the plan would no longer fit the orders.
    """

    summary: PlanSummary
    marker: str
    made_at: datetime
    mo_times: MoTimes = field(repr=False)
    task_times: TaskTimes = field(repr=False)


def propose(
    uows: UnitOfWorkFactory,
    clock: Clock = utc_now,
    *,
    optimise_seconds: float,
    workers: int = 2,
    seed: int = 0,
    progress: Progress | None = None,
) -> Proposal:
    """Optimises every open MO for up to ``optimise_seconds`` and stores nothing; ``progress``
    hears of each better plan as the optimiser finds it."""
    with uows() as uow:
        now = clock()
        marker = input_marker(uow, now.astimezone(plant_zone(uow)).date())
        # The first pass's dates are written in this transaction only, for the second pass to
        # read; leaving without a commit rolls them back.
        outcome = _work_out(uow, now, optimise_seconds, workers, seed, progress)
    return Proposal(outcome.summary, marker, now, outcome.mo_times, outcome.task_times)


def accept(proposal: Proposal, uows: UnitOfWorkFactory, clock: Clock = utc_now) -> PlanSummary:
    """Stores ``proposal`` as the new plan version, if no input changed since it was made;
    raises ``DomainError`` (field "plan") when one did."""
    with uows() as uow:
        now = clock()
        marker = input_marker(uow, now.astimezone(plant_zone(uow)).date())
        if marker != proposal.marker:
            raise DomainError(
                "the orders changed since this plan was optimised: optimise again", field="plan"
            )
        outcome = _Outcome(proposal.summary, proposal.mo_times, proposal.task_times)
        summary = _write(uow, outcome, now, clock)
        # The background planner replans when the inputs differ from its last marker; these are
        # the inputs of this plan, so it leaves the accepted plan alone until something changes.
        uow.settings.set(PLAN_MARKER, marker)
        uow.commit()
        return summary


MoTimes = dict[str, tuple[datetime | None, datetime | None, str]]
TaskTimes = dict[tuple[str, int], tuple[datetime, datetime]]


@dataclass(frozen=True, slots=True)
class _Outcome:
    """A plan worked out: its summary (version 0 until recorded) and the times to store."""

    summary: PlanSummary
    mo_times: MoTimes
    task_times: TaskTimes


def _work_out(
    uow: UnitOfWork,
    now: datetime,
    optimise_seconds: float | None,
    workers: int,
    seed: int,
    progress: Progress | None = None,
) -> _Outcome:
    began = perf_counter()
    # Material dates depend on planned dates (an ingredient is needed at its MO's start, a
    # sub-assembly arrives at its MO's finish) and the plan on material dates: plan once with the
    # instant dispatcher, write its dates in this transaction, then plan again on them.
    model, plan, engine, status = _fit(uow, now, None, workers, seed)
    first = _outcome(model, plan, engine, status, now, 0.0)
    uow.manufacturing.store_plan(first.mo_times, first.task_times)
    model, plan, engine, status = _fit(uow, now, optimise_seconds, workers, seed, progress)
    return _outcome(model, plan, engine, status, now, perf_counter() - began)


def _write(uow: UnitOfWork, outcome: _Outcome, now: datetime, clock: Clock) -> PlanSummary:
    """Stores the planned times, records the version and announces it (in ``uow``)."""
    summary = outcome.summary
    uow.manufacturing.store_plan(outcome.mo_times, outcome.task_times)
    version = uow.manufacturing.record_plan(
        created_at=now,
        fingerprint=summary.fingerprint,
        engine=summary.engine,
        status=summary.status,
        tardiness=summary.tardiness_minutes,
        late_orders=len(summary.late),
    )
    summary = replace(summary, version=version)
    publish_event(
        uow,
        PlanChanged(
            summary.version,
            summary.fingerprint,
            summary.engine,
            summary.status,
            summary.orders,
            tuple(late.number for late in summary.late),
            summary.tardiness_minutes,
        ),
        clock,
    )
    return summary


PLAN_MARKER = "plan.input_marker"


def input_marker(uow: UnitOfWork, today: date) -> str:
    """A hash of what the plan depends on that users change: open MOs (rank, status, quantity,
    ingredients, task events), open sales and purchase lines, the ledger, and the day. Cheap (a
    handful of light queries), so a server can ask every few seconds whether to replan."""
    parts = (
        today.isoformat(),
        uow.stock.last_entry_id(),
        uow.manufacturing.plan_inputs(),
        sorted(
            (p.order, p.line_no, p.remaining, p.expected_date) for p in uow.purchasing.open_lines()
        ),
        sorted(
            (s.order, s.line_no, s.remaining, s.delivery_date, s.rank)
            for s in uow.sales.open_lines()
        ),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def replan_if_changed(uows: UnitOfWorkFactory, clock: Clock = utc_now) -> PlanSummary | None:
    """Runs the instant plan when its inputs changed since the last one; None when they did not.

    A server calls this every few seconds (a debounce: many changes in a burst give one plan).
    """
    with uows(read_only=True) as uow:
        today = clock().astimezone(plant_zone(uow)).date()
        marker = input_marker(uow, today)
        if uow.settings.get(PLAN_MARKER) == marker:
            return None
    summary = replan(uows(), clock)
    with uows() as uow:
        uow.settings.set(PLAN_MARKER, marker)
        uow.commit()
    return summary


def _fit(
    uow: UnitOfWork,
    now: datetime,
    optimise_seconds: float | None,
    workers: int,
    seed: int,
    progress: Progress | None = None,
) -> tuple[Model, Plan, str, str]:
    """Builds and plans, widening the horizon until every order fits."""
    days = HORIZON_DAYS
    while True:
        model = build(uow, now, days)
        try:
            return (model, *_plan(model, optimise_seconds, workers, seed, progress))
        except ScheduleError:
            if days >= MAX_HORIZON_DAYS:
                raise DomainError(
                    f"the open orders do not fit in {MAX_HORIZON_DAYS} days of capacity",
                    field="schedule",
                ) from None
            days *= 2


def _outcome(
    model: Model, plan: Plan, engine: str, status: str, now: datetime, seconds: float
) -> _Outcome:
    """The planned times of every MO and task, and the summary with the late orders' reasons."""
    problem = model.problem
    task_times: TaskTimes = {}
    mo_times: MoTimes = {}
    for j, number in enumerate(model.jobs):
        row = plan.assignments[j]
        for k, a in enumerate(row):
            task_times[(number, model.tasks[j][k])] = (model.at(a.start), model.at(a.end))
        mo_times[number] = (model.at(row[0].start), model.at(plan.completion(j)), "")
    for number in model.unscheduled:
        release = model.releases[number].day
        moment = datetime.combine(release, time(0), model.zone) if release else now
        mo_times[number] = (moment, moment, "")
    late: list[LateOrder] = []
    for late_job in explain(problem, plan):
        j = problem.job_index[late_job.job]
        texts = tuple(_reason_text(model, j, r) for r in late_job.reasons) or (
            _too_much_work(model, plan, j),
        )
        finish = model.at(late_job.completion)
        due = (model.at(late_job.due) - timedelta(days=1)).astimezone(model.zone).date()
        late.append(LateOrder(late_job.job, due, finish, texts))
        start = mo_times[late_job.job][0]
        mo_times[late_job.job] = (start, finish, "; ".join(texts))
    measures = measure(problem, plan)
    summary = PlanSummary(
        version=0,
        fingerprint=model.fingerprint(),
        engine=engine,
        status=status,
        orders=len(model.jobs) + len(model.unscheduled),
        operations=problem.operation_count,
        tardiness_minutes=measures.weighted_tardiness,
        makespan=model.at(plan.makespan) if model.jobs else None,
        late=tuple(late),
        seconds=seconds,
    )
    return _Outcome(summary, mo_times, task_times)


def _too_much_work(model: Model, plan: Plan, j: int) -> str:
    """The reason when nothing made a late order wait: its own work outlasts the shifts."""
    row = plan.assignments[j]
    job = model.problem.jobs[j]
    hours = sum(op.modes[0].duration for op in job.operations) / 60
    stations = ", ".join(dict.fromkeys(model.problem.resources[a.resource].id for a in row))
    start = model.at(row[0].start).astimezone(model.zone)
    return (
        f"starts as early as it can ({start:%a %d %b %H:%M}) but needs {hours:.1f} h on "
        f"{stations}: too few working hours before the due date"
    )


def _reason_text(model: Model, j: int, reason: Reason) -> str:
    if reason.kind == "material":
        release = model.releases[model.jobs[j]]
        when = release.day.isoformat() if release.day else "now"
        return f"materials from {when}: {release.because}"
    op = model.problem.jobs[j].operations[reason.op].name
    hours = (reason.until - reason.since) / 60
    if reason.kind == "resource":
        return f"task {op} waited {hours:.1f} h for {reason.resource} behind {', '.join(reason.blocking_jobs)}"
    if reason.kind == "operator":
        busy = f", {reason.detail} busy with {', '.join(reason.blocking_jobs)}"
        return f"task {op} waited {hours:.1f} h for an operator who may run {reason.resource}" + (
            busy if reason.blocking_jobs else ""
        )
    if reason.kind == "downtime":
        return f"task {op} waited {hours:.1f} h: {reason.resource} down ({reason.detail})"
    if reason.kind == "calendar":
        return f"task {op} waited {hours:.1f} h for {reason.resource}'s working hours"
    return f"waited for {', '.join(reason.blocking_jobs)}"
