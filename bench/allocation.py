"""Re-allocation and order statuses after one change, on a large order book.

``python -m bench.allocation [--scale small|full|F] [--database sqlite|postgresql|all]
[--repeat N] [--profile]``

For each database (a temporary SQLite file; a fresh PostgreSQL database ``takt_bench_<random>``
created through ``--postgres-url`` and dropped afterwards) it loads a seeded order book with bulk
Core inserts (``bench._orderbook``; at ``full`` the issue's 10,000 open MOs with 100,000
ingredient lines and 5,000 sales lines over 2,000 items, ``small`` is a tenth of that), then for
each repetition:

- ``rank_change``: moves one MO to the top of the Make list through
  ``takt.app.manufacturing.move_mo`` (a committed use case, as the Make screen does it);
- ``full``: in a read-only unit of work, ``allocation(uow)`` for every item plus the status of
  every line and every order (what a Make or Sales list shows after the change). The process
  keeps each item's allocation between reads and redoes only the items whose change mark moved,
  so this is the incremental figure; the line also gives, for comparison, the split of a
  from-scratch allocation of everything: ``reads_s`` (``snapshot``: the queries and the rows
  turned into demands and supplies), ``engine_s`` (the pure ``allocate``) and ``rest_s`` (line
  statuses, stock figures);
- ``cold``: the first full read of a process (nothing kept yet: every item allocated);
- ``posting``: a receipt of one ingredient through ``takt.app.stock.receive`` (committed), then
  the full read again;
- ``one_order``: the per-order read a screen does after the change: the MO itself, then
  ``allocation(uow, skus of that MO)`` and its order status.

Each figure is the median over ``--repeat`` runs (``min_s`` and ``max_s`` beside it), after one
untimed warm-up. The issue's target is < 0.5 s for re-allocation and statuses after one change,
reads included. ``--profile`` also prints the top of a cProfile of ``move_mo`` and of the full
allocation to stderr. Prints one JSON line per figure; a database that cannot be reached prints a
line with ``skipped``.
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
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import Engine, event

from bench._orderbook import (
    DEFAULT_POSTGRES,
    FULL,
    LOCATION,
    OrderBook,
    emit,
    load,
    parse_scale,
    postgres_database,
    sqlite_database,
)
from takt.app import stock
from takt.app.availability import allocation, snapshot
from takt.app.manufacturing import move_mo
from takt.config import Settings, Takt, bootstrap
from takt.domain.allocation import allocate
from takt.domain.availability import stock_figures

TARGET_S = 0.5


class StatementCounter:
    """Counts SQL statements sent on an engine."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


def full_allocation(takt: Takt) -> dict[str, Any]:
    """Every line's and every order's status, as a list screen needs them; returns counts."""
    with takt.uows(read_only=True) as uow:
        result = allocation(uow)
        tallies = result.order_tallies()
        orders = result.order_statuses()
    tally = {
        "green": sum(t.green for t in tallies.values()),
        "amber": sum(t.amber for t in tallies.values()),
        "red": sum(t.red for t in tallies.values()),
    }
    return {"lines": len(result.lines), "orders": len(orders), "line_statuses": tally}


def split(takt: Takt) -> tuple[float, float, float]:
    """Seconds in ``snapshot`` (reads), ``allocate`` (engine) and the rest of ``allocation``."""
    with takt.uows(read_only=True) as uow:
        t0 = time.perf_counter()
        snap = snapshot(uow)
        t1 = time.perf_counter()
        result = allocate(snap.on_hand, snap.supplies, snap.demands)
        t2 = time.perf_counter()
        statuses = [line.status for line in result.values()]
        stock_figures(snap.on_hand, snap.demands, snap.supplies, snap.safety_stock)
        t3 = time.perf_counter()
    assert len(statuses) == len(snap.demands)
    return t1 - t0, t2 - t1, t3 - t2


def one_order(takt: Takt, number: str) -> dict[str, Any]:
    """The MO screen after a change: the order, its items' allocation and its status."""
    with takt.uows(read_only=True) as uow:
        mo = uow.manufacturing.get(number)
        skus = [mo.sku, *(i.sku for i in mo.ingredients)]
        result = allocation(uow, skus)
        status = result.order_status(number)
    return {"lines": len(result.order_lines(number)), "status": status.value, "items": len(skus)}


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = call()
    return time.perf_counter() - t0, value


def summary(laps: list[float]) -> dict[str, float]:
    return {
        "value": round(statistics.median(laps), 4),
        "min_s": round(min(laps), 4),
        "max_s": round(max(laps), 4),
    }


