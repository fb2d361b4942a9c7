"""Takt's command line: ``takt --help``.

The database comes from ``TAKT_DATABASE_URL`` (default: ``sqlite:///takt.db`` in the working
folder). Every listing takes ``--json``. A refused command prints what is wrong, naming the field,
and exits with status 1; nothing is written.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import OperationalError

from takt.app import queries, stock
from takt.app.ports import LedgerFilter
from takt.config import Settings, Takt, bootstrap
from takt.domain.errors import DomainError
from takt.domain.items import ItemKind
from takt.domain.ledger import Reason
from takt.domain.units import normalize, parse_cost, parse_quantity

app = typer.Typer(
    name="takt",
    help="Takt: production management for small and mid-size manufacturers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

out = Console()
err = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

# Lets "-2.5" reach a quantity argument instead of being read as an unknown option.
SIGNED_ARGS = {"ignore_unknown_options": True}

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
UserOpt = Annotated[
    str | None, typer.Option("--user", envvar="TAKT_USER", help="Who is posting (default: you).")
]
LocationOpt = Annotated[str, typer.Option("--location", "-l", help="Location code.")]
BatchOpt = Annotated[str, typer.Option("--batch", "-b", help="Batch (for batch-tracked items).")]


def _takt() -> Takt:
    return bootstrap(Settings())


def _user(user: str | None) -> str:
    if user:
        return user
    try:
        return getpass.getuser()
    except OSError:
        return "system"


def handles_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turns refused requests into a one-line message and exit status 1, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            where = f"{exc.field}: " if exc.field else ""
            err.print(f"[red]error:[/red] {where}{exc.message}", highlight=False, markup=True)
            raise typer.Exit(1) from None
        except OperationalError as exc:
            err.print(f"[red]error:[/red] database unavailable: {exc.orig}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(normalize(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _print_json(rows: Any) -> None:
    sys.stdout.write(json.dumps(_jsonable(rows), ensure_ascii=False, indent=2) + "\n")


def _table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        numeric = column.lower() in {"qty", "quantity", "in stock", "avg cost", "value", "cost"}
        table.add_column(column, justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    out.print(table)


def money(value: Decimal) -> str:
    """An amount for display, to the cent (stored figures keep six places)."""
    return f"{value.quantize(Decimal('0.01')):,}"


def _cell(value: Any) -> Text:
    """A table cell as plain text: what a user typed is never read as markup."""
    if value is None:
        return Text("")
    if isinstance(value, Decimal):
        return Text(str(normalize(value)))
    return Text(str(value))


# ---------------------------------------------------------------- set-up


@db_app.command("upgrade")
@handles_errors
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    takt = _takt()
    takt.close()
    out.print(f"database schema is current ({Settings().database_url})", highlight=False)


@app.command()
@handles_errors
def demo(
    reset: Annotated[
        bool, typer.Option("--reset", help="Erase the database first, then load the demo.")
    ] = False,
) -> None:
    """Load the demo factory (a small furniture maker) and print its stock."""
    from takt.app.demo import load_demo
    from takt.store.migrate import reset as reset_schema

    settings = Settings()
    if reset:
        takt = bootstrap(settings, migrate=False)
        reset_schema(takt.engine)
        takt.close()
    takt = bootstrap(settings)
    try:
        loaded = load_demo(takt.uows)
        if loaded:
            out.print(f"Loaded the demo factory into {settings.database_url}", highlight=False)
        else:
            out.print("The database already holds data; `takt demo --reset` reloads the demo.")
        rows = queries.stock_levels(takt.uows)
        _table(
            "Stock",
            ["SKU", "Name", "Location", "Batch", "In stock", "Unit", "Avg cost"],
            [
                (r.sku, r.name, r.location, r.batch, r.quantity, r.unit, r.average_cost)
                for r in rows
            ],
        )
        out.print("Next: `takt items`, `takt bom TABLE-OAK --explode 10`, `takt stock OAK-BOARD`.")
    finally:
        takt.close()


# ---------------------------------------------------------------- listings


@app.command()
@handles_errors
def items(
    kind: Annotated[ItemKind | None, typer.Option(help="Only this kind.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List items with their stock and cost."""
    takt = _takt()
    try:
        rows = queries.item_list(takt.uows, kind)
    finally:
        takt.close()
    if as_json:
        _print_json(rows)
        return
    _table(
        "Items",
        ["SKU", "Name", "Kind", "Unit", "In stock", "Avg cost", "BOM", "Supplier"],
        [
            (
                r.sku,
                r.name,
                r.kind,
                r.unit,
                r.in_stock,
                r.average_cost,
                "yes" if r.has_bom else "",
                r.supplier,
            )
            for r in rows
        ],
    )


