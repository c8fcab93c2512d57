"""Every rule of the table in docs/deployments.md, and all violations reported at once."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tests.unit.deployments.deployment_factories import (
    FACILITIES,
    FILED,
    RELOS,
    T0,
    days,
    filing,
    people,
    plane,
    ship,
)

from relos.deployments.domain import AgreementView, Filing, Personnel, Status
from relos.deployments.engine import assess, decide, validate
from relos.deployments.timeline import Period


def codes(f: Filing, agreement: AgreementView = RELOS) -> list[str]:
    return [v.code for v in validate(f, agreement, FACILITIES, [])]


def test_a_clean_filing_is_cleared_at_once() -> None:
    f = filing(ship("F44", days(0, 14)), plane("IN321", days(1, 9)), people(400, days(0, 14)))
    result = assess(f, RELOS, FACILITIES, [])
    assert (result.ok, result.status, result.violations) == (True, Status.CLEARED, ())


def test_invalid_periods_and_empty_filings() -> None:
    assert codes(filing()) == ["invalid_period"]
    backwards = filing(people(10, days(3, 2)), people(10, days(0, 1)))
    (violation,) = validate(backwards, RELOS, FACILITIES, [])
    assert (violation.code, violation.element) == ("invalid_period", 0)
    naive = Period(datetime(2026, 7, 1), datetime(2026, 7, 2))
    assert codes(filing(Personnel(facility="RUVVO", period=naive, count=1))) == ["invalid_period"]


def test_party_not_in_agreement_skips_caps_but_reports_the_rest() -> None:
    f = filing(*(ship(f"F{i}", days(0, 5)) for i in range(7)), party="US")
    assert codes(f) == ["party_not_in_agreement"]


def test_term_in_force() -> None:
    before = filing(people(1, Period(datetime(2025, 12, 1, tzinfo=UTC), T0)))
    (violation,) = validate(before, RELOS, FACILITIES, [])
    assert (violation.code, violation.at) == (
        "agreement_not_in_force",
        before.elements[0].period.start,
    )
    until = RELOS.in_force_until
    assert until is not None
    ends_at_expiry = filing(people(1, Period(until - timedelta(days=3), until)))
    assert codes(ends_at_expiry) == []
    past_expiry = filing(people(1, Period(until - timedelta(days=3), until + timedelta(seconds=1))))
    (violation,) = validate(past_expiry, RELOS, FACILITIES, [])
    assert (violation.code, violation.at) == ("agreement_not_in_force", until)
    assert codes(filing(people(1, days(0, 1))), replace(RELOS, in_force_from=None)) == [
        "agreement_not_in_force"
    ]
    open_ended = replace(RELOS, in_force_until=None)
    assert codes(filing(people(1, Period(until, until + timedelta(days=900)))), open_ended) == []


def test_purpose_not_permitted() -> None:
    assert codes(filing(people(1, days(0, 1)), purpose="invasion")) == ["purpose_not_permitted"]


def test_facility_rules() -> None:
    assert codes(filing(people(1, days(0, 1), facility="XXXXX"))) == ["facility_unknown"]
    assert codes(filing(people(1, days(0, 1), facility="INVTZ"))) == [
        "facility_not_in_host_territory"
    ]
    assert codes(filing(plane("S1", days(0, 1), facility="TJAYN"))) == [
        "facility_not_in_host_territory"
    ]
    no_airfields = replace(RELOS, facility_kinds=frozenset({"port"}))
    assert codes(filing(plane("S1", days(0, 1))), no_airfields) == ["facility_kind_not_covered"]


def test_facility_unsuitable() -> None:
    assert codes(filing(ship("F1", days(0, 1), facility="UHWW"))) == ["facility_unsuitable"]
    assert codes(filing(plane("S1", days(0, 1), facility="RUVVO"))) == ["facility_unsuitable"]
    assert codes(filing(ship("F1", days(0, 1), facility="RUSMALL", draught_m=6.0))) == []
    deep = filing(ship("F1", days(0, 1), facility="RUSMALL", draught_m=6.1))
    (violation,) = validate(deep, RELOS, FACILITIES, [])
    assert violation.code == "facility_unsuitable"
    assert "6.1" in violation.message


def test_unit_double_booked_inside_one_filing() -> None:
    f = filing(ship("F44", days(0, 5)), ship("f44 ", days(4, 8)), ship("F44", days(8, 9)))
    (violation,) = validate(f, RELOS, FACILITIES, [])
    assert (violation.code, violation.element) == ("unit_double_booked", 1)


def test_notice_exactly_fourteen_days_is_enough_and_a_second_less_is_not() -> None:
    start = T0
    on_time = filing(ship("F1", days(0, 5)), filed_at=start - timedelta(days=14))
    assert codes(on_time) == []
    late = filing(
        ship("F1", days(0, 5)), filed_at=start - timedelta(days=14) + timedelta(seconds=1)
    )
    (violation,) = validate(late, RELOS, FACILITIES, [])
    assert (violation.code, violation.limit, violation.would_be, violation.at) == (
        "notice_too_short",
        14,
        13,
        start,
    )


def test_notice_applies_per_element_kind_and_not_to_exempt_purposes() -> None:
    tomorrow = filing(
        people(50, days(0, 2)), plane("S1", days(0, 2)), filed_at=T0 - timedelta(days=1)
    )
    assert codes(tomorrow) == []
    ship_tomorrow = replace(tomorrow, elements=(ship("F1", days(0, 2)),))
    assert codes(ship_tomorrow) == ["notice_too_short"]
    assert codes(replace(ship_tomorrow, purpose="evacuation")) == []


def test_all_violations_are_reported_at_once() -> None:
    f = filing(
        people(5, days(2, 1)),
        ship("F1", days(0, 5), facility="UHWW"),
        *(ship(f"S{i}", days(0, 5)) for i in range(5)),
        ship("S0", days(1, 2)),
        people(1, days(0, 1), facility="INVTZ"),
        purpose="sightseeing",
        filed_at=T0 - timedelta(days=2),
    )
    assert codes(f) == [
        "invalid_period",
        "purpose_not_permitted",
        "facility_not_in_host_territory",
        "facility_unsuitable",
        "cap_exceeded",
        "cap_exceeded",
        "unit_double_booked",
        *["notice_too_short"] * 7,
    ]


def test_exception_path_only_for_caps_and_notice() -> None:
    over = filing(*(ship(f"F{i}", days(0, 5)) for i in range(6)), filed_at=T0 - timedelta(days=2))
    assert assess(over, RELOS, FACILITIES, []).status is None
    pending = assess(replace(over, request_exception=True), RELOS, FACILITIES, [])
    assert (pending.ok, pending.status) == (False, Status.PENDING_HOST_CONSENT)
    worse = replace(over, request_exception=True, purpose="sightseeing")
    assert assess(worse, RELOS, FACILITIES, []).status is None
    assert decide([], True) is Status.CLEARED


def test_no_access_agreement_refuses_everything() -> None:
    lemoa = replace(RELOS, caps=None, purposes=frozenset(), facility_kinds=frozenset())
    assert codes(filing(people(1, days(0, 1))), lemoa) == [
        "purpose_not_permitted",
        "facility_kind_not_covered",
    ]


def test_filed_at_before_filing_time() -> None:
    assert FILED < T0
