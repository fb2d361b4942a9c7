"""The main listings read in a fixed number of SQL statements, whatever the number of rows.

The same requests are counted with 10 rows of each kind and again with 1,000 (items with stock,
sales, purchase and manufacturing orders, audit entries). The rows beyond the first are copies
made with bulk inserts (SQLAlchemy Core), not through the API: the first order of each kind is
made through its use case, then copied with its lines under new numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Table, event, insert, select

from takt.store.tables import (
    audit_log,
    items,
    locations,
    manufacturing_orders,
    mo_ingredients,
    mo_tasks,
    purchase_lines,
    purchase_orders,
    sales_lines,
    sales_orders,
    stock_balances,
)
from tests.api.conftest import Api
from tests.api.orders import some_orders

LISTINGS = [
    "/items",
    "/stock",
    "/sales-orders",
    "/purchase-orders",
    "/manufacturing-orders",
    "/audit",
]
NOW = datetime(2030, 1, 1, tzinfo=UTC)


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _copies(
    engine: Engine,
    table: Table,
    number: str,
    children: list[Table],
    fk: str,
    start: int,
    count: int,
) -> None:
    """``count`` copies of order ``number`` of ``table`` (numbered from ``start``), each with
    copies of its rows in ``children`` (whose column ``fk`` points at the order)."""
    with engine.begin() as conn:
        source = dict(conn.execute(select(table).where(table.c.number == number)).mappings().one())
        kids = {
            child: [
                dict(r)
                for r in conn.execute(select(child).where(child.c[fk] == source["id"])).mappings()
            ]
            for child in children
        }
        del source["id"]
        rows = [
            {**source, "number": f"{number[:2]}-X{start + i:05d}"}
            | ({"rank": source["rank"] + start + i} if "rank" in source else {})
            for i in range(count)
        ]
        ids = conn.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        ).scalars()
        new_ids = list(ids)
        for child, lines in kids.items():
            copies = [
                {k: v for k, v in line.items() if k != "id"} | {fk: new_id}
                for new_id in new_ids
                for line in lines
            ]
            if copies:
                conn.execute(insert(child), copies)


def _grow(api: Api, orders: dict[str, str], start: int, count: int) -> None:
    """``count`` more items with stock, orders of each kind and audit entries."""
    engine = api.takt.engine
    with engine.begin() as conn:
        main = conn.execute(select(locations.c.id).where(locations.c.code == "MAIN")).scalar_one()
        template = dict(conn.execute(select(items).where(items.c.sku == "SCREW")).mappings().one())
        del template["id"]
        skus = [f"BULK-{start + i:05d}" for i in range(count)]
        ids = conn.execute(
            insert(items).returning(items.c.id, sort_by_parameter_order=True),
            [{**template, "sku": sku, "name": f"Bulk part {sku}"} for sku in skus],
        ).scalars()
        conn.execute(
            insert(stock_balances),
            [
                {"item_id": item_id, "location_id": main, "batch": "", "quantity": Decimal(5)}
                for item_id in ids
            ],
        )
        conn.execute(
            insert(audit_log),
            [
                {
                    "at": NOW,
                    "user_name": "planner",
                    "action": "update",
                    "entity": "item",
                    "entity_key": sku,
                    "before": {"name": "old"},
                    "after": {"name": "new"},
                }
                for sku in skus
            ],
        )
    _copies(engine, sales_orders, orders["so"], [sales_lines], "order_id", start, count)
    _copies(engine, purchase_orders, orders["po"], [purchase_lines], "order_id", start, count)
    _copies(
        engine,
        manufacturing_orders,
        orders["legs"],
        [mo_ingredients, mo_tasks],
        "mo_id",
        start,
        count,
    )


def _counts(api: Api) -> dict[str, int]:
    """Statements per listing (after one call each, so that nothing first-time is counted)."""
    found: dict[str, int] = {}
    for path in LISTINGS:
        assert api.get(path).status_code == 200
        with counting(api.takt.engine) as statements:
            response = api.get(path)
        assert response.status_code == 200, response.text
        found[path] = len(statements)
    return found


def test_listings_read_in_the_same_number_of_statements_for_10_and_1000_rows(api: Api) -> None:
    orders = some_orders(api.takt)
    _grow(api, orders, 0, 9)
    small = _counts(api)
    assert api.get("/sales-orders").json()["total"] == 10
    _grow(api, orders, 9, 990)
    large = _counts(api)
    assert api.get("/sales-orders").json()["total"] == 1000
    assert api.get("/purchase-orders").json()["total"] == 1000
    assert api.get("/manufacturing-orders").json()["total"] >= 1000
    assert api.get("/stock").json()["total"] >= 999
    assert api.get("/items").json()["total"] >= 999
    assert all(small.values())
    assert large == small, (small, large)
