"""Capable-to-promise: the earliest date a new order for an item could be delivered.

The new order queues behind everything already promised: its demand takes the lowest priority in
allocation, and the MOs it needs join the schedule after every open MO. What stock and open
supply cannot cover is made (a new job per made level, sub-assemblies first) or bought (at the
item's purchase lead time). The answer names what decides the date: stock, a supply's arrival,
a material's lead time, or a workstation's capacity. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from takt.app.availability import snapshot
from takt.app.ports import UnitOfWork
from takt.app.scheduling import Model, build
from takt.app.stock import Clock, utc_now
from takt.domain.allocation import Demand, DemandKind, allocate
from takt.domain.bom import BomBook, fraction_to_quantity
from takt.domain.errors import DomainError
from takt.domain.units import QuantityError
from takt.planning.scheduling.calendar import Availability
from takt.planning.scheduling.dispatch import dispatch
from takt.planning.scheduling.problem import Job, Mode, Operation, Problem

ZERO = Decimal(0)
LAST = 10**9  # a rank behind every real order


@dataclass(frozen=True, slots=True)
class Promise:
    """The earliest delivery date of ``quantity`` of ``sku``, and why not earlier."""

    sku: str
    quantity: Decimal
    promised: date
    from_stock: Decimal
    to_make: Decimal
    to_buy: dict[str, Decimal]
    binding: str
    steps: tuple[str, ...] = field(default_factory=tuple)
    requested: date | None = None

    @property
    def meets_request(self) -> bool | None:
        return None if self.requested is None else self.promised <= self.requested


@dataclass(slots=True)
class _Need:
    sku: str
    quantity: Decimal
    parent: int | None  # index of the job this feeds


def promise(
    sku: str, quantity: Decimal, uow: UnitOfWork, by: date | None = None, clock: Clock = utc_now
) -> Promise:
    """Capable-to-promise for a new order of ``quantity`` of ``sku`` (see the module doc)."""
    if quantity <= 0:
        raise QuantityError(f"quantity must be positive, got {quantity}", field="quantity")
    with uow:
        now = clock()
        items = uow.items.by_sku()
        if sku not in items:
            raise DomainError(f"unknown SKU {sku!r}", field="sku")
        book = BomBook(items, uow.recipes.boms())
        routings = uow.recipes.routings()
        model = build(uow, now)
        snap = snapshot(uow)
    today = now.astimezone(model.zone).date()
    steps: list[str] = []
    extra: list[Demand] = []

    def cover(item: str, qty: Decimal, level: int) -> tuple[Decimal, date | None, Decimal]:
        """(from stock, latest supply date, short) for a new demand queued behind all others."""
        ref = f"PROMISE/{level}/{item}"
        extra.append(Demand(ref, "PROMISE", item, qty, today, DemandKind.SALES, LAST + level))
        line = allocate(snap.on_hand, snap.supplies, snap.demands + extra)[ref]
        return line.from_stock, line.expected_date, line.short

    from_stock, supply_date, short = cover(sku, quantity, 0)
    if short == 0 and supply_date is None:
        return Promise(sku, quantity, today, from_stock, ZERO, {}, "in stock", (), by)
    # Covered by open supply, or not at all: what would making (or buying) the rest take?
    make_qty = quantity - from_stock
    to_buy: dict[str, Decimal] = {}
    jobs: list[Job] = []
    ready_dates: list[tuple[date, str]] = []
    queue = [_Need(sku, make_qty, None)]
    level = 0
    while queue:
        level += 1
        need = queue.pop(0)
        item = items[need.sku]
        if book.bom_of(need.sku) is None and routings.get(item.recipe_sku) is None:
            if item.is_made:
                raise DomainError(f"{need.sku} has no recipe: it cannot be made", field="sku")
            arrival = today + timedelta(days=item.lead_time_days)
            to_buy[need.sku] = to_buy.get(need.sku, ZERO) + need.quantity
            ready_dates.append((arrival, f"{need.sku}: {item.lead_time_days} days to buy"))
            steps.append(
                f"buy {need.quantity} {item.unit} {need.sku} (arrives {arrival.isoformat()})"
            )
            continue
        index = len(jobs)
        release = today
        release_why = ""
        for _line, component, factor in book.component_factors(need.sku):
            qty = fraction_to_quantity(Fraction(need.quantity) * factor)
            _stock, arrive, missing = cover(component.sku, qty, level * 1000 + index)
            if arrive is not None and arrive > release:
                release, release_why = arrive, f"{component.sku} arrives {arrive.isoformat()}"
            if missing > 0:
                if book.bom_of(component.sku) is not None:
                    queue.append(_Need(component.sku, missing, index))
                else:
                    lead = component.lead_time_days
                    arrival = today + timedelta(days=lead)
                    to_buy[component.sku] = to_buy.get(component.sku, ZERO) + missing
                    steps.append(
                        f"buy {missing} {component.unit} {component.sku} (arrives {arrival.isoformat()})"
                    )
                    if arrival > release:
                        release, release_why = arrival, f"{component.sku}: {lead} days to buy"
        routing = routings.get(item.recipe_sku)
        ops = tuple(
            Operation(
                f"{op.sequence} {op.name}",
                (Mode(op.workstation, int(-(-op.minutes_for(need.quantity) // 1))),),
            )
            for op in (routing.operations if routing else ())
        )
        steps.append(f"make {need.quantity} {item.unit} {need.sku}")
        if release_why:
            ready_dates.append((release, release_why))
        if not ops:
            continue
        start = datetime.combine(release, time(0), model.zone)
        jobs.append(
            Job(
                f"PROMISE-{index}",
                ops,
                release=max(0, int((start - model.origin).total_seconds() // 60)),
                rank=LAST + index,
            )
        )
        if need.parent is not None:
            # The parent cannot start before this sub-assembly is made.
            parent = jobs[need.parent]
            jobs[need.parent] = Job(
                parent.id,
                parent.operations,
                parent.release,
                parent.due,
                parent.weight,
                parent.rank,
                (*parent.after, f"PROMISE-{index}"),
            )
    finish, binding = _schedule(model, jobs, today)
    # On a tie the material is what binds: production started the day it arrived.
    made, why, _ = max(
        [(finish, binding, 0), *((d, w, 1) for d, w in ready_dates)], key=lambda c: (c[0], c[2])
    )
    if short == 0 and supply_date is not None and supply_date <= made:
        return Promise(
            sku,
            quantity,
            max(supply_date, today),
            from_stock,
            ZERO,
            {},
            f"open supply arriving {supply_date.isoformat()}",
            (),
            by,
        )
    to_make = make_qty if items[sku].is_made else ZERO
    return Promise(
        sku, quantity, max(made, today), from_stock, to_make, to_buy, why, tuple(steps), by
    )


def _schedule(model: Model, jobs: list[Job], today: date) -> tuple[date, str]:
    """Plans the new jobs behind every open MO; the day the last one finishes and why."""
    if not jobs:
        return today, "in stock"
    # Sub-assemblies are appended after their parents; the scheduler wants them first.
    ordered = list(reversed(jobs))
    problem = Problem(
        model.problem.resources, (*model.problem.jobs, *ordered), model.problem.horizon
    )
    plan = dispatch(problem)
    top = problem.job_index[jobs[0].id]
    done = plan.completion(top)
    finish = model.at(done).astimezone(model.zone)
    row = plan.assignments[top]
    # Where did the new order wait longest for a workstation? That is what capacity costs it.
    ready = problem.jobs[top].release
    longest, where = 0, row[0]
    for a in row:
        # Nights and weekends are not capacity: measure from the first working minute.
        working = Availability.of(problem.resources[a.resource], problem.horizon).next_working(
            ready
        )
        waited = a.start - (working if working is not None else ready)
        if waited > longest:
            longest, where = waited, a
        ready = a.end
    if longest > 60:
        station = problem.resources[where.resource].id
        until = model.at(where.start).astimezone(model.zone)
        binding = f"capacity: {station} is booked until {until:%Y-%m-%d %H:%M}"
    else:
        stations = ", ".join(dict.fromkeys(problem.resources[a.resource].id for a in row))
        binding = f"production time on {stations}"
    return finish.date(), binding
