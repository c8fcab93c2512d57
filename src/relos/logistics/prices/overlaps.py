"""Overlapping price periods, pure: found by sorting, so an import stays O(n log n).

Two lines for the same supplier, item and facility may not share a day. Checking every
pair would be N(N-1)/2 comparisons and as many reports; sorting each key's lines by their
first day finds every overlapping line in one sweep, and the report lists a few of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from relos.kit.errors import Violation
from relos.logistics.prices.table import PriceLine

# At most this many overlapping lines are listed; the summary still counts them all.
MAX_OVERLAP_EXAMPLES = 20


@dataclass(frozen=True)
class _Dated:
    """A line in the sweep: where it came from (a row number, or None when stored)."""

    line: PriceLine
    row: int | None


def _ends_after(end: date | None, start: date) -> bool:
    return end is None or end >= start


def overlapping_lines(
    lines: list[PriceLine], existing: Iterable[PriceLine] = ()
) -> list[tuple[int, PriceLine, str]]:
    """(row, line, what it overlaps) for every new row that shares a day with another line.

    One sort and one sweep per key, O(n log n): within a key, sorted by first day, a line
    overlaps an earlier one exactly when it starts on or before the latest end so far.
    Stored lines identical to a new one are the same price, not an overlap.
    """
    fresh = set(lines)
    by_key: dict[tuple[str, str, str | None], list[_Dated]] = {}
    for stored in existing:
        if stored not in fresh:
            by_key.setdefault(stored.key, []).append(_Dated(stored, None))
    for number, line in enumerate(lines, start=1):
        by_key.setdefault(line.key, []).append(_Dated(line, number))
    found: dict[int, tuple[int, PriceLine, str]] = {}
    for group in by_key.values():
        group.sort(key=lambda d: (d.line.valid_from, d.row or 0))
        reach = group[0]
        for current in group[1:]:
            if _ends_after(reach.line.valid_to, current.line.valid_from):
                _note(found, reach, current)
            if not _ends_after(reach.line.valid_to, current.line.valid_to or date.max):
                reach = current
    return [found[row] for row in sorted(found)]


def _name(dated: _Dated) -> str:
    if dated.row is None:
        return f"the stored price from {dated.line.valid_from}"
    return f"row {dated.row}"


def _note(found: dict[int, tuple[int, PriceLine, str]], earlier: _Dated, later: _Dated) -> None:
    """Report the new line of an overlapping pair (the later one when both are new)."""
    new, other = (later, earlier) if later.row is not None else (earlier, later)
    if new.row is not None and new.row not in found:
        found[new.row] = (new.row, new.line, _name(other))


def overlap_violations(
    lines: list[PriceLine], existing: Iterable[PriceLine] = ()
) -> list[Violation]:
    """Rows whose period overlaps another row, or a stored price, for the same key."""
    return [_overlap(row, line, other) for row, line, other in overlapping_lines(lines, existing)]


def _overlap(number: int, line: PriceLine, other: str) -> Violation:
    where = f" at {line.facility}" if line.facility else ""
    return Violation(
        "overlapping_period",
        f"row {number}: {line.supplying_party} {line.item}{where} overlaps {other}",
        extra={"row": number},
    )
