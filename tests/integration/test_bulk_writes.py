"""Many rows written in few statements read back exactly as written, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from takt.config import Takt
from takt.store.bulk import insert_rows, update_rows
from takt.store.tables import items as items_table
from takt.store.tables import locations, stock_balances

D = Decimal


def _item_rows(count: int) -> list[dict[str, object]]:
    return [
        {
            "sku": f"BULK-{n:04d}",
            "name": f"Bulk {n}",
            "kind": "material",
            "unit": "pcs",
            "created_at": datetime(2026, 1, 1, tzinfo=UTC),
            **dict.fromkeys(
                ["min_order_qty", "order_multiple", "reorder_point", "safety_stock"], D(0)
            ),
            "average_cost": D(0),
        }
        for n in range(count)
    ]


def test_many_rows_inserted_and_updated_come_back_exactly(takt: Takt) -> None:
    with Session(takt.engine) as session:
        insert_rows(session, locations, [{"code": "MAIN", "name": "Main"}])
        insert_rows(session, items_table, _item_rows(1_200))
        ids = dict(session.execute(select(items_table.c.sku, items_table.c.id)).all())
        location = session.execute(select(locations.c.id)).scalar_one()
        insert_rows(
            session,
            stock_balances,
            [
                {"item_id": i, "location_id": location, "batch": "", "quantity": D(0)}
                for i in ids.values()
            ],
        )
        balance_ids = session.execute(select(stock_balances.c.id)).scalars().all()
        # Fractions of six places, a negative and a whole number: every row its own value.
        update_rows(
            session,
            stock_balances,
            [{"id": b, "quantity": D(b) / 64 - 3} for b in balance_ids],
        )
        # A column that is NULL in every row still lands (PostgreSQL would read it as text).
        update_rows(
            session,
            items_table,
            [{"id": i, "sales_price": None, "safety_stock": D("2.5")} for i in ids.values()],
        )
        session.commit()
        stored = dict(session.execute(select(stock_balances.c.id, stock_balances.c.quantity)).all())
        assert stored == {b: D(b) / 64 - 3 for b in balance_ids}
        costs = session.execute(
            select(items_table.c.sales_price, items_table.c.safety_stock).distinct()
        ).all()
        assert costs == [(None, D("2.5"))]


def test_rows_found_by_two_key_columns_are_updated_each_on_its_own(takt: Takt) -> None:
    with Session(takt.engine) as session:
        insert_rows(session, locations, [{"code": f"L{n}", "name": f"Bin {n}"} for n in range(4)])
        # Keyed by (name, code): only the row matching both changes.
        update_rows(
            session,
            locations,
            [{"name": f"Bin {n}", "code": f"L{n}", "id": 100 + n} for n in range(0, 4, 2)]
            + [{"name": "Bin 1", "code": "L3", "id": 999}],
            key=("name", "code"),
        )
        session.commit()
        stored = session.execute(select(locations.c.code, locations.c.id).order_by("code")).all()
        assert [(code, row_id >= 100) for code, row_id in stored] == [
            ("L0", True),
            ("L1", False),
            ("L2", True),
            ("L3", False),
        ]
