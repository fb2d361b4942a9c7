"""Items: SKUs, names, kinds, variants and the cost an item is valued at."""

from __future__ import annotations

from decimal import Decimal

import pytest

from takt.domain.errors import DomainError
from takt.domain.items import Item, ItemError, ItemKind, check_sku
from takt.domain.units import PurchaseUnit, QuantityError, UnitError

D = Decimal


@pytest.mark.parametrize(
    "sku", ["TABLE", "OAK-BOARD", "M6/20", "screw_4x40", "v1.2", "A", "A" * 64, "7"]
)
def test_a_well_formed_sku_is_accepted(sku: str) -> None:
    assert check_sku(sku) == sku
    assert Item(sku, "Something", ItemKind.MATERIAL).sku == sku


@pytest.mark.parametrize(
    "sku", ["", "OAK BOARD", " TABLE", "-LEG", ".LEG", "A" * 65, "TABLE\n", "LEG#2", "TÄBLE"]
)
def test_a_malformed_sku_is_refused(sku: str) -> None:
    with pytest.raises(ItemError) as refused:
        Item(sku, "Table", ItemKind.PRODUCT)

    assert refused.value.field == "sku"


@pytest.mark.parametrize("name", ["", "   "])
def test_an_item_needs_a_name(name: str) -> None:
    with pytest.raises(ItemError) as refused:
        Item("TABLE", name, ItemKind.PRODUCT)

    assert refused.value.field == "name"
    assert "TABLE" in str(refused.value)


def test_a_name_is_trimmed_and_limited_to_200_characters() -> None:
    assert Item("TABLE", "  Dining table ", ItemKind.PRODUCT).name == "Dining table"
    with pytest.raises(ItemError):
        Item("TABLE", "x" * 201, ItemKind.PRODUCT)


def test_what_is_made_and_what_is_bought() -> None:
    table = Item("TABLE", "Table", ItemKind.PRODUCT)
    leg = Item("LEG", "Leg", ItemKind.SUBASSEMBLY)
    board = Item("OAK-BOARD", "Oak board", "material")  # type: ignore[arg-type]

    assert table.is_made
    assert leg.is_made
    assert not board.is_made
    assert board.kind is ItemKind.MATERIAL


def test_an_unknown_kind_is_refused_naming_the_field() -> None:
    with pytest.raises(DomainError) as refused:
        Item("TABLE", "Table", "gadget")  # type: ignore[arg-type]

    assert refused.value.field == "kind"


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(UnitError, match="furlong"):
        Item("OAK-BOARD", "Oak board", ItemKind.MATERIAL, unit="furlong")


@pytest.mark.parametrize(
    "field", ["min_order_qty", "order_multiple", "reorder_point", "safety_stock"]
)
def test_planning_quantities_are_zero_or_more(field: str) -> None:
    with pytest.raises(QuantityError) as refused:
        Item("SCREW", "Screw", ItemKind.MATERIAL, **{field: D(-1)})  # type: ignore[arg-type]

    assert refused.value.field == field


@pytest.mark.parametrize("field", ["sales_price", "standard_cost", "last_purchase_price"])
def test_prices_are_zero_or_more(field: str) -> None:
    with pytest.raises(QuantityError) as refused:
        Item("SCREW", "Screw", ItemKind.MATERIAL, **{field: D("-0.01")})  # type: ignore[arg-type]

    assert refused.value.field == field


def test_a_lead_time_is_zero_or_more_days() -> None:
    with pytest.raises(ItemError) as refused:
        Item("SCREW", "Screw", ItemKind.MATERIAL, lead_time_days=-1)

    assert refused.value.field == "lead_time_days"


def test_a_material_bought_by_the_box() -> None:
    screw = Item("SCREW", "Screw", ItemKind.MATERIAL, purchase_unit=PurchaseUnit("box", D(100)))

    assert screw.purchase_unit is not None
    assert screw.purchase_unit.to_stock(D(3)) == D(300)


def test_a_variant_is_made_from_its_templates_recipe() -> None:
    table = Item("TABLE", "Table", ItemKind.PRODUCT)
    oak = Item(
        "TABLE-OAK",
        "Oak table",
        ItemKind.PRODUCT,
        variant_of="TABLE",
        variant_attributes={"f": "oak"},
    )

    assert table.recipe_sku == "TABLE"
    assert oak.recipe_sku == "TABLE"


def test_an_item_cannot_be_a_variant_of_itself() -> None:
    with pytest.raises(ItemError) as refused:
        Item("TABLE", "Table", ItemKind.PRODUCT, variant_of="TABLE")

    assert refused.value.field == "variant_of"


def test_a_variant_names_a_well_formed_template() -> None:
    with pytest.raises(ItemError):
        Item("TABLE-OAK", "Oak table", ItemKind.PRODUCT, variant_of="NO SUCH")


# --- the cost an item is valued at ----------------------------------------------------------------


def test_an_item_with_cost_history_is_valued_at_its_moving_average() -> None:
    board = Item(
        "OAK-BOARD",
        "Oak board",
        ItemKind.MATERIAL,
        standard_cost=D("0.04"),
        last_purchase_price=D("0.06"),
        average_cost=D("0.052"),
        has_cost_history=True,
    )

    assert board.cost_for_valuation() == (D("0.052"), False)


def test_an_average_of_zero_after_history_is_a_real_cost() -> None:
    # free samples received at zero: a real, known cost, not "nothing known"
    glue = Item("GLUE", "Glue", ItemKind.MATERIAL, average_cost=D(0), has_cost_history=True)

    assert glue.cost_for_valuation() == (D(0), False)


def test_before_any_stock_the_last_purchase_price_is_an_estimate() -> None:
    board = Item(
        "OAK-BOARD",
        "Oak board",
        ItemKind.MATERIAL,
        standard_cost=D("0.04"),
        last_purchase_price=D("0.06"),
    )

    assert board.cost_for_valuation() == (D("0.06"), True)


def test_without_a_purchase_price_the_standard_cost_is_an_estimate() -> None:
    board = Item("OAK-BOARD", "Oak board", ItemKind.MATERIAL, standard_cost=D("0.04"))

    assert board.cost_for_valuation() == (D("0.04"), True)


def test_an_item_with_no_known_cost_is_never_valued_at_zero() -> None:
    board = Item("OAK-BOARD", "Oak board", ItemKind.MATERIAL)

    assert board.cost_for_valuation() is None
