"""Support orders, pure: required elements, the agreement's terms, signatures, deliveries.

An order binds only when an authorised officer of each side has signed it; nothing may be
delivered against it before that, and never more than was ordered. Support the agreement
excludes (ammunition and weapon systems under RELOS) cannot be ordered at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from relos.kit.errors import Violation
from relos.logistics.prices.table import PriceLine
from relos.logistics.refusal import refusal

METHODS = ("cash", "replacement_in_kind", "equal_value_exchange")


@dataclass(frozen=True)
class LogisticsTerms:
    """What an agreement's logistics section lets the parties order and how they settle."""

    agreement: str
    parties: tuple[str, str]
    excluded_categories: frozenset[str]
    allowed_categories: frozenset[str] | None
    methods: frozenset[str]
    days_to_settle: Mapping[str, int]

    def days_for(self, method: str) -> int:
        return self.days_to_settle.get(method, 0)


@dataclass(frozen=True)
class OrderLine:
    category: str | None
    item: str | None
    quantity: Decimal | None
    unit: str | None


@dataclass(frozen=True)
class OrderDraft:
    """An order as requested; any element may be missing, which validation reports."""

    agreement: str | None
    requesting_party: str | None
    supplying_party: str | None
    facility: str | None
    settlement: str | None
    lines: Sequence[OrderLine] = field(default_factory=tuple)
    deployment: str | None = None


PriceFinder = Callable[[str, str, str | None, date], PriceLine | None]
REQUIRED_ORDER = ("agreement", "requesting_party", "supplying_party", "facility", "settlement")
REQUIRED_LINE = ("category", "item", "quantity", "unit")


def missing_elements(draft: OrderDraft) -> list[Violation]:
    """`missing_element` for every required element the draft lacks."""
    problems = [
        Violation("missing_element", f"{name} is required", extra={"field": name})
        for name in REQUIRED_ORDER
        if not getattr(draft, name)
    ]
    if not draft.lines:
        problems.append(
            Violation("missing_element", "at least one line is required", extra={"field": "lines"})
        )
    for index, line in enumerate(draft.lines):
        problems.extend(
            Violation(
                "missing_element",
                f"line {index}: {name} is required",
                element=index,
                extra={"field": name},
            )
            for name in REQUIRED_LINE
            if getattr(line, name) in (None, "")
        )
    return problems


def term_violations(draft: OrderDraft, terms: LogisticsTerms) -> list[Violation]:
    """Breaks of the agreement's logistics terms: parties, method, categories."""
    problems: list[Violation] = []
    for role in ("requesting_party", "supplying_party"):
        party = getattr(draft, role)
        if party not in terms.parties:
            problems.append(
                Violation(
                    "party_not_in_agreement", f"{role} {party} is not a party to {terms.agreement}"
                )
            )
    if draft.requesting_party == draft.supplying_party:
        problems.append(Violation("same_party", "the requesting and supplying parties must differ"))
    if draft.settlement not in terms.methods:
        problems.append(
            Violation(
                "settlement_not_permitted",
                f"{terms.agreement} does not provide for settlement by {draft.settlement}",
            )
        )
    for index, line in enumerate(draft.lines):
        problems.extend(_line_violations(index, line, terms))
    return problems


def _line_violations(index: int, line: OrderLine, terms: LogisticsTerms) -> list[Violation]:
    category = (line.category or "").lower()
    if category in terms.excluded_categories:
        return [
            Violation(
                "category_excluded",
                f"line {index}: {terms.agreement} excludes {category}",
                element=index,
                category=category,
            )
        ]
    if terms.allowed_categories is not None and category not in terms.allowed_categories:
        return [
            Violation(
                "category_not_covered",
                f"line {index}: {terms.agreement} does not cover {category}",
                element=index,
                category=category,
            )
        ]
    if line.quantity is not None and line.quantity <= 0:
        return [
            Violation("invalid_quantity", f"line {index}: quantity must be positive", element=index)
        ]
    return []


def price_violations(draft: OrderDraft, prices: PriceFinder, on: date) -> list[Violation]:
    """`no_price` for every line the supplier has no price (in the line's unit) for on `on`."""
    problems: list[Violation] = []
    for index, line in enumerate(draft.lines):
        found = prices(draft.supplying_party or "", line.item or "", draft.facility, on)
        if found is None or found.unit != line.unit:
            unit = f" per {line.unit}" if found is not None else ""
            problems.append(
                Violation(
                    "no_price",
                    f"line {index}: {draft.supplying_party} has no price"
                    f" for {line.item}{unit} on {on}",
                    element=index,
                )
            )
    return problems


def validate_order(
    draft: OrderDraft, terms: LogisticsTerms | None, prices: PriceFinder, on: date
) -> None:
    """Raise RuleViolations listing what is wrong with the draft; return if it may be stored."""
    problems = missing_elements(draft)
    if not problems and terms is not None:
        problems = term_violations(draft, terms)
    if not problems:
        problems = price_violations(draft, prices, on)
    if problems:
        raise refusal("the support order breaks the agreement's rules", problems)
