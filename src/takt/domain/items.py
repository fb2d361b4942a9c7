"""Items: what a factory buys, makes and sells.

An item is a product (made and sold), a subassembly (made, used in other items, may be sold) or a
material (bought). Variants (a table in oak or in walnut) point at the template item whose bill of
materials and routing they share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from takt.domain.errors import DomainError
from takt.domain.units import PurchaseUnit, QuantityError, unit
from takt.domain.valuation import Valuation

SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


class ItemKind(StrEnum):
    PRODUCT = "product"
    SUBASSEMBLY = "subassembly"
    MATERIAL = "material"

    @property
    def is_made(self) -> bool:
        return self is not ItemKind.MATERIAL


class ItemError(DomainError):
    """An item whose fields break a rule (a bad SKU, a negative lead time...)."""


def check_sku(sku: str) -> str:
    """``sku`` when it is well-formed: 1–64 letters, digits, ``. _ / -``, no spaces."""
    if not SKU_PATTERN.fullmatch(sku):
        raise ItemError(
            f"SKU {sku!r} is not valid: use 1-64 letters, digits and . _ / - (no spaces)",
            field="sku",
        )
    return sku


@dataclass(slots=True)
class Item:
    """An item and its planning, purchasing and costing settings.

    Invariants: SKU well-formed; name not empty; every quantity setting is zero or more;
    ``average_cost`` is the moving-average cost of what is on hand (zero until the first inflow);
    a variant names its template in ``variant_of`` and is not itself a template's variant's variant.
    """

    sku: str
    name: str
    kind: ItemKind
    unit: str = "pcs"
    purchase_unit: PurchaseUnit | None = None
    default_supplier: str | None = None
    lead_time_days: int = 0
    min_order_qty: Decimal = Decimal(0)
    order_multiple: Decimal = Decimal(0)
    reorder_point: Decimal = Decimal(0)
    safety_stock: Decimal = Decimal(0)
    batch_tracked: bool = False
    allow_negative_stock: bool = False
    sales_price: Decimal | None = None
    standard_cost: Decimal | None = None
    last_purchase_price: Decimal | None = None
    average_cost: Decimal = Decimal(0)
    has_cost_history: bool = False
    variant_of: str | None = None
    variant_attributes: dict[str, str] = field(default_factory=dict)
    valuation: Valuation = Valuation.AVERAGE
    id: int | None = None

    def __post_init__(self) -> None:
        check_sku(self.sku)
        self.name = self.name.strip()
        if not self.name:
            raise ItemError(f"item {self.sku} needs a name", field="name")
        if len(self.name) > 200:
            raise ItemError(f"item {self.sku}: name longer than 200 characters", field="name")
        try:
            self.kind = ItemKind(self.kind)
        except ValueError:
            kinds = ", ".join(k.value for k in ItemKind)
            raise ItemError(f"unknown item kind {self.kind!r} (one of {kinds})", "kind") from None
        unit(self.unit)
        try:
            self.valuation = Valuation(self.valuation)
        except ValueError:
            raise ItemError(
                f"unknown valuation {self.valuation!r} (average or fifo)", "valuation"
            ) from None
        if self.lead_time_days < 0:
            raise ItemError(
                f"item {self.sku}: lead time must be 0 or more days, got {self.lead_time_days}",
                field="lead_time_days",
            )
        for name in ("min_order_qty", "order_multiple", "reorder_point", "safety_stock"):
            value = getattr(self, name)
            if value < 0:
                raise QuantityError(f"item {self.sku}: {name} must be 0 or more, got {value}", name)
        for name in ("sales_price", "standard_cost", "last_purchase_price"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise QuantityError(f"item {self.sku}: {name} must be 0 or more, got {value}", name)
        if self.variant_of is not None:
            check_sku(self.variant_of)
            if self.variant_of == self.sku:
                raise ItemError(f"item {self.sku} cannot be a variant of itself", "variant_of")

    @property
    def is_made(self) -> bool:
        return self.kind.is_made

    @property
    def recipe_sku(self) -> str:
        """The SKU whose BOM and routing make this item: its template's, for a variant."""
        return self.variant_of or self.sku

    def cost_for_valuation(self) -> tuple[Decimal, bool] | None:
        """The unit cost to value this item at, and whether it is only an estimate.

        The moving-average cost once the item has had stock; before that its last purchase price
        or standard cost, marked as an estimate. None when nothing is known: Takt never silently
        costs an item at zero.
        """
        if self.has_cost_history:
            return self.average_cost, False
        for fallback in (self.last_purchase_price, self.standard_cost):
            if fallback is not None:
                return fallback, True
        return None


def check_change(
    old: Item, new: Item, *, referenced: bool, on_hand: Decimal, has_recipe: bool
) -> None:
    """Refuses an edit of ``old`` into ``new`` that would change the meaning of what exists.

    - the unit, only while nothing refers to the item (stock, orders and BOM lines count in it);
    - batch tracking and valuation, only with nothing on hand (balances and cost layers follow them);
    - a made item becomes a material only without a BOM or routing of its own.
    Raises ``ItemError`` naming the field.
    """
    if new.unit != old.unit and referenced:
        raise ItemError(
            f"{old.sku} is in use (stock, orders or BOM lines count in {old.unit}): "
            "its unit cannot change",
            field="unit",
        )
    for name in ("batch_tracked", "valuation"):
        if getattr(new, name) != getattr(old, name) and on_hand != 0:
            raise ItemError(
                f"{old.sku} has {on_hand} {old.unit} on hand: {name} changes only with no stock",
                field=name,
            )
    if old.is_made and not new.is_made and has_recipe:
        raise ItemError(
            f"{old.sku} has a BOM or routing: remove them before it becomes a material",
            field="kind",
        )
