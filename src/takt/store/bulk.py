"""Writing many rows in few statements, and naming many rows in one parameter.

A 300-line document writes 300 ledger entries, 300 balances, 300 order lines. On SQLite an
``executemany`` is a loop inside the process and costs little. On PostgreSQL every row of it is
a statement for the server, and a multi-row ``VALUES`` list is a new statement for SQLAlchemy to
compile on every call (3,000 parameters take longer to render than to run); so there the rows go
as one array per column through ``unnest``: one statement whose text never changes, whatever the
number of rows, so it is compiled once and prepared by the server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Dialect,
    Table,
    TextClause,
    any_,
    bindparam,
    insert,
    text,
    update,
)
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any]


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Inserts ``rows`` (each with the same keys) into ``table``; columns left out take their
    defaults, as with SQLAlchemy's own insert."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql" or len(rows) == 1:
        session.execute(insert(table), list(rows))
        return
    given = set(rows[0])
    defaults: dict[str, Any] = {}
    for col in table.columns:
        default = col.default
        if col.name in given or default is None:
            continue
        if not getattr(default, "is_scalar", False):
            # A default worked out per row (a function, SQL): let SQLAlchemy insert.
            session.execute(insert(table), list(rows))
            return
        defaults[col.name] = getattr(default, "arg", None)
    if defaults:
        rows = [{**row, **defaults} for row in rows]
    names = tuple(rows[0])
    statement, processors = _unnest_insert(table, names, dialect)
    session.execute(statement, _arrays(rows, names, processors))


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
    keys = (key,) if isinstance(key, str) else tuple(key)
    names = tuple(name for name in rows[0] if name not in keys)
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql" or len(rows) == 1:
        session.execute(
            update(table).where(*(table.c[k] == bindparam(f"{k}_") for k in keys)),
            [{**{f"{k}_": row[k] for k in keys}, **{n: row[n] for n in names}} for row in rows],
        )
        return
    statement, processors = _unnest_update(table, keys, names, dialect)
    session.execute(statement, _arrays(rows, keys + names, processors))


def _arrays(
    rows: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    processors: Sequence[Processor | None],
) -> dict[str, list[Any]]:
    """One list per column, each value as the column's type binds it (a Decimal as millionths)."""
    arrays: dict[str, list[Any]] = {}
    for i, (name, process) in enumerate(zip(names, processors, strict=True)):
        values = [row[name] for row in rows]
        arrays[f"p{i}"] = values if process is None else [process(v) for v in values]
    return arrays


@lru_cache(maxsize=256)
def _unnest_insert(
    table: Table, names: tuple[str, ...], dialect: Dialect
) -> tuple[TextClause, list[Processor | None]]:
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(n) for n in names)
    sql = (
        f"INSERT INTO {quote(table.name)} ({columns}) "
        f"SELECT * FROM unnest({_casts(table, names, dialect)})"
    )
    return text(sql), _processors(table, names, dialect)


@lru_cache(maxsize=256)
def _unnest_update(
    table: Table, keys: tuple[str, ...], names: tuple[str, ...], dialect: Dialect
) -> tuple[TextClause, list[Processor | None]]:
    quote = dialect.identifier_preparer.quote
    target = quote(table.name)
    every = keys + names
    assignments = ", ".join(f"{quote(n)} = new.{quote(n)}" for n in names)
    matches = " AND ".join(f"{target}.{quote(k)} = new.{quote(k)}" for k in keys)
    sql = (
        f"UPDATE {target} SET {assignments} "
        f"FROM unnest({_casts(table, every, dialect)}) "
        f"AS new({', '.join(quote(n) for n in every)}) WHERE {matches}"
    )
    return text(sql), _processors(table, every, dialect)


def _casts(table: Table, names: Sequence[str], dialect: Dialect) -> str:
    # The casts name each array's type: a list of NULLs alone would not tell PostgreSQL.
    return ", ".join(
        f"CAST(:p{i} AS {table.c[name].type.compile(dialect=dialect)}[])"
        for i, name in enumerate(names)
    )


def _processors(table: Table, names: Sequence[str], dialect: Dialect) -> list[Processor | None]:
    return [table.c[name].type.bind_processor(dialect) for name in names]


def one_of(
    session: Session, column: ColumnElement[Any], values: Iterable[Any]
) -> ColumnElement[bool]:
    """``column IN (values)``. On PostgreSQL as ``column = ANY(array)``: one parameter, so the
    statement's text is the same for any number of values (an ``IN`` list of 300 SKUs is 300
    parameters for SQLAlchemy to render and the driver to parse, on every call)."""
    wanted = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, wanted, type_=ARRAY(column.type)))
    return column.in_(wanted)