def profile(title: str, call: Callable[[], Any], top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(f"==== profile: {title}\n{out.getvalue()}", file=sys.stderr, flush=True)


def run_database(name: str, url: str, scale: float, repeat: int, with_profile: bool) -> None:
    sizes = FULL.scaled(scale)
    takt = bootstrap(Settings(database_url=url))
    try:
        book = load(takt.engine, sizes)
        common = {"bench": "allocation", "database": name, "scale": scale}
        emit(
            {
                **common,
                "case": "setup",
                "value": round(book.seconds, 2),
                "unit": "s",
                **book.counts,
            }
        )
        counter = StatementCounter(takt.engine)
        cold, _ = timed(lambda: full_allocation(takt))  # also warms statement caches and pool
        emit({**common, "case": "cold", "value": round(cold, 4), "unit": "s"})
        one_order(takt, book.mos[0])
        post_laps: list[float] = []
        read_after_post: list[float] = []

        rank_laps: list[float] = []
        full_laps: list[float] = []
        one_laps: list[float] = []
        splits: list[tuple[float, float, float]] = []
        statements: dict[str, int] = {}
        full_info: dict[str, Any] = {}
        one_info: dict[str, Any] = {}
        for n in range(repeat):
            # Each round moves a different MO from deep down the list to the top (every rank
            # below it shifts), then reads.
            moved = _moved(book, n)
            before = counter.count
            lap, _ = timed(partial(move_mo, moved, 1, takt.uows()))
            rank_laps.append(lap)
            statements["rank_change"] = counter.count - before
            before = counter.count
            lap, full_info = timed(lambda: full_allocation(takt))
            full_laps.append(lap)
            statements["full"] = counter.count - before
            before = counter.count
            lap, one_info = timed(partial(one_order, takt, moved))
            one_laps.append(lap)
            statements["one_order"] = counter.count - before
            splits.append(split(takt))
            sku = book.mo_skus[moved][1]
            receipt = stock.Receive(sku, Decimal(1), Decimal(1), location=LOCATION)
            lap, _ = timed(partial(stock.receive, receipt, takt.uows()))
            post_laps.append(lap)
            lap, _ = timed(lambda: full_allocation(takt))
            read_after_post.append(lap)

        lines = book.counts["ingredient_lines"] + book.counts["sales_lines"]
        emit(
            {
                **common,
                "case": "rank_change",
                **summary(rank_laps),
                "unit": "s",
                "lines": lines,
                "open_mos": book.counts["mos"],
                "statements": statements["rank_change"],
                "what": "move_mo(last MO -> position 1), committed",
            }
        )
        reads = statistics.median(s[0] for s in splits)
        engine = statistics.median(s[1] for s in splits)
        rest = statistics.median(s[2] for s in splits)
        full = summary(full_laps)
        emit(
            {
                **common,
                "case": "full",
                **full,
                "unit": "s",
                "lines": full_info["lines"],
                "orders": full_info["orders"],
                "line_statuses": full_info["line_statuses"],
                "reads_s": round(reads, 4),
                "engine_s": round(engine, 4),
                "rest_s": round(rest, 4),
                "statements": statements["full"],
                "target_s": TARGET_S,
                "meets_target": full["value"] < TARGET_S,
                "after_change_s": round(full["value"] + statistics.median(rank_laps), 4),
            }
        )
        after_post = summary(read_after_post)
        emit(
            {
                **common,
                "case": "posting",
                **after_post,
                "unit": "s",
                "posting_s": round(statistics.median(post_laps), 4),
                "what": "stock.receive of one ingredient, committed, then the full read",
                "target_s": TARGET_S,
                "meets_target": after_post["value"] + statistics.median(post_laps) < TARGET_S,
            }
        )
        one = summary(one_laps)
        emit(
            {
                **common,
                "case": "one_order",
                **one,
                "unit": "s",
                "lines": one_info["lines"],
                "items": one_info["items"],
                "status": one_info["status"],
                "statements": statements["one_order"],
                "target_s": TARGET_S,
                "meets_target": one["value"] < TARGET_S,
            }
        )
        if with_profile:
            profile(f"{name} move_mo", lambda: move_mo(_moved(book, repeat), 1, takt.uows()))
            profile(f"{name} full allocation", lambda: full_allocation(takt))
    finally:
        takt.close()


def _moved(book: OrderBook, n: int) -> str:
    """The MO that round ``n`` moves to the top: one near the bottom of the initial list."""
    return book.mos[-1 - (n * 7) % max(1, len(book.mos) // 2)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.allocation", description=__doc__)
    parser.add_argument(
        "--scale",
        type=parse_scale,
        default="small",
        help="small (a tenth of the issue's sizes, the default), full, or a fraction",
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds per case")
    parser.add_argument("--profile", action="store_true", help="cProfile to stderr")
    parser.add_argument(
        "--postgres-url", default=DEFAULT_POSTGRES, help="server to create the scratch database on"
    )
    args = parser.parse_args(argv)
    scale: float = args.scale
    repeat = max(1, args.repeat)
    if args.database in ("sqlite", "all"):
        with sqlite_database("allocation") as url:
            run_database("sqlite", url, scale, repeat, args.profile)
    if args.database in ("postgresql", "all"):
        with postgres_database(args.postgres_url, "allocation") as pg_url:
            if pg_url is not None:
                run_database("postgresql", pg_url, scale, repeat, args.profile)


if __name__ == "__main__":
    main()
