"""Writing many rows in few statements.

A 300-line document writes 300 ledger entries, 300 balances, 300 order lines. On SQLite an
``executemany`` is a loop inside the process and costs little; on PostgreSQL every row of it is a
statement the server parses and answers, so there the rows go in multi-row statements instead
(``INSERT ... VALUES (...), (...)`` and ``UPDATE ... FROM (VALUES ...)``), in chunks that stay
well under the protocol's limit of 65,535 parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, cast, column, insert, update, values
from sqlalchemy.orm import Session

_PARAMETERS = 30_000


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _chunks(rows: Sequence[Mapping[str, Any]]) -> list[Sequence[Mapping[str, Any]]]:
    size = max(1, _PARAMETERS // max(1, len(rows[0])))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Inserts ``rows`` (each with the same keys) into ``table``."""
    if not rows:
        return
    if not _postgres(session) or len(rows) == 1:
        session.execute(insert(table), list(rows))
        return
    for chunk in _chunks(rows):
        session.execute(insert(table).values(list(chunk)))


def update_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: str | Sequence[str] = "id",
) -> None:
    """Sets the other values of each of ``rows`` (each with the same keys) on the row of
    ``table`` whose ``key`` column(s) equal the row's values for them."""
    if not rows:
        return
    keys = [key] if isinstance(key, str) else list(key)
    names = [name for name in rows[0] if name not in keys]
    if not _postgres(session) or len(rows) == 1:
        session.execute(
            update(table).where(*(table.c[k] == bindparam(f"{k}_") for k in keys)),
            [{**{f"{k}_": row[k] for k in keys}, **{n: row[n] for n in names}} for row in rows],
        )
        return
    columns = [*keys, *names]
    for chunk in _chunks(rows):
        new = values(*(column(name, table.c[name].type) for name in columns), name="new").data(
            [tuple(row[name] for name in columns) for row in chunk]
        )
        session.execute(
            update(table)
            .where(*(table.c[k] == new.c[k] for k in keys))
            # A column of the list that holds only NULLs would be text to PostgreSQL: cast.
            .values({name: cast(new.c[name], table.c[name].type) for name in names})
        )
