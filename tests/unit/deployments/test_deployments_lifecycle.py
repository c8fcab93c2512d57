"""Consent, completion, cancellation and amendment, and what each frees."""

from datetime import timedelta

import pytest
from tests.unit.deployments.deployment_factories import (
    FACILITIES,
    RELOS,
    T0,
    days,
    filing,
    people,
    ship,
)

from relos.deployments.domain import Status
from relos.deployments.engine import assess
from relos.deployments.transitions import (
    Deployment,
    amend,
    cancel,
    carried_notice,
    complete,
    consent,
    occupancies,
)
from relos.kit.errors import Conflict, Forbidden, InvalidInput

FIVE = tuple(ship(f"E{i}", days(0, 10)) for i in range(5))


def deployment(status: Status = Status.CLEARED) -> Deployment:
    return Deployment("d1", "in-ru-relos", "IN", "RU", "joint_exercise", FIVE, status)


def test_only_the_host_decides_on_consent() -> None:
    pending = deployment(Status.PENDING_HOST_CONSENT)
    with pytest.raises(Forbidden):
        consent(pending, True, "IN")
    assert consent(pending, True, "RU").status is Status.CLEARED
    assert consent(pending, False, "RU").status is Status.DECLINED
    with pytest.raises(Conflict):
        consent(deployment(), True, "RU")


def test_completion_frees_what_follows_the_actual_end() -> None:
    done = complete(deployment(), T0 + timedelta(days=4))
    assert done.status is Status.COMPLETED
    assert {o.period for o in occupancies(done)} == {days(0, 4)}
    after = filing(ship("N1", days(4, 9)))
    assert assess(after, RELOS, FACILITIES, occupancies(done)).status is Status.CLEARED
    during = filing(ship("N1", days(3, 9)))
    assert assess(during, RELOS, FACILITIES, occupancies(done)).status is None


def test_completion_drops_elements_that_had_not_started() -> None:
    mixed = Deployment(
        "d1",
        "in-ru-relos",
        "IN",
        "RU",
        "training",
        (people(10, days(0, 3)), people(20, days(5, 8))),
        Status.CLEARED,
    )
    done = complete(mixed, T0 + timedelta(days=4))
    assert [(o.element, o.period) for o in occupancies(done)] == [(0, days(0, 3))]


def test_completion_bounds_and_states() -> None:
    with pytest.raises(InvalidInput):
        complete(deployment(), T0)
    with pytest.raises(InvalidInput):
        complete(deployment(), T0 + timedelta(days=10, seconds=1))
    assert complete(deployment(), T0 + timedelta(days=10)).actual_end == T0 + timedelta(days=10)
    with pytest.raises(Conflict):
        complete(deployment(Status.PENDING_HOST_CONSENT), T0 + timedelta(days=1))


def test_cancellation_frees_everything_and_is_final() -> None:
    gone = cancel(deployment())
    assert occupancies(gone) == []
    assert assess(filing(*FIVE), RELOS, FACILITIES, occupancies(gone)).status is Status.CLEARED
    for final in (Status.CANCELLED, Status.DECLINED, Status.COMPLETED):
        with pytest.raises(Conflict):
            cancel(deployment(final))
        with pytest.raises(Conflict):
            amend(deployment(final), FIVE, Status.CLEARED)


def test_amendment_replaces_elements_and_marks_exceptions() -> None:
    moved = tuple(ship(f"E{i}", days(1, 11)) for i in range(5))
    amended = amend(deployment(), moved, Status.PENDING_HOST_CONSENT)
    assert (amended.elements, amended.by_exception) == (moved, True)
    assert {o.period for o in occupancies(amended)} == {days(1, 11)}


def test_unchanged_elements_keep_their_notice() -> None:
    original_notice = (T0 - timedelta(days=30),) * 5
    now = T0 - timedelta(days=2)
    new = (*FIVE[:3], ship("E3", days(0, 12), crew=200), ship("E9", days(0, 10)))
    assert carried_notice(FIVE, original_notice, new, now) == (*original_notice[:4], now)
    moved = (ship("E0", days(1, 10)), ship("E1", days(0, 10), facility="RUSMALL"))
    assert carried_notice(FIVE, original_notice, moved, now) == (now, now)
