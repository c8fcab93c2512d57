"""Caps at every boundary: exactly reached vs exceeded by one, touching periods, both parties,
the crews setting, and blame on the elements that push use over."""

from dataclasses import replace
from datetime import timedelta

from tests.unit.deployments.deployment_factories import (
    FACILITIES,
    RELOS,
    T0,
    days,
    filing,
    people,
    plane,
    ship,
)

from relos.deployments.domain import Breach, Filing, Occupancy, Status
from relos.deployments.engine import assess, validate
from relos.deployments.transitions import Deployment, occupancies


def stored(f: Filing, ident: str, status: Status = Status.CLEARED) -> list[Occupancy]:
    host = RELOS.host_of(f.deploying_party)
    assert host is not None
    deployment = Deployment(
        ident, f.agreement, f.deploying_party, host, f.purpose, f.elements, status
    )
    return occupancies(deployment)


def caps_of(violations: list[Breach]) -> list[Breach]:
    return [v for v in violations if v.code == "cap_exceeded"]


def test_five_warships_reach_the_cap_exactly_and_clear() -> None:
    five = filing(*(ship(f"F{i}", days(0, 10)) for i in range(5)))
    assert assess(five, RELOS, FACILITIES, []).status is Status.CLEARED


def test_a_sixth_warship_exceeds_by_one_and_only_it_is_blamed() -> None:
    six = filing(*(ship(f"F{i}", days(0, 10)) for i in range(6)))
    (violation,) = validate(six, RELOS, FACILITIES, [])
    assert violation == Breach(
        code="cap_exceeded",
        message=violation.message,
        element=5,
        category="warships",
        at=T0,
        limit=5,
        would_be=6,
    )
    assert "cap is 5" in violation.message


def test_stored_use_counts_and_the_binding_instant_is_where_it_peaks() -> None:
    existing = stored(filing(*(ship(f"E{i}", days(3, 6)) for i in range(5))), "d1")
    new = filing(ship("N1", days(0, 10)))
    (violation,) = caps_of(validate(new, RELOS, FACILITIES, existing))
    assert (violation.at, violation.would_be) == (T0 + timedelta(days=3), 6)


def test_one_ending_at_t_and_another_starting_at_t_do_not_add_up() -> None:
    existing = stored(filing(*(ship(f"E{i}", days(0, 5)) for i in range(5))), "d1")
    touching = filing(*(ship(f"N{i}", days(5, 9)) for i in range(5)))
    assert validate(touching, RELOS, FACILITIES, existing) == []
    one_second_early = replace(
        touching,
        elements=(ship("N9", replace(days(5, 9), start=T0 + timedelta(days=5, seconds=-1))),),
    )
    assert [v.code for v in validate(one_second_early, RELOS, FACILITIES, existing)] == [
        "cap_exceeded"
    ]


def test_personnel_3000_exactly_and_3001() -> None:
    assert validate(filing(people(3000, days(0, 5))), RELOS, FACILITIES, []) == []
    (violation,) = validate(filing(people(3001, days(0, 5))), RELOS, FACILITIES, [])
    assert (violation.category, violation.limit, violation.would_be) == ("personnel", 3000, 3001)


def test_both_parties_at_once_are_counted_apart() -> None:
    indian = stored(filing(*(ship(f"E{i}", days(0, 10)) for i in range(5))), "d1")
    russian = filing(*(ship(f"R{i}", days(0, 10), facility="INVTZ") for i in range(5)), party="RU")
    assert validate(russian, RELOS, FACILITIES, indian) == []
    both = [*indian, *stored(russian, "d2")]
    assert caps_of(validate(filing(ship("X", days(2, 3))), RELOS, FACILITIES, both))
    russian_sixth = filing(ship("R9", days(2, 3), facility="INVTZ"), party="RU")
    (violation,) = validate(russian_sixth, RELOS, FACILITIES, both)
    assert violation.would_be == 6


def test_other_agreements_do_not_count() -> None:
    other = [
        replace(o, agreement="in-us-lemoa")
        for o in stored(filing(*(ship(f"E{i}", days(0, 10)) for i in range(5))), "d1")
    ]
    assert validate(filing(ship("N", days(0, 10))), RELOS, FACILITIES, other) == []


