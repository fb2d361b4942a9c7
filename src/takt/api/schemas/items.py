"""Items, units, BOMs (with explosion and cost roll-up) and routings."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import Field, Strict

from takt.api.schemas.common import (
    Code,
    Cost,
    Days,
    Dec,
    Flag,
    Input,
    Label,
    MoneyIn,
    Name,
    Output,
    Patch,
    QuantityIn,
    ShortText,
    Sku,
    UnitCode,
)
from takt.app.queries import BomView, ItemRow
from takt.domain.bom import Bom, BomLine
from takt.domain.items import Item, ItemKind
from takt.domain.routing import Operation, Routing
from takt.domain.units import PurchaseUnit, Unit
from takt.domain.valuation import Valuation


class UnitRead(Output):
    code: str
    name: str
    dimension: str

    @classmethod
    def of(cls, u: Unit) -> UnitRead:
        return cls(code=u.code, name=u.name, dimension=u.dimension.value)


class PurchaseUnitIn(Input):
    name: Label
    factor: QuantityIn


class ItemCreate(Input):
    """A new item; the SKU must be new, the supplier and the template must exist."""

    sku: Sku
    name: Name
    kind: ItemKind
    unit: UnitCode = "pcs"
    purchase_unit: PurchaseUnitIn | None = None
    default_supplier: Code | None = None
    lead_time_days: Days = 0
    min_order_qty: QuantityIn = Decimal(0)
    order_multiple: QuantityIn = Decimal(0)
    reorder_point: QuantityIn = Decimal(0)
    safety_stock: QuantityIn = Decimal(0)
    batch_tracked: Flag = False
    allow_negative_stock: Flag = False
    sales_price: MoneyIn | None = None
    standard_cost: MoneyIn | None = None
    variant_of: Sku | None = None
    variant_attributes: dict[Label, ShortText] = Field(default_factory=dict, max_length=20)
    valuation: Valuation = Valuation.AVERAGE

    def to_domain(self) -> Item:
        pu = self.purchase_unit
        return Item(
            self.sku,
            self.name,
            self.kind,
            unit=self.unit,
            purchase_unit=PurchaseUnit(pu.name, pu.factor) if pu else None,
            default_supplier=self.default_supplier,
            lead_time_days=self.lead_time_days,
            min_order_qty=self.min_order_qty,
            order_multiple=self.order_multiple,
            reorder_point=self.reorder_point,
            safety_stock=self.safety_stock,
            batch_tracked=self.batch_tracked,
            allow_negative_stock=self.allow_negative_stock,
            sales_price=self.sales_price,
            standard_cost=self.standard_cost,
            variant_of=self.variant_of,
            variant_attributes=dict(self.variant_attributes),
            valuation=self.valuation,
        )


class ItemUpdate(Patch):
    """Changes to an item: only the fields sent change; ``null`` clears purchase_unit,
    default_supplier, sales_price, standard_cost and variant_of. The unit changes only while
    nothing refers to the item; batch_tracked and valuation only with nothing on hand."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset(
        {"purchase_unit", "default_supplier", "sales_price", "standard_cost", "variant_of"}
    )

    name: Name | None = None
    kind: ItemKind | None = None
    unit: UnitCode | None = None
    purchase_unit: PurchaseUnitIn | None = None
    default_supplier: Code | None = None
    lead_time_days: Days | None = None
    min_order_qty: QuantityIn | None = None
    order_multiple: QuantityIn | None = None
    reorder_point: QuantityIn | None = None
    safety_stock: QuantityIn | None = None
    batch_tracked: Flag | None = None
    allow_negative_stock: Flag | None = None
    sales_price: MoneyIn | None = None
    standard_cost: MoneyIn | None = None
    variant_of: Sku | None = None
    variant_attributes: Annotated[dict[Label, ShortText], Field(max_length=20)] | None = None
    valuation: Valuation | None = None

    def changes(self) -> dict[str, Any]:
        """The fields sent, as ``Item`` field values."""
        changes = self.sent()
        if "purchase_unit" in changes:
            pu = self.purchase_unit
            changes["purchase_unit"] = PurchaseUnit(pu.name, pu.factor) if pu else None
        if "variant_attributes" in changes:
            changes["variant_attributes"] = dict(self.variant_attributes or {})
        return changes


class PurchaseUnitRead(Output):
    name: str
    factor: Dec


class ItemRead(Output):
    sku: str
    name: str
    kind: ItemKind
    unit: str
    purchase_unit: PurchaseUnitRead | None
    default_supplier: str | None
    lead_time_days: int
    min_order_qty: Dec
    order_multiple: Dec
    reorder_point: Dec
    safety_stock: Dec
    batch_tracked: bool
    allow_negative_stock: bool
    sales_price: Dec | None
    standard_cost: Cost
    last_purchase_price: Cost
    average_cost: Cost
    variant_of: str | None
    variant_attributes: dict[str, str]
    valuation: Valuation

    @classmethod
    def of(cls, i: Item) -> ItemRead:
        pu = i.purchase_unit
        return cls(
            sku=i.sku,
            name=i.name,
            kind=i.kind,
            unit=i.unit,
            purchase_unit=PurchaseUnitRead(name=pu.name, factor=pu.factor) if pu else None,
            default_supplier=i.default_supplier,
            lead_time_days=i.lead_time_days,
            min_order_qty=i.min_order_qty,
            order_multiple=i.order_multiple,
            reorder_point=i.reorder_point,
            safety_stock=i.safety_stock,
            batch_tracked=i.batch_tracked,
            allow_negative_stock=i.allow_negative_stock,
            sales_price=i.sales_price,
            standard_cost=i.standard_cost,
            last_purchase_price=i.last_purchase_price,
            average_cost=i.average_cost,
            variant_of=i.variant_of,
            variant_attributes=dict(i.variant_attributes),
            valuation=i.valuation,
        )


