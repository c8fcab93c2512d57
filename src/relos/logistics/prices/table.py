"""Price lines and the price table, pure: which unit price is in force on a day.

Under RELOS the price is reciprocal: the supplier charges what its own forces pay. Each
supplying party publishes unit prices per item, optionally per facility, for a validity
period. `valid_to` is the *last* day a price applies (inclusive, as price lists are
written: 2026-01-01 to 2031-12-31 covers six whole years); empty means open-ended. Two
prices for the same supplier, item and facility may not both be in force on any day, so
the price of a delivery is never ambiguous. A facility price beats a party-wide one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


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


class PriceTable:
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
