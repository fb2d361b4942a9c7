"""A seeded order book loaded with bulk Core inserts, for the allocation and documents benchmarks.

Creating 10,000 MOs one by one through the use cases would take minutes, so ``load`` writes the
rows straight into the tables of ``takt.store.tables`` (after ``takt.config.bootstrap`` migrated
the schema), in the shape the use cases would have left them: items (materials and products),
one stock balance per item at ``MAIN`` with a matching opening ledger entry (balances = ledger
sums), open purchase orders for some materials, open sales orders, and open MOs with ingredient
lines, a few of them made to order for a sales line. Quantities go through the ``Micro`` column
type as Decimals, like every other write. Document counters are set past the generated numbers,
so the use cases number new documents after them.

Also holds the database plumbing shared by the benchmarks: a temporary SQLite file, a scratch
PostgreSQL database created and dropped on a server.
"""

from __future__ import annotations

import json
import random
import secrets
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, insert, select, text
from sqlalchemy.engine import make_url

from takt.store.tables import (
    customers,
    document_numbers,
    items,
    locations,
    manufacturing_orders,
    mo_ingredients,
    purchase_lines,
    purchase_orders,
    sales_lines,
    sales_orders,
    stock_balances,
    stock_ledger,
    suppliers,
)

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BASE_DAY = date(2026, 3, 2)
"""Day zero of the generated dates (a Monday), fixed so that every run sees the same book."""
CREATED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
LOCATION = "MAIN"
SUPPLIER = "SUP-BENCH"
CUSTOMER = "CUST-BENCH"
CHUNK = 5_000
"""Rows per executemany call while loading."""


@dataclass(frozen=True, slots=True)
class Sizes:
    """How big the generated order book is."""

    items: int = 2_000
    products: int = 500
    mos: int = 10_000
    ingredients_per_mo: int = 10
    sales_lines: int = 5_000
    lines_per_sales_order: int = 5
    purchase_lines: int = 2_000
    lines_per_purchase_order: int = 5
    made_to_order_share: float = 0.02

    def scaled(self, factor: float) -> Sizes:
        """Every count times ``factor`` (at least a handful of each; lines per order kept)."""

        def part(n: int, least: int) -> int:
            return max(least, round(n * factor))

        products = part(self.products, 5)
        return Sizes(
            items=max(part(self.items, 20), products + self.ingredients_per_mo + 5),
            products=products,
            mos=part(self.mos, 10),
            ingredients_per_mo=self.ingredients_per_mo,
            sales_lines=part(self.sales_lines, self.lines_per_sales_order),
            lines_per_sales_order=self.lines_per_sales_order,
            purchase_lines=part(self.purchase_lines, self.lines_per_purchase_order),
            lines_per_purchase_order=self.lines_per_purchase_order,
            made_to_order_share=self.made_to_order_share,
        )

    def with_items(self, count: int, products: int) -> Sizes:
        """The same book over ``count`` items, ``products`` of them made."""
        return Sizes(
            items=count,
            products=products,
            mos=self.mos,
            ingredients_per_mo=self.ingredients_per_mo,
            sales_lines=self.sales_lines,
            lines_per_sales_order=self.lines_per_sales_order,
            purchase_lines=self.purchase_lines,
            lines_per_purchase_order=self.lines_per_purchase_order,
            made_to_order_share=self.made_to_order_share,
        )


FULL = Sizes()
"""The issue's sizes: 10,000 open MOs (100,000 ingredient lines), 5,000 sales lines, 2,000 items."""


def parse_scale(value: str) -> float:
    """``small`` (a tenth), ``full`` (1) or a positive fraction of the full sizes."""
    if value == "small":
        return 0.1
    if value == "full":
        return 1.0
    try:
        factor = float(value)
    except ValueError:
        raise ValueError(f"scale must be small, full or a number, got {value!r}") from None
    if not 0 < factor <= 10:
        raise ValueError(f"scale must be in (0, 10], got {factor}")
    return factor


