"""Exchange rates for the reporting-currency view, pure: imported with their provenance.

A rate says how many units of `quote` one unit of `base` buys on a day, and where that
figure came from (a central bank's fixing, a treasury table, an illustrative value). The
rate used for a day is the latest one published on or before it, as banks publish only on
working days; the inverse pair is used when only that is known.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relos.kit.errors import InvalidInput, Violation
from relos.kit.money import is_currency, to_decimal
from relos.logistics.refusal import refusal

RATE_COLUMNS = ("base", "quote", "on", "rate", "source")


@dataclass(frozen=True)
class Rate:
    base: str
    quote: str
    on: date
    rate: Decimal
    source: str


class MissingRate(InvalidInput):
    """No rate is known for a currency pair on or before a day."""


class RateTable:
    """Rates by pair and day; `rate()` answers for any day after the first published one."""

    def __init__(self, rates: Iterable[Rate] = ()) -> None:
        self._days: dict[tuple[str, str], list[date]] = {}
        self._values: dict[tuple[str, str], list[Decimal]] = {}
        for rate in sorted(rates, key=lambda r: r.on):
            self._days.setdefault((rate.base, rate.quote), []).append(rate.on)
            self._values.setdefault((rate.base, rate.quote), []).append(rate.rate)

    def _latest(self, base: str, quote: str, on: date) -> Decimal | None:
        days = self._days.get((base, quote))
        if not days:
            return None
        index = bisect_right(days, on)
        return self._values[(base, quote)][index - 1] if index else None

    def rate(self, base: str, quote: str, on: date) -> Decimal:
        """Units of `quote` per unit of `base` on `on`."""
        if base == quote:
            return Decimal(1)
        direct = self._latest(base, quote, on)
        if direct is not None:
            return direct
        inverse = self._latest(quote, base, on)
        if inverse is not None:
            return Decimal(1) / inverse
        raise MissingRate(f"no {base}/{quote} rate on or before {on.isoformat()}")


def parse_rate(row: Mapping[str, str], number: int) -> tuple[Rate | None, list[Violation]]:
    """One row of a rate file; violations name the row (1-based, header not counted)."""
    problems: list[Violation] = []

    def bad(code: str, message: str) -> None:
        problems.append(Violation(code, f"row {number}: {message}", extra={"row": number}))

    for column in RATE_COLUMNS:
        if not (row.get(column) or "").strip():
            bad("missing_element", f"{column} is required")
    if problems:
        return None, problems
    base, quote = row["base"].strip().upper(), row["quote"].strip().upper()
    for code in (base, quote):
        if not is_currency(code):
            bad("unknown_currency", f"unknown currency {code!r}")
    try:
        on = date.fromisoformat(row["on"].strip())
        value = to_decimal(row["rate"].strip(), "rate")
    except (ValueError, InvalidInput) as error:
        bad("invalid_value", str(error))
        return None, problems
    if value <= 0:
        bad("invalid_rate", f"rate {value} must be positive")
    if problems:
        return None, problems
    return Rate(base, quote, on, value, row["source"].strip()), []


def rate_rows(text: str) -> list[dict[str, str]]:
    """The data rows of a rate file (CSV with a header: base,quote,on,rate,source)."""
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        return [{k: v or "" for k, v in row.items() if k in RATE_COLUMNS} for row in reader]
    except csv.Error as error:  # e.g. an oversized field: the caller's file, never a 500
        raise InvalidInput(f"rate file: not readable as CSV ({error})") from None


def parse_rate_rows(rows: Iterable[Mapping[str, str]]) -> list[Rate]:
    """Rates from rows with columns base,quote,on,rate,source; all bad rows reported."""
    rates: list[Rate] = []
    problems: list[Violation] = []
    for number, row in enumerate(rows, start=1):
        rate, row_problems = parse_rate(row, number)
        problems.extend(row_problems)
        if rate is not None:
            rates.append(rate)
    if problems:
        raise refusal(f"{len(problems)} problem(s) in the rate file", problems)
    return rates


def parse_rates(text: str) -> list[Rate]:
    """Rates from CSV text with columns base,quote,on,rate,source; all bad rows reported."""
    return parse_rate_rows(rate_rows(text))
