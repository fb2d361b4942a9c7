"""Read models for the order screens: the sales, purchase and Make lists, tasks, one order's status
and an MO's costs.

Each listing reads in a fixed number of queries whatever the number of orders, and allocates
once for the whole list (``takt.app.availability.allocation``): never per order or per row.

Choices where DOMAIN.md is silent:
- A quote commits nothing, so it does not take part in allocation. Its material status is a
  what-if: its lines placed after every open sales order ("if it were confirmed now, what would
  be left for it"), computed only when quotes are shown and never changing any other order's status.
- A line with nothing left to ship or consume has no colour ("shipped", "consumed"); an order's
  material status is the worst colour among its lines, green when none has one (a delivered order,
  a done MO). A cancelled order has no material status (None).
- An MO is late when its due date has passed and it is not done. A sales order is flagged "late"
  when its delivery date has passed and it is still open, "at risk" when a line is red or when
  an MO made to order for it is red on materials: allocation shows such a line amber (its MO
  finishes in time on paper), but the planner should see that the MO cannot start.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from takt.app.availability import (
    NO_LINES,
    Allocation,
    LineStatus,
    Tally,
    allocation,
    ingredient_ref,
    sales_ref,
    snapshot,
)
from takt.app.manufacturing import overhead_rules
from takt.app.ports import MakeEntry, MakeListRow, UnitOfWork, UnitOfWorkFactory
from takt.app.stock import Clock, utc_now
from takt.domain.allocation import Demand, DemandKind, LineAllocation, Status, allocate, worst
from takt.domain.bom import BomBook
from takt.domain.costing import CostRollup
from takt.domain.errors import DomainError
from takt.domain.items import Item
from takt.domain.manufacturing import (
    CostSheet,
    ManufacturingOrder,
    MOStatus,
    Overhead,
    finishes_late,
)
from takt.domain.purchasing import PurchaseOrder, PurchaseStatus
from takt.domain.sales import SalesLine, SalesOrder, SalesStatus
from takt.domain.tasks import TaskStatus

ZERO = Decimal(0)
Today = Callable[[], date]


def _colour(status: Status | None) -> str | None:
    return status.value if status is not None else None


def _by_order(result: Allocation) -> dict[str, list[LineStatus]]:
    """The allocation's lines grouped by order number, in one pass (refs are "ORDER/...")."""
    grouped: dict[str, list[LineStatus]] = {}
    for ref, line in result.lines.items():
        grouped.setdefault(ref.partition("/")[0], []).append(line)
    return grouped


def _quote_whatif(uow: UnitOfWork, quotes: Sequence[SalesOrder]) -> dict[str, LineAllocation]:
    """What quotes' lines would get if confirmed now, after every open sales order.

    One extra snapshot (a fixed number of queries) for all the quotes together. Lines of the
    quotes are ranked among themselves like open orders (delivery date, creation, number).
    """
    lines = [(q, ln) for q in quotes for ln in q.lines if ln.remaining > 0]
    if not lines:
        return {}
    snap = snapshot(uow, sorted({ln.sku for _q, ln in lines}))
    after = len({d.order for d in snap.demands if d.kind is DemandKind.SALES})
    order_rank = {
        q.number: after + i
        for i, q in enumerate(
            sorted(quotes, key=lambda q: (q.rank, q.delivery_date, q.created_at, q.number))
        )
    }
    whatif = [
        Demand(
            sales_ref(q.number, ln.line_no),
            q.number,
            ln.sku,
            ln.remaining,
            q.delivery_date,
            DemandKind.SALES,
            order_rank[q.number],
        )
        for q, ln in lines
    ]
    result = allocate(snap.on_hand, snap.supplies, [*snap.demands, *whatif])
    return {d.ref: result[d.ref] for d in whatif}


# ---------------------------------------------------------------- one order's lines


