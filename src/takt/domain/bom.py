"""Bills of materials (recipes): what goes into one unit of a made item, to any depth.

Quantities are multiplied through the levels as exact fractions, so a five-level explosion gives
exactly what a person computing by hand would get; only the final figure is expressed as a Decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, localcontext
from fractions import Fraction

from takt.domain.errors import DomainError, NotFound
from takt.domain.items import Item, ItemError
from takt.domain.units import (
    QUANTITY_PLACES,
    QuantityError,
    conversion_factor,
    normalize,
    to_decimal,
)

HUNDRED = Fraction(100)


class BomError(DomainError):
    """A BOM line or BOM that breaks a rule."""


class BomCycleError(BomError):
    """Saving the BOM would make an item contain itself; ``path`` names the loop."""

    def __init__(self, path: list[str]) -> None:
        super().__init__(f"BOM cycle: {' -> '.join(path)}", field="component")
        self.path = path


@dataclass(frozen=True, slots=True)
class BomLine:
    """``quantity`` of ``component`` (in ``unit``) per one unit of the parent, plus wastage %."""

    component: str
    quantity: Decimal
    unit: str
    wastage_pct: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise QuantityError(
                f"BOM line {self.component}: quantity must be positive, got {self.quantity}",
                field="quantity",
            )
        if not Decimal(0) <= self.wastage_pct < Decimal(1000):
            raise BomError(
                f"BOM line {self.component}: wastage must be 0-999 %, got {self.wastage_pct}",
                field="wastage_pct",
            )

    def gross_factor(self) -> Fraction:
        """Quantity per parent unit including wastage, in the line's unit, as an exact fraction."""
        return Fraction(self.quantity) * (1 + Fraction(self.wastage_pct) / HUNDRED)


