"""Document numbers (MO-0001, ADJ-0001...): gap-free per prefix, allocated inside the transaction."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from takt.store.tables import document_numbers


class SqlNumberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next(self, prefix: str) -> str:
        """The next number for ``prefix``; the row lock makes concurrent callers queue."""
        row = self.session.execute(
            select(document_numbers.c.last_value)
            .where(document_numbers.c.prefix == prefix)
            .with_for_update()
        ).first()
        if row is None:
            value = 1
            self.session.execute(insert(document_numbers).values(prefix=prefix, last_value=value))
        else:
            value = row.last_value + 1
            self.session.execute(
                update(document_numbers)
                .where(document_numbers.c.prefix == prefix)
                .values(last_value=value)
            )
        return f"{prefix}-{value:04d}"
