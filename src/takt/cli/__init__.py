"""Takt's command line: ``takt --help``.

The database comes from ``TAKT_DATABASE_URL`` (default: ``sqlite:///takt.db`` in the working
folder). Every command takes ``--json``. A refused command prints what is wrong, naming the field,
and exits with status 1; nothing is written.

``stock`` holds the stock commands (set-up, listings, postings), ``orders`` customers, sales and
purchase orders, status and costs, ``making`` manufacturing orders and shop-floor tasks,
``planning`` the schedule and promise dates, ``transfer`` CSV/XLSX import and export,
``webhooks`` subscriptions and deliveries, ``users`` users and API tokens, ``settings`` the
company settings (over-receipt, overhead), ``server`` ``takt serve``; ``output`` what they share.
"""

from __future__ import annotations

import os

import typer

from takt.cli import (
    making,
    orders,
    planning,
    server,
    settings,
    stock,
    transfer,
    users,
    webhooks,
)

app = typer.Typer(
    name="takt",
    help="Takt: production management for small and mid-size manufacturers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(stock.app)
app.add_typer(orders.app)
app.add_typer(making.app)
app.add_typer(planning.app)
app.add_typer(transfer.app)
app.add_typer(webhooks.app)
app.add_typer(users.app, name="user")
app.add_typer(settings.app, name="settings")
app.add_typer(server.app)

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``takt`` command."""
    os.environ.setdefault("COLUMNS", "160")
    app()
