"""The stock commands: set-up (db, demo), listings (items, bom, stock, ledger) and postings.

The database comes from ``TAKT_DATABASE_URL`` (default: ``sqlite:///takt.db`` in the working
folder). Every listing takes ``--json``. A refused command prints what is wrong, naming the field,
and exits with status 1; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.text import Text

from takt.app import queries, stock
from takt.app.ports import LedgerFilter
from takt.cli.output import (
    SIGNED_ARGS,
    BatchOpt,
    JsonOpt,
    LocationOpt,
    UserOpt,
    cell,
    current_user,
    handles_errors,
    money,
    open_takt,
    opened,
    out,
    print_json,
    show_posted,
    table,
)
from takt.config import Settings, bootstrap
from takt.domain.errors import DomainError
from takt.domain.items import ItemKind
from takt.domain.ledger import Reason
from takt.domain.units import parse_cost, parse_quantity

app = typer.Typer()
"""The stock commands, merged into the top level of ``takt``."""
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


# ---------------------------------------------------------------- set-up


@db_app.command("upgrade")
@handles_errors
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    takt = open_takt()
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
    from takt.app.scheduling import replan
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
            # Planned at once, so MO finishes (and the sales lines made to order) are the
            # schedule's, not just the due dates, as they are once the server runs.
            plan = replan(takt.uows())
            out.print(
                f"Planned {plan.orders} MOs ({plan.operations} operations): "
                f"{len(plan.late)} will finish late; `takt schedule` for why.",
                highlight=False,
            )
        else:
            out.print("The database already holds data; `takt demo --reset` reloads the demo.")
        rows = queries.stock_levels(takt.uows)
        table(
            "Stock",
            ["SKU", "Name", "Location", "Batch", "In stock", "Unit", "Avg cost"],
            [
                (r.sku, r.name, r.location, r.batch, r.quantity, r.unit, r.average_cost)
                for r in rows
            ],
        )
        out.print(
            "Next: `takt items`, `takt bom TABLE-OAK --explode 10`, `takt stock OAK-BOARD`;\n"
            "the order book: `takt so list`, `takt mo list`, `takt po list`, `takt task list`,\n"
            "`takt status SO-0008`, `takt status MO-0007`, `takt costs MO-0003`."
        )
    finally:
        takt.close()


# ---------------------------------------------------------------- listings


def _missing(value: Decimal) -> Decimal | Text:
    """Missing in bold red when above 0: a planner scans the column for what to make or buy."""
    if value <= 0:
        return value
    text = cell(value)
    text.stylize("bold red")
    return text


# The figures are per item over all locations, so they belong on the item list: `takt stock`
# lists balances per location and batch, where nothing is committed or expected.
@app.command()
@handles_errors
def items(
    skus: Annotated[
        list[str] | None, typer.Argument(help="Only these items.", show_default=False)
    ] = None,
    kind: Annotated[ItemKind | None, typer.Option(help="Only this kind.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Items with in stock, committed, expected, available and missing, and their cost."""
    with opened() as takt:
        rows = queries.item_list(takt.uows, kind, skus or None)
    if as_json:
        print_json(rows)
        return
    table(
        "Items",
        [
            "SKU",
            "Name",
            "Kind",
            "Unit",
            "In stock",
            "Committed",
            "Expected",
            "Available",
            "Missing",
            "Avg cost",
            "BOM",
            "Supplier",
        ],
        [
            (
                r.sku,
                r.name,
                r.kind,
                r.unit,
                r.in_stock,
                r.committed,
                r.expected,
                r.available,
                _missing(r.missing),
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
    with opened() as takt:
        view = queries.bom_view(takt.uows, sku, quantity)
    lines = view.explosion if explode is not None else [x for x in view.explosion if x.level == 1]
    if as_json:
        print_json(
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
    table(
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
    with opened() as takt:
        rows = queries.stock_levels(takt.uows, sku, location)
    if as_json:
        print_json(rows)
        return
    table(
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
    with opened() as takt:
        entries = queries.ledger(
            takt.uows,
            LedgerFilter(sku=sku, location=location, reason=reason, document=document, limit=limit),
        )
    if as_json:
        print_json(
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
    table(
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


def _posting(fn: Callable[..., stock.Posted | None], cmd: Any, as_json: bool) -> None:
    with opened() as takt:
        posted = fn(cmd, takt.uows())
    show_posted(posted, as_json)


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
        current_user(user),
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
        current_user(user),
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
        sku, parse_quantity(quantity), source, destination, batch, note, current_user(user)
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
    cmd = stock.Count(sku, parse_quantity(counted, "counted"), location, batch, current_user(user))
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
    cmd = stock.Scrap(sku, parse_quantity(quantity), reason, location, batch, current_user(user))
    _posting(stock.scrap, cmd, as_json)
