"""Price lists, pure: parsing and checking rows, and finding the price in force on a day.

Under RELOS the price is reciprocal: the supplier charges what its own forces pay. Each
supplying party publishes unit prices per item, optionally per facility, for a validity
period. `valid_to` is the *last* day a price applies (inclusive, as price lists are
written: 2026-01-01 to 2031-12-31 covers six whole years); empty means open-ended. Two
prices for the same supplier, item and facility may not both be in force on any day, so
the price of a delivery is never ambiguous. A facility price beats a party-wide one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relos.kit.errors import InvalidInput, Violation
from relos.kit.money import is_currency, minor_units, to_decimal
from relos.logistics.refusal import refusal

PRICE_COLUMNS = (
    "supplying_party",
    "facility",
    "item",
    "category",
    "unit",
    "unit_price",
    "currency",
    "valid_from",
    "valid_to",
    "source",
)
REQUIRED = ("supplying_party", "item", "category", "unit", "unit_price", "currency", "valid_from")
# Unit prices may be finer than the minor unit (a litre at 0.857 USD); this bounds typos.
MAX_PRICE_DECIMALS = 6


@dataclass(frozen=True)
class PriceLine:
    supplying_party: str
    facility: str | None
    item: str
    category: str
    unit: str
    unit_price: Decimal
    currency: str
    valid_from: date
    valid_to: date | None
    source: str = ""

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.supplying_party, self.item, self.facility)

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def overlaps(self, other: PriceLine) -> bool:
        ends_after_other_starts = self.valid_to is None or self.valid_to >= other.valid_from
        other_ends_after_start = other.valid_to is None or other.valid_to >= self.valid_from
        return self.key == other.key and ends_after_other_starts and other_ends_after_start

    def to_dict(self) -> dict[str, str | None]:
        return {
            "supplying_party": self.supplying_party,
            "facility": self.facility,
            "item": self.item,
            "category": self.category,
            "unit": self.unit,
            "unit_price": str(self.unit_price),
            "currency": self.currency,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": self.source,
        }


class _Row:
    """Collects the problems of one row so that every bad field is reported, not just the first."""

    def __init__(self, row: Mapping[str, object], number: int) -> None:
        self.row = {k: str(v).strip() if v is not None else "" for k, v in row.items()}
        self.number = number
        self.problems: list[Violation] = []

    def bad(self, code: str, message: str) -> None:
        self.problems.append(
            Violation(code, f"row {self.number}: {message}", extra={"row": self.number})
        )

    def day(self, column: str) -> date | None:
        text = self.row.get(column, "")
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.bad("invalid_value", f"{column} {text!r} is not a date (YYYY-MM-DD)")
            return None

    def price(self, currency: str) -> Decimal | None:
        try:
            value = to_decimal(self.row["unit_price"], "unit_price")
        except InvalidInput as error:
            self.bad("invalid_value", error.detail)
            return None
        if value < 0:
            self.bad("negative_price", f"unit_price {value} is negative")
        places = -int(value.as_tuple().exponent)
        if places > max(MAX_PRICE_DECIMALS, minor_units(currency) if is_currency(currency) else 0):
            self.bad(
                "invalid_value", f"unit_price {value} has more than {MAX_PRICE_DECIMALS} decimals"
            )
        return value


def parse_row(row: Mapping[str, object], number: int) -> tuple[PriceLine | None, list[Violation]]:
    """One price row; violations say `row N: ...` (N counts data rows from 1)."""
    checked = _Row(row, number)
    for column in REQUIRED:
        if not checked.row.get(column):
            checked.bad("missing_element", f"{column} is required")
    if checked.problems:
        return None, checked.problems
    currency = checked.row["currency"].upper()
    if not is_currency(currency):
        checked.bad("unknown_currency", f"unknown currency {currency!r}")
    party = checked.row["supplying_party"].upper()
    if len(party) != 2 or not party.isalpha():
        checked.bad("invalid_value", f"supplying_party {party!r} is not an ISO 3166 alpha-2 code")
    price = checked.price(currency)
    valid_from, valid_to = checked.day("valid_from"), checked.day("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        checked.bad("invalid_period", f"valid_to {valid_to} is before valid_from {valid_from}")
    if checked.problems or price is None or valid_from is None:
        return None, checked.problems
    line = PriceLine(
        party,
        checked.row.get("facility") or None,
        checked.row["item"],
        checked.row["category"].lower(),
        checked.row["unit"],
        price,
        currency,
        valid_from,
        valid_to,
        checked.row.get("source", "")[:400],
    )
    return line, []


def overlap_violations(
    lines: list[PriceLine], existing: Iterable[PriceLine] = ()
) -> list[Violation]:
    """Rows whose period overlaps another row, or a stored price, for the same key."""
    problems: list[Violation] = []
    stored = [p for p in existing if p not in lines]
    for index, line in enumerate(lines):
        number = index + 1
        for other_index, other in enumerate(lines[:index]):
            if line.overlaps(other):
                problems.append(_overlap(number, line, f"row {other_index + 1}"))
        for other in stored:
            if line.overlaps(other):
                problems.append(_overlap(number, line, f"the stored price from {other.valid_from}"))
    return problems


def _overlap(number: int, line: PriceLine, other: str) -> Violation:
    where = f" at {line.facility}" if line.facility else ""
    return Violation(
        "overlapping_period",
        f"row {number}: {line.supplying_party} {line.item}{where} overlaps {other}",
        extra={"row": number},
    )


def parse_lines(
    rows: Iterable[Mapping[str, object]], existing: Iterable[PriceLine] = ()
) -> list[PriceLine]:
    """Validated price lines from rows; every problem in every row is raised together."""
    lines: list[PriceLine | None] = []
    problems: list[Violation] = []
    for number, row in enumerate(rows, start=1):
        line, row_problems = parse_row(row, number)
        lines.append(line)
        problems.extend(row_problems)
    if problems:
        raise refusal(f"{len(problems)} problem(s) in the price list", problems)
    good = [line for line in lines if line is not None]
    problems = overlap_violations(good, existing)
    if problems:
        raise refusal(f"{len(problems)} problem(s) in the price list", problems)
    return good


def parse_csv(text: str, existing: Iterable[PriceLine] = ()) -> list[PriceLine]:
    """Price lines from CSV text with a header row (see PRICE_COLUMNS)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        rows = list(reader)
    except csv.Error as error:  # e.g. an oversized field: the caller's file, never a 500
        raise InvalidInput(f"price list: not readable as CSV ({error})") from None
    if missing:
        raise InvalidInput(f"price list header lacks column(s): {', '.join(missing)}")
    return parse_lines(rows, existing)


class PriceBook:
    """All known prices; answers which unit price is in force for a delivery."""

    def __init__(self, lines: Iterable[PriceLine]) -> None:
        self._by_key: dict[tuple[str, str, str | None], list[PriceLine]] = {}
        for line in lines:
            self._by_key.setdefault(line.key, []).append(line)

    def in_force(
        self, supplier: str, item: str, facility: str | None, on: date
    ) -> PriceLine | None:
        """The facility's own price on `on`, else the supplier's party-wide price, else None."""
        for key in ((supplier, item, facility), (supplier, item, None)):
            for line in self._by_key.get(key, []):
                if line.in_force(on):
                    return line
        return None
