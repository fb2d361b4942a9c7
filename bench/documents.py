"""Posting whole documents: completing an MO, receiving a PO and shipping a sales order of 300 lines.

``python -m bench.documents [--scale small|full|F] [--database sqlite|postgresql|all]
[--repeat N] [--lines N] [--profile]``

For each database (a temporary SQLite file; a fresh PostgreSQL database ``takt_bench_<random>``
created through ``--postgres-url`` and dropped afterwards) it loads the seeded order book of
``bench._orderbook`` (2,000 items whatever the scale; MOs, sales and purchase lines scaled, a tenth
of the issue's 10,000 MOs by default) so that every read meets realistic tables, then creates the
documents through the use cases (a product whose BOM has ``--lines`` materials, MOs for it, POs
and sales orders of ``--lines`` lines, everything in stock) and times:

- ``complete_mo``: ``takt.app.manufacturing.complete`` of an MO with 300 ingredient lines (one
  transaction: 300 consumptions and the output);
- ``receive_po``: ``takt.app.purchasing.receive_order`` of a whole 300-line delivery (one
  transaction); ``receive_po_line``: ``receive_purchase`` of one line of a 300-line order;
- ``ship_so`` / ``ship_so_line``: the same for ``takt.app.sales.ship_order`` and ``ship``;
  ``ship_so_last``: ``ship_order`` of an order ranked after every other one (the worst case:
  a shipment reads the demand ranked up to its order).

All-or-nothing: ``complete`` of an MO with one of its 300 ingredients short, a per-line receipt
over the quantity still expected, a shipment of more than allocation gives, and both whole
documents with a bad last line must raise and leave the ledger, balances, orders,
item costs and document counters exactly as they were; each check prints ``all_or_nothing``.
The issue's target is < 0.2 s per document. Prints one JSON line per figure; a database that
cannot be reached prints a line with ``skipped``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import Engine, bindparam, text

from bench._orderbook import (
    BASE_DAY,
    CUSTOMER,
    DEFAULT_POSTGRES,
    FULL,
    LOCATION,
    SUPPLIER,
    emit,
    load,
    parse_scale,
    postgres_database,
    sqlite_database,
)
from takt.app import catalog
from takt.app.manufacturing import Complete, NewMO, complete, create_mo, set_ingredient
from takt.app.purchasing import (
    NewPurchaseOrder,
    PurchaseLineInput,
    ReceiptLine,
    ReceiveOrder,
    ReceivePurchase,
    create_purchase_order,
    receive_order,
    receive_purchase,
)
from takt.app.sales import (
    NewSalesOrder,
    SalesLineInput,
    Ship,
    ShipLine,
    ShipOrder,
    create_sales_order,
    ship,
    ship_order,
)
from takt.app.stock import post_moves, utc_now
from takt.config import Settings, Takt, bootstrap
from takt.domain.bom import Bom, BomLine
from takt.domain.errors import DomainError
from takt.domain.items import Item, ItemKind
from takt.domain.ledger import Move, Reason, StockKey

TARGET_S = 0.2
KIT = "DOC-KIT"

FINGERPRINT = {
    "ledger_rows": "SELECT COUNT(*) FROM stock_ledger",
    "ledger_sum": "SELECT COALESCE(SUM(quantity), 0) FROM stock_ledger",
    "balance_sum": "SELECT COALESCE(SUM(quantity), 0) FROM stock_balances",
    "balance_rows": "SELECT COUNT(*) FROM stock_balances",
    "received": "SELECT COALESCE(SUM(received), 0) FROM purchase_lines",
    "shipped": "SELECT COALESCE(SUM(shipped), 0) FROM sales_lines",
    "cost_shipped": "SELECT COALESCE(SUM(cost_shipped), 0) FROM sales_lines",
    "consumed": "SELECT COALESCE(SUM(consumed), 0) FROM mo_ingredients",
    "completed": "SELECT COALESCE(SUM(completed), 0) FROM manufacturing_orders",
    "average_costs": "SELECT COALESCE(SUM(average_cost), 0) FROM items",
    "last_prices": "SELECT COALESCE(SUM(last_purchase_price), 0) FROM items",
    "numbers": "SELECT COALESCE(SUM(last_value), 0) FROM document_numbers",
    "mo_status": "SELECT COUNT(*) FROM manufacturing_orders WHERE status = 'not started'",
    "so_status": "SELECT COUNT(*) FROM sales_orders WHERE status = 'open'",
    "po_status": "SELECT COUNT(*) FROM purchase_orders WHERE status = 'open'",
}
"""What a refused document must leave unchanged: counts and sums over everything it writes."""


def fingerprint(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        return {
            name: connection.execute(text(sql)).scalar_one() for name, sql in FINGERPRINT.items()
        }


def refused_cleanly(engine: Engine, action: Callable[[], object]) -> tuple[bool, str]:
    """Runs ``action``, which must raise a ``DomainError`` and write nothing."""
    before = fingerprint(engine)
    try:
        action()
    except DomainError as exc:
        error = f"{type(exc).__name__}: {exc}"
    else:
        return False, "accepted (expected a refusal)"
    after = fingerprint(engine)
    changed = sorted(k for k in before if before[k] != after[k])
    return not changed, error if not changed else f"{error}; changed: {', '.join(changed)}"


class Documents:
    """The documents a run posts, created through the use cases."""

    def __init__(self, takt: Takt, materials: list[str], products: list[str], lines: int) -> None:
        self.takt = takt
        self.materials = materials[:lines]
        self.bought = materials[lines : 2 * lines]
        self.products = products[:lines]
        if len(self.bought) < lines or len(self.products) < lines:
            raise SystemExit(f"the order book has too few items for {lines}-line documents")
        catalog.add_item(
            Item(KIT, "Bench kit", ItemKind.PRODUCT, sales_price=Decimal(900)), takt.uows()
        )
        bom = Bom(KIT, tuple(BomLine(sku, Decimal(1), "pcs") for sku in self.materials))
        catalog.set_bom(bom, takt.uows())

    def mo(self) -> str:
        return create_mo(NewMO(KIT, Decimal(1), BASE_DAY, LOCATION), self.takt.uows()).number

    def po(self) -> str:
        lines = tuple(PurchaseLineInput(sku, Decimal(5), Decimal("2.5")) for sku in self.bought)
        cmd = NewPurchaseOrder(SUPPLIER, lines, expected_date=BASE_DAY, location=LOCATION)
        return create_purchase_order(cmd, self.takt.uows()).number

    def so(self) -> str:
        lines = tuple(SalesLineInput(sku, Decimal(1)) for sku in self.products)
        return create_sales_order(NewSalesOrder(CUSTOMER, BASE_DAY, lines), self.takt.uows()).number


def complete_mo(takt: Takt, number: str) -> None:
    complete(Complete(number, Decimal(1)), takt.uows())


def receive_line(takt: Takt, number: str, line_no: int, quantity: Decimal) -> None:
    receive_purchase(ReceivePurchase(number, line_no, quantity), takt.uows())


def ship_line(takt: Takt, number: str, line_no: int, quantity: Decimal) -> None:
    ship(Ship(number, line_no, quantity, LOCATION), takt.uows())


def receive_whole_po(takt: Takt, number: str, last_extra: Decimal = Decimal(0)) -> None:
    """The whole order received in one delivery (``receive_order``: one transaction)."""
    with takt.uows(read_only=True) as uow:
        order = uow.purchasing.get(number)
    parts = tuple(
        ReceiptLine(line.line_no, line.remaining + (last_extra if n == len(order.lines) - 1 else 0))
        for n, line in enumerate(order.lines)
    )
    receive_order(ReceiveOrder(number, parts, "bench"), takt.uows())


def ship_whole_so(takt: Takt, number: str, last_extra: Decimal = Decimal(0)) -> None:
    """The whole order shipped in one delivery (``ship_order``: one transaction)."""
    with takt.uows(read_only=True) as uow:
        order = uow.sales.get(number)
    parts = tuple(
        ShipLine(
            line.line_no,
            line.remaining + (last_extra if n == len(order.lines) - 1 else 0),
            LOCATION,
        )
        for n, line in enumerate(order.lines)
    )
    ship_order(ShipOrder(number, parts, "bench"), takt.uows())


def rank_last(engine: Engine, numbers: list[str]) -> None:
    """Puts the sales orders ``numbers`` behind every other one (rank, then delivery date):
    shipping one reads all the demand of its items, where a new order, first in line, reads
    almost none."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE sales_orders SET rank = (SELECT MAX(rank) FROM sales_orders) + 1, "
                "delivery_date = :day WHERE number IN :numbers"
            ).bindparams(bindparam("numbers", expanding=True)),
            {"day": BASE_DAY + timedelta(days=365), "numbers": numbers},
        )


