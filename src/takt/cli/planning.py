"""The planning commands: ``takt schedule`` (finite-capacity plan) and ``takt promise`` (CTP)."""

from __future__ import annotations

from typing import Annotated

import typer

from takt.app.promise import promise as promise_date
from takt.app.scheduling import replan
from takt.cli.output import (
    JsonOpt,
    handles_errors,
    opened,
    parse_date,
    parse_int,
    print_json,
    say,
    table,
)
from takt.domain.errors import DomainError
from takt.domain.units import parse_quantity

app = typer.Typer()
"""The planning commands, merged into the top level of ``takt``."""


@app.command()
@handles_errors
def schedule(
    optimize: Annotated[
        bool, typer.Option("--optimize", help="Improve the instant plan with the CP-SAT optimiser.")
    ] = False,
    time_limit: Annotated[str, typer.Option("--time-limit", help="Seconds for --optimize.")] = "30",
    workers: Annotated[str, typer.Option("--workers", help="Solver threads for --optimize.")] = "2",
    as_json: JsonOpt = False,
) -> None:
    """Plan every open MO on finite capacity; store the plan; list late orders and why."""
    seconds = parse_int(time_limit, "time_limit")
    threads = parse_int(workers, "workers")
    with opened() as takt:
        summary = replan(
            takt.uows(), optimise_seconds=float(seconds) if optimize else None, workers=threads
        )
    if as_json:
        print_json(summary)
        return
    makespan = f"{summary.makespan:%Y-%m-%d %H:%M}" if summary.makespan else "-"
    say(
        f"Plan {summary.version} ({summary.engine}, {summary.status}): {summary.orders} orders, "
        f"{summary.operations} operations, all done by {makespan} UTC; "
        f"{len(summary.late)} late, weighted tardiness {summary.tardiness_minutes} min "
        f"({summary.seconds:.2f} s)"
    )
    if summary.late:
        table(
            "Late orders",
            ["MO", "Due", "Planned finish", "Why"],
            [
                (
                    late.number,
                    late.due.isoformat(),
                    f"{late.finish:%Y-%m-%d %H:%M}",
                    "; ".join(late.reasons),
                )
                for late in summary.late
            ],
        )


@app.command(context_settings={"ignore_unknown_options": True})
@handles_errors
def promise(
    sku: str,
    quantity: Annotated[str, typer.Argument(help="How many the customer wants.")],
    by: Annotated[str | None, typer.Option("--by", help="The date the customer asks for.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The earliest date a new order could be delivered (stock, supply, lead times, capacity)."""
    qty = parse_quantity(quantity)
    if qty <= 0:
        raise DomainError(f"quantity must be positive, got {qty}", field="quantity")
    wanted = parse_date(by, "by") if by is not None else None
    with opened() as takt:
        answer = promise_date(sku, qty, takt.uows(), by=wanted)
    if as_json:
        print_json(answer)
        return
    verdict = ""
    if answer.meets_request is not None:
        verdict = " - meets the requested date" if answer.meets_request else " - later than asked"
    say(f"{answer.quantity} {sku}: can be delivered on {answer.promised.isoformat()}{verdict}")
    say(f"Decided by: {answer.binding}")
    for step in answer.steps:
        say(f"  {step}")
