"""Stock postings per second through the use case, against a bare one-row INSERT + COMMIT.

``python -m bench.postings [--scale small|full|N] [--database sqlite|postgresql|all]``

For each database (a temporary SQLite file; a fresh PostgreSQL database ``takt_bench_<random>``
created through ``--postgres-url`` and dropped afterwards) it loads a few dozen items through the
catalog use cases, then times a deterministic mix of ``takt.app.stock.receive`` and
``takt.app.stock.adjust`` postings, each in its own unit of work as the app runs them, and the same
number of bare single-row ``INSERT`` + ``COMMIT`` transactions into a scratch table on the same
engine. The ratio (postings/s / bare inserts/s) is the share of the database's raw commit rate
that a full posting keeps: what locking, the ledger rules, the balance upsert, the moving average
and the document number cost on top of one durable write.

Prints one JSON line per figure; a database that cannot be reached prints a line with ``skipped``.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from takt.app import catalog, stock
from takt.config import Settings, Takt, bootstrap
from takt.domain.items import Item, ItemKind
from takt.domain.locations import Location

SCALES = {"small": 300, "full": 5000}
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ITEMS = 36
LOCATIONS = ("MAIN", "SHOP")


def parse_scale(value: str) -> int:
    """``small``, ``full`` or a number of postings."""
    if value in SCALES:
        return SCALES[value]
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"scale must be {', '.join(SCALES)} or a number, got {value!r}"
        ) from None
    if count < 10:
        raise argparse.ArgumentTypeError("scale must be at least 10 postings")
    return count


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


class StatementCounter:
    """Counts SQL statements sent on an engine (to report statements per posting)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


def load_items(takt: Takt) -> list[str]:
    """The bench's location and items, through the catalog use cases; returns the SKUs."""
    for code in LOCATIONS:
        catalog.add_location(Location(code, f"Bench {code.lower()}"), takt.uows())
    skus = []
    for n in range(ITEMS):
        sku = f"BENCH-{n:03d}"
        item = Item(sku, f"Bench material {n}", ItemKind.MATERIAL, standard_cost=Decimal("1.25"))
        catalog.add_item(item, takt.uows())
        skus.append(sku)
    return skus


def posting_commands(
    skus: list[str], count: int, seed: int = 7
) -> list[stock.Receive | stock.Adjust]:
    """A deterministic mix: two thirds receipts at varying costs, one third corrections.

    Corrections never take more than was received, so every posting is accepted.
    """
    rng = random.Random(seed)
    held: dict[tuple[str, str], Decimal] = {}
    commands: list[stock.Receive | stock.Adjust] = []
    for _ in range(count):
        sku = rng.choice(skus)
        location = rng.choice(LOCATIONS)
        on_hand = held.get((sku, location), Decimal(0))
        if on_hand >= 5 and rng.random() < 1 / 3:
            delta = -Decimal(rng.randint(1, 4))
            if rng.random() < 0.25:
                delta = Decimal(rng.randint(1, 3))  # found stock, valued at the average
            commands.append(
                stock.Adjust(sku, delta, "bench count correction", location, user="bench")
            )
            held[(sku, location)] = on_hand + delta
        else:
            quantity = Decimal(rng.randint(5, 50))
            cost = Decimal(rng.randint(100, 400)) / 100
            commands.append(stock.Receive(sku, quantity, cost, location, user="bench"))
            held[(sku, location)] = on_hand + quantity
    return commands


BLOCK = 50
"""Postings and bare inserts alternate in blocks of this many, so drift hits both alike."""


def timed(calls: list[Callable[[], object]], laps: list[float]) -> None:
    """Runs ``calls`` in order, appending each call's seconds to ``laps``."""
    for call in calls:
        t0 = time.perf_counter()
        call()
        laps.append(time.perf_counter() - t0)


