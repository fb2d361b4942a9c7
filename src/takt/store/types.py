"""Column types that keep Takt's numbers exact on every database.

Quantities and costs are stored as scaled integers (millionths): SQLite has no exact decimal type
(its NUMERIC is a float), and integers make ``SUM`` exact on SQLite and PostgreSQL alike. Times are
stored in UTC and always come back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

from takt.domain.units import QUANTITY_PLACES, normalize

_SCALE = 10**QUANTITY_PLACES


def from_micro(value: int) -> Decimal:
    """A stored integer count of millionths as a Decimal, for bulk reads that skip the type."""
    whole, part = divmod(value, _SCALE)
    if not part:
        # Most stored quantities are whole: an integer Decimal is already in normal form, and
        # skipping the division and normalisation halves the cost of reading a long list.
        return Decimal(whole)
    return normalize(Decimal(value).scaleb(-QUANTITY_PLACES))


class Micro(TypeDecorator[Decimal]):
    """A Decimal with at most six places, stored as an integer count of millionths."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * _SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {QUANTITY_PLACES} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_micro(int(value))

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
