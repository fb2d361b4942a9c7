"""Document numbers (MO-0001, ADJ-0001...): gap-free per prefix, allocated inside the transaction."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from takt.store.tables import document_numbers


class SqlNumberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next(self, prefix: str) -> str:
        """The next number for ``prefix``; the row lock makes concurrent callers queue.

        The counter row is created on first use with "insert, ignore if present", so two first
        callers do not collide; the one that waits then reads the other's committed value.
        """
        dialect = self.session.get_bind().dialect.name
        create = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
            document_numbers
        ).on_conflict_do_nothing(index_elements=["prefix"])
        self.session.execute(create.values(prefix=prefix, last_value=0))
        value = (
            self.session.execute(
                select(document_numbers.c.last_value)
                .where(document_numbers.c.prefix == prefix)
                .with_for_update()
            ).scalar_one()
            + 1
        )
        self.session.execute(
            update(document_numbers)
            .where(document_numbers.c.prefix == prefix)
            .values(last_value=value)
        )
        return f"{prefix}-{value:04d}"
