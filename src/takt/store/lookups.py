"""Code <-> id lookups shared by the repositories of one unit of work."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from takt.domain.errors import NotFound
from takt.store.bulk import one_of


class Lookups:
    """Caches the ids of items, locations, workstations and suppliers for one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[tuple[str, str], int] = {}

    def id_of(self, table: Table, code: str, what: str, field: str) -> int:
        key_col = "sku" if "sku" in table.c else "code"
        cached = self._cache.get((table.name, code))
        if cached is not None:
            return cached
        found = self.session.execute(
            select(table.c.id).where(table.c[key_col] == code)
        ).scalar_one_or_none()
        if found is None:
            raise NotFound(f"unknown {what} {code!r}", field=field)
        self._cache[(table.name, code)] = found
        return int(found)

    def ids_of(self, table: Table, codes: Iterable[str], what: str, field: str) -> dict[str, int]:
        """Ids of many codes in one query; raises ``NotFound`` naming the first unknown one."""
        wanted = sorted(set(codes))
        key_col = "sku" if "sku" in table.c else "code"
        missing = [c for c in wanted if (table.name, c) not in self._cache]
        if missing:
            rows = self.session.execute(
                select(table.c[key_col], table.c.id).where(
                    one_of(self.session, table.c[key_col], missing)
                )
            )
            for code, row_id in rows:
                self._cache[(table.name, code)] = row_id
        for code in wanted:
            if (table.name, code) not in self._cache:
                raise NotFound(f"unknown {what} {code!r}", field=field)
        return {c: self._cache[(table.name, c)] for c in wanted}

    def remember(self, table: Table, code: str, row_id: int) -> None:
        self._cache[(table.name, code)] = row_id
