"""Half-open periods and step functions of use over time.

Use of a cap is a step function: it changes only where an element starts or ends. Building
one from k intervals costs O(k log k); reading its value at an instant costs O(log k); the
peak over a window costs O(log k + s) for s breakpoints inside the window. The repository
feeds it only the elements that overlap the window, so the cost does not grow with history.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise


@dataclass(frozen=True, order=True)
class Period:
    """A half-open UTC period [start, end): one ending at T and one starting at T never meet."""

    start: datetime
    end: datetime

    def is_well_formed(self) -> bool:
        """Both ends timezone-aware and the end after the start."""
        aware = self.start.tzinfo is not None and self.end.tzinfo is not None
        return aware and self.end > self.start

    def overlaps(self, other: Period) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end

    def clipped(self, end: datetime) -> Period | None:
        """This period cut off at `end`, or None when nothing of it is left."""
        new_end = min(self.end, end)
        return Period(self.start, new_end) if new_end > self.start else None


@dataclass(frozen=True)
class Step:
    """One constant stretch of a step function."""

    start: datetime
    end: datetime
    value: int


class StepFunction:
    """The sum of weighted half-open intervals, as sorted breakpoints and running totals."""

    def __init__(self, intervals: Iterable[tuple[Period, int]]) -> None:
        deltas: defaultdict[datetime, int] = defaultdict(int)
        for period, amount in intervals:
            if amount and period.end > period.start:
                deltas[period.start] += amount
                deltas[period.end] -= amount
        self._times = sorted(deltas)
        self._values: list[int] = []
        running = 0
        for instant in self._times:
            running += deltas[instant]
            self._values.append(running)

    def value_at(self, instant: datetime) -> int:
        """Use at an instant (an element counts from its start, not at its end)."""
        index = bisect_right(self._times, instant) - 1
        return self._values[index] if index >= 0 else 0

    def breakpoints(self, window: Period) -> list[datetime]:
        """The window's start plus every instant inside it where the value changes."""
        lo = bisect_right(self._times, window.start)
        hi = bisect_left(self._times, window.end)
        return [window.start, *self._times[lo:hi]]

    def peak(self, window: Period) -> tuple[int, datetime]:
        """Highest value in the window and the earliest instant it is reached."""
        best, at = self.value_at(window.start), window.start
        lo = bisect_right(self._times, window.start)
        hi = bisect_left(self._times, window.end)
        for index in range(lo, hi):
            if self._values[index] > best:
                best, at = self._values[index], self._times[index]
        return best, at

    def steps(self, window: Period) -> list[Step]:
        """Consecutive constant stretches covering the window exactly."""
        instants = [*self.breakpoints(window), window.end]
        return [Step(start, end, self.value_at(start)) for start, end in pairwise(instants)]