@app.command()
@handles_errors
def bom(
    sku: Annotated[str, typer.Argument(help="The made item.")],
    explode: Annotated[
        str | None, typer.Option(help="Explode all levels for this quantity.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show an item's BOM (one level), or every level with --explode QTY, with the cost roll-up."""
    quantity = parse_quantity(explode or "1", "explode")
    if quantity <= 0:
        raise DomainError(f"quantity to explode must be positive, got {quantity}", "explode")
    takt = _takt()
    try:
        view = queries.bom_view(takt.uows, sku, quantity)
    finally:
        takt.close()
    lines = view.explosion if explode is not None else [x for x in view.explosion if x.level == 1]
    if as_json:
        _print_json(
            {
                "sku": view.item.sku,
                "quantity": quantity,
                "lines": lines,
                "materials": view.leaves if explode is not None else None,
                "cost": {
                    "materials": view.cost.materials,
                    "labour": view.cost.labour,
                    "total": view.cost.total,
                    "unit_cost": view.cost.unit_cost,
                    "estimated": view.cost.estimated,
                    "missing": list(view.cost.missing),
                },
            }
        )
        return
    if not view.explosion:
        out.print(f"{sku} has no BOM.", highlight=False)
    _table(
        f"BOM of {view.item.sku} x {quantity}",
        ["Level", "Component", "Qty", "Unit", "Made"],
        [
            (
                "  " * (x.level - 1) + str(x.level),
                x.sku,
                x.quantity,
                x.unit,
                "yes" if x.made else "",
            )
            for x in lines
        ],
    )
    cost = view.cost
    note = " (estimate)" if cost.estimated else ""
    missing = f"; no cost for {', '.join(cost.missing)}" if cost.missing else ""
    out.print(
        f"{view.item.name}: planned cost materials {money(cost.materials)} + labour "
        f"{money(cost.labour)} = {money(cost.total)}; per unit {money(cost.unit_cost)}"
        f"{note}{missing}",
        highlight=False,
        markup=False,
    )


@app.command("stock")
@handles_errors
def stock_cmd(
    sku: Annotated[str | None, typer.Argument(help="Only this item.")] = None,
    location: Annotated[str | None, typer.Option("--location", "-l")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Stock per item, location and batch."""
    takt = _takt()
    try:
        rows = queries.stock_levels(takt.uows, sku, location)
    finally:
        takt.close()
    if as_json:
        _print_json(rows)
        return
    _table(
        "Stock",
        ["SKU", "Name", "Location", "Batch", "In stock", "Unit", "Avg cost"],
        [(r.sku, r.name, r.location, r.batch, r.quantity, r.unit, r.average_cost) for r in rows],
    )


@app.command("ledger")
@handles_errors
def ledger_cmd(
    sku: Annotated[str | None, typer.Argument(help="Only this item.")] = None,
    location: Annotated[str | None, typer.Option("--location", "-l")] = None,
    reason: Annotated[Reason | None, typer.Option()] = None,
    document: Annotated[str | None, typer.Option()] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The newest stock ledger entries."""
    takt = _takt()
    try:
        entries = queries.ledger(
            takt.uows,
            LedgerFilter(sku=sku, location=location, reason=reason, document=document, limit=limit),
        )
    finally:
        takt.close()
    if as_json:
        _print_json(
            [
                {
                    "sku": e.key.item,
                    "location": e.key.location,
                    "batch": e.key.batch,
                    "quantity": e.quantity,
                    "unit_cost": e.unit_cost,
                    "reason": e.reason,
                    "document": e.document,
                    "note": e.note,
                    "user": e.user,
                    "at": e.at,
                }
                for e in entries
            ]
        )
        return
    _table(
        "Ledger",
        ["When", "Document", "SKU", "Location", "Batch", "Qty", "Cost", "Reason", "Note", "User"],
        [
            (
                f"{e.at:%Y-%m-%d %H:%M}",
                e.document,
                e.key.item,
                e.key.location,
                e.key.batch,
                e.quantity,
                e.unit_cost,
                e.reason.value,
                e.note,
                e.user,
            )
            for e in entries
        ],
    )


# ---------------------------------------------------------------- postings


def _show_posted(posted: stock.Posted | None, as_json: bool) -> None:
    if posted is None:
        if as_json:
            _print_json({"document": None, "entries": []})
        else:
            out.print("Count matches the books: nothing posted.")
        return
    if as_json:
        _print_json(posted)
        return
    for e in posted.entries:
        sign = "+" if e.quantity > 0 else ""
        where = e.key.location + (f" batch {e.key.batch}" if e.key.batch else "")
        out.print(
            f"{posted.document}: {e.key.item} {sign}{normalize(e.quantity)} at {where} "
            f"({e.reason.value}, unit cost {normalize(e.unit_cost)})",
            highlight=False,
            markup=False,
        )


def _posting(fn: Callable[..., stock.Posted | None], cmd: Any, as_json: bool) -> None:
    takt = _takt()
    try:
        posted = fn(cmd, takt.uows())
    finally:
        takt.close()
    _show_posted(posted, as_json)


@app.command(context_settings=SIGNED_ARGS)
@handles_errors
def receive(
    sku: str,
    quantity: Annotated[str, typer.Argument(help="How much arrived, in the item's unit.")],
    unit_cost: Annotated[str | None, typer.Option("--unit-cost", help="Cost per unit.")] = None,
    location: LocationOpt = stock.DEFAULT_LOCATION,
    batch: BatchOpt = "",
    note: Annotated[str, typer.Option()] = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Receive stock outside a purchase order (an opening balance, a return)."""
    cmd = stock.Receive(
        sku,
        parse_quantity(quantity),
        parse_cost(unit_cost, "unit_cost") if unit_cost is not None else None,
        location,
        batch,
        note,
        _user(user),
    )
    _posting(stock.receive, cmd, as_json)


@app.command(context_settings=SIGNED_ARGS)
@handles_errors
def adjust(
    sku: str,
    delta: Annotated[str, typer.Argument(help="Signed change, e.g. -3 or 5.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the ledger).")],
    location: LocationOpt = stock.DEFAULT_LOCATION,
    batch: BatchOpt = "",
    unit_cost: Annotated[str | None, typer.Option("--unit-cost")] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct stock by a signed quantity, with a reason."""
    cmd = stock.Adjust(
        sku,
        parse_quantity(delta, "delta"),
        reason,
        location,
        batch,
        parse_cost(unit_cost, "unit_cost") if unit_cost is not None else None,
        _user(user),
    )
    _posting(stock.adjust, cmd, as_json)


@app.command(context_settings=SIGNED_ARGS)
@handles_errors
def transfer(
    sku: str,
    quantity: str,
    source: Annotated[str, typer.Option("--from", help="From location.")],
    destination: Annotated[str, typer.Option("--to", help="To location.")],
    batch: BatchOpt = "",
    note: Annotated[str, typer.Option()] = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Move stock between locations."""
    cmd = stock.Transfer(
        sku, parse_quantity(quantity), source, destination, batch, note, _user(user)
    )
    _posting(stock.transfer, cmd, as_json)


@app.command(context_settings=SIGNED_ARGS)
@handles_errors
def count(
    sku: str,
    counted: Annotated[str, typer.Argument(help="The quantity physically counted.")],
    location: LocationOpt = stock.DEFAULT_LOCATION,
    batch: BatchOpt = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Stocktake: post the difference between the count and the books."""
    cmd = stock.Count(sku, parse_quantity(counted, "counted"), location, batch, _user(user))
    _posting(stock.count, cmd, as_json)


@app.command(context_settings=SIGNED_ARGS)
@handles_errors
def scrap(
    sku: str,
    quantity: str,
    reason: Annotated[str, typer.Option("--reason", help="Why it was scrapped.")],
    location: LocationOpt = stock.DEFAULT_LOCATION,
    batch: BatchOpt = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write off damaged or lost stock."""
    cmd = stock.Scrap(sku, parse_quantity(quantity), reason, location, batch, _user(user))
    _posting(stock.scrap, cmd, as_json)


def main() -> None:
    """Entry point of the ``takt`` command."""
    os.environ.setdefault("COLUMNS", "160")
    app()


if __name__ == "__main__":
    main()
