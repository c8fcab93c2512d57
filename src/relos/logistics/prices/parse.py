"""Price list rows, pure: every bad field of every row reported together, by row number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from relos.kit.errors import InvalidInput, Violation
from relos.kit.money import is_currency, minor_units, to_decimal
from relos.logistics.prices.overlaps import MAX_OVERLAP_EXAMPLES, overlap_violations
from relos.logistics.prices.table import PriceLine
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
# The widths of the stored columns: a longer value is refused, never cut.
COLUMN_WIDTHS = {
    "supplying_party": 2,
    "facility": 16,
    "item": 100,
    "category": 50,
    "unit": 20,
    "unit_price": 40,
    "currency": 3,
    "valid_from": 10,
    "valid_to": 10,
    "source": 400,
}
# The most lines one import may hold; a bigger list is split by the sender.
MAX_PRICE_LINES = 10_000
# Unit prices may be finer than the minor unit (a litre at 0.857 USD); this bounds typos.
MAX_PRICE_DECIMALS = 6


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
    for column, width in COLUMN_WIDTHS.items():
        if len(checked.row.get(column, "")) > width:
            checked.bad("invalid_value", f"{column} is longer than {width} characters")
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
        checked.row.get("source", ""),
    )
    return line, []


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
        summary = f"{len(problems)} problem(s) in the price list"
        if len(problems) > MAX_OVERLAP_EXAMPLES:
            summary += f" (overlapping rows; the first {MAX_OVERLAP_EXAMPLES} are listed)"
        raise refusal(summary, problems[:MAX_OVERLAP_EXAMPLES])
    return good


def csv_rows(text: str) -> list[dict[str, str]]:
    """The data rows of a price list CSV (header required; unknown columns ignored)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(f"price list header lacks column(s): {', '.join(missing)}")
        rows: list[dict[str, str]] = []
        for row in reader:
            if len(rows) == MAX_PRICE_LINES:
                raise InvalidInput(f"a price list holds at most {MAX_PRICE_LINES} lines")
            rows.append({k: v or "" for k, v in row.items() if k in PRICE_COLUMNS})
    except csv.Error as error:  # e.g. an oversized field: the caller's file, never a 500
        raise InvalidInput(f"price list: not readable as CSV ({error})") from None
    return rows


def parse_csv(text: str, existing: Iterable[PriceLine] = ()) -> list[PriceLine]:
    """Price lines from CSV text with a header row (see PRICE_COLUMNS)."""
    return parse_lines(csv_rows(text), existing)