@dataclass(frozen=True, slots=True)
class LineView:
    """One line of an order as the status screen shows it.

    ``line`` is the line number (sales, purchase) or the ingredient's SKU (MO). ``done`` is what
    has shipped, been consumed or received; ``remaining`` what is still open. ``material_status``
    is None for a line with nothing left (``state`` then says "shipped", "consumed", "received").
    """

    line: str
    item: str
    quantity: Decimal
    done: Decimal
    remaining: Decimal
    from_stock: Decimal
    material_status: str | None
    state: str
    reason: str
    made_to_order: str | None = None
    revenue: Decimal | None = None
    """A sales line's revenue and margin so far (what has shipped); None on other lines."""
    margin: Decimal | None = None
    unit: str | None = None
    """A purchase line's unit ("box of 12" when it is not the stock unit); None on others."""


def _sales_line(
    ln: SalesLine,
    from_stock: Decimal,
    status: Status | None,
    state: str,
    reason: str,
    made_to_order: str | None = None,
) -> LineView:
    return LineView(
        str(ln.line_no),
        ln.sku,
        ln.quantity,
        ln.shipped,
        ln.remaining,
        from_stock,
        status.value if status else None,
        state,
        reason,
        made_to_order,
        revenue=ln.revenue,
        margin=ln.margin,
    )


def _sales_lines(
    order: SalesOrder,
    allocated: Mapping[str, LineStatus],
    whatif: dict[str, LineAllocation],
    mo_note: dict[str, str],
) -> list[LineView]:
    views: list[LineView] = []
    for ln in order.lines:
        ref = sales_ref(order.number, ln.line_no)
        if ln.remaining <= 0:
            views.append(_sales_line(ln, ZERO, None, "shipped", "shipped in full"))
            continue
        if order.status is SalesStatus.CANCELLED:
            views.append(_sales_line(ln, ZERO, None, "cancelled", "order cancelled"))
            continue
        if order.status is SalesStatus.QUOTE:
            quoted = whatif.get(ref)
            if quoted is None:  # pragma: no cover - every open quote line is in the what-if
                continue
            views.append(
                _sales_line(
                    ln,
                    quoted.from_stock,
                    quoted.status,
                    quoted.status.label,
                    f"quote, if confirmed now: {quoted.reason}",
                )
            )
            continue
        status = allocated.get(ref)
        if status is None:  # pragma: no cover - every open line is allocated
            continue
        mto = None
        if status.made_to_order is not None:
            mto = ", ".join(
                f"{n} ({mo_note.get(n, 'unknown')})" for n in status.made_to_order.mo.split(", ")
            )
        views.append(
            _sales_line(
                ln, status.from_stock, status.status, status.status.label, status.reason, mto
            )
        )
    return views


def _ingredient_lines(
    mo: ManufacturingOrder, allocated: Mapping[str, LineStatus]
) -> list[LineView]:
    views: list[LineView] = []
    for ing in mo.ingredients:
        base = (ing.sku, ing.sku, ing.planned, ing.consumed, ing.remaining)
        if mo.status is MOStatus.CANCELLED:
            views.append(LineView(*base, ZERO, None, "cancelled", "order cancelled"))
            continue
        status = allocated.get(ingredient_ref(mo.number, ing.sku))
        if ing.remaining <= 0 or not mo.status.is_open or status is None:
            views.append(LineView(*base, ZERO, None, "consumed", "consumed"))
            continue
        views.append(
            LineView(
                *base,
                status.from_stock,
                status.status.value,
                status.status.label,
                status.reason,
            )
        )
    return views


def _order_colour(status_open: bool, lines: Iterable[LineView]) -> str | None:
    if not status_open:
        return None
    return worst(Status(ln.material_status) for ln in lines if ln.material_status).value


# ---------------------------------------------------------------- sales list


@dataclass(frozen=True, slots=True)
class SalesOrderRow:
    number: str
    customer: str
    customer_name: str
    delivery_date: date
    status: str
    material_status: str | None
    flag: str | None
    total: Decimal
    revenue: Decimal
    margin: Decimal
    rank: int = 0
    """Priority among sales orders: lower gets stock first (0 unless a planner set it)."""
    reference: str = ""
    """The customer's own reference for the order (their PO number), "" when none."""


SALES_ACTIVE = (SalesStatus.QUOTE, SalesStatus.OPEN, SalesStatus.PARTLY_DELIVERED)


