"""Finding a statement page's days from the party's lines per day (statements.paging)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from relos.logistics.statements.paging import (
    RATIO,
    DayLines,
    Window,
    page_window,
    reads_by_party,
)

START = date(2026, 3, 1)
END = date(2026, 4, 1)

# Three days with lines, one day with postings but none of the party's between them.
DAYS = [
    DayLines(date(2026, 3, 2), 3, 10),
    DayLines(date(2026, 3, 5), 0, 7),
    DayLines(date(2026, 3, 6), 2, 2),
    DayLines(date(2026, 3, 9), 4, 40),
]


def test_the_first_page_starts_on_the_first_day_with_lines() -> None:
    assert page_window(DAYS, END, 0, 2) == Window(date(2026, 3, 2), date(2026, 3, 3), 0, 3, 10)


def test_a_page_ending_on_a_later_day_spans_the_days_between() -> None:
    # Lines 1..4: two on 2 March, none on 5 March, two on 6 March.
    assert page_window(DAYS, END, 1, 4) == Window(date(2026, 3, 2), date(2026, 3, 7), 1, 5, 19)


def test_an_offset_on_a_day_boundary_starts_that_day_with_nothing_to_skip() -> None:
    # Line 3 is the first of 6 March: 5 March (no lines of the party's) is passed over.
    assert page_window(DAYS, END, 3, 1) == Window(date(2026, 3, 6), date(2026, 3, 7), 0, 2, 2)
    assert page_window(DAYS, END, 5, 10) == Window(date(2026, 3, 9), END, 0, 4, 40)


def test_a_page_deep_into_a_day_skips_only_that_days_earlier_lines() -> None:
    assert page_window(DAYS, END, 7, 1) == Window(date(2026, 3, 9), date(2026, 3, 10), 2, 4, 40)


def test_a_page_reaching_past_the_last_line_runs_to_the_period_end() -> None:
    assert page_window(DAYS, END, 6, 5) == Window(date(2026, 3, 9), END, 1, 4, 40)
    assert page_window(DAYS, END, 0, None) == Window(date(2026, 3, 2), END, 0, 9, 59)


def test_an_offset_at_or_past_the_last_line_finds_nothing() -> None:
    assert page_window(DAYS, END, 9, 5) is None
    assert page_window(DAYS, END, 10_000, None) is None
    assert page_window([], END, 0, 5) is None
    assert page_window([DayLines(date(2026, 3, 2), 0, 8)], END, 0, 5) is None


def test_a_party_in_few_of_the_windows_postings_is_read_by_its_own_indexes() -> None:
    assert reads_by_party(Window(START, END, 0, 1, RATIO + 1))
    assert not reads_by_party(Window(START, END, 0, 1, RATIO))
    assert not reads_by_party(Window(START, END, 0, 500, 500))


days_strategy = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=0, max_size=12
).map(
    lambda counts: [
        DayLines(START + timedelta(days=2 * n), party, party + other)
        for n, (party, other) in enumerate(counts)
    ]
)


@given(
    days=days_strategy,
    offset=st.integers(0, 80),
    count=st.one_of(st.none(), st.integers(1, 20)),
)
def test_the_window_holds_exactly_the_lines_of_the_page(
    days: list[DayLines], offset: int, count: int | None
) -> None:
    """Against the lines themselves: (day, n-th of the party's lines that day), in order."""
    lines = [(d.day, n) for d in days for n in range(d.party)]
    asked = lines[offset:] if count is None else lines[offset : offset + count]
    window = page_window(days, END, offset, count)
    if not asked:
        assert window is None
        return
    assert window is not None
    inside = [line for line in lines if window.first <= line[0] < window.until]
    # Reading the window's lines and skipping `skip` of them gives the page, in order.
    got = inside[window.skip :] if count is None else inside[window.skip : window.skip + count]
    assert got == asked
    # The window starts on the page's first day and ends after its last (or at `end`).
    assert window.first == asked[0][0]
    more = count is not None and offset + count <= len(lines)
    assert window.until == (asked[-1][0] + timedelta(days=1) if more else END)
    assert window.party == len(inside)
    assert window.every == sum(d.every for d in days if window.first <= d.day < window.until)
