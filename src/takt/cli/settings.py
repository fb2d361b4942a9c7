"""The company settings: ``takt settings show`` and ``takt settings set``.

Every value is read as text and checked before anything is written, so a bad one is refused
naming the option (``overhead_pct: ...``) with exit status 1, and the other options given with it
are not applied either.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from takt.app import settings
from takt.app.settings import CompanySettings, SettingsChange
from takt.cli.output import JsonOpt, handles_errors, opened, parse_choice, print_json, table
from takt.domain.errors import DomainError
from takt.domain.units import parse_cost

app = typer.Typer(help="Company settings: over-receipt and overhead rules.", no_args_is_help=True)

OVER_RECEIPT = {"allow": True, "refuse": False}


def _json(values: CompanySettings) -> dict[str, Any]:
    """The same fields as the API's ``GET /settings``."""
    return {
        "allow_over_receipt": values.allow_over_receipt,
        "overhead_pct": values.overhead.pct_of_materials,
        "overhead_per_hour": values.overhead.per_labour_hour,
    }


def _show(values: CompanySettings, as_json: bool) -> None:
    if as_json:
        print_json(_json(values))
        return
    overhead = values.overhead
    table(
        "Settings",
        ["Setting", "Current"],
        [
            (
                "Receiving more than a purchase line awaits",
                "allowed" if values.allow_over_receipt else "refused",
            ),
            ("Overhead, % of material cost", overhead.pct_of_materials),
            ("Overhead per labour hour", overhead.per_labour_hour),
        ],
    )


@app.command("show")
@handles_errors
def show(as_json: JsonOpt = False) -> None:
    """The company settings."""
    with opened() as takt:
        values = settings.company_settings(takt.uows(read_only=True))
    _show(values, as_json)


@app.command("set")
@handles_errors
def set_(
    over_receipt: Annotated[
        str | None,
        typer.Option(
            "--over-receipt",
            help="allow or refuse: receiving more than a purchase line still awaits.",
        ),
    ] = None,
    overhead_pct: Annotated[
        str | None,
        typer.Option("--overhead-pct", help="Overhead as a % of an MO's material cost (0-1000)."),
    ] = None,
    overhead_per_hour: Annotated[
        str | None,
        typer.Option("--overhead-per-hour", help="Overhead per labour hour of an MO (0 or more)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change the settings given (the others stay) and show them all."""
    allow = parse_choice(over_receipt, OVER_RECEIPT, "over_receipt")
    change = SettingsChange(
        OVER_RECEIPT[allow] if allow is not None else None,
        parse_cost(overhead_pct, "overhead_pct") if overhead_pct is not None else None,
        parse_cost(overhead_per_hour, "overhead_per_hour")
        if overhead_per_hour is not None
        else None,
    )
    if change.empty:
        raise DomainError(
            "give at least one of --over-receipt, --overhead-pct, --overhead-per-hour"
        )
    with opened() as takt:
        values = settings.update_settings(change, takt.uows())
    _show(values, as_json)
