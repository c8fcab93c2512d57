"""Where a statement page's lines are, from the party's lines per day (pure, no I/O).

A statement's lines are the party's postings in (day, ref) order. The day totals count
the postings of each day (`ledger_day_totals.postings`), so the day on which line N of
the period falls, and how many of the party's lines come before that day, are found from
a few hundred day rows; the database then reads the page from that day on and skips only
that day's earlier lines, instead of walking every line before the page (OFFSET N).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple


class DayLines(NamedTuple):
    """One booking day of the period: the party's lines and every posting booked (a
    tuple: a long period reads hundreds of them)."""

    day: date
    party: int
    every: int


@dataclass(frozen=True)
class Window:
    """The days [first, until) that hold a page's lines, and the party's lines on `first`
    that come before the page. `party` and `every` count the lines on those days: the
    party's, and every posting's (what a walk of the by-day index passes)."""

    first: date
    until: date
    skip: int
    party: int
    every: int


def page_window(
    days: Sequence[DayLines], end: date, offset: int, count: int | None
) -> Window | None:
    """The window holding the party's lines [offset, offset + count) of the period (every
    line from `offset` when `count` is None), from the period's `days` in day order; None
    when `offset` is past the last line (the page is empty).

    The window ends after the day of the last line asked for (or at the period's `end`
    when the period has no more lines), so a read of it stops there whatever index it
    walks.
    """
    before = 0
    start = 0
    while start < len(days) and before + days[start].party <= offset:
        before += days[start].party
        start += 1
    if start == len(days):
        return None
    stop = len(days) - 1
    until = end
    if count is not None:
        needed, seen = offset + count, before
        for index in range(start, len(days)):
            seen += days[index].party
            if seen >= needed:
                stop, until = index, days[index].day + timedelta(days=1)
                break
    inside = days[start : stop + 1]
    return Window(
        first=days[start].day,
        until=until,
        skip=offset - before,
        party=sum(day.party for day in inside),
        every=sum(day.every for day in inside),
    )


# Reading a line through the creditor and debtor indexes costs SQLite about RATIO times
# what walking past one posting of the by-day covering index costs. Measured at 1M
# entries (bench/ledger_bench.py's ledger, a loaded 2-core machine): the walk 0.25-0.7 µs
# a posting; a line through the party indexes (the OR's two index ranges, then its row
# from the table) 1.3-2.4 µs for a party in one posting in 200, 6-15 µs for one in most
# (more table pages). The break-even is thus between one posting in 5 and one in 20: at
# one in 10 the way chosen costs at most about twice the other, where walking cost a
# party in one posting in 200 forty times as much (75 against 1.8 ms over six months).
RATIO = 10


def reads_by_party(window: Window) -> bool:
    """Whether the window's lines are cheaper read through the party's own indexes than
    by walking every posting of its days: the party is in few of them."""
    return window.party * RATIO < window.every
