"""Allocation marks: which items' allocations a committed transaction changed.

The repositories that write what allocation reads (the ledger, order lines, MO ranks and planned
dates) note the items they touch here; the unit of work writes one new random mark for all of them
just before it commits, in the same transaction, so the marks change exactly when the data does.
A reader takes the marks first and the data after, so what it keeps under a mark is never older
than the mark (at worst newer, which only costs one needless recompute later).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from takt.store.bulk import one_of
from takt.store.lookups import Lookups
from takt.store.tables import allocation_marks, items

EPOCH_ROW = 0
# Rows in id order (unnest keeps the array's order), so two transactions take the row locks in
# the same order.
_PG_UPSERT = text(
    "INSERT INTO allocation_marks (item_id, mark) "
    "SELECT unnest(CAST(:ids AS BIGINT[])), :mark "
    "ON CONFLICT (item_id) DO UPDATE SET mark = excluded.mark"
)


class SqlAllocationMarks:
    """Collects the items one unit of work touched and writes their new mark on commit."""

    def __init__(self, session: Session, lookups: Lookups) -> None:
        self.session = session
        self.lookups = lookups
        self._ids: set[int] = set()
        self._skus: set[str] = set()

    @property
    def pending(self) -> bool:
        """Whether this transaction changed something allocation reads (not yet committed)."""
        return bool(self._ids or self._skus)

    def touch_ids(self, item_ids: Iterable[int]) -> None:
        self._ids.update(item_ids)

    def touch(self, skus: Iterable[str]) -> None:
        self._skus.update(skus)

    def discard(self) -> None:
        self._ids.clear()
        self._skus.clear()

    def flush(self) -> None:
        """Writes one fresh mark for every touched item (called by the unit of work's commit)."""
        if self._skus:
            self._ids.update(self.lookups.ids_of(items, self._skus, "SKU", "sku").values())
            self._skus.clear()
        if not self._ids:
            return
        mark = secrets.randbits(62)
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # Rows in id order, so two transactions take the row locks in the same order. The epoch
        # row comes back too when a test or a reset emptied the table.
        ids = sorted(self._ids)
        if dialect == "postgresql":
            # One statement of one array whatever the number of items (see store.bulk).
            self.session.execute(_PG_UPSERT, {"ids": ids, "mark": mark})
        else:
            upsert = insert(allocation_marks)
            self.session.execute(
                upsert.on_conflict_do_update(
                    index_elements=["item_id"], set_={"mark": upsert.excluded.mark}
                ),
                [{"item_id": i, "mark": mark} for i in ids],
            )
        self.session.execute(
            insert(allocation_marks)
            .values(item_id=EPOCH_ROW, mark=secrets.randbits(62))
            .on_conflict_do_nothing(index_elements=["item_id"])
        )
        self._ids.clear()

    def read(self, skus: Sequence[str] | None = None) -> tuple[int, dict[str, int]] | None:
        """The epoch and each item's mark (0 for an item never touched); None without an epoch."""
        epoch = self.session.execute(
            select(allocation_marks.c.mark).where(allocation_marks.c.item_id == EPOCH_ROW)
        ).scalar_one_or_none()
        if epoch is None:
            return None
        query = select(items.c.sku, allocation_marks.c.mark).outerjoin(
            allocation_marks, allocation_marks.c.item_id == items.c.id
        )
        if skus is not None:
            query = query.where(one_of(self.session, items.c.sku, sorted(set(skus))))
        return int(epoch), {sku: mark or 0 for sku, mark in self.session.execute(query)}
