"""format_instant: RFC 3339 in UTC with a Z, to the second, four-digit years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from relos.kit.timeutil import format_instant

OFFSETS = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
INSTANTS = st.datetimes(
    min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=OFFSETS
)


@given(INSTANTS)
def test_format_instant_is_the_utc_fields_with_a_z(value: datetime) -> None:
    moment = value.astimezone(UTC)
    expected = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )
    assert format_instant(value) == expected


def test_naive_is_utc_and_the_ends_of_the_range() -> None:
    assert format_instant(datetime(2027, 7, 1, 5, 6, 7, 999_999)) == "2027-07-01T05:06:07Z"
    assert format_instant(datetime(1, 1, 1, tzinfo=UTC)) == "0001-01-01T00:00:00Z"
    assert format_instant(datetime(999, 3, 4, tzinfo=UTC)) == "0999-03-04T00:00:00Z"
    end = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert format_instant(end) == "9999-12-31T23:59:59Z"
