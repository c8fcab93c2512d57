"""Money: minor units, explicit half-even rounding, refusal of over-precise typed amounts."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relos.kit.errors import InvalidInput
from relos.kit.money import CurrencyMismatch, Money, extend, is_currency, minor_units


def test_minor_units_follow_iso_4217_not_cldr_display() -> None:
    assert [minor_units(c) for c in ("RUB", "INR", "JPY", "KWD", "IQD", "CLF")] == [
        2,
        2,
        0,
        3,
        3,
        4,
    ]


def test_unknown_and_non_money_codes_are_refused() -> None:
    assert not is_currency("XYZ")
    assert not is_currency("XAU")
    with pytest.raises(InvalidInput, match="XYZ"):
        Money.exact("1", "XYZ")


def test_computed_amounts_round_half_even_to_the_minor_unit() -> None:
    assert extend(Decimal("0.125"), Decimal(1), "USD").amount == Decimal("0.12")
    assert extend(Decimal("0.135"), Decimal(1), "USD").amount == Decimal("0.14")
    assert extend(Decimal("70000.005"), Decimal(1), "RUB").amount == Decimal("70000.00")
    assert extend(Decimal("0.5"), Decimal(1), "JPY").amount == Decimal(0)
    assert extend(Decimal("1.5"), Decimal(1), "JPY").amount == Decimal(2)


def test_typed_amounts_with_too_many_decimals_are_refused_not_rounded() -> None:
    assert Money.exact("12.30", "RUB").amount == Decimal("12.30")
    with pytest.raises(InvalidInput, match="more decimals"):
        Money.exact("12.345", "RUB")
    with pytest.raises(InvalidInput, match="more decimals"):
        Money.exact("1.5", "JPY")
    with pytest.raises(InvalidInput, match="not a decimal"):
        Money.exact("twelve", "RUB")
    with pytest.raises(InvalidInput, match="finite"):
        Money.exact("NaN", "RUB")


def test_amounts_are_canonical_and_exact_in_minor_units() -> None:
    assert str(Money(Decimal("5"), "RUB")) == "5.00 RUB"
    assert Money.exact("70000.10", "RUB").minor == 7000010
    assert Money.from_minor(-125, "KWD").amount == Decimal("-0.125")
    assert Money.from_minor(7000010, "RUB") == Money.exact("70000.1", "RUB")


def test_arithmetic_refuses_to_mix_currencies() -> None:
    total = Money.exact("1.10", "USD") + Money.exact("2.20", "USD")
    assert total == Money.exact("3.30", "USD")
    assert -total < Money.zero("USD")
    with pytest.raises(CurrencyMismatch):
        _ = total + Money.exact("1", "RUB")
    with pytest.raises(CurrencyMismatch):
        _ = total < Money.exact("1", "RUB")


def test_conversion_rounds_once_in_the_target_currency() -> None:
    converted = Money.exact("1000.00", "RUB").convert(Decimal("0.0123456"), "USD")
    assert converted == Money.exact("12.35", "USD")


@pytest.mark.parametrize("currency", ["RUB", "JPY", "KWD", "CLF"])
@pytest.mark.parametrize("minor", [0, 1, -1, 5, -5, 99, -100, 1234567, -98765432100, 10**15])
def test_text_of_minor_units_is_the_moneys_own_text(minor: int, currency: str) -> None:
    # Lists of thousands use the shortcut; it must print what the Money would.
    assert Money.text_of_minor(minor, currency) == str(Money.from_minor(minor, currency).amount)


@pytest.mark.parametrize("currency", ["RUB", "JPY", "KWD", "CLF"])
@pytest.mark.parametrize(
    ("a", "b"), [(0, 0), (1, -1), (-5, 3), (1234567, 89), (10**15, -(10**14)), (-(10**25), 7)]
)
def test_arithmetic_keeps_the_quantum_exactly_as_quantising_would(
    a: int, b: int, currency: str
) -> None:
    # Sums, negations and scaled minor units skip re-quantising; each must equal the
    # quantising constructor's result, digit for digit (huge amounts take that path).
    x, y = Money.from_minor(a, currency), Money.from_minor(b, currency)
    checked = [
        (x, Money(Decimal(a).scaleb(-minor_units(currency)), currency)),
        (x + y, Money(x.amount + y.amount, currency)),
        (x - y, Money(x.amount - y.amount, currency)),
        (-x, Money(-x.amount, currency)),
        (abs(y), Money(abs(y.amount), currency)),
    ]
    for fast, quantised in checked:
        assert fast == quantised
        assert str(fast.amount) == str(quantised.amount)


@given(
    st.integers(min_value=-(10**18), max_value=10**18),
    st.sampled_from(["RUB", "JPY", "KWD", "CLF", "INR"]),
)
def test_text_of_any_minor_amount_is_the_decimal_text(minor: int, currency: str) -> None:
    # The integer shortcut must print exactly what the exact Decimal scaled by the
    # currency's exponent prints, sign, leading zeros and all.
    expected = str(Decimal(minor).scaleb(-minor_units(currency)))
    assert Money.text_of_minor(minor, currency) == expected