def laps_of(calls: list[Callable[[], object]]) -> list[float]:
    laps = []
    for call in calls:
        t0 = time.perf_counter()
        call()
        laps.append(time.perf_counter() - t0)
    return laps


def figures(laps: list[float]) -> dict[str, Any]:
    return {
        "value": round(statistics.median(laps), 4),
        "min_s": round(min(laps), 4),
        "max_s": round(max(laps), 4),
        "runs": len(laps),
    }


def profile(title: str, call: Callable[[], object], top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(f"==== profile: {title}\n{out.getvalue()}", file=sys.stderr, flush=True)


def run_database(
    name: str, url: str, scale: float, repeat: int, lines: int, calls: int, with_profile: bool
) -> None:
    sizes = FULL.scaled(scale).with_items(FULL.items, FULL.products)
    takt = bootstrap(Settings(database_url=url))
    try:
        book = load(takt.engine, sizes)
        common = {"bench": "documents", "database": name, "scale": scale, "lines": lines}
        emit(
            {**common, "case": "setup", "value": round(book.seconds, 2), "unit": "s", **book.counts}
        )
        docs = Documents(takt, book.materials, book.products, lines)
        engine = takt.engine

        def emit_case(case: str, laps: list[float], **extra: Any) -> None:
            result = figures(laps)
            emit(
                {
                    **common,
                    "case": case,
                    **result,
                    "unit": "s",
                    "target_s": TARGET_S,
                    "meets_target": result["value"] < TARGET_S,
                    **extra,
                }
            )

        # Warm up (statement caches, connections): one of each, untimed.
        complete(Complete(docs.mo(), Decimal(1)), takt.uows())
        receive_whole_po(takt, docs.po())
        ship_whole_so(takt, docs.so())

        mos = [docs.mo() for _ in range(repeat)]
        emit_case(
            "complete_mo",
            laps_of([partial(complete_mo, takt, n) for n in mos]),
            what=f"complete() of an MO with {lines} ingredient lines, one transaction",
        )

        po = docs.po()
        line_laps = laps_of(
            [partial(receive_line, takt, po, n, Decimal(5)) for n in range(1, calls + 1)]
        )
        emit_case(
            "receive_po_line",
            line_laps,
            what="receive_purchase() of one line (the use case receives one line per call)",
        )
        pos = [docs.po() for _ in range(repeat)]
        emit_case(
            "receive_po",
            laps_of([partial(receive_whole_po, takt, n) for n in pos]),
            what=f"receive_order() of a {lines}-line PO, one transaction",
        )

        so = docs.so()
        ship_laps = laps_of(
            [partial(ship_line, takt, so, n, Decimal(1)) for n in range(1, calls + 1)]
        )
        emit_case(
            "ship_so_line",
            ship_laps,
            what="ship() of one line (the use case ships one line per call)",
        )
        sos = [docs.so() for _ in range(repeat)]
        emit_case(
            "ship_so",
            laps_of([partial(ship_whole_so, takt, n) for n in sos]),
            what=f"ship_order() of a {lines}-line sales order, one transaction",
        )
        last = [docs.so() for _ in range(repeat)]
        # Enough of every product for all the orders ahead, in one posting.
        with takt.uows() as uow:
            moves = [
                Move(StockKey(sku, LOCATION, ""), Decimal(1_000_000), Reason.RECEIPT, Decimal(1))
                for sku in docs.products
            ]
            post_moves(uow, moves, "BENCH-STOCK", "bench", "stock for the last order", utc_now)
            uow.commit()
        rank_last(engine, last)
        emit_case(
            "ship_so_last",
            laps_of([partial(ship_whole_so, takt, n) for n in last]),
            what=f"ship_order() of a {lines}-line sales order ranked after every other one",
        )

        # All-or-nothing.
        short_mo = docs.mo()
        short_sku = docs.materials[lines // 2]
        with takt.uows(read_only=True) as uow:
            on_hand = uow.stock.on_hand([short_sku])[short_sku]
        set_ingredient(short_mo, short_sku, on_hand + 1, takt.uows())
        checks: list[tuple[str, Callable[[], object]]] = [
            ("complete_mo", lambda: complete(Complete(short_mo, Decimal(1)), takt.uows())),
        ]
        po_check, so_check = docs.po(), docs.so()
        checks += [
            (
                "receive_po_line",
                lambda: receive_purchase(ReceivePurchase(po_check, 1, Decimal(6)), takt.uows()),
            ),
            (
                "ship_so_line",
                lambda: ship(Ship(so_check, 1, Decimal(1_000_000), LOCATION), takt.uows()),
            ),
            ("receive_po", lambda: receive_whole_po(takt, po_check, Decimal(1))),
            ("ship_so", lambda: ship_whole_so(takt, so_check, Decimal(1_000_000))),
        ]
        for case, action in checks:
            clean, detail = refused_cleanly(engine, action)
            emit({**common, "case": f"{case}_refused", "all_or_nothing": clean, "detail": detail})

        if with_profile:
            profile_mo, profile_po, profile_so = docs.mo(), docs.po(), docs.so()
            profile(
                f"{name} complete_mo",
                lambda: complete(Complete(profile_mo, Decimal(1)), takt.uows()),
            )
            profile(
                f"{name} receive_purchase (one line)",
                lambda: receive_purchase(ReceivePurchase(profile_po, 1, Decimal(5)), takt.uows()),
            )
            profile(
                f"{name} ship (one line)",
                lambda: ship(Ship(profile_so, 1, Decimal(1), LOCATION), takt.uows()),
            )
            whole_po, whole_so = docs.po(), docs.so()
            profile(f"{name} receive_order (whole PO)", lambda: receive_whole_po(takt, whole_po))
            profile(f"{name} ship_order (whole SO)", lambda: ship_whole_so(takt, whole_so))
            last_so = docs.so()
            rank_last(engine, [last_so])
            profile(f"{name} ship_order (ranked last)", lambda: ship_whole_so(takt, last_so))
    finally:
        takt.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.documents", description=__doc__)
    parser.add_argument(
        "--scale",
        type=parse_scale,
        default="small",
        help="order book size: small (a tenth of the issue's, the default), full, or a fraction",
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--repeat", type=int, default=3, help="documents timed per case")
    parser.add_argument("--lines", type=int, default=300, help="lines per document")
    parser.add_argument(
        "--line-calls",
        type=int,
        help="per-line use case calls timed per document (the rest extrapolated); "
        "default: every line at full scale, 30 below",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile to stderr")
    parser.add_argument(
        "--postgres-url", default=DEFAULT_POSTGRES, help="server to create the scratch database on"
    )
    args = parser.parse_args(argv)
    scale: float = args.scale
    repeat = max(1, args.repeat)
    lines = max(1, args.lines)
    default_calls = lines if scale >= 1 else min(lines, 30)
    calls = min(lines, max(1, args.line_calls or default_calls))
    if args.database in ("sqlite", "all"):
        with sqlite_database("documents") as url:
            run_database("sqlite", url, scale, repeat, lines, calls, args.profile)
    if args.database in ("postgresql", "all"):
        with postgres_database(args.postgres_url, "documents") as pg_url:
            if pg_url is not None:
                run_database("postgresql", pg_url, scale, repeat, lines, calls, args.profile)


if __name__ == "__main__":
    main()
