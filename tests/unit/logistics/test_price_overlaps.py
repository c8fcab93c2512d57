"""Overlapping price periods are found by sorting: the same rows as every pair, far faster."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relos.kit.errors import RuleViolations
from relos.logistics.prices.overlaps import MAX_OVERLAP_EXAMPLES, overlapping_lines
from relos.logistics.prices.parse import parse_lines
from relos.logistics.prices.table import PriceLine

START = date(2026, 1, 1)


def line(item: str, first: int, last: int | None, facility: str | None = None) -> PriceLine:
    ends = None if last is None else START + timedelta(days=last)
    return PriceLine(
        "RU", facility, item, "fuel", "t", Decimal(1), "RUB", START + timedelta(days=first), ends
    )


def brute_force(lines: list[PriceLine], stored: list[PriceLine]) -> set[int]:
    """Rows that overlap any other row or stored line: the old pairwise check."""
    found = set()
    for index, one in enumerate(lines):
        others = [o for j, o in enumerate(lines) if j != index] + stored
        if any(one.overlaps(other) for other in others):
            found.add(index + 1)
    return found


def test_the_later_of_two_overlapping_rows_is_named_with_the_row_it_overlaps() -> None:
    lines = [line("F-76", 0, 364), line("F-76", 364, None), line("F-44", 0, None)]
    assert [(row, other) for row, _, other in overlapping_lines(lines)] == [(2, "row 1")]


def test_a_stored_line_that_starts_later_still_names_the_new_row() -> None:
    stored = [line("F-76", 100, None)]
    [(row, _, other)] = overlapping_lines([line("F-76", 0, 200)], stored)
    assert (row, other) == (1, "the stored price from 2026-04-11")
    assert overlapping_lines([line("F-76", 100, None)], stored) == []  # the same line


periods = st.tuples(
    st.sampled_from(["F-76", "F-44"]),
    st.integers(0, 60),
    st.one_of(st.none(), st.integers(0, 30)),
)


@settings(max_examples=60, deadline=None)
@given(new=st.lists(periods, max_size=12), old=st.lists(periods, max_size=4))
def test_every_overlapping_new_row_is_reported_as_the_pairwise_check_would(
    new: list[tuple[str, int, int | None]], old: list[tuple[str, int, int | None]]
) -> None:
    lines = [line(i, s, None if n is None else s + n) for i, s, n in new]
    stored = [line(i, s, None if n is None else s + n) for i, s, n in old]
    # Stored lines never overlap each other (they passed this check when imported).
    clean: list[PriceLine] = []
    for candidate in stored:
        if not any(candidate.overlaps(kept) for kept in clean):
            clean.append(candidate)
    fresh = [x for x in clean if x not in lines]
    reported = {row for row, _, _ in overlapping_lines(lines, clean)}
    expected = brute_force(lines, fresh)
    # Of a group of new rows overlapping only each other, the first in time is not named.
    assert reported <= expected
    for row in expected - reported:
        assert any(lines[row - 1].overlaps(lines[other - 1]) for other in reported if other != row)


def test_two_thousand_overlapping_lines_are_reported_fast_and_capped() -> None:
    rows = [
        {
            "supplying_party": "RU",
            "item": "F-76",
            "category": "fuel",
            "unit": "t",
            "unit_price": str(70000 + n),
            "currency": "RUB",
            "valid_from": "2026-01-01",
        }
        for n in range(2000)
    ]
    began = time.process_time()
    with pytest.raises(RuleViolations) as refused:
        parse_lines(rows)
    took = time.process_time() - began
    assert took < 2.0, took  # the pairwise check took about a minute and 1.8 GB
    assert len(refused.value.violations) == MAX_OVERLAP_EXAMPLES
    assert refused.value.detail.startswith("1999 problem(s) in the price list")


def test_two_thousand_lines_that_do_not_overlap_import_fast() -> None:
    lines = [line(f"item-{n % 50}", (n // 50) * 10, (n // 50) * 10 + 9) for n in range(2000)]
    began = time.process_time()
    assert overlapping_lines(lines) == []
    assert time.process_time() - began < 1.0
