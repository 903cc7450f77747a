from decimal import Decimal

import pytest

from core.money import format_eur, to_money


def test_to_money_rounds_half_up_to_cents():
    assert to_money("0.005") == Decimal("0.01")
    assert to_money("2.675") == Decimal("2.68")
    assert to_money("2.674") == Decimal("2.67")


def test_to_money_rounds_negative_half_away_from_zero():
    assert to_money("-0.005") == Decimal("-0.01")


def test_to_money_keeps_exact_amount_with_two_places():
    assert to_money(Decimal("500000")) == Decimal("500000.00")
    assert str(to_money(100)) == "100.00"


def test_to_money_refuses_float():
    with pytest.raises(TypeError, match="float"):
        to_money(0.1)


@pytest.mark.parametrize("value", ["abc", "", None, "1,50"])
def test_to_money_refuses_what_is_no_amount(value):
    with pytest.raises(ValueError, match="kein gültiger Geldbetrag"):
        to_money(value)


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", Decimal("NaN")])
def test_to_money_refuses_values_that_are_not_finite(value):
    with pytest.raises(ValueError, match="kein gültiger Geldbetrag"):
        to_money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("500000.00"), "500.000,00 €"),
        (Decimal("0"), "0,00 €"),
        (Decimal("1234567.89"), "1.234.567,89 €"),
        (Decimal("999.99"), "999,99 €"),
        (Decimal("1000"), "1.000,00 €"),
        ("100000", "100.000,00 €"),
    ],
)
def test_format_eur_uses_german_grouping_and_decimal_comma(value, expected):
    assert format_eur(value) == expected


def test_format_eur_shows_negative_amount_with_minus_sign():
    assert format_eur(Decimal("-1234.5")) == "-1.234,50 €"


def test_format_eur_rounds_before_formatting():
    assert format_eur(Decimal("0.005")) == "0,01 €"


def test_format_eur_refuses_float():
    with pytest.raises(TypeError):
        format_eur(12.5)


def test_format_eur_shows_an_amount_rounding_to_zero_without_minus_sign():
    assert format_eur(Decimal("-0.004")) == "0,00 €"
