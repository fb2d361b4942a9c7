"""The manufacturing order repository: MOs with their ingredients, tasks and task events."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    String,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session, aliased

from takt.app.ports import MadeToOrderLink, MakeEntry, MakeListRow, OpenIngredient, OpenOutput
from takt.domain.errors import NotFound
from takt.domain.manufacturing import (
    Ingredient,
    ManufacturingOrder,
    MOStatus,
    blocked_task_text,
)
from takt.domain.tasks import Task, TaskEvent, TaskEventKind, TaskStatus
from takt.store.bulk import one_of, update_rows
from takt.store.changes import RowTracker
from takt.store.lookups import Lookups
from takt.store.marks import SqlAllocationMarks
from takt.store.tables import (
    customers,
    items,
    locations,
    manufacturing_orders,
    mo_ingredients,
    mo_tasks,
    operators,
    plan_versions,
    sales_lines,
    sales_orders,
    task_events,
    workstations,
)
from takt.store.types import from_micro

OPEN_STATUSES = tuple(s.value for s in MOStatus if s.is_open)
_COUNTED_POSITIONS = 8
_output = aliased(items, name="output")


def _day(planned: datetime | None, fallback: date) -> date:
    return planned.date() if planned is not None else fallback


class SqlManufacturingRepository:
    def __init__(self, session: Session, lookups: Lookups, marks: SqlAllocationMarks) -> None:
        self.session = session
        self.lookups = lookups
        self.marks = marks
        self.tracker = RowTracker()
        self._events_stored: dict[int, int] = {}

    def next_rank(self) -> int:
        top = self.session.execute(
            select(func.max(manufacturing_orders.c.rank)).where(
                manufacturing_orders.c.status.in_(OPEN_STATUSES)
            )
        ).scalar_one()
        return int(top or 0) + 1

    def add(self, mo: ManufacturingOrder) -> ManufacturingOrder:
        mo.id = self.session.execute(
            insert(manufacturing_orders)
            .values(number=mo.number, created_at=mo.created_at, **self._header(mo))
            .returning(manufacturing_orders.c.id)
        ).scalar_one()
        self._save_children(mo)
        return mo

    def _header(self, mo: ManufacturingOrder) -> dict[str, object]:
        line_id = None
        if mo.sales_order is not None and mo.sales_line is not None:
            line_id = self.session.execute(
                select(sales_lines.c.id)
                .join(sales_orders, sales_orders.c.id == sales_lines.c.order_id)
                .where(
                    sales_orders.c.number == mo.sales_order, sales_lines.c.line_no == mo.sales_line
                )
            ).scalar_one()
        return {
            "item_id": self.lookups.id_of(items, mo.sku, "SKU", "sku"),
            "quantity": mo.quantity,
            "location_id": self.lookups.id_of(locations, mo.location, "location", "location"),
            "due_date": mo.due_date,
            "rank": mo.rank,
            "status": mo.status.value,
            "sales_line_id": line_id,
            "completed": mo.completed,
            "output_value": mo.output_value,
            "blocked_reason": mo.blocked_reason,
            "started": mo.started,
        }

    def save(self, mo: ManufacturingOrder) -> None:
        assert mo.id is not None
        self.session.execute(
            update(manufacturing_orders)
            .where(manufacturing_orders.c.id == mo.id)
            .values(**self._header(mo))
        )
        self._save_children(mo)

    def _save_children(self, mo: ManufacturingOrder) -> None:
        """Writes new and changed ingredients and tasks, and the tasks' new events."""
        kept = [i.id for i in mo.ingredients if i.id is not None]
        removed = self.session.execute(
            delete(mo_ingredients)
            .where(mo_ingredients.c.mo_id == mo.id, mo_ingredients.c.id.not_in(kept))
            .returning(mo_ingredients.c.item_id)
        )
        # Quantities, dates, rank and status of the order bear on each ingredient's allocation
        # and on its output's; a removed ingredient frees what it held.
        self.marks.touch_ids(removed.scalars())
        self.marks.touch([mo.sku, *(i.sku for i in mo.ingredients)])
        new = [i for i in mo.ingredients if i.id is None]
        item_ids = self.lookups.ids_of(items, [i.sku for i in new], "SKU", "sku")
        for ing in new:
            values = _ingredient_values(ing)
            ing.id = self.session.execute(
                insert(mo_ingredients)
                .values(mo_id=mo.id, item_id=item_ids[ing.sku], **values)
                .returning(mo_ingredients.c.id)
            ).scalar_one()
            self.tracker.seen(mo_ingredients, ing.id, values)
        self.tracker.update_changed(
            self.session,
            mo_ingredients,
            [(i.id, _ingredient_values(i)) for i in mo.ingredients if i.id is not None],
        )

        ws_ids = self.lookups.ids_of(
            workstations, [t.workstation for t in mo.tasks], "workstation", "workstation"
        )
        op_ids = self.lookups.ids_of(
            operators, [t.operator for t in mo.tasks if t.operator], "operator", "operator"
        )
        kept_tasks = [t.id for t in mo.tasks if t.id is not None]
        self.session.execute(
            delete(mo_tasks).where(mo_tasks.c.mo_id == mo.id, mo_tasks.c.id.not_in(kept_tasks))
        )

        def task_values(task: Task) -> dict[str, object]:
            return {
                "name": task.name,
                "workstation_id": ws_ids[task.workstation],
                "planned_minutes": task.planned_minutes,
                "cost_per_hour": task.cost_per_hour,
                "operator_id": op_ids[task.operator] if task.operator else None,
                "status": task.status.value,
                "quantity_done": task.quantity_done,
                "scrap": task.scrap,
                "blocked_reason": task.blocked_reason,
            }

        for task in mo.tasks:
            if task.id is None:
                row = task_values(task)
                task.id = self.session.execute(
                    insert(mo_tasks)
                    .values(mo_id=mo.id, sequence=task.sequence, **row)
                    .returning(mo_tasks.c.id)
                ).scalar_one()
                self.tracker.seen(mo_tasks, task.id, row)
        self.tracker.update_changed(
            self.session,
            mo_tasks,
            [(t.id, task_values(t)) for t in mo.tasks if t.id is not None],
        )
        events = [
            {
                "task_id": task.id,
                "kind": e.kind.value,
                "at": e.at,
                "user_name": e.user,
                "note": e.note,
            }
            for task in mo.tasks
            for e in task.events[self._events_stored.get(task.id or 0, 0) :]
        ]
        if events:
            self.session.execute(insert(task_events), events)
        for task in mo.tasks:
            self._events_stored[task.id or 0] = len(task.events)

    def get(self, number: str, *, lock: bool = False) -> ManufacturingOrder:
        found = self._load(manufacturing_orders.c.number == number, lock=lock)
        if not found:
            raise NotFound(f"unknown manufacturing order {number!r}", field="order")
        return found[0]

    def orders(self, statuses: Sequence[str] | None = None) -> list[ManufacturingOrder]:
        """MOs (all, or in ``statuses``) in rank order, in four queries whatever their number."""
        where = (
            manufacturing_orders.c.status.in_(list(statuses))
            if statuses
            else manufacturing_orders.c.id > 0
        )
        return self._load(where)

    def many(self, numbers: Sequence[str]) -> list[ManufacturingOrder]:
        """The MOs ``numbers`` in rank order, in four queries."""
        if not numbers:
            return []
        return self._load(one_of(self.session, manufacturing_orders.c.number, numbers))

    def make_rows(
        self, numbers: Sequence[str] | None = None, statuses: Sequence[str] | None = None
    ) -> list[MakeListRow]:
        mo = manufacturing_orders
        if numbers is not None:
            if not numbers:
                return []
            chosen = one_of(self.session, mo.c.number, numbers)
        else:
            chosen = mo.c.status.in_(list(statuses)) if statuses else mo.c.id > 0
        heads = self.session.execute(
            select(
                mo.c.id,
                mo.c.number,
                mo.c.rank,
                _output.c.sku.label("sku"),
                mo.c.quantity,
                mo.c.completed,
                mo.c.status,
                mo.c.due_date,
                sales_orders.c.number.label("so_number"),
                sales_lines.c.line_no.label("so_line"),
                mo.c.blocked_reason,
                mo.c.planned_start,
                mo.c.planned_finish,
                mo.c.late_reason,
            )
            .join(_output, _output.c.id == mo.c.item_id)
            .outerjoin(sales_lines, sales_lines.c.id == mo.c.sales_line_id)
            .outerjoin(sales_orders, sales_orders.c.id == sales_lines.c.order_id)
            .where(chosen)
            .order_by(mo.c.rank, mo.c.id)
        ).all()
        ids = [row.id for row in heads]
        # SUM keeps the column's type: the totals come back as exact Decimals.
        minutes: dict[int, Decimal] = dict(
            self.session.execute(
                select(mo_tasks.c.mo_id, func.sum(mo_tasks.c.planned_minutes))
                .where(one_of(self.session, mo_tasks.c.mo_id, ids))
                .group_by(mo_tasks.c.mo_id)
            ).all()
        )
        blocked: dict[int, str] = {}
        for mo_id, sequence, name, reason in self.session.execute(
            select(
                mo_tasks.c.mo_id, mo_tasks.c.sequence, mo_tasks.c.name, mo_tasks.c.blocked_reason
            )
            .where(
                one_of(self.session, mo_tasks.c.mo_id, ids),
                mo_tasks.c.status == TaskStatus.BLOCKED.value,
            )
            .order_by(mo_tasks.c.mo_id, mo_tasks.c.sequence)
        ):
            blocked.setdefault(mo_id, blocked_task_text(sequence, name, reason))
        return [
            MakeListRow(
                r.number,
                r.rank,
                r.sku,
                r.quantity,
                r.completed,
                r.status,
                r.due_date,
                r.so_number,
                r.so_line,
                minutes.get(r.id, Decimal(0)),
                r.blocked_reason or blocked.get(r.id, ""),
                r.planned_start,
                r.planned_finish,
                r.late_reason or "",
            )
            for r in heads
        ]

    def make_entries(self) -> list[MakeEntry]:
        """Every open MO in rank order, light (one query): what the Make list filters on."""
        mo = manufacturing_orders
        query = (
            select(
                mo.c.number,
                mo.c.rank,
                _output.c.sku,
                mo.c.status,
                mo.c.due_date,
                mo.c.planned_finish,
                sales_orders.c.number,
                sales_lines.c.line_no,
                customers.c.code,
            )
            .join(_output, _output.c.id == mo.c.item_id)
            .outerjoin(sales_lines, sales_lines.c.id == mo.c.sales_line_id)
            .outerjoin(sales_orders, sales_orders.c.id == sales_lines.c.order_id)
            .outerjoin(customers, customers.c.id == sales_orders.c.customer_id)
            .where(mo.c.status.in_(OPEN_STATUSES))
            .order_by(mo.c.rank, mo.c.id)
        )
        return [MakeEntry(*row) for row in self.session.execute(query)]

    def _with_open_task_at(self, workstation: str) -> ColumnElement[bool]:
        """An MO has a task not yet done on ``workstation``."""
        return exists(
            select(mo_tasks.c.id)
            .join(workstations, workstations.c.id == mo_tasks.c.workstation_id)
            .where(
                mo_tasks.c.mo_id == manufacturing_orders.c.id,
                workstations.c.code == workstation,
                mo_tasks.c.status != TaskStatus.DONE.value,
            )
        )

    def positions(self, numbers: Sequence[str]) -> tuple[dict[str, int], int]:
        """The place (1 = first) of each open MO of ``numbers`` on the Make list, and how many
        MOs are open; two light queries."""
        mo = manufacturing_orders
        open_mo = mo.c.status.in_(OPEN_STATUSES)
        total = self.session.execute(select(func.count()).select_from(mo).where(open_mo))
        if len(numbers) <= _COUNTED_POSITIONS:
            # A few MOs (a move): count the open orders ahead of each on the (status, rank)
            # index, rather than number the whole list.
            found: dict[str, int] = {}
            for number, rank, row_id in self.session.execute(
                select(mo.c.number, mo.c.rank, mo.c.id).where(
                    open_mo, mo.c.number.in_(list(numbers))
                )
            ):
                ahead = self.session.execute(
                    select(func.count())
                    .select_from(mo)
                    .where(
                        open_mo,
                        or_(mo.c.rank < rank, and_(mo.c.rank == rank, mo.c.id < row_id)),
                    )
                ).scalar_one()
                found[number] = int(ahead) + 1
            return found, int(total.scalar_one())
        ranked = (
            select(
                mo.c.number,
                func.row_number().over(order_by=(mo.c.rank, mo.c.id)).label("position"),
            )
            .where(open_mo)
            .subquery()
        )
        found = {
            number: int(position)
            for number, position in self.session.execute(
                select(ranked.c.number, ranked.c.position).where(ranked.c.number.in_(list(numbers)))
            )
        }
        return found, int(total.scalar_one())

    def open_at(self, workstation: str) -> set[str]:
        """Numbers of the open MOs with a task still to do on ``workstation``."""
        mo = manufacturing_orders
        return set(
            self.session.execute(
                select(mo.c.number).where(
                    mo.c.status.in_(OPEN_STATUSES), self._with_open_task_at(workstation)
                )
            ).scalars()
        )

    def make_slice(
        self, status: str, search: str, workstation: str, offset: int, limit: int
    ) -> tuple[list[tuple[int, str]], int, int]:
        """One page of the open MOs in rank order that have ``status`` (any open one when empty),
        ``search`` in their number, item, customer or sales line (any case) and a task to do on
        ``workstation`` (when given): each shown MO's (position among all open MOs, number), how
        many match, and how many are open. Three light queries, whatever the number of orders."""
        mo = manufacturing_orders
        open_mo = mo.c.status.in_(OPEN_STATUSES)
        total = int(
            self.session.execute(select(func.count()).select_from(mo).where(open_mo)).scalar_one()
        )
        if not status and not search.strip() and not workstation:
            # The whole list: its page straight off the (status, rank) index.
            numbers = self.session.execute(
                select(mo.c.number)
                .where(open_mo)
                .order_by(mo.c.rank, mo.c.id)
                .offset(offset)
                .limit(limit)
            ).scalars()
            return list(enumerate(numbers, start=offset + 1)), total, total
        ranked = (
            select(
                mo.c.id,
                func.row_number().over(order_by=(mo.c.rank, mo.c.id)).label("position"),
            )
            .where(open_mo)
            .subquery()
        )
        where: list[ColumnElement[bool]] = []
        if status:
            where.append(mo.c.status == status)
        if workstation:
            where.append(self._with_open_task_at(workstation))
        needle = search.strip()
        if needle:
            line = sales_orders.c.number + "/" + cast(sales_lines.c.line_no, String)
            where.append(
                or_(
                    *(
                        column.icontains(needle, autoescape=True)
                        for column in (mo.c.number, _output.c.sku, customers.c.code, line)
                    )
                )
            )
        joined = (
            ranked.join(mo, mo.c.id == ranked.c.id)
            .join(_output, _output.c.id == mo.c.item_id)
            .outerjoin(sales_lines, sales_lines.c.id == mo.c.sales_line_id)
            .outerjoin(sales_orders, sales_orders.c.id == sales_lines.c.order_id)
            .outerjoin(customers, customers.c.id == sales_orders.c.customer_id)
        )
        shown = [
            (int(position), number)
            for position, number in self.session.execute(
                select(ranked.c.position, mo.c.number)
                .select_from(joined)
                .where(*where)
                .order_by(ranked.c.position)
                .offset(offset)
                .limit(limit)
            )
        ]
        matching = self.session.execute(
            select(func.count()).select_from(joined).where(*where)
        ).scalar_one()
        return shown, int(matching), total

    def for_sales_line(self, number: str, line_no: int) -> list[ManufacturingOrder]:
        line_id = (
            select(sales_lines.c.id)
            .join(sales_orders, sales_orders.c.id == sales_lines.c.order_id)
            .where(sales_orders.c.number == number, sales_lines.c.line_no == line_no)
            .scalar_subquery()
        )
        return self._load(manufacturing_orders.c.sales_line_id == line_id)

    def _load(self, where: ColumnElement[bool], lock: bool = False) -> list[ManufacturingOrder]:
        query = (
            select(
                manufacturing_orders,
                _output.c.sku.label("sku"),
                locations.c.code.label("location_code"),
                sales_orders.c.number.label("so_number"),
                sales_lines.c.line_no.label("so_line"),
            )
            .join(_output, _output.c.id == manufacturing_orders.c.item_id)
            .join(locations, locations.c.id == manufacturing_orders.c.location_id)
            .outerjoin(sales_lines, sales_lines.c.id == manufacturing_orders.c.sales_line_id)
            .outerjoin(sales_orders, sales_orders.c.id == sales_lines.c.order_id)
            .where(where)
            .order_by(manufacturing_orders.c.rank, manufacturing_orders.c.id)
        )
        if lock:
            query = query.with_for_update(of=manufacturing_orders)
        mos: dict[int, ManufacturingOrder] = {}
        for row in self.session.execute(query):
            mos[row.id] = ManufacturingOrder(
                number=row.number,
                sku=row.sku,
                quantity=row.quantity,
                location=row.location_code,
                due_date=row.due_date,
                created_at=row.created_at,
                rank=row.rank,
                status=MOStatus(row.status),
                sales_order=row.so_number,
                sales_line=row.so_line,
                completed=row.completed,
                output_value=row.output_value,
                blocked_reason=row.blocked_reason,
                planned_start=row.planned_start,
                planned_finish=row.planned_finish,
                late_reason=row.late_reason,
                started=row.started,
                id=row.id,
            )
        if not mos:
            return []
        ids = list(mos)
        for r in self.session.execute(
            select(mo_ingredients, items.c.sku)
            .join(items, items.c.id == mo_ingredients.c.item_id)
            .where(one_of(self.session, mo_ingredients.c.mo_id, ids))
            .order_by(mo_ingredients.c.mo_id, mo_ingredients.c.id)
        ):
            ingredient = Ingredient(r.sku, r.planned, r.consumed, r.consumed_cost, id=r.id)
            mos[r.mo_id].ingredients.append(ingredient)
            self.tracker.seen(mo_ingredients, r.id, _ingredient_values(ingredient))
        tasks: dict[int, Task] = {}
        for r in self.session.execute(
            select(mo_tasks, workstations.c.code.label("ws"), operators.c.code.label("op"))
            .join(workstations, workstations.c.id == mo_tasks.c.workstation_id)
            .outerjoin(operators, operators.c.id == mo_tasks.c.operator_id)
            .where(one_of(self.session, mo_tasks.c.mo_id, ids))
            .order_by(mo_tasks.c.mo_id, mo_tasks.c.sequence)
        ):
            task = Task(
                r.sequence,
                r.name,
                r.ws,
                r.planned_minutes,
                r.cost_per_hour,
                operator=r.op,
                status=TaskStatus(r.status),
                quantity_done=r.quantity_done,
                scrap=r.scrap,
                blocked_reason=r.blocked_reason,
                planned_start=r.planned_start,
                planned_finish=r.planned_finish,
                id=r.id,
            )
            tasks[r.id] = task
            mos[r.mo_id].tasks.append(task)
            self.tracker.seen(
                mo_tasks,
                r.id,
                {
                    "name": r.name,
                    "workstation_id": r.workstation_id,
                    "planned_minutes": r.planned_minutes,
                    "cost_per_hour": r.cost_per_hour,
                    "operator_id": r.operator_id,
                    "status": r.status,
                    "quantity_done": r.quantity_done,
                    "scrap": r.scrap,
                    "blocked_reason": r.blocked_reason,
                },
            )
        if tasks:
            for r in self.session.execute(
                select(task_events)
                .where(one_of(self.session, task_events.c.task_id, tasks))
                .order_by(task_events.c.id)
            ):
                tasks[r.task_id].events.append(
                    TaskEvent(TaskEventKind(r.kind), r.at, r.user_name, r.note)
                )
        for task_id, task in tasks.items():
            self._events_stored[task_id] = len(task.events)
        return list(mos.values())

    def open_ingredients(self, skus: Sequence[str] | None = None) -> list[OpenIngredient]:
        """Ingredients of open MOs still to consume, with the date they are needed (at the
        planned start; before the order is scheduled, at its due date).

        The allocation of a whole order book reads 100,000 of these, so that query stays lean:
        ids and the raw integer quantity per ingredient row, and each MO's number, need date and
        rank read once per MO (not once per ingredient).
        """
        open_mo = manufacturing_orders.c.status.in_(OPEN_STATUSES)
        remaining = type_coerce(mo_ingredients.c.planned - mo_ingredients.c.consumed, BigInteger)
        if skus is not None:
            # A few items: their rows with their MOs' headers joined in, one query.
            wanted = self.lookups.ids_of(items, skus, "SKU", "sku")
            sku_of = {v: k for k, v in wanted.items()}
            mo = manufacturing_orders
            rows = self.session.execute(
                select(
                    mo.c.number,
                    mo.c.planned_start,
                    mo.c.due_date,
                    mo.c.rank,
                    mo_ingredients.c.item_id,
                    remaining,
                )
                .join(mo, mo.c.id == mo_ingredients.c.mo_id)
                .where(
                    open_mo,
                    mo_ingredients.c.planned > mo_ingredients.c.consumed,
                    one_of(self.session, mo_ingredients.c.item_id, wanted.values()),
                )
            )
            return [
                OpenIngredient(number, sku_of[item_id], from_micro(micro), _day(start, due), rank)
                for number, start, due, rank, item_id, micro in rows
            ]
        headers = {
            mo_id: (number, _day(start, due), rank)
            for mo_id, number, start, due, rank in self.session.execute(
                select(
                    manufacturing_orders.c.id,
                    manufacturing_orders.c.number,
                    manufacturing_orders.c.planned_start,
                    manufacturing_orders.c.due_date,
                    manufacturing_orders.c.rank,
                ).where(open_mo)
            )
        }
        if not headers:
            return []
        query = (
            select(mo_ingredients.c.mo_id, mo_ingredients.c.item_id, remaining)
            .join(manufacturing_orders, manufacturing_orders.c.id == mo_ingredients.c.mo_id)
            .where(open_mo, mo_ingredients.c.planned > mo_ingredients.c.consumed)
        )
        sku_of = {row[0]: row[1] for row in self.session.execute(select(items.c.id, items.c.sku))}
        result: list[OpenIngredient] = []
        for mo_id, item_id, micro in self.session.execute(query):
            number, need, rank = headers[mo_id]
            result.append(OpenIngredient(number, sku_of[item_id], from_micro(micro), need, rank))
        return result

    def open_outputs(self, skus: Sequence[str] | None = None) -> list[OpenOutput]:
        query = (
            select(
                manufacturing_orders.c.number,
                items.c.sku,
                manufacturing_orders.c.quantity,
                manufacturing_orders.c.completed,
                manufacturing_orders.c.planned_finish,
                manufacturing_orders.c.due_date,
            )
            .join(items, items.c.id == manufacturing_orders.c.item_id)
            .where(
                manufacturing_orders.c.status.in_(OPEN_STATUSES),
                manufacturing_orders.c.quantity > manufacturing_orders.c.completed,
            )
        )
        if skus is not None:
            query = query.where(one_of(self.session, items.c.sku, skus))
        return [
            OpenOutput(n, sku, q - c, _day(finish, due))
            for n, sku, q, c, finish, due in self.session.execute(query)
        ]

    def make_to_order_links(self, skus: Sequence[str] | None = None) -> list[MadeToOrderLink]:
        """Open MOs made to order, with the sales line they make and their remaining output."""
        query = (
            select(
                manufacturing_orders.c.number,
                items.c.sku,
                sales_orders.c.number,
                sales_lines.c.line_no,
                manufacturing_orders.c.quantity,
                manufacturing_orders.c.completed,
                manufacturing_orders.c.planned_finish,
                manufacturing_orders.c.due_date,
            )
            .join(items, items.c.id == manufacturing_orders.c.item_id)
            .join(sales_lines, sales_lines.c.id == manufacturing_orders.c.sales_line_id)
            .join(sales_orders, sales_orders.c.id == sales_lines.c.order_id)
            .where(
                # Said outright, so the partial index of the MOs made to order serves.
                manufacturing_orders.c.sales_line_id.is_not(None),
                manufacturing_orders.c.status.in_(OPEN_STATUSES),
                manufacturing_orders.c.quantity > manufacturing_orders.c.completed,
                # A cancelled or delivered order frees its MO's output for everyone else.
                sales_orders.c.status.in_(("open", "partly delivered")),
            )
        )
        if skus is not None:
            query = query.where(one_of(self.session, items.c.sku, skus))
        return [
            MadeToOrderLink(mo, sku, so, line_no, q - c, _day(finish, due))
            for mo, sku, so, line_no, q, c, finish, due in self.session.execute(query)
        ]

    def store_plan(
        self,
        mo_times: dict[str, tuple[datetime | None, datetime | None, str]],
        task_times: dict[tuple[str, int], tuple[datetime, datetime]],
    ) -> None:
        """Writes the planned starts and finishes of MOs and tasks.

        Only MOs whose plan changed are written; an ingredient's allocation depends on its MO's
        start day and the output's on the finish day, so only those items are touched."""
        if mo_times:
            mo = manufacturing_orders
            stored = {
                row.number: row
                for row in self.session.execute(
                    select(
                        mo.c.number,
                        mo.c.item_id,
                        mo.c.due_date,
                        mo.c.planned_start,
                        mo.c.planned_finish,
                        mo.c.late_reason,
                    ).where(mo.c.number.in_(sorted(mo_times)))
                )
            }
            changed = {
                n: times
                for n, times in mo_times.items()
                if n not in stored
                or (stored[n].planned_start, stored[n].planned_finish, stored[n].late_reason)
                != times
            }
            if changed:
                update_rows(
                    self.session,
                    mo,
                    [
                        {"number": n, "planned_start": s, "planned_finish": f, "late_reason": why}
                        for n, (s, f, why) in changed.items()
                    ],
                    key="number",
                )
            started_moved = set()
            for n, (start, finish, _) in changed.items():
                old = stored.get(n)
                if old is None:
                    continue
                if _day(old.planned_start, old.due_date) != _day(start, old.due_date):
                    started_moved.add(n)
                if _day(old.planned_finish, old.due_date) != _day(finish, old.due_date):
                    self.marks.touch_ids([old.item_id])
            self._touch_ingredients_of(started_moved)
        if task_times:
            rows = self.session.execute(
                select(manufacturing_orders.c.number, manufacturing_orders.c.id).where(
                    manufacturing_orders.c.number.in_(sorted({n for n, _ in task_times}))
                )
            )
            ids: dict[str, int] = {row[0]: row[1] for row in rows}
            update_rows(
                self.session,
                mo_tasks,
                [
                    {"mo_id": ids[n], "sequence": seq, "planned_start": s, "planned_finish": f}
                    for (n, seq), (s, f) in task_times.items()
                ],
                key=("mo_id", "sequence"),
            )

    def record_plan(
        self,
        *,
        created_at: datetime,
        fingerprint: str,
        engine: str,
        status: str,
        tardiness: int,
        late_orders: int,
    ) -> int:
        """Records a plan version; returns its number."""
        return int(
            self.session.execute(
                insert(plan_versions)
                .values(
                    created_at=created_at,
                    fingerprint=fingerprint,
                    engine=engine,
                    status=status,
                    tardiness_minutes=tardiness,
                    late_orders=late_orders,
                )
                .returning(plan_versions.c.id)
            ).scalar_one()
        )

    def latest_plan(self) -> tuple[int, str, datetime] | None:
        """The newest plan version: (id, fingerprint, created at)."""
        row = self.session.execute(
            select(plan_versions.c.id, plan_versions.c.fingerprint, plan_versions.c.created_at)
            .order_by(plan_versions.c.id.desc())
            .limit(1)
        ).first()
        return None if row is None else (row.id, row.fingerprint, row.created_at)

    def open_ranks(self) -> list[tuple[str, int]]:
        """(number, rank) of every open MO in Make-list order, in one light query."""
        rows = self.session.execute(
            select(manufacturing_orders.c.number, manufacturing_orders.c.rank)
            .where(manufacturing_orders.c.status.in_(OPEN_STATUSES))
            .order_by(manufacturing_orders.c.rank, manufacturing_orders.c.id)
        )
        return [(row[0], row[1]) for row in rows]

    def plan_inputs(self) -> list[tuple[object, ...]]:
        """What the schedule of the open MOs depends on, in three light queries: each open MO's
        rank, status, quantities and due date, its ingredients' planned totals, and the newest
        task event (a task started, paused or finished)."""
        open_mo = manufacturing_orders.c.status.in_(OPEN_STATUSES)
        rows: list[tuple[object, ...]] = [
            tuple(r)
            for r in self.session.execute(
                select(
                    manufacturing_orders.c.number,
                    manufacturing_orders.c.rank,
                    manufacturing_orders.c.status,
                    manufacturing_orders.c.quantity,
                    manufacturing_orders.c.completed,
                    manufacturing_orders.c.due_date,
                )
                .where(open_mo)
                .order_by(manufacturing_orders.c.id)
            )
        ]
        rows.append(
            tuple(
                self.session.execute(
                    select(
                        func.count(),
                        func.sum(mo_ingredients.c.planned),
                        func.sum(mo_ingredients.c.consumed),
                    )
                    .join(manufacturing_orders, manufacturing_orders.c.id == mo_ingredients.c.mo_id)
                    .where(open_mo)
                ).one()
            )
        )
        rows.append((self.session.execute(select(func.max(task_events.c.id))).scalar_one(),))
        return rows

    def set_ranks(self, ranks: dict[str, int], reordered: Collection[str]) -> None:
        """Writes new ranks. ``reordered`` names the MOs whose place among the others changed:
        the ones not named keep their order among themselves (renumbered around a moved MO), and
        allocation depends only on that order, so only the named MOs' ingredients are touched."""
        update_rows(
            self.session,
            manufacturing_orders,
            [{"number": number, "rank": rank} for number, rank in ranks.items()],
            key="number",
        )
        self._touch_ingredients_of(reordered)

    def move(self, number: str, position: int) -> bool | None:
        """Moves open MO ``number`` to ``position`` (1 = first) in SQL alone: the ranks between
        its place and the new one shift by one, it takes the rank of the order it displaces.
        False when it is there already; None (nothing done) when ranks repeat in that span,
        where only renumbering the list can place it exactly."""
        mo = manufacturing_orders
        open_mo = mo.c.status.in_(OPEN_STATUSES)
        total = int(
            self.session.execute(select(func.count()).select_from(mo).where(open_mo)).scalar_one()
        )
        target = min(max(position, 1), total)
        ranked = (
            select(
                mo.c.number,
                mo.c.rank,
                func.row_number().over(order_by=(mo.c.rank, mo.c.id)).label("position"),
            )
            .where(open_mo)
            .subquery()
        )
        rows = self.session.execute(
            select(ranked.c.number, ranked.c.rank, ranked.c.position).where(
                or_(ranked.c.number == number, ranked.c.position == target)
            )
        ).all()
        mine = next((r for r in rows if r.number == number), None)
        there = next((r for r in rows if r.position == target), None)
        if mine is None or there is None:
            return None
        if mine.position == target:
            return False
        low, high = sorted((int(mine.rank), int(there.rank)))
        count, distinct = self.session.execute(
            select(func.count(), func.count(func.distinct(mo.c.rank))).where(
                open_mo, mo.c.rank.between(low, high)
            )
        ).one()
        if count != distinct:
            return None
        others = (mo.c.number != number, open_mo)
        if target < mine.position:  # up: the orders from the target to it move down one place
            span = (mo.c.rank >= there.rank, mo.c.rank < mine.rank)
            self.session.execute(update(mo).where(*others, *span).values(rank=mo.c.rank + 1))
        else:  # down: the orders after it up to the target move up one place
            span = (mo.c.rank > mine.rank, mo.c.rank <= there.rank)
            self.session.execute(update(mo).where(*others, *span).values(rank=mo.c.rank - 1))
        self.session.execute(update(mo).where(mo.c.number == number).values(rank=there.rank))
        # Only its place among the others changed: its ingredients' allocations may change.
        self._touch_ingredients_of([number])
        return True

    def shift_ranks(self, low: int, high: int, delta: int, besides: str) -> None:
        """Adds ``delta`` to the rank of every open MO ranked ``low`` to ``high`` but ``besides``.
        Their order among themselves stays, so no allocation changes: nothing is touched."""
        mo = manufacturing_orders
        self.session.execute(
            update(mo)
            .where(
                mo.c.status.in_(OPEN_STATUSES),
                mo.c.rank.between(low, high),
                mo.c.number != besides,
            )
            .values(rank=mo.c.rank + delta)
        )

    def _touch_ingredients_of(self, numbers: Collection[str]) -> None:
        if numbers:
            self.marks.touch_ids(
                self.session.execute(
                    select(mo_ingredients.c.item_id)
                    .join(manufacturing_orders, manufacturing_orders.c.id == mo_ingredients.c.mo_id)
                    .where(manufacturing_orders.c.number.in_(sorted(numbers)))
                ).scalars()
            )


def _ingredient_values(ing: Ingredient) -> dict[str, Decimal]:
    return {"planned": ing.planned, "consumed": ing.consumed, "consumed_cost": ing.consumed_cost}