def sales_list(
    uows: UnitOfWorkFactory,
    statuses: Sequence[SalesStatus] | None = SALES_ACTIVE,
    today: Today = date.today,
) -> list[SalesOrderRow]:
    """Sales orders (active ones by default) by delivery date, with their material status."""
    with uows(read_only=True) as uow:
        orders = uow.sales.orders([s.value for s in statuses] if statuses else None)
        names = {c.code: c.name for c in uow.partners.customers().values()}
        result = allocation(uow)
        quotes = [o for o in orders if o.status is SalesStatus.QUOTE]
        whatif = _quote_whatif(uow, quotes)
        mtos = [
            m
            for m in uow.manufacturing.orders([s.value for s in MO_OPEN])
            if m.sales_order is not None
        ]
    mo_colour = {m.number: result.order_status(m.number) for m in mtos}
    mo_note = {m.number: f"{m.status.value}, materials {mo_colour[m.number]}" for m in mtos}
    red_mtos = {m.sales_order for m in mtos if mo_colour[m.number] is Status.RED}
    now = today()
    rows: list[SalesOrderRow] = []
    for order in orders:
        lines = _sales_lines(order, result.lines, whatif, mo_note)
        colour = _order_colour(order.status is not SalesStatus.CANCELLED, lines)
        flag = None
        if order.status.is_open and order.delivery_date < now:
            flag = "late"
        elif order.status.is_open and (colour == Status.RED.value or order.number in red_mtos):
            flag = "at risk"
        rows.append(
            SalesOrderRow(
                order.number,
                order.customer,
                names.get(order.customer, ""),
                order.delivery_date,
                order.status.value,
                colour,
                flag,
                order.total,
                order.revenue,
                order.margin,
                order.rank,
                order.reference,
            )
        )
    return rows


# ---------------------------------------------------------------- purchase list


@dataclass(frozen=True, slots=True)
class PurchaseLineRow:
    line: int
    sku: str
    quantity: Decimal
    unit: str
    received: Decimal
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class PurchaseOrderRow:
    """A PO with the earliest need date of the demand pegged to it and whether it comes too late."""

    number: str
    supplier: str
    expected_date: date
    status: str
    total: Decimal
    needed_by: date | None
    too_late_for: list[str]
    lines: list[PurchaseLineRow]
    reference: str = ""
    """The supplier's number for the order (or the requisition's), "" when none."""


PURCHASE_ACTIVE = (PurchaseStatus.OPEN, PurchaseStatus.PARTLY_RECEIVED)


def purchase_list(
    uows: UnitOfWorkFactory, statuses: Sequence[PurchaseStatus] | None = PURCHASE_ACTIVE
) -> list[PurchaseOrderRow]:
    """Purchase orders (open ones by default) by expected date, with who waits for them."""
    with uows(read_only=True) as uow:
        orders = uow.purchasing.orders([s.value for s in statuses] if statuses else None)
        result = allocation(uow) if any(o.status.is_open for o in orders) else None
    needed: dict[str, date] = {}
    late: dict[str, list[str]] = {}
    for line in result.lines.values() if result else ():
        for peg in line.pegs:
            if peg.supply not in needed or line.need_date < needed[peg.supply]:
                needed[peg.supply] = line.need_date
            if not peg.on_time:
                late.setdefault(peg.supply, []).append(line.ref)
    return [_purchase_row(o, needed.get(o.number), sorted(late.get(o.number, []))) for o in orders]


def _purchase_row(
    order: PurchaseOrder, needed_by: date | None, late: list[str]
) -> PurchaseOrderRow:
    return PurchaseOrderRow(
        order.number,
        order.supplier,
        order.expected_date,
        order.status.value,
        order.total,
        needed_by if order.status.is_open else None,
        late if order.status.is_open else [],
        [
            PurchaseLineRow(ln.line_no, ln.sku, ln.quantity, ln.unit, ln.received, ln.unit_price)
            for ln in order.lines
        ],
        order.reference,
    )


# ---------------------------------------------------------------- the Make list