def run_database(name: str, url: str, count: int) -> None:
    """Times postings and bare inserts on the (empty) database at ``url`` and prints the figures."""
    takt = bootstrap(Settings(database_url=url))
    try:
        skus = load_items(takt)
        commands = posting_commands(skus, count)
        uows = takt.uows
        engine = takt.engine
        with engine.begin() as connection:
            connection.execute(
                text(
                    "CREATE TABLE bench_scratch (id INTEGER PRIMARY KEY, item TEXT NOT NULL,"
                    " quantity BIGINT NOT NULL, note TEXT NOT NULL)"
                )
            )

        def posting(cmd: stock.Receive | stock.Adjust) -> Callable[[], object]:
            if isinstance(cmd, stock.Receive):
                return lambda: stock.receive(cmd, uows())
            return lambda: stock.adjust(cmd, uows())

        def bare(n: int) -> Callable[[], object]:
            def insert_one() -> None:
                with engine.begin() as connection:
                    connection.execute(
                        text(
                            "INSERT INTO bench_scratch (id, item, quantity, note)"
                            " VALUES (:i, :s, :q, :n)"
                        ),
                        {"i": n, "s": skus[n % len(skus)], "q": n * 1000, "n": "bench"},
                    )

            return insert_one

        # Warm up connections, statement caches and the first balance rows (not timed).
        for n, cmd in enumerate(posting_commands(skus, 20, seed=1)):
            posting(cmd)()
            bare(-1 - n)()
        post_laps: list[float] = []
        bare_laps: list[float] = []
        counter = StatementCounter(engine)
        statements = 0
        for start in range(0, count, BLOCK):
            before = counter.count
            timed([posting(cmd) for cmd in commands[start : start + BLOCK]], post_laps)
            statements += counter.count - before
            timed([bare(n) for n in range(start, min(count, start + BLOCK))], bare_laps)
    finally:
        takt.close()

    post_seconds = sum(post_laps)
    bare_seconds = sum(bare_laps)
    post_rate = count / post_seconds
    bare_rate = count / bare_seconds
    receipts = sum(isinstance(c, stock.Receive) for c in commands)
    common = {"database": name, "count": count}
    emit(
        {
            "bench": "postings",
            **common,
            "value": round(post_rate, 1),
            "unit": "postings/s",
            "seconds": round(post_seconds, 3),
            "p50_ms": _ms(statistics.median(post_laps)),
            "p95_ms": _ms(_percentile(post_laps, 0.95)),
            "receipts": receipts,
            "adjustments": count - receipts,
            "items": len(skus),
            "statements_per_posting": round(statements / count, 1),
        }
    )
    emit(
        {
            "bench": "postings_bare_insert",
            **common,
            "value": round(bare_rate, 1),
            "unit": "inserts/s",
            "seconds": round(bare_seconds, 3),
            "p50_ms": _ms(statistics.median(bare_laps)),
            "p95_ms": _ms(_percentile(bare_laps, 0.95)),
        }
    )
    emit(
        {
            "bench": "postings_ratio",
            **common,
            "value": round(post_rate / bare_rate, 4),
            "unit": "ratio",
            "meaning": "postings/s divided by bare INSERT+COMMIT/s on the same database",
            "slowdown_x": round(bare_rate / post_rate, 2),
        }
    )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="takt-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'postings.db'}"


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


def _admin_engine(server_url: str) -> Engine:
    return create_engine(
        server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.postings", description=__doc__)
    parser.add_argument(
        "--scale", type=parse_scale, default="small", help="small (300), full (5000) or a number"
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument(
        "--postgres-url", default=DEFAULT_POSTGRES, help="server to create the scratch database on"
    )
    args = parser.parse_args(argv)
    count: int = args.scale
    if args.database in ("sqlite", "all"):
        with sqlite_database() as url:
            run_database("sqlite", url, count)
    if args.database in ("postgresql", "all"):
        try:
            url = create_postgres(args.postgres_url)
        except Exception as exc:  # unreachable, refused, no rights: report it and carry on
            reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
            emit({"bench": "postings", "database": "postgresql", "skipped": True, "reason": reason})
            return
        try:
            run_database("postgresql", url, count)
        finally:
            drop_postgres(args.postgres_url, url)


if __name__ == "__main__":
    main()
