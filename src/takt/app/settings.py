"""The company settings a user may change, as one typed view: over-receipt and overhead rules.

They live in the ``settings`` table as text under the keys below (``uow.settings``); this module
is the only one that knows the keys and how their values are written, so a use case asks
``over_receipt_allowed(uow)`` or ``overhead_in(uow)`` instead of parsing text itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from takt.app.ports import UnitOfWork
from takt.domain.manufacturing import Overhead
from takt.domain.units import QuantityError, normalize, parse_cost

ALLOW_OVER_RECEIPT = "purchasing.allow_over_receipt"
OVERHEAD_PCT = "costing.overhead_pct_materials"
OVERHEAD_PER_HOUR = "costing.overhead_per_labour_hour"

MAX_OVERHEAD_PCT = Decimal(1000)
"""Above ten times the materials, an overhead percentage is a typo (120 meant as 1.20?)."""

_TRUE, _FALSE = "true", "false"


@dataclass(frozen=True, slots=True)
class CompanySettings:
    """``allow_over_receipt``: whether a purchase line may receive more than it still awaits;
    ``overhead``: what an MO's cost adds to its materials and labour."""

    allow_over_receipt: bool = False
    overhead: Overhead = field(default_factory=Overhead)


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """The settings to change; None leaves one as it is. Percentages are of material cost
    (``12`` is 12 %), the hourly rate is per booked (or planned) labour hour."""

    allow_over_receipt: bool | None = None
    overhead_pct: Decimal | None = None
    overhead_per_hour: Decimal | None = None

    @property
    def empty(self) -> bool:
        return (
            self.allow_over_receipt is None
            and self.overhead_pct is None
            and self.overhead_per_hour is None
        )


def over_receipt_allowed(uow: UnitOfWork) -> bool:
    """Whether receiving more than a purchase line's remaining quantity is allowed (in an open
    unit of work; refused unless a user allowed it)."""
    return uow.settings.get(ALLOW_OVER_RECEIPT, _FALSE) == _TRUE


def overhead_in(uow: UnitOfWork) -> Overhead:
    """The overhead rules as an open unit of work sees them (none until a user sets them)."""
    return Overhead(
        Decimal(uow.settings.get(OVERHEAD_PCT, "0")),
        Decimal(uow.settings.get(OVERHEAD_PER_HOUR, "0")),
    )


def settings_in(uow: UnitOfWork) -> CompanySettings:
    """The company settings as an open unit of work sees them."""
    return CompanySettings(over_receipt_allowed(uow), overhead_in(uow))


def company_settings(uow: UnitOfWork) -> CompanySettings:
    """The company settings, read in ``uow`` (entered here; a read-only one will do)."""
    with uow:
        return settings_in(uow)


def checked(change: SettingsChange) -> SettingsChange:
    """``change`` with its figures checked and normalised.

    Raises ``QuantityError`` naming the field (``overhead_pct``, ``overhead_per_hour``) for a
    negative figure, one with more than 6 places, or a percentage above ``MAX_OVERHEAD_PCT``.
    """
    pct, rate = change.overhead_pct, change.overhead_per_hour
    if pct is not None:
        pct = parse_cost(pct, "overhead_pct")
        if pct > MAX_OVERHEAD_PCT:
            raise QuantityError(
                f"overhead_pct must be at most {MAX_OVERHEAD_PCT} (% of material cost), got {pct}",
                field="overhead_pct",
            )
    if rate is not None:
        rate = parse_cost(rate, "overhead_per_hour")
    return SettingsChange(change.allow_over_receipt, pct, rate)


def update_settings(change: SettingsChange, uow: UnitOfWork) -> CompanySettings:
    """Changes the settings given in ``change`` (the others stay) in one transaction and returns
    them all as they are afterwards. Every figure is checked before anything is written
    (``checked``); a change with nothing in it writes nothing."""
    change = checked(change)
    with uow:
        if change.empty:
            return settings_in(uow)
        if change.allow_over_receipt is not None:
            uow.settings.set(ALLOW_OVER_RECEIPT, _TRUE if change.allow_over_receipt else _FALSE)
        if change.overhead_pct is not None:
            uow.settings.set(OVERHEAD_PCT, _text(change.overhead_pct))
        if change.overhead_per_hour is not None:
            uow.settings.set(OVERHEAD_PER_HOUR, _text(change.overhead_per_hour))
        changed = settings_in(uow)
        uow.commit()
        return changed


def _text(value: Decimal) -> str:
    # Plain notation: "1E+1" read back is the same number, but a person reading the table is not.
    return f"{normalize(value):f}"
