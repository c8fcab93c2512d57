"""Fuel prices at stops: a reciprocal price from a price list when one is given, else the
illustrative per-grade default (data/planning/fuel_prices.toml), with a commercial markup at
ports reached only by case-by-case clearance."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

from relos.kit.errors import ReferenceDataError


@dataclass(frozen=True)
class Price:
    per_t: float
    currency: str
    source: str  # "price list ...", "illustrative"


@dataclass(frozen=True)
class PriceBook:
    defaults: Mapping[str, float]
    currency: str
    commercial_factor: float
    listed: Mapping[tuple[str, str], Price] = field(default_factory=dict)  # (facility, grade)

    def price(self, facility: str, grade: str, access: str) -> Price:
        """What a tonne costs the visiting party at this facility."""
        if (facility, grade) in self.listed:
            return self.listed[(facility, grade)]
        if grade not in self.defaults:
            raise ReferenceDataError(f"fuel_prices.toml: no default price for grade {grade!r}")
        base = self.defaults[grade]
        if access == "clearance":
            return Price(base * self.commercial_factor, self.currency, "illustrative commercial")
        return Price(base, self.currency, "illustrative")

    def with_listed(self, listed: Mapping[tuple[str, str], Price]) -> PriceBook:
        return PriceBook(self.defaults, self.currency, self.commercial_factor, dict(listed))


def load_prices(text: str | None = None) -> PriceBook:
    if text is None:
        path = resources.files("relos.data").joinpath("planning/fuel_prices.toml")
        text = path.read_text()
    try:
        raw = tomllib.loads(text)
        grades = {grade: float(price) for grade, price in raw["grades"].items()}
        return PriceBook(grades, str(raw["currency"]), float(raw["commercial_markup"]["factor"]))
    except (KeyError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ReferenceDataError(f"fuel_prices.toml: {exc!r}") from exc
