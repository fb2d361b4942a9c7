"""The stock repository: ledger entries and the balances kept beside them.

Locking (PostgreSQL): a posting locks the rows of its items first, then its balance rows, each set
in ascending id order. Every posting takes locks in that one global order, so two postings can
wait for each other but never deadlock. The item lock also serialises moving-average updates.
On SQLite the whole write transaction holds the database lock (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from takt.app.ports import BalanceRow, LedgerFilter
from takt.domain.errors import NotFound
from takt.domain.items import Item
from takt.domain.ledger import LedgerEntry, PostingResult, Reason, StockKey
from takt.domain.valuation import CostLayer
from takt.store.bulk import insert_rows, one_of, update_rows
from takt.store.items import item_from_row, item_select
from takt.store.lookups import Lookups
from takt.store.marks import SqlAllocationMarks
from takt.store.tables import cost_layers, items, locations, stock_balances, stock_ledger

ZERO = Decimal(0)


class SqlStockRepository:
    def __init__(self, session: Session, lookups: Lookups, marks: SqlAllocationMarks) -> None:
        self.session = session
        self.lookups = lookups
        self.marks = marks
        self._balance_ids: dict[StockKey, int] = {}

    def lock_items(self, skus: Sequence[str]) -> dict[str, Item]:
        wanted = sorted(set(skus))
        rows = self.session.execute(
            item_select()
            .where(one_of(self.session, items.c.sku, wanted))
            .order_by(items.c.id)
            .with_for_update(of=items)
        ).all()
        found = {item.sku: item for item in map(item_from_row, rows)}
        for sku in wanted:
            if sku not in found:
                raise NotFound(f"unknown SKU {sku!r}", field="sku")
            self.lookups.remember(items, sku, found[sku].id or 0)
        return found

    def on_hand(self, skus: Sequence[str]) -> dict[str, Decimal]:
        wanted = sorted(set(skus))
        sums = dict.fromkeys(wanted, ZERO)
        rows = self.session.execute(
            select(items.c.sku, func.sum(stock_balances.c.quantity))
            .join(items, items.c.id == stock_balances.c.item_id)
            .where(one_of(self.session, items.c.sku, wanted))
            .group_by(items.c.sku)
        )
        for sku, total in rows:
            sums[sku] = total if total is not None else ZERO
        return sums

    def lock_balances(self, keys: Sequence[StockKey]) -> dict[StockKey, Decimal]:
        """Current balances of ``keys`` (0 for new ones), locked for the rest of the transaction."""
        wanted = sorted(set(keys))
        item_ids = self.lookups.ids_of(items, [k.item for k in wanted], "SKU", "sku")
        loc_ids = self.lookups.ids_of(
            locations, [k.location for k in wanted], "location", "location"
        )
        by_ids = {(item_ids[k.item], loc_ids[k.location], k.batch): k for k in wanted}
        result = self._select_locked(by_ids)
        missing = [k for k in wanted if k not in result]
        if missing:
            # A first posting at a key creates its balance row; a concurrent creator is fine.
            dialect = self.session.get_bind().dialect.name
            upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
                stock_balances
            ).on_conflict_do_nothing(index_elements=["item_id", "location_id", "batch"])
            self.session.execute(
                upsert,
                [
                    {
                        "item_id": item_ids[k.item],
                        "location_id": loc_ids[k.location],
                        "batch": k.batch,
                        "quantity": ZERO,
                    }
                    for k in missing
                ],
            )
            result = self._select_locked(by_ids)
        return result

    def _select_locked(
        self, by_ids: dict[tuple[int, int, str], StockKey]
    ) -> dict[StockKey, Decimal]:
        rows = self.session.execute(
            select(
                stock_balances.c.id,
                stock_balances.c.item_id,
                stock_balances.c.location_id,
                stock_balances.c.batch,
                stock_balances.c.quantity,
            )
            .where(
                one_of(self.session, stock_balances.c.item_id, sorted({i for i, _, _ in by_ids}))
            )
            .where(
                one_of(
                    self.session,
                    stock_balances.c.location_id,
                    sorted({loc for _, loc, _ in by_ids}),
                )
            )
            .order_by(stock_balances.c.id)
            .with_for_update()
        )
        result: dict[StockKey, Decimal] = {}
        for row_id, item_id, loc_id, batch, quantity in rows:
            key = by_ids.get((item_id, loc_id, batch))
            if key is not None:
                self._balance_ids[key] = row_id
                result[key] = quantity
        return result

    def lock_layers(self, skus: Sequence[str]) -> dict[str, list[CostLayer]]:
        """FIFO cost layers of ``skus``, oldest first (the item rows are already locked)."""
        ids = self.lookups.ids_of(items, skus, "SKU", "sku")
        by_id = {v: k for k, v in ids.items()}
        result: dict[str, list[CostLayer]] = {sku: [] for sku in ids}
        for item_id, quantity, unit_cost, received_at in self.session.execute(
            select(
                cost_layers.c.item_id,
                cost_layers.c.quantity,
                cost_layers.c.unit_cost,
                cost_layers.c.received_at,
            )
            .where(cost_layers.c.item_id.in_(list(by_id)))
            .order_by(cost_layers.c.id)
        ):
            result[by_id[item_id]].append(CostLayer(quantity, unit_cost, received_at))
        return result

    def apply(self, result: PostingResult) -> None:
        """Writes a posting's entries, balances and item costs (inside the caller's transaction)."""
        item_ids = self.lookups.ids_of(items, [e.key.item for e in result.entries], "SKU", "sku")
        self.marks.touch_ids(item_ids.values())
        loc_ids = self.lookups.ids_of(
            locations, [e.key.location for e in result.entries], "location", "location"
        )
        insert_rows(
            self.session,
            stock_ledger,
            [
                {
                    "item_id": item_ids[e.key.item],
                    "location_id": loc_ids[e.key.location],
                    "batch": e.key.batch,
                    "quantity": e.quantity,
                    "unit_cost": e.unit_cost,
                    "reason": e.reason.value,
                    "document": e.document,
                    "note": e.note,
                    "user_name": e.user,
                    "created_at": e.at,
                }
                for e in result.entries
            ],
        )
        update_rows(
            self.session,
            stock_balances,
            [{"id": self._balance_ids[k], "quantity": q} for k, q in result.balances.items()],
        )
        if result.layers:
            # Layers are few per item: rewrite them rather than track each change.
            layer_items = [item_ids[sku] for sku in result.layers]
            self.session.execute(delete(cost_layers).where(cost_layers.c.item_id.in_(layer_items)))
            rows = [
                {
                    "item_id": item_ids[sku],
                    "quantity": layer.quantity,
                    "unit_cost": layer.unit_cost,
                    "received_at": layer.received_at,
                }
                for sku, layers in result.layers.items()
                for layer in layers
                if layer.quantity > 0
            ]
            if rows:
                self.session.execute(insert(cost_layers), rows)
        update_rows(
            self.session,
            items,
            [
                {
                    "id": item_ids[sku],
                    "average_cost": c.average_cost,
                    "has_cost_history": c.has_cost_history,
                }
                for sku, c in result.costs.items()
            ],
        )

    def balances(self, sku: str | None = None, location: str | None = None) -> list[BalanceRow]:
        query = (
            select(
                items.c.sku,
                items.c.name,
                locations.c.code,
                stock_balances.c.batch,
                stock_balances.c.quantity,
                items.c.unit,
                items.c.average_cost,
            )
            .join(items, items.c.id == stock_balances.c.item_id)
            .join(locations, locations.c.id == stock_balances.c.location_id)
            .where(stock_balances.c.quantity != 0)
            .order_by(items.c.sku, locations.c.id, stock_balances.c.batch)
        )
        if sku is not None:
            query = query.where(items.c.sku == sku)
        if location is not None:
            query = query.where(locations.c.code == location)
        return [BalanceRow(*row) for row in self.session.execute(query)]

    def ledger(self, where: LedgerFilter) -> list[LedgerEntry]:
        query = (
            select(
                items.c.sku,
                locations.c.code,
                stock_ledger.c.batch,
                stock_ledger.c.quantity,
                stock_ledger.c.unit_cost,
                stock_ledger.c.reason,
                stock_ledger.c.document,
                stock_ledger.c.note,
                stock_ledger.c.user_name,
                stock_ledger.c.created_at,
            )
            .join(items, items.c.id == stock_ledger.c.item_id)
            .join(locations, locations.c.id == stock_ledger.c.location_id)
            .order_by(stock_ledger.c.id.desc())
            .limit(where.limit)
        )
        if where.sku is not None:
            query = query.where(items.c.sku == where.sku)
        if where.location is not None:
            query = query.where(locations.c.code == where.location)
        if where.batch is not None:
            query = query.where(stock_ledger.c.batch == where.batch)
        if where.reason is not None:
            query = query.where(stock_ledger.c.reason == where.reason.value)
        if where.document is not None:
            query = query.where(stock_ledger.c.document == where.document)
        if where.since is not None:
            query = query.where(stock_ledger.c.created_at >= where.since)
        if where.until is not None:
            query = query.where(stock_ledger.c.created_at < where.until)
        return [
            LedgerEntry(StockKey(sku, loc, batch), qty, cost, Reason(reason), doc, note, user, at)
            for sku, loc, batch, qty, cost, reason, doc, note, user, at in self.session.execute(
                query
            )
        ]

    def last_entry_id(self) -> int:
        """The id of the newest ledger entry (0 for an empty ledger): a cheap change marker."""
        return int(self.session.execute(select(func.max(stock_ledger.c.id))).scalar_one() or 0)

    def ledger_sums(self) -> dict[StockKey, Decimal]:
        rows = self.session.execute(
            select(
                items.c.sku,
                locations.c.code,
                stock_ledger.c.batch,
                func.sum(stock_ledger.c.quantity),
            )
            .join(items, items.c.id == stock_ledger.c.item_id)
            .join(locations, locations.c.id == stock_ledger.c.location_id)
            .group_by(items.c.sku, locations.c.code, stock_ledger.c.batch)
        )
        return {StockKey(s, loc, b): q for s, loc, b, q in rows if q != 0}

    def stored_balances(self) -> dict[StockKey, Decimal]:
        return {StockKey(r.sku, r.location, r.batch): r.quantity for r in self.balances()}
