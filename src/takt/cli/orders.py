"""The order commands: ``takt customer``, ``so``, ``po``, ``status`` and ``costs``.

Every value is read as text and checked here or by the use case, so a bad one is refused with the
field named and exit status 1 (never Click's usage error). A command that changes an order shows
the order afterwards, as ``takt status`` does. ``takt mo`` and ``takt task`` are in ``making``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.text import Text

from takt.app import catalog, purchasing, sales
from takt.app import manufacturing as mfg
from takt.app import orders_queries as views
from takt.app.orders_queries import LineView, OrderView
from takt.cli.output import (
    SIGNED_ARGS,
    BatchOpt,
    JsonOpt,
    UserOpt,
    colour,
    current_user,
    handles_errors,
    money,
    opened,
    out,
    parse_choice,
    parse_date,
    parse_int,
    print_json,
    say,
    show_posted,
    table,
)
from takt.domain.errors import DomainError
from takt.domain.manufacturing import MOStatus
from takt.domain.partners import Customer, Supplier
from takt.domain.purchasing import PurchaseStatus
from takt.domain.sales import RANK_LIMIT, SalesStatus
from takt.domain.units import parse_cost, parse_quantity

app = typer.Typer()
"""The order commands, merged into the top level of ``takt``."""
customer_app = typer.Typer(help="Customers.", no_args_is_help=True)
supplier_app = typer.Typer(help="Suppliers.", no_args_is_help=True)
so_app = typer.Typer(help="Sales orders and quotes.", no_args_is_help=True)
po_app = typer.Typer(help="Purchase orders.", no_args_is_help=True)
app.add_typer(customer_app, name="customer")
app.add_typer(supplier_app, name="supplier")
app.add_typer(so_app, name="so")
app.add_typer(po_app, name="po")

LineOpt = Annotated[
    list[str] | None,
    typer.Option("--line", help="SKU:QTY[:PRICE], repeat for more lines."),
]
StatusOpt = Annotated[
    str | None, typer.Option("--status", help="Only this status, or 'all' (default: open ones).")
]
ReferenceOpt = Annotated[
    str,
    typer.Option(
        "--reference",
        help="The customer's (supplier's) own reference for the order, at most 64 characters.",
    ),
]
MAIN = "MAIN"


# ---------------------------------------------------------------- input


def _line_spec(spec: str, field: str = "line") -> tuple[str, Decimal, Decimal | None]:
    """``SKU:QTY[:PRICE]`` as (sku, quantity, price or None)."""
    parts = spec.split(":")
    if len(parts) not in (2, 3) or not parts[0].strip():
        raise DomainError(f"{spec!r} is not SKU:QTY or SKU:QTY:PRICE", field=field)
    price = parse_cost(parts[2], "price") if len(parts) == 3 else None
    return parts[0].strip(), parse_quantity(parts[1], "quantity"), price


def statuses(raw: str | None, values: Sequence[str]) -> list[str] | None:
    """The ``--status`` filter: None for the default, [] for 'all', else one status."""
    choice = parse_choice(raw, [*values, "all"], "status")
    if choice is None:
        return None
    return [] if choice == "all" else [choice]


# ---------------------------------------------------------------- output


def _line_json(line: LineView) -> dict[str, Any]:
    return {
        "line": line.line,
        "item": line.item,
        "quantity": line.quantity,
        "done": line.done,
        "remaining": line.remaining,
        "from_stock": line.from_stock,
        "material_status": line.material_status,
        "state": line.state,
        "reason": line.reason,
        "made_to_order": line.made_to_order,
        **({"revenue": line.revenue, "margin": line.margin} if line.revenue is not None else {}),
        **({"unit": line.unit} if line.unit is not None else {}),
    }


def _order_json(view: OrderView) -> dict[str, Any]:
    return {
        "number": view.number,
        "kind": view.kind,
        "status": view.status,
        "material_status": view.material_status,
        "partner": view.partner,
        "date": view.date,
        "summary": view.summary,
        "reference": view.reference,
        "lines": [_line_json(ln) for ln in view.lines],
    }


def _money(value: Decimal | None) -> str | None:
    return None if value is None else money(value)


def show_order(number: str, as_json: bool) -> None:
    with opened() as takt:
        view = views.order_status(takt.uows, number)
    if as_json:
        print_json(_order_json(view))
        return
    head = f"{view.number} ({view.kind} order) · {view.status}"
    if view.partner:
        head += f" · {view.partner}"
    if view.reference:
        head += f" · ref {view.reference}"
    say(head)
    say(view.summary)
    if view.material_status is not None:
        out.print(Text.assemble("Material: ", colour(view.material_status)), highlight=False)
    if view.kind == "purchase":
        table(
            "Lines",
            ["Line", "Item", "Quantity", "Unit", "Received", "State", "Waiting for it"],
            [
                (ln.line, ln.item, ln.quantity, ln.unit, ln.done, ln.state, ln.reason)
                for ln in view.lines
            ],
        )
        return
    mto = any(ln.made_to_order for ln in view.lines)
    sales = view.kind == "sales"
    # An MO's lines are its ingredients: the line is the item.
    columns = ["Item", "Quantity", "Done", "From stock", "Colour", "Reason"]
    if sales:
        columns = ["Line", *columns, "Revenue", "Margin"]
    table(
        "Lines",
        [*columns, "Made by"] if mto else columns,
        [
            (
                *((ln.line,) if sales else ()),
                ln.item,
                ln.quantity,
                ln.done,
                ln.from_stock if ln.material_status else None,
                colour(ln.material_status) if ln.material_status else ln.state,
                ln.reason,
                *((_money(ln.revenue), _money(ln.margin)) if sales else ()),
                *((ln.made_to_order,) if mto else ()),
            )
            for ln in view.lines
        ],
    )


# ---------------------------------------------------------------- status and costs


@app.command("status")
@handles_errors
def status_cmd(
    order: Annotated[str, typer.Argument(help="SO-..., MO-... or PO-... number.")],
    as_json: JsonOpt = False,
) -> None:
    """An order's lines: colour (● green / amber / red) and what covers each (its pegging)."""
    show_order(order, as_json)