@dataclass(frozen=True, slots=True)
class MakeRow:
    """One MO on the Make list. ``customer`` and ``sales_line`` for a make-to-order MO."""

    number: str
    rank: int
    item: str
    quantity: Decimal
    completed: Decimal
    customer: str | None
    sales_line: str | None
    due_date: date
    production_minutes: Decimal
    status: str
    material_status: str | None
    late: bool
    blocked_reason: str
    planned_start: datetime | None = None
    planned_finish: datetime | None = None
    planned_late: bool = False
    late_reason: str = ""


MO_OPEN = tuple(s for s in MOStatus if s.is_open)


def make_list(
    uows: UnitOfWorkFactory,
    statuses: Sequence[MOStatus] | None = MO_OPEN,
    today: Today = date.today,
) -> list[MakeRow]:
    """MOs (open ones by default) in rank order with their material status."""
    with uows(read_only=True) as uow:
        heads = uow.manufacturing.make_rows(
            statuses=[s.value for s in statuses] if statuses else None
        )
        customer_of = uow.sales.customers_of(
            sorted({h.sales_order for h in heads if h.sales_order})
        )
        result = allocation(uow)
    day, tallies = today(), result.order_tallies()
    return [_list_row(h, tallies, customer_of, day) for h in heads]


@dataclass(frozen=True, slots=True)
class MakeQuery:
    """What the planner narrowed the Make list to, and which page of it to show."""

    status: str = ""
    """One open status ("not started", "in progress", ...), or every open one."""
    late_only: bool = False
    search: str = ""
    """Part of the order number, item, customer or sales line (any case)."""
    material: str = ""
    """One material status ("green", "amber", "red"), or any."""
    workstation: str = ""
    """MOs with a task still to do on this workstation, or all."""
    page: int = 1
    page_size: int = 100


