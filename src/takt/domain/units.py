"""Units of measure and exact conversions between them.

Every quantity in Takt is a ``Decimal`` in a named unit. Conversions are exact: the factor between
two units is a rational number, and a conversion whose result does not terminate as a decimal
(100 min in hours) is refused rather than rounded, unless the caller asks for rounding explicitly.
A conversion between different dimensions (kilograms to pieces) does not exist and is an error;
item-specific conversions (a box of 12, a roll of 50 m) are purchase units on the item.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from takt.domain.errors import DomainError

QUANTITY_PLACES = 6
"""Decimal places stored for every quantity (a milligram in kilograms, a micrometre in metres)."""

COST_PLACES = 6
"""Decimal places stored for unit costs and prices."""

_QUANTUM = Decimal(1).scaleb(-QUANTITY_PLACES)
_COST_QUANTUM = Decimal(1).scaleb(-COST_PLACES)


class UnitError(DomainError):
    """An unknown unit or a conversion that does not exist."""


class QuantityError(DomainError):
    """A quantity that is not a finite decimal, or has more places than Takt stores."""


class Dimension(StrEnum):
    COUNT = "count"
    MASS = "mass"
    LENGTH = "length"
    AREA = "area"
    VOLUME = "volume"
    TIME = "time"


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of measure: ``factor`` base units make one of it (1 kg = 1000 g: g is the base)."""

    code: str
    name: str
    dimension: Dimension
    factor: Fraction


def _u(code: str, name: str, dimension: Dimension, factor: int | str) -> Unit:
    return Unit(code, name, dimension, Fraction(factor))


UNITS: dict[str, Unit] = {
    u.code: u
    for u in (
        _u("pcs", "pieces", Dimension.COUNT, 1),
        _u("pair", "pairs", Dimension.COUNT, 2),
        _u("dozen", "dozens", Dimension.COUNT, 12),
        _u("mg", "milligrams", Dimension.MASS, "1/1000"),
        _u("g", "grams", Dimension.MASS, 1),
        _u("kg", "kilograms", Dimension.MASS, 1000),
        _u("t", "tonnes", Dimension.MASS, 1_000_000),
        _u("mm", "millimetres", Dimension.LENGTH, "1/1000"),
        _u("cm", "centimetres", Dimension.LENGTH, "1/100"),
        _u("m", "metres", Dimension.LENGTH, 1),
        _u("km", "kilometres", Dimension.LENGTH, 1000),
        _u("cm2", "square centimetres", Dimension.AREA, "1/10000"),
        _u("m2", "square metres", Dimension.AREA, 1),
        _u("ml", "millilitres", Dimension.VOLUME, "1/1000"),
        _u("cl", "centilitres", Dimension.VOLUME, "1/100"),
        _u("l", "litres", Dimension.VOLUME, 1),
        _u("m3", "cubic metres", Dimension.VOLUME, 1000),
        _u("s", "seconds", Dimension.TIME, "1/60"),
        _u("min", "minutes", Dimension.TIME, 1),
        _u("h", "hours", Dimension.TIME, 60),
    )
}


def unit(code: str) -> Unit:
    """The unit named ``code``; raises ``UnitError`` naming it when Takt does not know it."""
    try:
        return UNITS[code]
    except KeyError:
        known = ", ".join(sorted(UNITS))
        raise UnitError(f"unknown unit {code!r} (known units: {known})", field="unit") from None