@app.command("costs")
@handles_errors
def costs_cmd(
    mo: Annotated[str, typer.Argument(help="MO number.")],
    as_json: JsonOpt = False,
) -> None:
    """Planned against actual cost of an MO: materials, labour, overhead, total, variance."""
    with opened() as takt:
        view = views.mo_costs(takt.uows, mo)
    sheets = {"planned": view.planned, "actual": view.actual, "variance": view.variance}
    if as_json:
        print_json(
            {
                "number": view.number,
                "item": view.item,
                "quantity": view.quantity,
                "completed": view.completed,
                "status": view.status,
                "estimated": view.estimated,
                "missing": view.missing,
                **{
                    name: {
                        "materials": s.materials,
                        "labour": s.labour,
                        "overhead": s.overhead,
                        "total": s.total,
                    }
                    for name, s in sheets.items()
                },
            }
        )
        return
    say(
        f"{view.number}: {view.quantity.normalize():f} {view.item} "
        f"({view.completed.normalize():f} done), {view.status}"
    )
    table(
        "Cost",
        ["Part", "Planned", "Actual", "Variance"],
        [
            (
                part,
                money(getattr(view.planned, attr)),
                money(getattr(view.actual, attr)),
                money(getattr(view.variance, attr)),
            )
            for part, attr in (
                ("Materials", "materials"),
                ("Labour", "labour"),
                ("Overhead", "overhead"),
                ("Total", "total"),
            )
        ],
    )
    if view.status not in (MOStatus.DONE.value, MOStatus.CANCELLED.value):
        say("The order is still open: actual cost is what has been booked so far.")
    if view.estimated:
        say("Planned materials include estimates (last price, standard cost or a roll-up).")
    if view.missing:
        say(f"No cost known for {', '.join(view.missing)} (counted as 0).")


# ---------------------------------------------------------------- customers