@dataclass(slots=True)
class OrderBook:
    """What ``load`` wrote: the numbers and SKUs a benchmark picks from, and the row counts."""

    sizes: Sizes
    materials: list[str]
    products: list[str]
    mos: list[str]
    """Open MO numbers in Make-list rank order (rank 1 first)."""
    mo_skus: dict[str, list[str]]
    """Per MO: its output SKU, then its ingredient SKUs."""
    sales_orders: list[str]
    purchase_orders: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _micro(value: float | int) -> Decimal:
    """A quantity with at most three places (the generator's own precision)."""
    return Decimal(round(value * 1000)) / 1000


def _insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), list(rows[start : start + CHUNK]))


def _ids(connection: Connection, table: Table, key: str) -> dict[str, int]:
    return {k: int(i) for k, i in connection.execute(select(table.c[key], table.c.id))}


def load(engine: Engine, sizes: Sizes, seed: int = 11) -> OrderBook:
    """Writes the order book into the (migrated, empty) database behind ``engine``."""
    import time as clock

    started = clock.perf_counter()
    rng = random.Random(seed)
    n_materials = sizes.items - sizes.products
    materials = [f"MAT-{n:05d}" for n in range(n_materials)]
    products = [f"PRD-{n:05d}" for n in range(sizes.products)]
    with engine.begin() as conn:
        conn.execute(insert(locations), [{"code": LOCATION, "name": "Main store"}])
        conn.execute(
            insert(suppliers), [{"code": SUPPLIER, "name": "Bench supplier", "lead_time_days": 7}]
        )
        conn.execute(insert(customers), [{"code": CUSTOMER, "name": "Bench customer", "email": ""}])
        location_id = conn.execute(select(locations.c.id)).scalar_one()
        supplier_id = conn.execute(select(suppliers.c.id)).scalar_one()
        customer_id = conn.execute(select(customers.c.id)).scalar_one()

        cost: dict[str, Decimal] = {}
        item_rows: list[dict[str, Any]] = []
        for sku in materials + products:
            is_material = sku.startswith("MAT")
            cost[sku] = _micro(rng.uniform(0.5, 20) if is_material else rng.uniform(40, 400))
            item_rows.append(
                {
                    "sku": sku,
                    "name": f"Bench {'material' if is_material else 'product'} {sku[4:]}",
                    "kind": "material" if is_material else "product",
                    "unit": "pcs",
                    "purchase_unit": None,
                    "purchase_factor": None,
                    "default_supplier_id": supplier_id if is_material else None,
                    "lead_time_days": 7 if is_material else 0,
                    "min_order_qty": Decimal(0),
                    "order_multiple": Decimal(0),
                    "reorder_point": Decimal(0),
                    "safety_stock": Decimal(rng.choice((0, 0, 0, 5, 10))),
                    "batch_tracked": False,
                    "allow_negative_stock": False,
                    "sales_price": None if is_material else cost[sku] * 2,
                    "standard_cost": cost[sku],
                    "last_purchase_price": cost[sku] if is_material else None,
                    "average_cost": cost[sku],
                    "has_cost_history": True,
                    "variant_of_id": None,
                    "variant_attributes": {},
                    "created_at": CREATED,
                }
            )
        _insert(conn, items, item_rows)
        item_id = _ids(conn, items, "sku")

        # Sales orders: ranks shuffled against delivery dates, as a planner leaves them.
        n_orders = max(1, -(-sizes.sales_lines // sizes.lines_per_sales_order))
        so_numbers = [f"SO-{n + 1:04d}" for n in range(n_orders)]
        so_ranks = list(range(1, n_orders + 1))
        rng.shuffle(so_ranks)
        delivery: dict[str, date] = {}
        so_rows = []
        for number, rank in zip(so_numbers, so_ranks, strict=True):
            delivery[number] = BASE_DAY + timedelta(days=rng.randint(3, 120))
            so_rows.append(
                {
                    "number": number,
                    "customer_id": customer_id,
                    "delivery_date": delivery[number],
                    "status": "open",
                    "rank": rank,
                    "created_at": CREATED + timedelta(minutes=rank),
                }
            )
        _insert(conn, sales_orders, so_rows)
        so_id = _ids(conn, sales_orders, "number")
        sold: dict[str, Decimal] = {}
        sl_rows = []
        sl_keys: list[tuple[str, int, str, Decimal]] = []
        for n in range(sizes.sales_lines):
            number = so_numbers[n // sizes.lines_per_sales_order % n_orders]
            line_no = n % sizes.lines_per_sales_order + 1
            sku = rng.choice(products)
            quantity = Decimal(rng.randint(1, 30))
            sold[sku] = sold.get(sku, Decimal(0)) + quantity
            sl_keys.append((number, line_no, sku, quantity))
            sl_rows.append(
                {
                    "order_id": so_id[number],
                    "line_no": line_no,
                    "item_id": item_id[sku],
                    "quantity": quantity,
                    "unit_price": cost[sku] * 2,
                    "shipped": Decimal(0),
                    "cost_shipped": Decimal(0),
                }
            )
        _insert(conn, sales_lines, sl_rows)
        sl_id = {
            (number, line_no): int(i)
            for number, line_no, i in conn.execute(
                select(sales_orders.c.number, sales_lines.c.line_no, sales_lines.c.id).join(
                    sales_orders, sales_orders.c.id == sales_lines.c.order_id
                )
            )
        }

        # MOs: Make-list ranks shuffled against due dates; most scheduled, some made to order.
        mo_numbers = [f"MO-{n + 1:04d}" for n in range(sizes.mos)]
        mo_ranks = list(range(1, sizes.mos + 1))
        rng.shuffle(mo_ranks)
        mto_lines = rng.sample(
            sl_keys, min(len(sl_keys), round(sizes.mos * sizes.made_to_order_share))
        )
        mo_rows = []
        mo_skus: dict[str, list[str]] = {}
        for n, (number, rank) in enumerate(zip(mo_numbers, mo_ranks, strict=True)):
            line_id = None
            if n < len(mto_lines):
                so_number, line_no, sku, quantity = mto_lines[n]
                line_id = sl_id[(so_number, line_no)]
                due = delivery[so_number] - timedelta(days=rng.randint(-3, 5))
            else:
                sku = rng.choice(products)
                quantity = Decimal(rng.randint(1, 20))
                due = BASE_DAY + timedelta(days=rng.randint(5, 150))
            start = finish = None
            if rng.random() < 0.6:
                begin = due - timedelta(days=rng.randint(2, 10))
                start = datetime.combine(begin, time(6, 0), tzinfo=UTC)
                finish = start + timedelta(days=rng.randint(1, 3), hours=8)
            mo_skus[number] = [sku]
            mo_rows.append(
                {
                    "number": number,
                    "item_id": item_id[sku],
                    "quantity": quantity,
                    "location_id": location_id,
                    "due_date": due,
                    "rank": rank,
                    "status": "in progress" if rng.random() < 0.1 else "not started",
                    "sales_line_id": line_id,
                    "completed": Decimal(0),
                    "output_value": Decimal(0),
                    "blocked_reason": "",
                    "created_at": CREATED + timedelta(seconds=n),
                    "planned_start": start,
                    "planned_finish": finish,
                }
            )
        _insert(conn, manufacturing_orders, mo_rows)
        mo_id = _ids(conn, manufacturing_orders, "number")
        needed: dict[str, Decimal] = {}
        ing_rows = []
        for row in mo_rows:
            number = str(row["number"])
            started_mo = row["status"] == "in progress"
            for sku in rng.sample(materials, sizes.ingredients_per_mo):
                planned = _micro(rng.choice((rng.randint(1, 40), rng.uniform(0.5, 12))))
                consumed = _micro(float(planned) * 0.5) if started_mo else Decimal(0)
                needed[sku] = needed.get(sku, Decimal(0)) + planned - consumed
                mo_skus[number].append(sku)
                ing_rows.append(
                    {
                        "mo_id": mo_id[number],
                        "item_id": item_id[sku],
                        "planned": planned,
                        "consumed": consumed,
                        "consumed_cost": (consumed * cost[sku]).quantize(Decimal("0.000001")),
                    }
                )
        _insert(conn, mo_ingredients, ing_rows)

        # Open purchase orders for about a third of the materials.
        n_pos = max(1, -(-sizes.purchase_lines // sizes.lines_per_purchase_order))
        po_numbers = [f"PO-{n + 1:04d}" for n in range(n_pos)]
        bought = rng.sample(materials, max(sizes.lines_per_purchase_order, len(materials) // 3))
        _insert(
            conn,
            purchase_orders,
            [
                {
                    "number": number,
                    "supplier_id": supplier_id,
                    "location_id": location_id,
                    "expected_date": BASE_DAY + timedelta(days=rng.randint(1, 90)),
                    "status": "open",
                    "created_at": CREATED,
                }
                for number in po_numbers
            ],
        )
        po_id = _ids(conn, purchase_orders, "number")
        pl_rows = []
        for number in po_numbers:
            for line_no, sku in enumerate(
                rng.sample(bought, sizes.lines_per_purchase_order), start=1
            ):
                pl_rows.append(
                    {
                        "order_id": po_id[number],
                        "line_no": line_no,
                        "item_id": item_id[sku],
                        "quantity": Decimal(rng.randint(20, 400)),
                        "unit": "pcs",
                        "factor": Decimal(1),
                        "unit_price": cost[sku],
                        "received": Decimal(0),
                    }
                )
        _insert(conn, purchase_lines, pl_rows)

        # Stock: between a third of the demand and all of it (at least 50), so that lines end up
        # green, amber and red; one opening ledger entry per balance.
        bal_rows = []
        ledger_rows = []
        for sku in materials + products:
            demand = needed.get(sku) if sku.startswith("MAT") else sold.get(sku)
            on_hand = max(Decimal(50), Decimal(round(float(demand or 0) * rng.uniform(0.35, 1.05))))
            bal_rows.append(
                {
                    "item_id": item_id[sku],
                    "location_id": location_id,
                    "batch": "",
                    "quantity": on_hand,
                }
            )
            ledger_rows.append(
                {
                    "item_id": item_id[sku],
                    "location_id": location_id,
                    "batch": "",
                    "quantity": on_hand,
                    "unit_cost": cost[sku],
                    "reason": "receipt",
                    "document": "RCV-0001",
                    "note": "opening balance (bench)",
                    "user_name": "bench",
                    "created_at": CREATED,
                }
            )
        _insert(conn, stock_balances, bal_rows)
        _insert(conn, stock_ledger, ledger_rows)
        conn.execute(
            insert(document_numbers),
            [
                {"prefix": "MO", "last_value": len(mo_numbers)},
                {"prefix": "SO", "last_value": len(so_numbers)},
                {"prefix": "PO", "last_value": len(po_numbers)},
                {"prefix": "RCV", "last_value": 1},
            ],
        )
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return OrderBook(
        sizes=sizes,
        materials=materials,
        products=products,
        mos=[number for _, number in sorted(zip(mo_ranks, mo_numbers, strict=True))],
        mo_skus=mo_skus,
        sales_orders=so_numbers,
        purchase_orders=po_numbers,
        counts={
            "items": len(item_rows),
            "mos": len(mo_rows),
            "ingredient_lines": len(ing_rows),
            "sales_lines": len(sl_rows),
            "purchase_lines": len(pl_rows),
            "made_to_order": len(mto_lines),
            "balances": len(bal_rows),
        },
        seconds=clock.perf_counter() - started,
    )


# ------------------------------------------------------------------ databases


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


@contextmanager
def sqlite_database(name: str) -> Iterator[str]:
    """The URL of a fresh SQLite file in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="takt-bench-") as folder:
        yield f"sqlite:///{Path(folder) / f'{name}.db'}"


def _admin_engine(server_url: str) -> Engine:
    return create_engine(
        server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )


def create_postgres(server_url: str) -> str:
    """Creates a fresh ``takt_bench_<random>`` database on the server; returns its URL."""
    name = f"takt_bench_{secrets.token_hex(4)}"
    admin = _admin_engine(server_url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres(server_url: str, database_url: str) -> None:
    name = make_url(database_url).database
    admin = _admin_engine(server_url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def postgres_database(server_url: str, bench: str) -> Iterator[str | None]:
    """A scratch PostgreSQL database for the block (dropped afterwards), or None, after printing
    a ``skipped`` line, when the server cannot be reached."""
    try:
        url = create_postgres(server_url)
    except Exception as exc:  # unreachable, refused, no rights: report it and carry on
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        emit({"bench": bench, "database": "postgresql", "skipped": True, "reason": reason})
        yield None
        return
    try:
        yield url
    finally:
        drop_postgres(server_url, url)
