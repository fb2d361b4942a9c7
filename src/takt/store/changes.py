"""Writing back only what changed: an order with 300 lines that ships one line updates one row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from takt.store.bulk import update_rows


class RowTracker:
    """The stored values of the child rows a repository loaded, per table and id."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, int], tuple[Any, ...]] = {}

    def seen(self, table: Table, row_id: int, values: Mapping[str, Any]) -> None:
        self._seen[(table.name, row_id)] = tuple(values.values())

    def update_changed(
        self, session: Session, table: Table, rows: Sequence[tuple[int, Mapping[str, Any]]]
    ) -> None:
        """Updates the rows whose values differ from what was loaded (or last written).

        All rows given must carry the same value names (see ``takt.store.bulk.update_rows``).
        """
        dirty = [
            (row_id, values)
            for row_id, values in rows
            if self._seen.get((table.name, row_id)) != tuple(values.values())
        ]
        if not dirty:
            return
        update_rows(session, table, [{"id": row_id, **values} for row_id, values in dirty])
        for row_id, values in dirty:
            self.seen(table, row_id, values)
