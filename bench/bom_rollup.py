"""Multi-level BOM explosion and planned-cost roll-up on a generated catalogue, no database.

``python -m bench.bom_rollup [--scale small|full|N] [--seed S]``

Generates N BOMs (small: 1,000; full: 10,000) over five levels as domain objects: top-level
products (level 0) whose lines mix made components from the level below with bought materials;
made items down to level 4, whose BOMs hold materials only. About eight lines a BOM, two of them
made; board lines in cm against stock in m, glue in ml against l, wastage on about a third of the
lines; every made item has a routing of two to four operations on eight workstations.

Times, for every top-level product: ``BomBook.explode`` (every row of the tree), ``CostRollup.cost``
(materials and labour through every level) and ``BomBook.leaf_requirements``; and once
``BomBook.low_level_codes`` over the whole book (what ``takt bom`` computes on every call). A
reference roll-up memoised per SKU runs beside the domain's and must give the same figures: its
time is what the domain's roll-up would take with memoisation (see ``MemoRollup``).

Prints one JSON line per figure.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from takt.domain.bom import Bom, BomBook, BomLine
from takt.domain.costing import CostRollup
from takt.domain.items import Item, ItemKind
from takt.domain.routing import Operation, Routing
from takt.domain.units import round_cost

SCALES = {"small": 1_000, "full": 10_000}
LEVEL_SHARES = (0.10, 0.15, 0.20, 0.25, 0.30)
"""Share of the BOMs at each level; level 0 are the top-level products."""
MATERIALS_PER_BOM = 0.3
WORKSTATIONS = {
    "SAW": Decimal(42),
    "CNC": Decimal(85),
    "EDGE": Decimal(55),
    "GLUE": Decimal(36),
    "SAND": Decimal(38),
    "ASSEMBLY": Decimal(40),
    "FINISH": Decimal(48),
    "PACK": Decimal(32),
}
# (stock unit, units a BOM line may use for it)
MATERIAL_UNITS = (
    ("pcs", ("pcs",)),
    ("m", ("m", "cm", "mm")),
    ("m2", ("m2", "cm2")),
    ("l", ("l", "ml")),
    ("kg", ("kg", "g")),
)

T = TypeVar("T")


def parse_scale(value: str) -> int:
    """``small``, ``full`` or a number of BOMs."""
    if value in SCALES:
        return SCALES[value]
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"scale must be {', '.join(SCALES)} or a number, got {value!r}"
        ) from None
    if count < 10:
        raise argparse.ArgumentTypeError("scale must be at least 10 BOMs")
    return count


@dataclass(slots=True)
class Catalogue:
    items: dict[str, Item]
    boms: dict[str, Bom]
    routings: dict[str, Routing]
    tops: list[str]

    @property
    def lines(self) -> int:
        return sum(len(b.lines) for b in self.boms.values())


def generate(n_boms: int, seed: int = 42) -> Catalogue:
    """``n_boms`` BOMs over five levels, deterministic for a seed."""
    rng = random.Random(seed)
    items: dict[str, Item] = {}
    materials: list[str] = []
    for n in range(max(50, int(n_boms * MATERIALS_PER_BOM))):
        stock_unit, _ = MATERIAL_UNITS[n % len(MATERIAL_UNITS)]
        sku = f"MAT-{n:05d}"
        cost = Decimal(rng.randint(5, 50_000)) / 1000
        # Most materials have stock (a moving average); some only a standard cost (an estimate).
        has_stock = rng.random() < 0.85
        items[sku] = Item(
            sku,
            f"Material {n}",
            ItemKind.MATERIAL,
            unit=stock_unit,
            average_cost=cost if has_stock else Decimal(0),
            has_cost_history=has_stock,
            standard_cost=cost,
        )
        materials.append(sku)

    counts = [max(1, round(n_boms * share)) for share in LEVEL_SHARES]
    counts[-1] += n_boms - sum(counts)
    levels: list[list[str]] = []
    for level, count in enumerate(counts):
        kind = ItemKind.PRODUCT if level == 0 else ItemKind.SUBASSEMBLY
        prefix = "TOP" if level == 0 else f"SUB{level}"
        skus = [f"{prefix}-{n:05d}" for n in range(count)]
        for sku in skus:
            items[sku] = Item(sku, f"{kind.value} {sku}", kind, sales_price=Decimal(100))
        levels.append(skus)

    boms: dict[str, Bom] = {}
    routings: dict[str, Routing] = {}
    stations = sorted(WORKSTATIONS)
    for level, skus in enumerate(levels):
        below = levels[level + 1] if level + 1 < len(levels) else []
        for sku in skus:
            n_lines = rng.randint(6, 10)
            n_made = min(len(below), rng.randint(1, 3)) if below else 0
            made = rng.sample(below, n_made)
            bought = rng.sample(materials, n_lines - n_made)
            lines = [BomLine(c, Decimal(rng.randint(1, 4)), "pcs") for c in made]
            lines.extend(_material_line(rng, items[c]) for c in bought)
            rng.shuffle(lines)
            boms[sku] = Bom(sku, tuple(lines))
            ops = tuple(
                Operation(
                    (k + 1) * 10,
                    f"step {k + 1}",
                    rng.choice(stations),
                    Decimal(rng.randint(0, 30)),
                    Decimal(rng.randint(1, 600)) / 10,
                )
                for k in range(rng.randint(2, 4))
            )
            routings[sku] = Routing(sku, ops)
    return Catalogue(items, boms, routings, levels[0])


def _material_line(rng: random.Random, item: Item) -> BomLine:
    units = next(u for stock, u in MATERIAL_UNITS if stock == item.unit)
    line_unit = rng.choice(units)
    quantity = Decimal(rng.randint(1, 5000)) / 100
    if line_unit in {"cm", "ml", "g", "mm"}:
        quantity *= 100
    elif line_unit == "cm2":
        quantity *= 1000
    wastage = Decimal(rng.choice((0, 0, 3, 5, 8, 12)))
    return BomLine(item.sku, quantity, line_unit, wastage)


Affine = tuple[Fraction, Fraction, Fraction, Fraction]
"""(materials fixed, materials per unit, labour fixed, labour per unit) of one made SKU."""


class MemoRollup:
    """The domain's roll-up, memoised per SKU (a reference for the bench, not used by Takt).

    ``CostRollup._made(sku, q)`` is affine in q: each operation costs setup + run x q, a material
    need x cost, and a made component A + B x (q x factor) by induction. So each made SKU needs
    its (A, B) once, and rolling up the whole book is linear in its lines, not in its paths.
    """

    def __init__(
        self, book: BomBook, routings: dict[str, Routing], rates: dict[str, Decimal]
    ) -> None:
        self.book = book
        self.routings = routings
        self.rates = rates
        self.memo: dict[str, Affine] = {}

    def cost(self, sku: str, quantity: Decimal = Decimal(1)) -> tuple[Decimal, Decimal]:
        """(materials, labour) of ``quantity`` of ``sku``, rounded as ``CostRollup`` rounds."""
        a_mat, b_mat, a_lab, b_lab = self._affine(sku)
        q = Fraction(quantity)
        return round_cost(_dec(a_mat + b_mat * q)), round_cost(_dec(a_lab + b_lab * q))

    def _affine(self, sku: str) -> Affine:
        found = self.memo.get(sku)
        if found is not None:
            return found
        book = self.book
        fixed_mat = per_mat = fixed_lab = per_lab = Fraction(0)
        routing = self.routings.get(book.item(sku).recipe_sku)
        for op in routing.operations if routing is not None else ():
            rate = op.cost_per_hour
            if rate is None:
                rate = self.rates.get(op.workstation, Decimal(0))
            fixed_lab += Fraction(op.setup_minutes) * Fraction(rate) / 60
            per_lab += Fraction(op.run_minutes) * Fraction(rate) / 60
        for _line, component, factor in book.component_factors(sku):
            if book.bom_of(component.sku) is not None:
                a_mat, b_mat, a_lab, b_lab = self._affine(component.sku)
                fixed_mat += a_mat
                per_mat += b_mat * factor
                fixed_lab += a_lab
                per_lab += b_lab * factor
                continue
            valued = component.cost_for_valuation()
            if valued is not None:
                per_mat += factor * Fraction(valued[0])
        self.memo[sku] = (fixed_mat, per_mat, fixed_lab, per_lab)
        return self.memo[sku]


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bom_rollup", description=__doc__)
    parser.add_argument(
        "--scale", type=parse_scale, default="small", help="small (1000), full (10000) or a number"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--skip-low-level-codes", action="store_true", help="do not time low_level_codes"
    )
    args = parser.parse_args(argv)
    n_boms: int = args.scale

    gen_seconds, cat = timed(lambda: generate(n_boms, args.seed))
    book = BomBook(cat.items, cat.boms)
    rollup = CostRollup(book, cat.routings, WORKSTATIONS)
    common = {"boms": n_boms, "tops": len(cat.tops), "lines": cat.lines, "levels": 5}

    explode_s, rows = timed(lambda: sum(len(book.explode(sku)) for sku in cat.tops))
    rollup_s, costs = timed(lambda: [rollup.cost(sku) for sku in cat.tops])
    leaves_s, _ = timed(lambda: [book.leaf_requirements(sku) for sku in cat.tops])
    memo_rollup = MemoRollup(book, cat.routings, WORKSTATIONS)
    memo_s, memo = timed(lambda: [memo_rollup.cost(sku) for sku in cat.tops])
    mismatches = sum((c.materials, c.labour) != m for c, m in zip(costs, memo, strict=True))
    total_s = explode_s + rollup_s
    emit({"bench": "bom_generate", **common, "value": _ms(gen_seconds), "unit": "ms"})
    emit(
        {
            "bench": "bom_explode",
            **common,
            "value": _ms(explode_s),
            "unit": "ms",
            "rows": rows,
            "rows_per_s": round(rows / explode_s),
        }
    )
    emit({"bench": "bom_rollup_cost", **common, "value": _ms(rollup_s), "unit": "ms"})
    emit(
        {
            "bench": "bom_rollup",
            **common,
            "value": _ms(total_s),
            "unit": "ms",
            "meaning": "explode + cost roll-up of every top-level item",
        }
    )
    emit(
        {
            "bench": "bom_rollup_rate",
            **common,
            "value": round(n_boms / total_s, 1),
            "unit": "BOMs/s",
            "tops_per_s": round(len(cat.tops) / total_s, 1),
        }
    )
    emit({"bench": "bom_leaf_requirements", **common, "value": _ms(leaves_s), "unit": "ms"})
    emit(
        {
            "bench": "bom_rollup_memoised",
            **common,
            "value": _ms(memo_s),
            "unit": "ms",
            "speedup_x": round(rollup_s / memo_s, 1),
            "mismatches": mismatches,
            "meaning": "reference roll-up memoised per SKU (bench only), same figures expected",
        }
    )
    if not args.skip_low_level_codes:
        llc_s, codes = timed(book.low_level_codes)
        emit(
            {
                "bench": "bom_low_level_codes",
                **common,
                "value": _ms(llc_s),
                "unit": "ms",
                "max_code": max(codes.values()),
            }
        )


def _dec(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


if __name__ == "__main__":
    main()