@dataclass(frozen=True, slots=True)
class MakePage:
    """One page of the Make list: ``positions`` are the rows' places among all open MOs."""

    rows: list[MakeRow]
    positions: list[int]
    matching: int
    total: int
    page_size: int = 100

    @property
    def pages(self) -> int:
        return max(1, -(-self.matching // max(1, self.page_size)))


def _entry_late(entry: MakeEntry, today: date) -> bool:
    finish = entry.planned_finish
    return entry.due_date < today or (finish is not None and finish.date() > entry.due_date)


def _keeps(
    query: MakeQuery, today: date, result: Allocation, at: Collection[str] | None
) -> Callable[[MakeEntry], bool]:
    needle = query.search.casefold()

    def keep(entry: MakeEntry) -> bool:
        if query.status and entry.status != query.status:
            return False
        if at is not None and entry.number not in at:
            return False
        if query.late_only and not _entry_late(entry, today):
            return False
        if query.material and result.order_status(entry.number).value != query.material:
            return False
        if needle:
            line = f"{entry.sales_order}/{entry.sales_line}" if entry.sales_order else ""
            hay = (entry.number, entry.sku, entry.customer or "", line)
            return any(needle in h.casefold() for h in hay)
        return True

    return keep


def make_page(uows: UnitOfWorkFactory, query: MakeQuery, today: Today = date.today) -> MakePage:
    """One page of the open MOs that pass ``query``, in rank order, with their material status.

    A fixed number of queries whatever the size of the order book: the light list of every open
    MO (to filter and count), the kept allocation, and the page's own MOs in full.
    """
    day = today()
    start = (max(1, query.page) - 1) * query.page_size
    with uows(read_only=True) as uow:
        result = allocation(uow)
        if query.late_only or query.material:
            # Filters on the plan or on allocation: every open MO is looked at (light rows).
            entries = uow.manufacturing.make_entries()
            at = uow.manufacturing.open_at(query.workstation) if query.workstation else None
            keep = _keeps(query, day, result, at)
            matching = [(i, e.number) for i, e in enumerate(entries, start=1) if keep(e)]
            shown, count, total = (
                matching[start : start + query.page_size],
                len(matching),
                len(entries),
            )
        else:
            # The usual screen: the database pages and counts, whatever the size of the book.
            shown, count, total = uow.manufacturing.make_slice(
                query.status, query.search, query.workstation, start, query.page_size
            )
        heads = {r.number: r for r in uow.manufacturing.make_rows([n for _, n in shown])}
        customer_of = uow.sales.customers_of(
            sorted({r.sales_order for r in heads.values() if r.sales_order})
        )
    tallies = result.order_tallies()
    rows = [_list_row(heads[n], tallies, customer_of, day) for _, n in shown]
    return MakePage(rows, [i for i, _ in shown], count, total, query.page_size)


def _list_row(
    head: MakeListRow, tallies: dict[str, Tally], customer_of: dict[str, str], today: date
) -> MakeRow:
    # An MO's colour is its worst open ingredient line: allocation's per-order tallies give it
    # without loading the MO's ingredients (a done MO has none open: green; cancelled: none).
    status = MOStatus(head.status)
    return MakeRow(
        head.number,
        head.rank,
        head.sku,
        head.quantity,
        head.completed,
        customer_of.get(head.sales_order) if head.sales_order else None,
        f"{head.sales_order}/{head.sales_line}" if head.sales_order else None,
        head.due_date,
        head.production_minutes,
        head.status,
        None if status is MOStatus.CANCELLED else tallies.get(head.number, NO_LINES).status.value,
        status.is_open and head.due_date < today,
        head.block_text,
        head.planned_start,
        head.planned_finish,
        finishes_late(head.planned_finish, head.due_date),
        head.late_reason,
    )


def make_positions(uows: UnitOfWorkFactory, numbers: Sequence[str]) -> tuple[dict[str, int], int]:
    """The place of each open MO of ``numbers`` on the Make list (1 = first; MOs that are not
    open are left out), and how many MOs are open."""
    with uows(read_only=True) as uow:
        return uow.manufacturing.positions(numbers)


def make_order(
    uows: UnitOfWorkFactory, query: MakeQuery, today: Today = date.today
) -> tuple[list[str], list[str]]:
    """Every open MO's number in rank order, and those that pass ``query`` (what a move needs)."""
    day = today()
    with uows(read_only=True) as uow:
        entries = uow.manufacturing.make_entries()
        result = allocation(uow) if query.material else Allocation({}, {})
        at = uow.manufacturing.open_at(query.workstation) if query.workstation else None
    keep = _keeps(query, day, result, at)
    return [e.number for e in entries], [e.number for e in entries if keep(e)]


# ---------------------------------------------------------------- tasks


@dataclass(frozen=True, slots=True)
class TaskRow:
    """A task of an open MO; ``ready`` when every earlier operation of its MO is done."""

    mo: str
    rank: int
    item: str
    quantity: Decimal
    sequence: int
    name: str
    workstation: str
    operator: str | None
    status: str
    planned_minutes: Decimal
    booked_minutes: Decimal
    quantity_done: Decimal
    scrap: Decimal
    ready: bool


def task_list(
    uows: UnitOfWorkFactory,
    workstation: str | None = None,
    operator: str | None = None,
    ready_only: bool = False,
    clock: Clock = utc_now,
) -> list[TaskRow]:
    """Tasks not yet done of open MOs, in Make-list order then routing order.

    ``operator`` shows that operator's own tasks and the unassigned ones on workstations they may
    run. Raises ``DomainError`` naming an unknown workstation or operator.
    """
    with uows(read_only=True) as uow:
        if workstation is not None and workstation not in uow.resources.workstations():
            raise DomainError(f"unknown workstation {workstation!r}", field="workstation")
        who = None
        if operator is not None:
            who = uow.resources.operators().get(operator)
            if who is None:
                raise DomainError(f"unknown operator {operator!r}", field="operator")
        mos = uow.manufacturing.orders([s.value for s in MO_OPEN])
    now = clock()
    rows: list[TaskRow] = []
    for mo in mos:
        ready = True
        for task in mo.tasks:
            is_ready = ready
            ready = ready and task.status is TaskStatus.DONE
            if task.status is TaskStatus.DONE:
                continue
            if workstation is not None and task.workstation != workstation:
                continue
            if who is not None and not task.is_work_of(who.code, who.workstations):
                continue
            if ready_only and not is_ready:
                continue
            rows.append(
                TaskRow(
                    mo.number,
                    mo.rank,
                    mo.sku,
                    mo.quantity,
                    task.sequence,
                    task.name,
                    task.workstation,
                    task.operator,
                    task.status.value,
                    task.planned_minutes,
                    task.booked_minutes(now),
                    task.quantity_done,
                    task.scrap,
                    is_ready,
                )
            )
    return rows


# ---------------------------------------------------------------- one order


@dataclass(frozen=True, slots=True)
class OrderView:
    """One order with its lines' colours and pegging reasons (``takt status``).

    ``kind`` is "sales", "manufacturing" or "purchase"; ``partner`` the customer (a sales order, a
    make-to-order MO) or supplier; ``date`` the delivery, due or expected date; ``reference`` the
    partner's own for a sales or purchase order ("" when none, and for an MO).
    """

    number: str
    kind: str
    status: str
    material_status: str | None
    partner: str | None
    date: date
    summary: str
    lines: list[LineView]
    reference: str = ""


def order_status(uows: UnitOfWorkFactory, number: str) -> OrderView:
    """The status of the order ``number`` (SO-..., MO-..., PO-...), allocating only its items.

    Raises ``NotFound`` (field "order") for an unknown number.
    """
    prefix = number.partition("-")[0].upper()
    with uows(read_only=True) as uow:
        if prefix == "SO":
            return _sales_view(uow, uow.sales.get(number))
        if prefix == "MO":
            return _mo_view(uow, uow.manufacturing.get(number))
        if prefix == "PO":
            return _purchase_view(uow, uow.purchasing.get(number))
    raise DomainError(
        f"{number!r} is not an order number (SO-..., MO-... or PO-...)", field="order"
    )


def _sales_view(uow: UnitOfWork, order: SalesOrder) -> OrderView:
    mtos = (
        [
            m
            for m in uow.manufacturing.orders([s.value for s in MO_OPEN])
            if m.sales_order == order.number
        ]
        if order.status.is_open
        else []
    )
    # The MOs' ingredients too: a made-to-order line names its MO's material colour.
    skus = sorted({ln.sku for ln in order.lines} | {i.sku for m in mtos for i in m.ingredients})
    result = allocation(uow, skus) if skus and order.status.is_open else None
    whatif = _quote_whatif(uow, [order]) if order.status is SalesStatus.QUOTE else {}
    mo_note = {
        m.number: f"{m.status.value}, materials "
        f"{(result.order_status(m.number) if result else Status.GREEN).value}"
        for m in mtos
    }
    lines = _sales_lines(order, result.lines if result else {}, whatif, mo_note)
    customer = uow.partners.customer(order.customer)
    return OrderView(
        order.number,
        "sales",
        order.status.value,
        _order_colour(order.status is not SalesStatus.CANCELLED, lines),
        order.customer,
        order.delivery_date,
        f"{customer.name}: {len(order.lines)} line(s), total {order.total:.2f}, "
        f"delivery {order.delivery_date.isoformat()}"
        + (f", rank {order.rank}" if order.rank else ""),
        lines,
        order.reference,
    )


def _mo_view(uow: UnitOfWork, mo: ManufacturingOrder) -> OrderView:
    skus = sorted({i.sku for i in mo.ingredients})
    result = allocation(uow, skus) if skus and mo.status.is_open else None
    lines = _ingredient_lines(mo, result.lines if result else {})
    customer = uow.sales.get(mo.sales_order).customer if mo.sales_order else None
    made_for = f" for {mo.sales_order} line {mo.sales_line}" if mo.sales_order else " to stock"
    blocked = f"; blocked: {mo.blocked_reason}" if mo.blocked_reason else ""
    return OrderView(
        mo.number,
        "manufacturing",
        mo.status.value,
        _order_colour(mo.status is not MOStatus.CANCELLED, lines),
        customer,
        mo.due_date,
        f"{_q(mo.quantity)} {mo.sku}{made_for} ({_q(mo.completed)} done), rank {mo.rank}, "
        f"due {mo.due_date.isoformat()}, {_q(mo.production_minutes)} min{blocked}",
        lines,
    )


def _purchase_view(uow: UnitOfWork, order: PurchaseOrder) -> OrderView:
    skus = sorted({ln.sku for ln in order.lines})
    result = allocation(uow, skus) if skus and order.status.is_open else None
    waiting: dict[str, list[str]] = {}
    for line in result.lines.values() if result else ():
        for peg in line.pegs:
            if peg.supply == order.number:
                late = "" if peg.on_time else ", too late"
                waiting.setdefault(line.item, []).append(
                    f"{line.ref.replace('/', ' ', 1)} takes {_q(peg.quantity)} "
                    f"(needed {line.need_date.isoformat()}{late})"
                )
    lines = [
        LineView(
            str(ln.line_no),
            ln.sku,
            ln.quantity,
            ln.received,
            ln.remaining,
            ZERO,
            None,
            "open" if ln.remaining > 0 else "received",
            "; ".join(waiting.get(ln.sku, [])) if ln.remaining > 0 else "received",
            unit=f"{ln.unit} of {_q(ln.factor)}" if ln.factor != 1 else ln.unit,
        )
        for ln in order.lines
    ]
    return OrderView(
        order.number,
        "purchase",
        order.status.value,
        None,
        order.supplier,
        order.expected_date,
        f"{len(order.lines)} line(s), total {order.total:.2f}, "
        f"expected {order.expected_date.isoformat()} at {order.location}",
        lines,
        order.reference,
    )


def _q(value: Decimal) -> str:
    return f"{value.normalize():f}" if value else "0"


# ---------------------------------------------------------------- costs


@dataclass(frozen=True, slots=True)
class CostView:
    """Planned against actual cost of an MO. Variance = actual - planned, per part.

    ``estimated`` when a planned figure rests on a last price, a standard cost or a rolled-up
    recipe instead of a moving average; ``missing`` names ingredients with no cost at all.
    """

    number: str
    item: str
    quantity: Decimal
    completed: Decimal
    status: str
    planned: CostSheet
    actual: CostSheet
    estimated: bool
    missing: list[str]

    @property
    def variance(self) -> CostSheet:
        return CostSheet(
            self.actual.materials - self.planned.materials,
            self.actual.labour - self.planned.labour,
            self.actual.overhead - self.planned.overhead,
        )


def mo_costs(uows: UnitOfWorkFactory, number: str, clock: Clock = utc_now) -> CostView:
    """Planned (ingredients at today's cost, planned hours) against actual cost of MO ``number``."""
    with uows(read_only=True) as uow:
        mo = uow.manufacturing.get(number)
        items = uow.items.by_sku()
        book = BomBook(items, uow.recipes.boms())
        routings = uow.recipes.routings()
        rates = {code: ws.cost_per_hour for code, ws in uow.resources.workstations().items()}
        overhead = overhead_rules(uow)
    return cost_view(mo, items, CostRollup(book, routings, rates), overhead, clock())


def cost_view(
    mo: ManufacturingOrder,
    items: Mapping[str, Item],
    rollup: CostRollup,
    overhead: Overhead,
    now: datetime,
) -> CostView:
    """Planned (ingredients at today's cost, planned hours) against actual cost of ``mo``, from
    data already read; an ingredient with no cost at all is listed in ``missing``."""
    costs: dict[str, Decimal] = {}
    estimated = False
    missing: list[str] = []
    for ing in mo.ingredients:
        item = items.get(ing.sku)
        valued = item.cost_for_valuation() if item is not None else None
        if valued is None and item is not None and item.is_made:
            try:
                breakdown = rollup.cost(ing.sku)
            except DomainError:  # a made item with no BOM and no routing: no cost known
                breakdown = None
            if breakdown is not None:
                valued = (breakdown.unit_cost, True)
                missing.extend(breakdown.missing)
        if valued is None:
            missing.append(ing.sku)
            continue
        costs[ing.sku] = valued[0]
        estimated = estimated or valued[1]
    return CostView(
        mo.number,
        mo.sku,
        mo.quantity,
        mo.completed,
        mo.status.value,
        mo.planned_cost(costs, overhead),
        mo.actual_cost(overhead, now),
        estimated,
        sorted(set(missing)),
    )
