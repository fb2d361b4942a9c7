"""Manufacturing order use cases: create (to stock or to order), rank, issue, complete, block.

Completing an MO is one transaction: the actual ingredients are consumed (at their moving-average
cost of the moment), then the good output is received at its actual cost per unit. Either all of
it is written or none of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from takt.app import settings
from takt.app.availability import allocation, ingredient_ref
from takt.app.ports import UnitOfWork
from takt.app.stock import Clock, Posted, post_moves, utc_now
from takt.app.webhooks import publish_event
from takt.domain.bom import BomBook
from takt.domain.errors import DomainError
from takt.domain.events import MODone
from takt.domain.items import Item
from takt.domain.ledger import LedgerEntry, Move, Reason, StockKey
from takt.domain.manufacturing import ManufacturingError, ManufacturingOrder, MOStatus, Overhead
from takt.domain.units import QuantityError, round_cost


def overhead_rules(uow: UnitOfWork) -> Overhead:
    """The overhead rules as an open unit of work sees them (kept in ``takt.app.settings``)."""
    return settings.overhead_in(uow)


def set_overhead(rules: Overhead, uow: UnitOfWork) -> None:
    """Sets both overhead rules in one transaction; refused (``QuantityError``) when either is
    negative or out of range (see ``takt.app.settings.update_settings``)."""
    change = settings.SettingsChange(
        overhead_pct=rules.pct_of_materials, overhead_per_hour=rules.per_labour_hour
    )
    settings.update_settings(change, uow)


@dataclass(frozen=True, slots=True)
class NewMO:
    """A make-to-stock order; ``rank`` None puts it at the end of the Make list."""

    sku: str
    quantity: Decimal
    due_date: date
    location: str = "MAIN"
    rank: int | None = None


def _plan(
    uow: UnitOfWork,
    sku: str,
    quantity: Decimal,
    due: date,
    location: str,
    rank: int | None,
    clock: Clock,
) -> ManufacturingOrder:
    book = BomBook(uow.items.by_sku(), uow.recipes.boms())
    item = book.item(sku)
    uow.locations.get(location)
    rates = {code: ws.cost_per_hour for code, ws in uow.resources.workstations().items()}
    mo = ManufacturingOrder.plan(
        uow.numbers.next("MO"),
        item,
        quantity,
        book,
        uow.recipes.routing(item.recipe_sku),
        rates,
        location=location,
        due_date=due,
        created_at=clock(),
        rank=rank if rank is not None else uow.manufacturing.next_rank(),
    )
    if not mo.ingredients and not mo.tasks:
        raise ManufacturingError(f"{sku} has no recipe (no BOM and no routing)", field="sku")
    return mo


def create_mo(cmd: NewMO, uow: UnitOfWork, clock: Clock = utc_now) -> ManufacturingOrder:
    """A make-to-stock MO at the end of the Make list, or at ``cmd.rank`` (the rest move down)."""
    with uow:
        mo = _plan(uow, cmd.sku, cmd.quantity, cmd.due_date, cmd.location, None, clock)
        uow.manufacturing.add(mo)
        if cmd.rank is not None:
            _move(uow, mo.number, cmd.rank)
            mo.rank = cmd.rank
        uow.commit()
        return mo


def create_mo_for_sales_line(
    number: str, line_no: int, uow: UnitOfWork, location: str = "MAIN", clock: Clock = utc_now
) -> ManufacturingOrder:
    """Make to order: an MO for what is left of a sales line, due on its delivery date."""
    with uow:
        order = uow.sales.get(number, lock=True)
        if not order.status.is_open:
            raise DomainError(f"{number} is {order.status}", field="order")
        line = order.line(line_no)
        existing = [
            m for m in uow.manufacturing.for_sales_line(number, line_no) if m.status.is_open
        ]
        if existing:
            raise ManufacturingError(
                f"{number} line {line_no} is already made to order by {existing[0].number}",
                field="line",
            )
        if line.remaining <= 0:
            raise ManufacturingError(f"{number} line {line_no} has shipped in full", field="line")
        mo = _plan(uow, line.sku, line.remaining, order.delivery_date, location, None, clock)
        mo.sales_order, mo.sales_line = order.number, line.line_no
        uow.manufacturing.add(mo)
        uow.commit()
        return mo


def rank_mo(number: str, position: int, uow: UnitOfWork) -> list[str]:
    """Moves an open MO to ``position`` (1 = first) on the Make list; returns the new order."""
    with uow:
        mo = uow.manufacturing.get(number, lock=True)
        mo.set_rank(position)  # refuses a done or cancelled order
        order = _move(uow, number, position)
        uow.commit()
        return order


def move_mo(number: str, position: int, uow: UnitOfWork) -> bool:
    """Moves an open MO to ``position`` (1 = first) on the Make list without reading the list
    (what a screen does on every drag); False when it was there already."""
    with uow:
        mo = uow.manufacturing.get(number, lock=True)
        mo.set_rank(position)  # refuses a done or cancelled order
        moved = uow.manufacturing.move(number, position)
        if moved is None:  # ranks repeat around it: renumber the list
            before = [n for n, _ in uow.manufacturing.open_ranks()]
            moved = _move(uow, number, position) != before
        uow.commit()
        return moved


def _move(uow: UnitOfWork, number: str, position: int) -> list[str]:
    """Puts ``number`` at ``position`` among the open MOs; renumbers only the ranks that change."""
    if position < 1:
        raise DomainError(f"position must be 1 or more, got {position}", field="position")
    ranked = uow.manufacturing.open_ranks()
    numbers = [n for n, _ in ranked if n != number]
    numbers.insert(min(position, len(numbers) + 1) - 1, number)
    current = dict(ranked)
    changed = {n: i for i, n in enumerate(numbers, start=1) if current.get(n) != i}
    others = {n: r for n, r in changed.items() if n != number}
    shifts = {r - current[n] for n, r in others.items() if n in current}
    if len(shifts) == 1 and len(others) == len([n for n in others if n in current]):
        # The usual move: every MO between the old and the new place moves one step. One
        # statement shifts them on the server, rather than one update per MO.
        low = min(current[n] for n in others)
        high = max(current[n] for n in others)
        inside = sum(1 for n, r in ranked if n != number and low <= r <= high)
        if inside == len(others):
            uow.manufacturing.shift_ranks(low, high, shifts.pop(), besides=number)
            changed = {n: r for n, r in changed.items() if n == number}
    if changed:
        uow.manufacturing.set_ranks(changed, reordered=[number])
    return numbers


@dataclass(frozen=True, slots=True)
class Issue:
    """Ingredients taken to the order before completion."""

    number: str
    sku: str
    quantity: Decimal
    batch: str = ""
    location: str | None = None
    user: str = "system"


def issue(cmd: Issue, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    with uow:
        mo = uow.manufacturing.get(cmd.number, lock=True)
        why = mo.can_issue(cmd.sku, cmd.quantity)
        if why is not None:
            # Name what is wrong: the item when only that is (it is not on the order).
            off_order = (
                mo.status.is_open
                and cmd.quantity > 0
                and all(i.sku != cmd.sku for i in mo.ingredients)
            )
            raise ManufacturingError(why, field="sku" if off_order else "quantity")
        move = Move(
            StockKey(cmd.sku, cmd.location or mo.location, cmd.batch),
            -cmd.quantity,
            Reason.CONSUMPTION,
        )
        posted = post_moves(uow, [move], mo.number, cmd.user, "issued", clock)
        mo.issued(cmd.sku, cmd.quantity, _value(posted.entries))
        uow.manufacturing.save(mo)
        uow.commit()
        return posted


@dataclass(frozen=True, slots=True)
class Complete:
    """``good`` units made. ``consumed`` says what was used of the ingredients it names (SKU ->
    quantity, 0 for none); every other ingredient takes its planned share not yet issued, so a
    forgotten ingredient is not silently left unconsumed. ``batch`` labels the output of a
    batch-tracked item (default: the MO number)."""

    number: str
    good: Decimal
    consumed: dict[str, Decimal] | None = None
    batch: str | None = None
    user: str = "system"
    ingredient_batches: dict[str, str] = field(default_factory=dict)


def complete(cmd: Complete, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    """Consumes the actual ingredients and receives the good output, in one transaction."""
    with uow:
        mo = uow.manufacturing.get(cmd.number, lock=True)
        why = mo.can_complete(cmd.good)
        if why is not None:
            raise ManufacturingError(why, field="quantity")
        consumption = mo.default_consumption(cmd.good)
        consumption.update(cmd.consumed or {})
        known = {ing.sku for ing in mo.ingredients}
        for sku, qty in consumption.items():
            if qty < 0:
                raise QuantityError(f"consumed {sku} must not be negative", field="consumed")
            if sku not in known:
                mo.ingredient(sku)  # refuses what is not an ingredient
        now = clock()
        entries: list[LedgerEntry] = []
        taken = {k: v for k, v in consumption.items() if v > 0}
        # Locked here (posting takes them as they are) so their settings are read once.
        locked = uow.stock.lock_items(list(taken)) if taken else {}
        moves = _consumption_moves(uow, mo, taken, cmd.ingredient_batches, locked)
        if moves:
            posted = post_moves(
                uow, moves, mo.number, cmd.user, f"completion of {cmd.good}", clock, locked
            )
            used: dict[str, list[LedgerEntry]] = {}
            for entry in posted.entries:
                used.setdefault(entry.key.item, []).append(entry)
            mo.issued_all(
                {
                    sku: (-sum((e.quantity for e in found), Decimal(0)), _value(found))
                    for sku, found in used.items()
                }
            )
            entries.extend(posted.entries)
        item = uow.items.get(mo.sku)
        unit_cost = mo.output_unit_cost(cmd.good, overhead_rules(uow), now)
        batch = (cmd.batch or mo.number) if item.batch_tracked else ""
        output = Move(StockKey(mo.sku, mo.location, batch), cmd.good, Reason.OUTPUT, unit_cost)
        posted_output = post_moves(
            uow, [output], mo.number, cmd.user, f"output of {cmd.good}", clock
        )
        entries.extend(posted_output.entries)
        mo.completed_output(cmd.good, unit_cost)
        uow.manufacturing.save(mo)
        if mo.status is MOStatus.DONE:
            publish_event(uow, MODone.of(mo, now), clock)
        uow.commit()
        return Posted(mo.number, tuple(entries))


def _consumption_moves(
    uow: UnitOfWork,
    mo: ManufacturingOrder,
    consumption: dict[str, Decimal],
    batches: dict[str, str],
    items: Mapping[str, Item],
) -> list[Move]:
    """Consumption moves at the MO's location; batch-tracked ingredients oldest batch first."""
    moves: list[Move] = []
    for sku, qty in sorted(consumption.items()):
        if not items[sku].batch_tracked:
            moves.append(Move(StockKey(sku, mo.location), -qty, Reason.CONSUMPTION))
            continue
        if sku in batches:
            moves.append(Move(StockKey(sku, mo.location, batches[sku]), -qty, Reason.CONSUMPTION))
            continue
        left = qty
        for row in uow.stock.balances(sku, mo.location):
            if left <= 0:
                break
            take = min(left, row.quantity)
            if take > 0:
                moves.append(Move(StockKey(sku, mo.location, row.batch), -take, Reason.CONSUMPTION))
                left -= take
        if left > 0:
            raise ManufacturingError(
                f"not enough {sku} at {mo.location} in any batch: {left} short", field="consumed"
            )
    return moves


