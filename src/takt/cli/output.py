"""What every ``takt`` command shares: consoles, JSON and table output, errors, input parsing.

A refused command prints one line naming the field and exits with status 1 (2 when the database
cannot be reached); nothing is written, because each use case commits once or not at all.
"""

from __future__ import annotations

import functools
import getpass
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
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

from takt.app.stock import Posted
from takt.config import Settings, Takt, bootstrap
from takt.domain.errors import DomainError
from takt.domain.units import normalize

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

NUMERIC_COLUMNS = frozenset(
    {
        "qty",
        "quantity",
        "in stock",
        "avg cost",
        "value",
        "cost",
        "total",
        "revenue",
        "margin",
        "rank",
        "minutes",
        "from stock",
        "consumed",
        "received",
        "planned",
        "actual",
        "variance",
        "booked",
        "done",
        "price",
        "committed",
        "expected",
        "available",
        "missing",
    }
)


def open_takt() -> Takt:
    """Takt on the configured database (``TAKT_DATABASE_URL``), migrated to the newest schema."""
    return bootstrap(Settings())


@contextmanager
def opened() -> Iterator[Takt]:
    """Takt on the configured database for one command; closed again whatever happens."""
    takt = open_takt()
    try:
        yield takt
    finally:
        takt.close()


def current_user(user: str | None) -> str:
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


# ---------------------------------------------------------------- parsing


def parse_date(raw: str, field: str) -> date:
    """A date typed as YYYY-MM-DD; anything else is refused naming the option."""
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise DomainError(f"{raw!r} is not a date: use YYYY-MM-DD", field=field) from None


def parse_int(raw: str, field: str, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` (a line number, a rank, a task sequence)."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise DomainError(f"{raw!r} is not a whole number", field=field) from None
    if value < minimum:
        raise DomainError(f"must be {minimum} or more, got {value}", field=field)
    return value


def parse_choice(raw: str | None, choices: Iterable[str], field: str) -> str | None:
    """One of ``choices`` (or None when not given), refused naming the option otherwise."""
    if raw is None:
        return None
    allowed = list(choices)
    if raw not in allowed:
        raise DomainError(
            f"{raw!r} is not one of {', '.join(repr(c) for c in allowed)}", field=field
        )
    return raw


# ---------------------------------------------------------------- output


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(normalize(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def print_json(rows: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(rows), ensure_ascii=False, indent=2) + "\n")


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    grid = Table(title=title, title_justify="left")
    for column in columns:
        numeric = column.lower() in NUMERIC_COLUMNS
        grid.add_column(column, justify="right" if numeric else "left")
    for row in rows:
        grid.add_row(*(cell(v) for v in row))
    out.print(grid)


def say(text: str) -> None:
    """One line of plain text: what a user typed is never read as markup."""
    out.print(text, highlight=False, markup=False)


def money(value: Decimal) -> str:
    """An amount for display, to the cent (stored figures keep six places)."""
    return f"{value.quantize(Decimal('0.01')):,}"


_COLOURS = {"green": ("●", "green"), "amber": ("●", "yellow"), "red": ("●", "red")}


def colour(status: str | None) -> Text:
    """A material status as a symbol and a word ("● green"), readable without colour too."""
    if status is None:
        return Text("–")
    symbol, style = _COLOURS.get(status, ("○", ""))
    return Text(f"{symbol} {status}", style=style)


def cell(value: Any) -> Text:
    """A table cell as plain text: what a user typed is never read as markup."""
    if value is None:
        return Text("")
    if isinstance(value, Text):
        return value
    if isinstance(value, bool):
        return Text("yes" if value else "")
    if isinstance(value, Decimal):
        return Text(str(normalize(value)))
    return Text(str(value))


def show_posted(posted: Posted | None, as_json: bool) -> None:
    if posted is None:
        if as_json:
            print_json({"document": None, "entries": []})
        else:
            out.print("Count matches the books: nothing posted.")
        return
    if as_json:
        print_json(posted)
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
