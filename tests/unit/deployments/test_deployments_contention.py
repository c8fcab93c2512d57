"""The locks a filing takes (deployments/contention.py): any two filings that overlap in time
hold conflicting keys, and filings in different months hold none in common."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from relos.deployments.contention import MONTHS_AT_MOST, LockPlan, plan
from relos.deployments.timeline import Period

CAPS = ("deployments-caps", "in-ru-relos", "IN")
PORT = ("deployments-facility", "RUVVO")
T0 = datetime(2027, 1, 1, tzinfo=UTC)


def conflicts(first: LockPlan, second: LockPlan) -> bool:
    """Whether two writers holding these plans would wait for each other."""
    first_all = {*first.exclusive, *first.shared}
    second_all = {*second.exclusive, *second.shared}
    return bool(set(first.exclusive) & second_all or set(second.exclusive) & first_all)


def months_touched(period: Period) -> list[tuple[int, int]]:
    """The oracle: the UTC months holding an instant of the period, walked day by day."""
    first, last = period.start.astimezone(UTC), period.end.astimezone(UTC)
    months: list[tuple[int, int]] = []
    day = datetime(first.year, first.month, first.day, tzinfo=UTC)
    while day < last:
        if (day.year, day.month) not in months and day + timedelta(days=1) > first:
            months.append((day.year, day.month))
        day += timedelta(days=1)
    return months


def months_locked(period: Period) -> list[str]:
    return [key[-1] for key in plan([CAPS], [period]).exclusive]


def period(start_hours: int, length_hours: int) -> Period:
    start = T0 + timedelta(hours=start_hours)
    return Period(start, start + timedelta(hours=length_hours))


def test_a_period_ending_at_midnight_on_the_first_does_not_touch_that_month() -> None:
    june = Period(datetime(2027, 6, 20, tzinfo=UTC), datetime(2027, 7, 1, tzinfo=UTC))
    assert months_locked(june) == ["2027-06"] == [f"{y}-{m:02d}" for y, m in months_touched(june)]
    across = Period(datetime(2027, 12, 31, 23, tzinfo=UTC), datetime(2028, 1, 1, 1, tzinfo=UTC))
    assert months_locked(across) == ["2027-12", "2028-01"]


def test_months_are_utc_months_whatever_the_offset() -> None:
    plus5 = timezone(timedelta(hours=5))
    # 1 July 03:00 at UTC+5 is 30 June 22:00 UTC.
    early = Period(datetime(2027, 7, 1, 3, tzinfo=plus5), datetime(2027, 7, 1, 4, tzinfo=plus5))
    assert months_locked(early) == ["2027-06"] and months_touched(early) == [(2027, 6)]


def test_a_short_filing_locks_its_months_and_shares_its_year() -> None:
    keys = plan([CAPS], [period(0, 24 * 40)])  # 1 January to 10 February
    assert keys.exclusive == ((*CAPS, "2027-01"), (*CAPS, "2027-02"))
    assert keys.shared == ((*CAPS, "2027"), (*CAPS, "all"))


def test_a_long_filing_locks_whole_years() -> None:
    long = Period(datetime(2027, 3, 1, tzinfo=UTC), datetime(2028, 2, 1, tzinfo=UTC))
    keys = plan([CAPS, PORT], [long])
    assert len(months_touched(long)) > MONTHS_AT_MOST
    assert set(keys.exclusive) == {(*s, y) for s in (CAPS, PORT) for y in ("2027", "2028")}
    assert set(keys.shared) == {(*CAPS, "all"), (*PORT, "all")}


def test_a_filing_over_centuries_locks_all_time_and_is_counted_not_listed() -> None:
    ages = Period(datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC))
    keys = plan([CAPS, PORT], [ages, period(0, 5)])
    assert keys == LockPlan(((*CAPS, "all"), (*PORT, "all")), ())
    assert conflicts(keys, plan([PORT], [period(24 * 400, 5)]))


def test_many_scopes_take_coarser_keys_not_thousands() -> None:
    units = [("deployments-unit", f"IN:warship:F{i}") for i in range(500)]
    months = [period(0, 24 * 40)]  # two months
    assert len(plan(units[:60], months).exclusive) == 120  # 60 x (2 + 1 + 1) <= KEYS_AT_MOST
    by_year = plan(units[:100], months)  # 100 x 4 > KEYS_AT_MOST: years, 100 x 2 keys
    assert {k[-1] for k in by_year.exclusive} == {"2027"} and len(by_year.shared) == 100
    everything = plan(units, months)  # one key per scope, as before months
    assert len(everything.exclusive) == 500 and everything.shared == ()


def test_filings_in_different_months_of_one_party_do_not_wait_for_each_other() -> None:
    march = plan(
        [CAPS, PORT], [Period(datetime(2027, 3, 2, tzinfo=UTC), datetime(2027, 3, 9, tzinfo=UTC))]
    )
    may = plan(
        [CAPS, PORT], [Period(datetime(2027, 5, 2, tzinfo=UTC), datetime(2027, 5, 9, tzinfo=UTC))]
    )
    assert not conflicts(march, may)


def test_no_window_no_key() -> None:
    assert plan([CAPS], []) == LockPlan((), ())


hours = st.integers(min_value=0, max_value=24 * 365 * 3)
lengths = st.one_of(
    st.integers(min_value=1, max_value=24 * 400),
    st.integers(min_value=1, max_value=24 * 365 * 30),  # past YEARS_AT_MOST
)


@given(hours, lengths, hours, lengths)
def test_overlapping_filings_always_conflict_and_others_only_by_granularity(
    a_start: int, a_length: int, b_start: int, b_length: int
) -> None:
    a, b = period(a_start, a_length), period(b_start, b_length)
    first, second = plan([CAPS], [a]), plan([CAPS], [b])
    if a.overlaps(b):
        assert conflicts(first, second)
    elif not set(months_touched(a)) & set(months_touched(b)) and all(
        len(months_touched(p)) <= MONTHS_AT_MOST for p in (a, b)
    ):
        # Two short filings in different months run side by side.
        assert not conflicts(first, second)


@given(st.lists(st.tuples(hours, lengths), min_size=1, max_size=4), hours, lengths)
def test_a_filing_of_several_windows_conflicts_with_anything_overlapping_any_of_them(
    spans: list[tuple[int, int]], b_start: int, b_length: int
) -> None:
    windows = [period(s, n) for s, n in spans]
    other = period(b_start, b_length)
    if any(w.overlaps(other) for w in windows):
        assert conflicts(plan([CAPS, PORT], windows), plan([PORT], [other]))