def test_crews_count_as_personnel_only_when_the_agreement_says_so() -> None:
    crews = replace(RELOS, crew_counts_as_personnel=True)
    big = filing(ship("F1", days(0, 5), crew=300), people(2800, days(0, 5)))
    assert validate(big, RELOS, FACILITIES, []) == []
    (violation,) = validate(big, crews, FACILITIES, [])
    assert (violation.element, violation.category, violation.would_be) == (1, "personnel", 3100)


def test_stored_crews_follow_the_setting_too() -> None:
    crews = replace(RELOS, crew_counts_as_personnel=True)
    existing = stored(filing(ship("E1", days(0, 5), crew=2000)), "d1")
    new = filing(people(1001, days(1, 2)))
    assert validate(new, RELOS, FACILITIES, existing) == []
    assert caps_of(validate(new, crews, FACILITIES, existing))[0].would_be == 3001


def test_an_uncapped_category_is_never_exceeded() -> None:
    no_aircraft_cap = replace(RELOS, caps={"warships": 5, "personnel": 3000})
    many = filing(*(plane(f"P{i}", days(0, 2)) for i in range(12)))
    assert caps_of(validate(many, no_aircraft_cap, FACILITIES, [])) == []
    assert len(caps_of(validate(many, RELOS, FACILITIES, []))) == 2


def test_amendment_is_not_counted_against_itself() -> None:
    original = filing(*(ship(f"E{i}", days(0, 10)) for i in range(5)))
    existing = stored(original, "d1")
    moved = replace(original, elements=tuple(ship(f"E{i}", days(1, 11)) for i in range(5)))
    assert caps_of(validate(moved, RELOS, FACILITIES, existing))
    assert validate(replace(moved, deployment="d1"), RELOS, FACILITIES, existing) == []


def test_pending_counts_cancelled_and_declined_do_not() -> None:
    five = filing(*(ship(f"E{i}", days(0, 10)) for i in range(5)))
    new = filing(ship("N", days(0, 10)))
    for status, blocked in [
        (Status.PENDING_HOST_CONSENT, True),
        (Status.CLEARED, True),
        (Status.CANCELLED, False),
        (Status.DECLINED, False),
    ]:
        existing = stored(five, "d1", status)
        assert bool(validate(new, RELOS, FACILITIES, existing)) is blocked, status


def test_completed_counts_up_to_its_actual_end() -> None:
    five = filing(*(ship(f"E{i}", days(0, 10)) for i in range(5)))
    host = "RU"
    done = Deployment(
        "d1",
        five.agreement,
        "IN",
        host,
        five.purpose,
        five.elements,
        Status.COMPLETED,
        actual_end=T0 + timedelta(days=4),
    )
    existing = occupancies(done)
    assert validate(filing(ship("N", days(4, 8))), RELOS, FACILITIES, existing) == []
    (violation,) = validate(filing(ship("N", days(3, 8))), RELOS, FACILITIES, existing)
    assert violation.at == T0 + timedelta(days=3)


def test_facility_capacity_counts_every_party_and_agreement() -> None:
    other = [
        replace(o, agreement="x", deploying_party="CN")
        for o in stored(filing(ship("E1", days(0, 5), facility="RUSMALL")), "d1")
    ]
    two = filing(
        ship("N1", days(0, 5), facility="RUSMALL"), ship("N2", days(4, 6), facility="RUSMALL")
    )
    (violation,) = validate(two, RELOS, FACILITIES, other)
    assert violation.code == "facility_capacity_exceeded"
    assert (violation.element, violation.category, violation.limit, violation.would_be) == (
        1,
        "berths",
        2,
        3,
    )
    assert violation.at == T0 + timedelta(days=4)


def test_accommodation_counts_personnel_but_not_crews_aboard() -> None:
    crews = replace(RELOS, crew_counts_as_personnel=True)
    fits = filing(
        ship("N1", days(0, 5), facility="RUSMALL", crew=300), people(100, days(0, 5), "RUSMALL")
    )
    assert validate(fits, crews, FACILITIES, []) == []
    (violation,) = validate(filing(people(101, days(0, 5), "RUSMALL")), crews, FACILITIES, [])
    assert (violation.category, violation.would_be) == ("accommodation", 101)
