"""Units of measure: exact conversions, purchase units and parsing what a user typed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from takt.domain.units import (
    UNITS,
    PurchaseUnit,
    QuantityError,
    UnitError,
    convert,
    parse_cost,
    parse_quantity,
    round_cost,
    round_quantity,
)

D = Decimal


def decimals(places: int, max_value: str = "1000000") -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=D(0), max_value=D(max_value), places=places, allow_nan=False, allow_infinity=False
    )


# --- exact conversions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "from_code", "to_code", "expected"),
    [
        ("2.5", "kg", "g", "2500"),
        ("250", "g", "kg", "0.25"),
        ("1", "t", "kg", "1000"),
        ("0.8", "m", "cm", "80"),
        ("80", "cm", "m", "0.8"),
        ("4.2", "cm", "mm", "42"),
        ("1250", "mm", "m", "1.25"),
        ("1.5", "l", "ml", "1500"),
        ("150", "ml", "l", "0.15"),
        ("33", "cl", "ml", "330"),
        ("2", "m3", "l", "2000"),
        ("1.5", "h", "min", "90"),
        ("45", "min", "h", "0.75"),
        ("90", "s", "min", "1.5"),
        ("3", "dozen", "pcs", "36"),
        ("5", "pair", "pcs", "10"),
        ("1", "m2", "cm2", "10000"),
    ],
)
def test_a_conversion_is_exact(quantity: str, from_code: str, to_code: str, expected: str) -> None:
    result = convert(D(quantity), from_code, to_code)

    assert result == D(expected)
    assert str(result) == expected  # no exponent notation, no trailing zeros


def test_a_conversion_that_would_need_rounding_is_refused() -> None:
    # 100 minutes is 1.6666... hours: Takt does not silently round a quantity
    with pytest.raises(QuantityError) as refused:
        convert(D(100), "min", "h")

    assert refused.value.field == "quantity"
    assert "h" in str(refused.value)


def test_a_conversion_with_more_than_six_places_is_refused() -> None:
    # one milligram in tonnes is 0.000000001 t
    with pytest.raises(QuantityError):
        convert(D(1), "mg", "t")


def test_kilograms_cannot_become_pieces() -> None:
    with pytest.raises(UnitError) as refused:
        convert(D(1), "kg", "pcs")

    assert "kg" in str(refused.value)
    assert "pcs" in str(refused.value)
    assert refused.value.field == "unit"


def test_an_unknown_unit_is_named() -> None:
    with pytest.raises(UnitError, match="furlong"):
        convert(D(1), "furlong", "m")
    with pytest.raises(UnitError, match="furlong"):
        convert(D(1), "m", "furlong")


@given(kilograms=decimals(places=6))
def test_any_six_place_kilograms_go_to_grams_and_back_exactly(kilograms: Decimal) -> None:
    grams = convert(kilograms, "kg", "g")

    assert grams == kilograms * 1000
    assert convert(grams, "g", "kg") == kilograms


@given(grams=decimals(places=6))
def test_grams_convert_to_kilograms_exactly_or_are_refused(grams: Decimal) -> None:
    # g -> kg moves the point three places: it fits in six places only when grams has three or fewer
    fits = grams == grams.quantize(D("0.001"))
    if fits:
        kilograms = convert(grams, "g", "kg")
        assert kilograms * 1000 == grams
        assert convert(kilograms, "kg", "g") == grams
    else:
        with pytest.raises(QuantityError):
            convert(grams, "g", "kg")


@given(
    quantity=decimals(places=6, max_value="100000"),
    units=st.sampled_from(
        [
            ("kg", "g"),
            ("m", "cm"),
            ("cm", "mm"),
            ("m", "mm"),
            ("l", "ml"),
            ("h", "min"),
            ("dozen", "pcs"),
        ]
    ),
    backwards=st.booleans(),
)
def test_every_conversion_is_exact_or_refused(
    quantity: Decimal, units: tuple[str, str], backwards: bool
) -> None:
    source, target = reversed(units) if backwards else units
    exact = Fraction(quantity) * UNITS[source].factor / UNITS[target].factor
    try:
        converted = convert(quantity, source, target)
    except QuantityError:
        # refused only when the exact answer needs more than six places (or does not terminate)
        assert exact * 10**6 != int(exact * 10**6)
    else:
        assert isinstance(converted, Decimal)
        assert Fraction(converted) == exact
        assert convert(converted, target, source) == quantity


# --- purchase units -----------------------------------------------------------------------------


def test_a_box_of_twelve_pieces() -> None:
    box = PurchaseUnit("box", D(12))

    assert box.to_stock(D(3)) == D(36)
    assert box.from_stock(D(30)) == D("2.5")


def test_part_of_a_box_that_does_not_terminate_is_refused() -> None:
    box = PurchaseUnit("box", D(12))

    with pytest.raises(QuantityError, match="box"):
        box.from_stock(D(10))


def test_a_roll_of_fifty_metres() -> None:
    roll = PurchaseUnit("roll", D(50))

    assert roll.to_stock(D("2.5")) == D(125)
    assert roll.from_stock(D(35)) == D("0.7")


@given(rolls=decimals(places=4, max_value="10000"))
def test_rolls_to_metres_and_back_are_exact(rolls: Decimal) -> None:
    roll = PurchaseUnit("roll", D(50))

    assert roll.from_stock(roll.to_stock(rolls)) == rolls


@pytest.mark.parametrize("factor", [D(0), D(-12)])
def test_a_purchase_unit_holds_a_positive_quantity(factor: Decimal) -> None:
    with pytest.raises(QuantityError) as refused:
        PurchaseUnit("box", factor)

    assert refused.value.field == "purchase_factor"


def test_a_purchase_unit_needs_a_name() -> None:
    with pytest.raises(UnitError):
        PurchaseUnit("  ", D(12))


# --- parsing what a user typed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", "12"),
        (" 3.5 ", "3.5"),
        ("1.500", "1.5"),
        ("0.000001", "0.000001"),
        ("1.0000000", "1"),
        ("-2.25", "-2.25"),
        (7, "7"),
        (D("2.50"), "2.5"),
        ("1e3", "1000"),
    ],
)
def test_a_quantity_is_parsed_exactly(raw: object, expected: str) -> None:
    parsed = parse_quantity(raw)

    assert isinstance(parsed, Decimal)
    assert str(parsed) == expected


@pytest.mark.parametrize(
    "raw",
    [
        0.1,
        1.0,
        float("nan"),
        float("inf"),
        True,
        "NaN",
        "Infinity",
        "-Infinity",
        D("NaN"),
        "1.0000001",
        "0.0000001",
        "",
        "abc",
        "12 kg",
        "1,5",
        None,
        "1000000000000",
    ],
)
def test_a_bad_quantity_is_refused_naming_the_field(raw: object) -> None:
    with pytest.raises(QuantityError) as refused:
        parse_quantity(raw, field="received")

    assert refused.value.field == "received"
    assert "received" in str(refused.value)


def test_a_huge_quantity_with_many_places_is_refused_as_a_quantity_error() -> None:
    with pytest.raises(QuantityError) as refused:
        parse_quantity("1234567890123456789012345.1234567", field="received")

    assert refused.value.field == "received"


def test_a_cost_is_never_negative() -> None:
    assert parse_cost("12.345678") == D("12.345678")
    with pytest.raises(QuantityError) as refused:
        parse_cost("-1", field="sales_price")
    assert refused.value.field == "sales_price"


def test_computed_figures_round_half_to_even() -> None:
    assert round_quantity(D("0.0000005")) == D("0")
    assert round_quantity(D("0.0000015")) == D("0.000002")
    assert round_cost(D("2.3333335")) == D("2.333334")
    assert round_cost(D("2.3333345")) == D("2.333334")