def to_decimal(value: Fraction) -> Decimal | None:
    """``value`` as an exact Decimal, or None when its decimal expansion does not terminate."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return None
    places = max(twos, fives)
    scaled = value * 10**places
    assert scaled.denominator == 1
    return Decimal(scaled.numerator).scaleb(-places)


def conversion_factor(from_code: str, to_code: str) -> Fraction:
    """How many ``to_code`` units make one ``from_code`` unit; raises ``UnitError`` across dimensions."""
    src, dst = unit(from_code), unit(to_code)
    if src.dimension != dst.dimension:
        raise UnitError(
            f"no conversion from {src.code} ({src.dimension}) to {dst.code} ({dst.dimension})",
            field="unit",
        )
    return src.factor / dst.factor


def convert(quantity: Decimal, from_code: str, to_code: str) -> Decimal:
    """``quantity`` in ``from_code`` expressed exactly in ``to_code``.

    Raises ``UnitError`` when the units differ in dimension and ``QuantityError`` when the exact
    result would need more than ``QUANTITY_PLACES`` decimal places (it would have to be rounded).
    """
    return scale_exactly(Fraction(quantity) * conversion_factor(from_code, to_code), to_code)


def scale_exactly(value: Fraction, unit_code: str) -> Decimal:
    """An exact rational quantity as a stored Decimal; refuses one that would need rounding."""
    exact = to_decimal(value)
    if exact is None or -exact.as_tuple().exponent > QUANTITY_PLACES:  # type: ignore[operator]
        raise QuantityError(
            f"{float(value):g} {unit_code} cannot be stored exactly "
            f"with {QUANTITY_PLACES} decimal places",
            field="quantity",
        )
    return normalize(exact)


def normalize(value: Decimal) -> Decimal:
    """Drops trailing zeros without switching to exponent notation (``1.500`` -> ``1.5``)."""
    if value == 0:
        return Decimal(0)  # also turns -0 into 0
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_quantity(raw: object, field: str = "quantity") -> Decimal:
    """A user-supplied quantity as a Decimal with at most ``QUANTITY_PLACES`` places.

    Floats are refused: ``0.1`` as a float is not one tenth, and Takt never guesses.
    """
    return _parse(raw, field, QUANTITY_PLACES)


def parse_cost(raw: object, field: str = "unit_cost") -> Decimal:
    """A user-supplied unit cost or price, at most ``COST_PLACES`` places, never negative."""
    value = _parse(raw, field, COST_PLACES)
    if value < 0:
        raise QuantityError(f"{field} must not be negative, got {value}", field=field)
    return value


def _parse(raw: object, field: str, places: int) -> Decimal:
    if isinstance(raw, (bool, float)):
        raise QuantityError(f"{field} must be a decimal number, not {type(raw).__name__}", field)
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise QuantityError(f"{field} is not a number: {raw!r}", field=field) from None
    if not value.is_finite():
        raise QuantityError(f"{field} must be a finite number, got {raw!r}", field=field)
    if abs(value) >= Decimal(10) ** 12:
        raise QuantityError(f"{field} {raw} is too large", field=field)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > places and value != value.quantize(Decimal(1).scaleb(-places)):
        raise QuantityError(f"{field} {raw} has more than {places} decimal places", field=field)
    return normalize(value)


def round_quantity(value: Decimal) -> Decimal:
    """Rounds a computed quantity (half to even) to the stored places."""
    return normalize(value.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN))


def round_cost(value: Decimal) -> Decimal:
    """Rounds a computed unit cost (half to even) to the stored places."""
    return normalize(value.quantize(_COST_QUANTUM, rounding=ROUND_HALF_EVEN))


@dataclass(frozen=True, slots=True)
class PurchaseUnit:
    """An item's own buying unit: ``name`` holds ``factor`` of the item's stock unit (box = 12 pcs)."""

    name: str
    factor: Decimal

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise UnitError("purchase unit name must not be empty", field="purchase_unit")
        if self.factor <= 0:
            raise QuantityError(
                f"purchase unit factor must be positive, got {self.factor}", field="purchase_factor"
            )

    def to_stock(self, quantity: Decimal) -> Decimal:
        """``quantity`` purchase units in stock units; refuses a result needing over 6 places."""
        return scale_exactly(Fraction(quantity) * Fraction(self.factor), "stock unit")

    def from_stock(self, quantity: Decimal) -> Decimal:
        """``quantity`` stock units in purchase units; refuses a result that needs rounding."""
        return scale_exactly(Fraction(quantity) / Fraction(self.factor), self.name)