@customer_app.command("add")
@handles_errors
def customer_add(
    code: str,
    name: str,
    email: Annotated[str, typer.Option(help="E-mail address.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Add a customer."""
    customer = Customer(code, name, email)
    with opened() as takt:
        sales.add_customer(customer, takt.uows())
    if as_json:
        print_json({"code": customer.code, "name": customer.name, "email": customer.email})
    else:
        say(f"Customer {customer.code} ({customer.name}) added.")


@customer_app.command("list")
@handles_errors
def customer_list(as_json: JsonOpt = False) -> None:
    """List customers."""
    with opened() as takt, takt.uows(read_only=True) as uow:
        rows = list(uow.partners.customers().values())
    data = [{"code": c.code, "name": c.name, "email": c.email} for c in rows]
    if as_json:
        print_json(data)
        return
    table("Customers", ["Code", "Name", "E-mail"], [(c.code, c.name, c.email) for c in rows])


# ---------------------------------------------------------------- suppliers


@supplier_app.command("add")
@handles_errors
def supplier_add(
    code: str,
    name: str,
    lead_time: Annotated[
        str, typer.Option("--lead-time", help="Usual days from order to delivery.")
    ] = "0",
    as_json: JsonOpt = False,
) -> None:
    """Add a supplier; a purchase order's expected date defaults to today + its lead time."""
    supplier = Supplier(code, name, parse_int(lead_time, "lead_time", minimum=0))
    with opened() as takt:
        catalog.add_supplier(supplier, takt.uows())
    if as_json:
        print_json(_supplier_json(supplier))
    else:
        say(f"Supplier {supplier.code} ({supplier.name}) added.")


@supplier_app.command("list")
@handles_errors
def supplier_list(as_json: JsonOpt = False) -> None:
    """List suppliers with their lead times."""
    with opened() as takt, takt.uows(read_only=True) as uow:
        rows = sorted(uow.locations.suppliers().values(), key=lambda s: s.code)
    if as_json:
        print_json([_supplier_json(s) for s in rows])
        return
    table(
        "Suppliers",
        ["Code", "Name", "Lead time (days)"],
        [(s.code, s.name, s.lead_time_days) for s in rows],
    )


def _supplier_json(supplier: Supplier) -> dict[str, Any]:
    return {
        "code": supplier.code,
        "name": supplier.name,
        "lead_time_days": supplier.lead_time_days,
    }


# ---------------------------------------------------------------- sales orders


@so_app.command("new")
@handles_errors
def so_new(
    customer: str,
    delivery: Annotated[str, typer.Option("--delivery", help="Delivery date, YYYY-MM-DD.")],
    line: LineOpt = None,
    quote: Annotated[bool, typer.Option("--quote", help="A quote: commits nothing.")] = False,
    reference: ReferenceOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Create a sales order (or a quote) with its lines."""
    cmd = sales.NewSalesOrder(
        customer,
        parse_date(delivery, "delivery"),
        tuple(sales.SalesLineInput(*_line_spec(spec)) for spec in line or ()),
        quote=quote,
        reference=reference,
    )
    with opened() as takt:
        order = sales.create_sales_order(cmd, takt.uows())
    show_order(order.number, as_json)


@so_app.command("add-line", context_settings=SIGNED_ARGS)
@handles_errors
def so_add_line(
    order: str,
    sku: str,
    quantity: str,
    price: Annotated[str | None, typer.Option("--price", help="Unit price.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a line to a quote or an open order with nothing shipped."""
    line = sales.SalesLineInput(
        sku,
        parse_quantity(quantity),
        parse_cost(price, "price") if price is not None else None,
    )
    with opened() as takt:
        sales.add_sales_line(order, line, takt.uows())
    show_order(order, as_json)


@so_app.command("confirm")
@handles_errors
def so_confirm(order: str, as_json: JsonOpt = False) -> None:
    """Turn a quote into an open order (it now commits stock)."""
    with opened() as takt:
        sales.confirm_sales_order(order, takt.uows())
    show_order(order, as_json)


@so_app.command("ship", context_settings=SIGNED_ARGS)
@handles_errors
def so_ship(
    order: str,
    line: str,
    quantity: str,
    location: Annotated[str, typer.Option("--location", "-l", help="Ship from.")] = MAIN,
    batch: BatchOpt = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ship part or all of a line: only what allocation gives it from stock."""
    cmd = sales.Ship(
        order,
        parse_int(line, "line"),
        parse_quantity(quantity),
        location,
        batch,
        current_user(user),
    )
    with opened() as takt:
        posted = sales.ship(cmd, takt.uows())
    show_posted(posted, as_json)


@so_app.command("rank", context_settings=SIGNED_ARGS)
@handles_errors
def so_rank(order: str, rank: str, as_json: JsonOpt = False) -> None:
    """Set an order's priority: lower ranks get stock first; new orders have rank 0, so a
    negative rank rushes an order, a positive one lets it wait. Equal ranks go by delivery date."""
    with opened() as takt:
        sales.rank_sales_order(order, parse_int(rank, "rank", minimum=-RANK_LIMIT), takt.uows())
    show_order(order, as_json)


@so_app.command("cancel")
@handles_errors
def so_cancel(order: str, as_json: JsonOpt = False) -> None:
    """Cancel an order with nothing shipped; its stock goes to the next orders in line."""
    with opened() as takt:
        sales.cancel_sales_order(order, takt.uows())
    show_order(order, as_json)


@so_app.command("make")
@handles_errors
def so_make(
    order: str,
    line: str,
    location: Annotated[str, typer.Option("--location", "-l")] = MAIN,
    as_json: JsonOpt = False,
) -> None:
    """Make to order: an MO for what is left of a sales line, due on its delivery date."""
    line_no = parse_int(line, "line")
    with opened() as takt:
        mo = mfg.create_mo_for_sales_line(order, line_no, takt.uows(), location)
    show_order(mo.number, as_json)


@so_app.command("list")
@handles_errors
def so_list(status: StatusOpt = None, as_json: JsonOpt = False) -> None:
    """Sales orders by delivery date: status, material status (● colour), total and margin."""
    chosen = statuses(status, [s.value for s in SalesStatus])
    with opened() as takt:
        if chosen is None:
            rows = views.sales_list(takt.uows)
        else:
            rows = views.sales_list(takt.uows, [SalesStatus(s) for s in chosen])
    if as_json:
        print_json(rows)
        return
    # Ranks matter only once a planner has set one: until then every order has rank 0.
    ranked = any(r.rank for r in rows)
    referenced = any(r.reference for r in rows)
    table(
        "Sales orders",
        [
            "Number",
            *(("Reference",) if referenced else ()),
            "Customer",
            "Delivery",
            *(("Rank",) if ranked else ()),
            "Status",
            "Material",
            "Flag",
            "Total",
            "Revenue",
            "Margin",
        ],
        [
            (
                r.number,
                *((r.reference,) if referenced else ()),
                r.customer_name or r.customer,
                r.delivery_date,
                *((r.rank,) if ranked else ()),
                r.status,
                colour(r.material_status),
                r.flag,
                money(r.total),
                money(r.revenue),
                money(r.margin),
            )
            for r in rows
        ],
    )


# ---------------------------------------------------------------- purchase orders


@po_app.command("new")
@handles_errors
def po_new(
    supplier: str,
    line: LineOpt = None,
    expected: Annotated[
        str | None,
        typer.Option("--expected", help="Expected date, YYYY-MM-DD (default: the lead time)."),
    ] = None,
    location: Annotated[str, typer.Option("--location", "-l", help="Deliver to.")] = MAIN,
    reference: ReferenceOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Create a purchase order; quantities and prices are in each item's purchase unit."""
    if not line:
        raise DomainError("a purchase order needs at least one --line SKU:QTY[:PRICE]", "line")
    cmd = purchasing.NewPurchaseOrder(
        supplier,
        tuple(purchasing.PurchaseLineInput(*_line_spec(spec)) for spec in line),
        parse_date(expected, "expected") if expected is not None else None,
        location,
        reference,
    )
    with opened() as takt:
        order = purchasing.create_purchase_order(cmd, takt.uows())
    show_order(order.number, as_json)


@po_app.command("receive", context_settings=SIGNED_ARGS)
@handles_errors
def po_receive(
    order: str,
    line: str,
    quantity: Annotated[str, typer.Argument(help="In the line's purchase unit.")],
    batch: BatchOpt = "",
    location: Annotated[
        str | None, typer.Option("--location", "-l", help="Default: the order's.")
    ] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Receive part or all of a purchase line at its price (updates the moving-average cost)."""
    cmd = purchasing.ReceivePurchase(
        order,
        parse_int(line, "line"),
        parse_quantity(quantity),
        batch,
        location,
        current_user(user),
    )
    with opened() as takt:
        posted = purchasing.receive_purchase(cmd, takt.uows())
    show_posted(posted, as_json)


@po_app.command("cancel")
@handles_errors
def po_cancel(order: str, as_json: JsonOpt = False) -> None:
    """Cancel a purchase order that has received nothing."""
    with opened() as takt:
        purchasing.cancel_purchase_order(order, takt.uows())
    show_order(order, as_json)


@po_app.command("list")
@handles_errors
def po_list(status: StatusOpt = None, as_json: JsonOpt = False) -> None:
    """Purchase orders by expected date, with the earliest need and the orders it is late for."""
    chosen = statuses(status, [s.value for s in PurchaseStatus])
    with opened() as takt:
        if chosen is None:
            rows = views.purchase_list(takt.uows)
        else:
            rows = views.purchase_list(takt.uows, [PurchaseStatus(s) for s in chosen])
    if as_json:
        print_json(rows)
        return
    referenced = any(r.reference for r in rows)
    table(
        "Purchase orders",
        [
            "Number",
            *(("Reference",) if referenced else ()),
            "Supplier",
            "Expected",
            "Status",
            "Lines",
            "Total",
            "Needed by",
            "Too late for",
        ],
        [
            (
                r.number,
                *((r.reference,) if referenced else ()),
                r.supplier,
                r.expected_date,
                r.status,
                ", ".join(
                    f"{ln.sku} {ln.quantity.normalize():f} {ln.unit}"
                    + (f" ({ln.received.normalize():f} in)" if ln.received else "")
                    for ln in r.lines
                ),
                money(r.total),
                r.needed_by,
                ", ".join(r.too_late_for),
            )
            for r in rows
        ],
    )
