"""Bills of materials: explosion to any depth, low-level codes and the rules a recipe must keep."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from takt.domain.bom import Bom, BomBook, BomCycleError, BomError, BomLine, merge_requirements
from takt.domain.errors import DomainError, NotFound
from takt.domain.items import Item, ItemError, ItemKind
from takt.domain.units import QuantityError, UnitError

D = Decimal


def with_boms(items: dict[str, Item], *boms: Bom) -> BomBook:
    return BomBook(items, {b.item: b for b in boms})


# --- explosion ----------------------------------------------------------------------------------


def test_a_table_explodes_to_every_level_with_wastage(furniture: BomBook) -> None:
    rows = furniture.explode("TABLE")

    assert [(r.level, r.parent, r.sku, r.quantity, r.unit) for r in rows] == [
        (1, "TABLE", "LEG", D("4.2"), "pcs"),  # 4 legs + 5 % wastage
        (2, "LEG", "BLANK", D("4.2"), "pcs"),
        (3, "BLANK", "OAK-BOARD", D(336), "cm"),  # 4.2 x 0.8 m, in the board's centimetres
        (2, "LEG", "GLUE", D(42), "ml"),
        (1, "TABLE", "SCREW", D(16), "pcs"),
    ]
    assert rows[2].path == ("TABLE", "LEG", "BLANK", "OAK-BOARD")
    assert [r.made for r in rows] == [True, True, False, False, False]


def test_an_explosion_for_many_tables_is_exact(furniture: BomBook) -> None:
    rows = furniture.explode("TABLE", D(25))

    assert {r.sku: r.quantity for r in rows} == {
        "LEG": D(105),
        "BLANK": D(105),
        "OAK-BOARD": D(8400),
        "GLUE": D(1050),
        "SCREW": D(400),
    }
    assert all(isinstance(r.quantity, Decimal) for r in rows)


def test_a_table_needs_its_leaf_materials_summed(furniture: BomBook) -> None:
    assert furniture.leaf_requirements("TABLE", D(2)) == {
        "GLUE": D(84),
        "OAK-BOARD": D(672),
        "SCREW": D(32),
    }


def test_a_material_used_on_two_paths_is_summed_over_both(
    items: dict[str, Item], boms: dict[str, Bom]
) -> None:
    # screws hold the legs to the table and the blanks inside each leg
    boms["LEG"] = Bom(
        "LEG",
        (
            BomLine("BLANK", D(1), "pcs"),
            BomLine("GLUE", D(10), "ml"),
            BomLine("SCREW", D(2), "pcs", wastage_pct=D(10)),
        ),
    )
    book = BomBook(items, boms)

    # 16 on the table + 4.2 legs x 2.2 screws = 16 + 9.24
    assert book.leaf_requirements("TABLE")["SCREW"] == D("25.24")


def test_a_requirement_that_does_not_terminate_is_rounded_up(items: dict[str, Item]) -> None:
    items["SCREW"] = Item("SCREW", "Screw", ItemKind.MATERIAL, unit="dozen")
    book = with_boms(items, Bom("LEG", (BomLine("SCREW", D(1), "pcs"),)))

    # one screw is 1/12 dozen = 0.08333...: a millionth too few would stop the line
    assert book.leaf_requirements("LEG") == {"SCREW": D("0.083334")}
    assert book.explode("LEG")[0].quantity == D("0.083334")


@pytest.mark.parametrize("quantity", [D(0), D(-1)])
def test_an_explosion_needs_a_positive_quantity(furniture: BomBook, quantity: Decimal) -> None:
    with pytest.raises(QuantityError):
        furniture.explode("TABLE", quantity)


def test_leaf_requirements_need_a_positive_quantity(furniture: BomBook) -> None:
    with pytest.raises(QuantityError):
        furniture.leaf_requirements("TABLE", D(-1))


def test_an_item_without_a_recipe_explodes_to_nothing(furniture: BomBook) -> None:
    assert furniture.explode("SCREW") == []
    assert furniture.leaf_requirements("SCREW") == {}


def test_a_variant_uses_its_templates_bom(furniture: BomBook) -> None:
    oak_rows = furniture.explode("TABLE-OAK", D(3))
    plain_rows = furniture.explode("TABLE", D(3))

    assert [(r.sku, r.quantity) for r in oak_rows] == [(r.sku, r.quantity) for r in plain_rows]
    assert oak_rows[0].parent == "TABLE-OAK"
    assert furniture.leaf_requirements("TABLE-OAK") == furniture.leaf_requirements("TABLE")


def test_exploding_an_unknown_sku_names_it(furniture: BomBook) -> None:
    with pytest.raises(NotFound, match="CHAIR"):
        furniture.explode("CHAIR")


# --- low-level codes and where-used -------------------------------------------------------------


def test_low_level_codes_are_the_deepest_level(furniture: BomBook) -> None:
    assert furniture.low_level_codes() == {
        "TABLE": 0,
        "TABLE-OAK": 0,
        "LEG": 1,
        "BLANK": 2,
        "OAK-BOARD": 3,
        "GLUE": 2,
        "SCREW": 1,
    }


def test_a_material_used_at_two_levels_takes_the_deeper_one(
    items: dict[str, Item], boms: dict[str, Bom]
) -> None:
    boms["BLANK"] = Bom(
        "BLANK", (BomLine("OAK-BOARD", D("0.8"), "m"), BomLine("SCREW", D(1), "pcs"))
    )
    # list the screw before the items that use it, so the order of discovery cannot help
    screw_first = dict(sorted(items.items(), key=lambda kv: kv[0] != "SCREW"))

    assert BomBook(screw_first, boms).low_level_codes()["SCREW"] == 3


def test_where_used_lists_direct_parents(furniture: BomBook) -> None:
    assert furniture.where_used("BLANK") == ["LEG"]
    assert furniture.where_used("SCREW") == ["TABLE"]
    assert furniture.where_used("TABLE") == []


def test_requirements_of_two_orders_are_merged() -> None:
    merged = merge_requirements([{"SCREW": D(16), "GLUE": D("0.5")}, {"SCREW": D("2.5")}])

    assert merged == {"SCREW": D("18.5"), "GLUE": D("0.5")}


# --- the rules a recipe must keep ---------------------------------------------------------------


def test_a_valid_recipe_passes_the_check(furniture: BomBook) -> None:
    furniture.check(Bom("TABLE", (BomLine("LEG", D(4), "pcs"), BomLine("GLUE", D("0.02"), "l"))))


def test_a_cycle_is_refused_naming_the_path(items: dict[str, Item]) -> None:
    book = with_boms(items, Bom("TABLE", (BomLine("LEG", D(4), "pcs"),)))

    with pytest.raises(BomCycleError) as refused:
        book.check(Bom("LEG", (BomLine("TABLE", D(1), "pcs"),)))

    assert refused.value.path == ["LEG", "TABLE", "LEG"]
    assert str(refused.value) == "BOM cycle: LEG -> TABLE -> LEG"
    assert refused.value.field == "component"


def test_a_table_that_would_contain_itself_through_its_leg(items: dict[str, Item]) -> None:
    # the leg's recipe already calls for a table; now the table's recipe calls for a leg
    book = with_boms(items, Bom("LEG", (BomLine("TABLE", D(1), "pcs"),)))

    with pytest.raises(BomCycleError) as refused:
        book.check(Bom("TABLE", (BomLine("LEG", D(4), "pcs"),)))

    assert refused.value.path == ["TABLE", "LEG", "TABLE"]
    assert str(refused.value) == "BOM cycle: TABLE -> LEG -> TABLE"


def test_a_deep_cycle_names_every_step(furniture: BomBook) -> None:
    with pytest.raises(BomCycleError) as refused:
        furniture.check(Bom("BLANK", (BomLine("TABLE", D(1), "pcs"),)))

    assert refused.value.path == ["BLANK", "TABLE", "LEG", "BLANK"]


def test_a_cycle_through_a_variant_is_refused(furniture: BomBook) -> None:
    # a blank made from an oak table: the oak table is made from the table's recipe
    with pytest.raises(BomCycleError) as refused:
        furniture.check(Bom("BLANK", (BomLine("TABLE-OAK", D(1), "pcs"),)))

    assert refused.value.path == ["BLANK", "TABLE-OAK", "LEG", "BLANK"]


def test_a_table_cannot_contain_its_own_variant(furniture: BomBook) -> None:
    with pytest.raises(BomCycleError) as refused:
        furniture.check(Bom("TABLE", (BomLine("TABLE-OAK", D(1), "pcs"),)))

    assert refused.value.path == ["TABLE", "TABLE-OAK"]


def test_a_recipe_cannot_list_its_own_item() -> None:
    with pytest.raises(BomCycleError) as refused:
        Bom("TABLE", (BomLine("LEG", D(4), "pcs"), BomLine("TABLE", D(1), "pcs")))

    assert refused.value.path == ["TABLE", "TABLE"]
    assert str(refused.value) == "BOM cycle: TABLE -> TABLE"


def test_a_component_listed_twice_is_refused() -> None:
    with pytest.raises(BomError, match="LEG") as refused:
        Bom("TABLE", (BomLine("LEG", D(2), "pcs"), BomLine("LEG", D(2), "pcs")))

    assert refused.value.field == "component"


def test_an_unknown_component_is_named(furniture: BomBook) -> None:
    with pytest.raises(NotFound, match="WALNUT-BOARD") as refused:
        furniture.check(Bom("LEG", (BomLine("WALNUT-BOARD", D(1), "m"),)))

    assert refused.value.field == "sku"


def test_a_recipe_for_an_unknown_item_is_refused(furniture: BomBook) -> None:
    with pytest.raises(NotFound, match="CHAIR"):
        furniture.check(Bom("CHAIR", (BomLine("LEG", D(4), "pcs"),)))


def test_a_line_in_a_unit_that_does_not_convert_is_refused(furniture: BomBook) -> None:
    # oak board is stocked in centimetres: a kilogram of it has no meaning without a density
    with pytest.raises(UnitError) as refused:
        furniture.check(Bom("BLANK", (BomLine("OAK-BOARD", D(2), "kg"),)))

    assert "kg" in str(refused.value)
    assert "cm" in str(refused.value)


def test_a_bought_material_has_no_recipe(furniture: BomBook) -> None:
    with pytest.raises(ItemError, match="OAK-BOARD") as refused:
        furniture.check(Bom("OAK-BOARD", (BomLine("GLUE", D(1), "ml"),)))

    assert refused.value.field == "item"


def test_a_recipe_on_a_variant_is_refused(furniture: BomBook) -> None:
    with pytest.raises(DomainError):
        furniture.check(Bom("TABLE-OAK", (BomLine("LEG", D(3), "pcs"),)))


@pytest.mark.parametrize("quantity", [D(0), D("-0.5")])
def test_a_line_needs_a_positive_quantity(quantity: Decimal) -> None:
    with pytest.raises(QuantityError, match="LEG"):
        BomLine("LEG", quantity, "pcs")


@pytest.mark.parametrize("wastage", [D(-1), D(1000)])
def test_wastage_is_between_0_and_999_percent(wastage: Decimal) -> None:
    with pytest.raises(BomError) as refused:
        BomLine("LEG", D(4), "pcs", wastage_pct=wastage)

    assert refused.value.field == "wastage_pct"


# --- random recipes -----------------------------------------------------------------------------

LEAVES = ("OAK-BOARD", "GLUE", "VARNISH", "SCREW")
LEAF_UNITS = {
    "OAK-BOARD": ("cm", "m"),
    "GLUE": ("ml", "l"),
    "VARNISH": ("l", "ml"),
    "SCREW": ("pcs",),
}
QTY = st.decimals(min_value=D("0.01"), max_value=D(20), places=2)
WASTAGE = st.sampled_from([D(0), D(5), D("12.5"), D(100)])


@st.composite
def recipe_books(draw: st.DrawFn) -> BomBook:
    """Made items M0..Mn, each using only later items or leaves, so no cycle can appear."""
    made = [f"SUB-{i}" for i in range(draw(st.integers(1, 5)))]
    items = {sku: Item(sku, sku, ItemKind.SUBASSEMBLY) for sku in made}
    for leaf in LEAVES:
        items[leaf] = Item(leaf, leaf, ItemKind.MATERIAL, unit=LEAF_UNITS[leaf][0])
    boms = {}
    for i, sku in enumerate(made):
        choices = made[i + 1 :] + list(LEAVES)
        components = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=4, unique=True))
        lines = tuple(
            BomLine(
                component,
                draw(QTY),
                draw(st.sampled_from(LEAF_UNITS.get(component, ("pcs",)))),
                draw(WASTAGE),
            )
            for component in components
        )
        boms[sku] = Bom(sku, lines)
    return BomBook(items, boms)


def exact_leaves(book: BomBook, sku: str, quantity: Fraction) -> dict[str, Fraction]:
    """The leaf requirements worked out independently, with fractions and the unit table."""
    from takt.domain.units import UNITS

    totals: dict[str, Fraction] = {}
    bom = book.boms.get(sku)
    assert bom is not None
    for line in bom.lines:
        stock_unit = book.items[line.component].unit
        per_parent = (
            Fraction(line.quantity)
            * (1 + Fraction(line.wastage_pct) / 100)
            * UNITS[line.unit].factor
            / UNITS[stock_unit].factor
        )
        need = quantity * per_parent
        if line.component in book.boms:
            for leaf, qty in exact_leaves(book, line.component, need).items():
                totals[leaf] = totals.get(leaf, Fraction(0)) + qty
        else:
            totals[line.component] = totals.get(line.component, Fraction(0)) + need
    return totals


def fits(value: Fraction) -> bool:
    return (value * 10**6).denominator == 1


@settings(max_examples=60, deadline=None)
@given(book=recipe_books(), quantity=st.decimals(min_value=D(1), max_value=D(500), places=1))
def test_random_recipes_need_exactly_what_a_person_would_work_out(
    book: BomBook, quantity: Decimal
) -> None:
    expected = exact_leaves(book, "SUB-0", Fraction(quantity))
    got = book.leaf_requirements("SUB-0", quantity)

    assert set(got) == set(expected)
    for sku, exact in expected.items():
        assert isinstance(got[sku], Decimal)
        if fits(exact):
            assert Fraction(got[sku]) == exact
        else:  # rounded up at the sixth place, never down
            assert exact < Fraction(got[sku]) <= exact + Fraction(1, 10**6)


@settings(max_examples=60, deadline=None)
@given(book=recipe_books(), quantity=st.integers(1, 1000))
def test_random_recipes_scale_with_the_quantity(book: BomBook, quantity: int) -> None:
    for_one = book.leaf_requirements("SUB-0")
    for_many = book.leaf_requirements("SUB-0", D(quantity))

    assert set(for_many) == set(for_one)
    for sku, exact in exact_leaves(book, "SUB-0", Fraction(1)).items():
        if fits(exact):  # for one was exact, so q x it is exact too (q is whole)
            assert for_many[sku] == quantity * for_one[sku]
