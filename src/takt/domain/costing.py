"""Planned cost of made items: a roll-up through every BOM level and routing.

Bought materials are valued at their moving-average cost (or, before any stock, their last purchase
price or standard cost, and the result is then marked as an estimate). A made component is costed
by rolling up its own recipe and operations for the quantity needed, so its setup time is shared
over that quantity. Sums are exact fractions until the final figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction

from takt.domain.bom import BomBook
from takt.domain.errors import NotFound
from takt.domain.items import ItemError
from takt.domain.routing import Routing
from takt.domain.units import QuantityError, round_cost


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    """Planned cost of ``quantity`` of ``sku``: materials, labour, and per unit.

    ``estimated`` is set when a figure rests on a last purchase price or standard cost instead of a
    moving average; ``missing`` names items that have no cost at all (counted as zero, and shown).
    """

    sku: str
    quantity: Decimal
    materials: Decimal
    labour: Decimal
    estimated: bool
    missing: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.materials + self.labour

    @property
    def unit_cost(self) -> Decimal:
        return round_cost(self.total / self.quantity)


@dataclass(slots=True)
class _Curve:
    """Planned cost of q units = labour_fixed + q x (labour_per_unit + materials)."""

    materials: Fraction = Fraction(0)
    labour_fixed: Fraction = Fraction(0)
    labour_per_unit: Fraction = Fraction(0)
    estimated: bool = False
    missing: set[str] = field(default_factory=set)


class CostRollup:
    """Rolls planned cost up through BOMs and routings."""

    def __init__(
        self,
        book: BomBook,
        routings: Mapping[str, Routing],
        workstation_rates: Mapping[str, Decimal],
    ) -> None:
        self.book = book
        self.routings = routings
        self.rates = workstation_rates
        self._curves: dict[str, _Curve] = {}

    def cost(self, sku: str, quantity: Decimal = Decimal(1)) -> CostBreakdown:
        """Planned cost of making ``quantity`` of ``sku`` (a made item)."""
        if quantity <= 0:
            raise QuantityError(f"quantity to cost must be positive, got {quantity}", "quantity")
        item = self.book.item(sku)
        if self.book.bom_of(sku) is None and self.routings.get(item.recipe_sku) is None:
            raise ItemError(f"{sku} has no BOM and no routing: nothing to roll up", field="sku")
        curve = self._curve(sku)
        qty = Fraction(quantity)
        return CostBreakdown(
            sku=sku,
            quantity=quantity,
            materials=round_cost(_dec(curve.materials * qty)),
            labour=round_cost(_dec(curve.labour_fixed + curve.labour_per_unit * qty)),
            estimated=curve.estimated,
            missing=tuple(sorted(curve.missing)),
        )

    def _curve(self, sku: str) -> _Curve:
        """Cost of ``q`` units of ``sku`` as fixed + per-unit parts, memoised per SKU.

        Cost is linear in quantity: setups are paid once per order at every level (each made
        component is its own order), run time and materials per unit. So a shared subassembly
        is rolled up once, however many parents use it.
        """
        cached = self._curves.get(sku)
        if cached is not None:
            return cached
        curve = _Curve()
        item = self.book.item(sku)
        routing = self.routings.get(item.recipe_sku)
        for op in routing.operations if routing is not None else ():
            rate = self.rates.get(op.workstation)
            if rate is None:
                raise NotFound(f"unknown workstation {op.workstation!r}", "workstation")
            curve.labour_fixed += op.cost_for(Fraction(0), rate)
            curve.labour_per_unit += op.cost_for(Fraction(1), rate) - op.cost_for(Fraction(0), rate)
        for _line, component, factor in self.book.component_factors(sku):
            if self.book.bom_of(component.sku) is not None:
                sub = self._curve(component.sku)
                curve.materials += factor * sub.materials
                curve.labour_fixed += sub.labour_fixed
                curve.labour_per_unit += factor * sub.labour_per_unit
                curve.estimated = curve.estimated or sub.estimated
                curve.missing |= sub.missing
                continue
            valued = component.cost_for_valuation()
            if valued is None:
                curve.missing.add(component.sku)
                continue
            unit_cost, estimate = valued
            curve.materials += factor * Fraction(unit_cost)
            curve.estimated = curve.estimated or estimate
        self._curves[sku] = curve
        return curve


def _dec(value: Fraction) -> Decimal:
    with localcontext(prec=80):
        return Decimal(value.numerator) / Decimal(value.denominator)
