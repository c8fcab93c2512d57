"""Headroom with the binding instant, and utilisation as consecutive steps."""

from dataclasses import replace
from datetime import timedelta
from itertools import pairwise

from tests.unit.deployments.deployment_factories import RELOS, T0, days, people, plane, ship

from relos.deployments.domain import Category, Element, Occupancy, Status
from relos.deployments.transitions import Deployment, occupancies
from relos.deployments.usage import Headroom, UseStep, headroom, utilisation


def stored(*elements: Element, party: str = "IN", ident: str = "d1") -> list[Occupancy]:
    host = "RU" if party == "IN" else "IN"
    return occupancies(
        Deployment(ident, RELOS.id, party, host, "training", elements, Status.CLEARED)
    )


EXISTING = [
    *stored(ship("F1", days(0, 10)), ship("F2", days(2, 4)), people(400, days(0, 10))),
    *stored(plane("P1", days(3, 5)), ident="d2"),
    *stored(ship("R1", days(0, 10), facility="INVTZ"), party="RU", ident="d3"),
]


def test_headroom_is_cap_minus_peak_with_the_binding_instant() -> None:
    room = headroom(RELOS, "IN", days(0, 10), EXISTING)
    assert room[Category.WARSHIPS] == Headroom(5, 2, 3, T0 + timedelta(days=2))
    assert room[Category.AIRCRAFT] == Headroom(10, 1, 9, T0 + timedelta(days=3))
    assert room[Category.PERSONNEL] == Headroom(3000, 400, 2600, T0)
    later = headroom(RELOS, "IN", days(4, 20), EXISTING)
    assert later[Category.WARSHIPS] == Headroom(5, 1, 4, T0 + timedelta(days=4))
    empty = headroom(RELOS, "IN", days(10, 20), EXISTING)
    assert empty[Category.WARSHIPS] == Headroom(5, 0, 5, T0 + timedelta(days=10))


def test_headroom_counts_crews_per_setting_and_uncapped_categories() -> None:
    crews = replace(RELOS, crew_counts_as_personnel=True, caps={"warships": 5})
    room = headroom(crews, "IN", days(0, 10), EXISTING)
    assert room[Category.PERSONNEL] == Headroom(None, 900, None, T0 + timedelta(days=2))


def test_utilisation_is_consecutive_steps_that_change_only_where_use_does() -> None:
    steps = utilisation(RELOS, "IN", days(-1, 12), EXISTING)
    at = [s.start for s in steps]
    assert at == [T0 + timedelta(days=d) for d in (-1, 0, 2, 3, 4, 5, 10)]
    assert all(a.end == b.start for a, b in pairwise(steps))
    assert steps[-1].end == T0 + timedelta(days=12)
    assert steps[2] == UseStep(
        T0 + timedelta(days=2),
        T0 + timedelta(days=3),
        {Category.WARSHIPS: 2, Category.AIRCRAFT: 0, Category.PERSONNEL: 400},
    )
    assert steps[0].use == {c: 0 for c in Category}


def test_utilisation_of_the_other_party() -> None:
    (step,) = utilisation(RELOS, "RU", days(0, 10), EXISTING)
    assert step.use[Category.WARSHIPS] == 1