def _value(entries: tuple[LedgerEntry, ...] | list[LedgerEntry]) -> Decimal:
    """Total cost of outflow entries (positive)."""
    return round_cost(sum((-e.quantity * e.unit_cost for e in entries), Decimal(0)))


def block_mo(number: str, reason: str, uow: UnitOfWork) -> ManufacturingOrder:
    with uow:
        mo = uow.manufacturing.get(number, lock=True)
        mo.block(reason)
        uow.manufacturing.save(mo)
        uow.commit()
        return mo


def unblock_mo(number: str, uow: UnitOfWork) -> ManufacturingOrder:
    with uow:
        mo = uow.manufacturing.get(number, lock=True)
        mo.unblock()
        uow.manufacturing.save(mo)
        uow.commit()
        return mo


def set_ingredient(number: str, sku: str, planned: Decimal, uow: UnitOfWork) -> ManufacturingOrder:
    """Edits an ingredient's quantity for this order only (a substitute, a bigger offcut)."""
    with uow:
        uow.items.get(sku)
        mo = uow.manufacturing.get(number, lock=True)
        mo.set_ingredient(sku, planned)
        uow.manufacturing.save(mo)
        uow.commit()
        return mo


def cancel_mo(number: str, uow: UnitOfWork) -> ManufacturingOrder:
    with uow:
        mo = uow.manufacturing.get(number, lock=True)
        mo.cancel()
        uow.manufacturing.save(mo)
        uow.commit()
        return mo