class ItemRowRead(Output):
    """An item as the list shows it, with its stock figures over all locations: ``committed``
    is still to ship or consume on open orders, ``expected`` still to arrive on open purchase
    and manufacturing orders, ``available`` = in_stock − committed, and ``missing`` what must
    still be made or bought: the shortfall of in_stock − committed + expected − safety_stock."""

    sku: str
    name: str
    kind: str
    unit: str
    in_stock: Dec
    committed: Dec
    expected: Dec
    available: Dec
    missing: Dec
    safety_stock: Dec
    reorder_point: Dec
    average_cost: Cost
    has_bom: bool
    supplier: str | None

    @classmethod
    def of(cls, r: ItemRow) -> ItemRowRead:
        return cls(
            sku=r.sku,
            name=r.name,
            kind=r.kind,
            unit=r.unit,
            in_stock=r.in_stock,
            committed=r.committed,
            expected=r.expected,
            available=r.available,
            missing=r.missing,
            safety_stock=r.safety_stock,
            reorder_point=r.reorder_point,
            average_cost=r.average_cost,
            has_bom=r.has_bom,
            supplier=r.supplier,
        )


# ---------------------------------------------------------------- BOM


class BomLineIn(Input):
    component: Sku
    quantity: QuantityIn
    unit: UnitCode
    wastage_pct: QuantityIn = Decimal(0)


class BomUpdate(Input):
    """The whole BOM of the item (replaces the stored one)."""

    lines: list[BomLineIn] = Field(min_length=1, max_length=500)

    def to_domain(self, sku: str) -> Bom:
        return Bom(
            sku,
            tuple(BomLine(x.component, x.quantity, x.unit, x.wastage_pct) for x in self.lines),
        )


class BomLineRead(Output):
    component: str
    quantity: Dec
    unit: str
    wastage_pct: Dec


def bom_lines(bom: Bom | None) -> list[BomLineRead]:
    return [
        BomLineRead(
            component=x.component, quantity=x.quantity, unit=x.unit, wastage_pct=x.wastage_pct
        )
        for x in (bom.lines if bom else ())
    ]


class ExplodedLineRead(Output):
    level: int
    parent: str
    sku: str
    quantity: Dec
    unit: str
    path: list[str]
    made: bool


class CostRollupRead(Output):
    materials: Cost
    labour: Cost
    total: Cost
    unit_cost: Cost
    estimated: bool
    missing: list[str]


class BomRead(Output):
    """One level of the BOM, the explosion of ``quantity`` through every level, the bought
    materials it needs, and the planned cost roll-up."""

    sku: str
    quantity: Dec
    lines: list[BomLineRead]
    explosion: list[ExplodedLineRead]
    materials: dict[str, Dec]
    cost: CostRollupRead

    @classmethod
    def of(cls, view: BomView, bom: Bom | None, quantity: Decimal) -> BomRead:
        c = view.cost
        return cls(
            sku=view.item.sku,
            quantity=quantity,
            lines=bom_lines(bom),
            explosion=[
                ExplodedLineRead(
                    level=x.level,
                    parent=x.parent,
                    sku=x.sku,
                    quantity=x.quantity,
                    unit=x.unit,
                    path=list(x.path),
                    made=x.made,
                )
                for x in view.explosion
            ],
            materials=dict(view.leaves),
            cost=CostRollupRead(
                materials=c.materials,
                labour=c.labour,
                total=c.total,
                unit_cost=c.unit_cost,
                estimated=c.estimated,
                missing=list(c.missing),
            ),
        )


# ---------------------------------------------------------------- routing


class OperationIn(Input):
    sequence: Annotated[int, Strict(), Field(ge=1, le=100_000)]
    name: Name
    workstation: Code
    setup_minutes: QuantityIn = Decimal(0)
    run_minutes: QuantityIn = Decimal(0)
    cost_per_hour: MoneyIn | None = None


class RoutingUpdate(Input):
    """The whole routing of the item (replaces the stored one)."""

    operations: list[OperationIn] = Field(min_length=1, max_length=200)

    def to_domain(self, sku: str) -> Routing:
        return Routing(
            sku,
            tuple(
                Operation(
                    o.sequence,
                    o.name,
                    o.workstation,
                    o.setup_minutes,
                    o.run_minutes,
                    o.cost_per_hour,
                )
                for o in self.operations
            ),
        )


class OperationRead(Output):
    sequence: int
    name: str
    workstation: str
    setup_minutes: Dec
    run_minutes: Dec
    cost_per_hour: Cost


class RoutingRead(Output):
    sku: str
    operations: list[OperationRead]
    minutes_per_unit: Dec

    @classmethod
    def of(cls, r: Routing) -> RoutingRead:
        return cls(
            sku=r.item,
            operations=[
                OperationRead(
                    sequence=o.sequence,
                    name=o.name,
                    workstation=o.workstation,
                    setup_minutes=o.setup_minutes,
                    run_minutes=o.run_minutes,
                    cost_per_hour=o.cost_per_hour,
                )
                for o in r.operations
            ],
            minutes_per_unit=sum((o.run_minutes for o in r.operations), Decimal(0)),
        )
