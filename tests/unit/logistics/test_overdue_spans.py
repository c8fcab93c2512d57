"""The overdue spans of an order say, for every day, what the overdue rule says that day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from relos.logistics.statements.reports import month_pieces, overdue_spans, past_due

DAY0 = date(2026, 1, 1)
moves = st.lists(
    st.tuples(
        st.integers(0, 120),  # booked, days after DAY0
        st.one_of(st.none(), st.integers(0, 150)),  # due (None: a payment)
        st.integers(-500, 1000),
    ),
    max_size=8,
)


def _rule(movements: list[tuple[date, date | None, int]], day: date) -> tuple[int, date] | None:
    charges: dict[date, int] = {}
    paid = 0
    for booked, due, amount in movements:
        if booked <= day:
            if due is None:
                paid -= amount
            else:
                charges[due] = charges.get(due, 0) + amount
    return past_due(charges, paid, day)


def _covering(spans: list, day: date) -> tuple[int, date] | None:  # type: ignore[type-arg]
    found = [s for s in spans if s.start <= day and (s.end is None or day < s.end)]
    assert len(found) <= 1
    return (found[0].amount, found[0].due_on) if found else None


@settings(max_examples=300)
@given(moves)
def test_spans_agree_with_the_rule_on_every_day(raw: list[tuple[int, int | None, int]]) -> None:
    movements = [
        (DAY0 + timedelta(days=b), None if d is None else DAY0 + timedelta(days=d), a)
        for b, d, a in raw
    ]
    spans = overdue_spans(movements)
    for n in range(-2, 200):
        day = DAY0 + timedelta(days=n)
        assert _covering(spans, day) == _rule(movements, day), day


@given(moves)
def test_month_pieces_cover_a_span_exactly(raw: list[tuple[int, int | None, int]]) -> None:
    movements = [
        (DAY0 + timedelta(days=b), None if d is None else DAY0 + timedelta(days=d), a)
        for b, d, a in raw
    ]
    for span in overdue_spans(movements):
        pieces = month_pieces(span)
        assert pieces[0][1] == span.start and pieces[-1][2] == span.end
        for (month, start, end), following in zip(pieces, [*pieces[1:], None], strict=True):
            assert month is None or (month == start.replace(day=1) and end is not None)
            assert month is None or end <= (month + timedelta(days=32)).replace(day=1)
            if following is not None:
                assert following[1] == end