def create_sub_assembly_mos(
    number: str, uow: UnitOfWork, clock: Clock = utc_now
) -> list[ManufacturingOrder]:
    """MOs for the made ingredients of ``number`` that stock and open orders do not cover in
    time.

    Only the shortfall is made (not the whole requirement, as a blind BOM explosion would): what
    allocation leaves short, plus what only supply arriving after the parent's need date covers.
    The MOs are due on the day the parent needs them (its planned start, else its due date),
    ranked just ahead of the parent on the Make list. Their output is supply like any other: an
    MO ranked ahead of the parent that is short of the same part takes it first, and then the
    parent still shows short (running this again makes that too). Otherwise running it twice
    creates nothing new the second time.
    """
    with uow:
        parent = uow.manufacturing.get(number, lock=True)
        if not parent.status.is_open:
            raise ManufacturingError(f"{parent.number} is {parent.status}", field="order")
        book = BomBook(uow.items.by_sku(), uow.recipes.boms())
        made = [i for i in parent.ingredients if book.bom_of(i.sku) is not None and i.remaining > 0]
        if not made:
            return []
        lines = allocation(uow, [i.sku for i in made]).lines
        need_by = parent.planned_start.date() if parent.planned_start else parent.due_date
        created: list[ManufacturingOrder] = []
        for ing in made:
            line = lines.get(ingredient_ref(parent.number, ing.sku))
            cover = line.allocation if line is not None else None
            short = (
                cover.short + sum((p.quantity for p in cover.pegs if not p.on_time), Decimal(0))
                if cover is not None
                else Decimal(0)
            )
            if short <= 0:
                continue
            mo = _plan(uow, ing.sku, short, need_by, parent.location, None, clock)
            uow.manufacturing.add(mo)
            _move(uow, mo.number, max(parent.rank, 1))
            created.append(mo)
        uow.commit()
        return created
