"""Money: a Decimal amount in an ISO 4217 currency, held to that currency's minor units.

Rounding rule (documented in docs/ledger.md): every amount relos *computes* (quantity x
unit price, a conversion at a rate) is rounded once, to the currency's minor units, with
ROUND_HALF_EVEN ("banker's rounding"). It is unbiased over many postings, so two parties
that each round line by line do not drift apart by a systematic half-unit per line, and it
is the IEEE 754 / Python Decimal default that a partner system is most likely to share.
Amounts a person *types* (a cash settlement) are never rounded: one with more decimals
than the currency has is refused, because silently changing a payment is worse than asking.

Currency codes are checked against babel's CLDR list (which is offline and maintained);
minor units come from the ISO 4217 table below, because CLDR's display digits differ from
ISO 4217 for a few currencies (CLDR shows IQD with 0 decimals, ISO 4217 defines 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache

from babel.numbers import list_currencies

from relos.kit.errors import InvalidInput

ROUNDING = ROUND_HALF_EVEN
# No amount, price, rate or quantity relos handles comes near this; a bound keeps a typo or
# a hostile "1E+999999" from overflowing Decimal arithmetic or the 64-bit minor-unit column.
LARGEST = Decimal(10) ** 15
# Below this many integer digits a sum, negation or scaled integer of amounts already at a
# currency's quantum is exact at that quantum under the default 28-digit context, so Money
# can skip quantising it again (statements and lists build thousands).
_EXACT_DIGITS = 20

# ISO 4217 minor units that are not 2 (List One, current edition). Everything else has 2.
_MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}
# Codes in ISO 4217 that are not money one can owe under an agreement (metals, test, "none").
_NOT_SETTLEMENT_CURRENCIES = frozenset(
    ["XAU", "XAG", "XPT", "XPD", "XTS", "XXX", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA"]
)


class CurrencyMismatch(InvalidInput):
    """Two amounts in different currencies were combined."""


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies()) - _NOT_SETTLEMENT_CURRENCIES


def is_currency(code: str) -> bool:
    """True when `code` is an ISO 4217 currency relos can hold balances in."""
    return code in _known_currencies()


def check_currency(code: str) -> str:
    """Return `code` when it is a known currency; raise InvalidInput naming it otherwise."""
    if not is_currency(code):
        raise InvalidInput(f"unknown currency {code!r} (expected an ISO 4217 code)")
    return code


@cache
def minor_units(currency: str) -> int:
    """Number of decimal places of the currency's minor unit (JPY 0, RUB 2, KWD 3)."""
    return _MINOR_UNITS.get(check_currency(currency), 2)


@cache
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def to_decimal(value: str | int | Decimal, what: str = "amount") -> Decimal:
    """Parse a decimal from text without ever going through float."""
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(f"{what} {value!r} is not a decimal number") from None
    if not result.is_finite():
        raise InvalidInput(f"{what} {value!r} is not a finite number")
    if abs(result) >= LARGEST:
        raise InvalidInput(f"{what} {value!r} is implausibly large")
    return result


@dataclass(frozen=True)
class Money:
    """An exact amount of one currency, always quantised to that currency's minor units."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        # Always held at the currency's exponent, so str() and storage are canonical.
        quantised = self.amount.quantize(_quantum(self.currency), rounding=ROUNDING)
        object.__setattr__(self, "amount", quantised)

    @classmethod
    def exact(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Money from typed input; refused if it has more decimals than the currency."""
        value = to_decimal(amount)
        rounded = value.quantize(_quantum(currency), rounding=ROUNDING)
        if rounded != value:
            raise InvalidInput(
                f"amount {amount} has more decimals than {currency} allows "
                f"({minor_units(currency)})"
            )
        return cls(rounded, currency)

    @classmethod
    def rounded(cls, amount: Decimal, currency: str) -> Money:
        """Money from a computed amount, rounded half-even to the minor unit."""
        return cls(amount.quantize(_quantum(currency), rounding=ROUNDING), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def _at_quantum(cls, amount: Decimal, currency: str) -> Money:
        """Money from an amount already at the currency's quantum (a checked currency);
        one too large to be sure of takes the quantising constructor."""
        if amount.adjusted() >= _EXACT_DIGITS:
            return cls(amount, currency)
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        """Money from an integer count of minor units (how the database stores it)."""
        return cls._at_quantum(Decimal(minor).scaleb(-minor_units(currency)), currency)

    @staticmethod
    def text_of_minor(minor: int, currency: str) -> str:
        """`str(Money.from_minor(minor, currency).amount)` without building the Money (lists
        of thousands): an integer scaled by the exponent is already at the quantum."""
        return str(Decimal(minor).scaleb(-minor_units(currency)))

    @property
    def minor(self) -> int:
        """The amount as an integer count of minor units (exact, for storage and sums)."""
        return int(self.amount.scaleb(minor_units(self.currency)))

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money._at_quantum(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money._at_quantum(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money._at_quantum(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money._at_quantum(abs(self.amount), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def times(self, factor: Decimal) -> Money:
        """This amount multiplied by a quantity or rate, rounded once (half-even)."""
        return Money.rounded(self.amount * factor, self.currency)

    def convert(self, rate: Decimal, currency: str) -> Money:
        """This amount in `currency` at `rate` (units of `currency` per unit of ours)."""
        return Money.rounded(self.amount * rate, currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def extend(unit_price: Decimal, quantity: Decimal, currency: str) -> Money:
    """Value of `quantity` units at `unit_price`, rounded once to the minor unit."""
    return Money.rounded(unit_price * quantity, currency)