@dataclass(frozen=True, slots=True)
class Bom:
    """The recipe of ``item``: its lines, one component at most once."""

    item: str
    lines: tuple[BomLine, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for line in self.lines:
            if line.component == self.item:
                raise BomCycleError([self.item, self.item])
            if line.component in seen:
                raise BomError(
                    f"BOM of {self.item} lists {line.component} twice; merge the lines",
                    field="component",
                )
            seen.add(line.component)


@dataclass(frozen=True, slots=True)
class ExplodedLine:
    """One row of a multi-level explosion: ``quantity`` of ``sku`` (stock unit) at ``level``."""

    level: int
    parent: str
    sku: str
    quantity: Decimal
    unit: str
    path: tuple[str, ...]
    made: bool


def fraction_to_quantity(value: Fraction) -> Decimal:
    """An exact requirement as a Decimal; one that does not terminate rounds up at the 6th place.

    Rounding up, because a shortfall of a millionth still stops a line, an excess does not.
    """
    exact = to_decimal(value)
    if exact is not None and -int(exact.as_tuple().exponent) <= QUANTITY_PLACES:
        return normalize(exact)
    quantum = Decimal(1).scaleb(-QUANTITY_PLACES)
    with localcontext(prec=80):
        approx = Decimal(value.numerator) / Decimal(value.denominator)
        return normalize(approx.quantize(quantum, rounding=ROUND_CEILING))


class BomBook:
    """All BOMs and the items they mention: explosion, low-level codes and cycle checks.

    Variants use their template's BOM (``Item.recipe_sku``). Quantities come out in each
    component's stock unit.
    """

    def __init__(self, items: Mapping[str, Item], boms: Mapping[str, Bom]) -> None:
        self.items = items
        self.boms = boms
        # Lines with their stock-unit factors, per SKU: a shared subassembly is computed once.
        self._factors: dict[str, tuple[tuple[BomLine, Item, Fraction], ...]] = {}

    def item(self, sku: str) -> Item:
        try:
            return self.items[sku]
        except KeyError:
            raise NotFound(f"unknown SKU {sku!r}", field="sku") from None

    def bom_of(self, sku: str) -> Bom | None:
        """The BOM that makes ``sku`` (its template's for a variant), or None."""
        return self.boms.get(self.item(sku).recipe_sku)

    def check(self, bom: Bom) -> None:
        """Refuses ``bom`` when a component is unknown, not convertible, or closes a cycle."""
        parent = self.item(bom.item)
        if parent.variant_of is not None:
            raise BomError(
                f"{parent.sku} is a variant: it uses the BOM of {parent.variant_of}", field="item"
            )
        if not parent.is_made:
            raise ItemError(
                f"{parent.sku} is a material (bought); only made items have a BOM", field="item"
            )
        for line in bom.lines:
            component = self.item(line.component)
            conversion_factor(line.unit, component.unit)
        # Search from each component for a way back to the parent, with the new BOM in place.
        trial = dict(self.boms)
        trial[bom.item] = bom
        cycle = _find_cycle(bom.item, trial, self.items)
        if cycle is not None:
            raise BomCycleError(cycle)

    def component_factors(self, sku: str) -> tuple[tuple[BomLine, Item, Fraction], ...]:
        """Each line of ``sku``'s BOM with its component and stock-unit quantity per parent unit."""
        cached = self._factors.get(sku)
        if cached is not None:
            return cached
        bom = self.bom_of(sku)
        rows: list[tuple[BomLine, Item, Fraction]] = []
        for line in bom.lines if bom is not None else ():
            component = self.item(line.component)
            factor = line.gross_factor() * conversion_factor(line.unit, component.unit)
            rows.append((line, component, factor))
        self._factors[sku] = result = tuple(rows)
        return result

    def explode(self, sku: str, quantity: Decimal = Decimal(1)) -> list[ExplodedLine]:
        """Every component needed for ``quantity`` of ``sku``, depth first, wastage included."""
        if quantity <= 0:
            raise QuantityError(f"quantity to explode must be positive, got {quantity}", "quantity")
        rows: list[ExplodedLine] = []
        self._explode(sku, Fraction(quantity), 1, (sku,), rows)
        return rows

    def _explode(
        self, sku: str, qty: Fraction, level: int, path: tuple[str, ...], rows: list[ExplodedLine]
    ) -> None:
        for _line, component, factor in self.component_factors(sku):
            need = qty * factor
            sub_path = (*path, component.sku)
            rows.append(
                ExplodedLine(
                    level=level,
                    parent=sku,
                    sku=component.sku,
                    quantity=fraction_to_quantity(need),
                    unit=component.unit,
                    path=sub_path,
                    made=self.bom_of(component.sku) is not None,
                )
            )
            self._explode(component.sku, need, level + 1, sub_path, rows)

    def leaf_requirements(self, sku: str, quantity: Decimal = Decimal(1)) -> dict[str, Decimal]:
        """Total bought (leaf) materials for ``quantity`` of ``sku``, summed over all paths."""
        if quantity <= 0:
            raise QuantityError(f"quantity must be positive, got {quantity}", "quantity")
        totals: dict[str, Fraction] = {}

        def walk(current: str, qty: Fraction) -> None:
            for _line, component, factor in self.component_factors(current):
                need = qty * factor
                if self.bom_of(component.sku) is None:
                    totals[component.sku] = totals.get(component.sku, Fraction(0)) + need
                else:
                    walk(component.sku, need)

        walk(sku, Fraction(quantity))
        return {k: fraction_to_quantity(v) for k, v in sorted(totals.items())}

    def low_level_codes(self) -> dict[str, int]:
        """Each item's deepest level in any BOM (0 = never a component); MRP nets in this order."""
        codes = dict.fromkeys(self.items, 0)
        for sku in self.items:
            self._lower(sku, 0, codes)
        return codes

    def _lower(self, sku: str, level: int, codes: dict[str, int]) -> None:
        for _line, component, _factor in self.component_factors(sku):
            if codes[component.sku] < level + 1:
                codes[component.sku] = level + 1
                self._lower(component.sku, level + 1, codes)

    def where_used(self, sku: str) -> list[str]:
        """The items whose BOM lists ``sku`` directly."""
        return sorted(
            b.item for b in self.boms.values() if any(li.component == sku for li in b.lines)
        )


def _find_cycle(start: str, boms: Mapping[str, Bom], items: Mapping[str, Item]) -> list[str] | None:
    """A path start -> ... -> start through BOM lines, or None."""

    def recipe(sku: str) -> str:
        item = items.get(sku)
        return item.recipe_sku if item is not None else sku

    stack: list[tuple[str, Iterator[str]]] = [(start, _components(boms.get(start)))]
    on_path = [start]
    visited: set[str] = set()
    while stack:
        _node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            on_path.pop()
            continue
        if child == start or recipe(child) == start:
            return [*on_path, child]
        if child in visited:
            continue
        visited.add(child)
        stack.append((child, _components(boms.get(recipe(child)))))
        on_path.append(child)
    return None


def _components(bom: Bom | None) -> Iterator[str]:
    return iter(()) if bom is None else (line.component for line in bom.lines)


def merge_requirements(parts: Iterable[Mapping[str, Decimal]]) -> dict[str, Decimal]:
    """Sums requirement maps (SKU -> quantity)."""
    total: dict[str, Decimal] = {}
    for part in parts:
        for sku, qty in part.items():
            total[sku] = total.get(sku, Decimal(0)) + qty
    return total
