"""Air routes on the shipped airspace law and the Natural Earth states (world-atlas): the
C-17 from Agra to Ayni goes round Pakistan with each state's clearance; open skies stay the
great circle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import shapely

from relos.planning.access import Pact
from relos.planning.airstore import airspace
from relos.planning.airways import great_circle, line
from relos.planning.craft import aircraft
from relos.planning.geo import haversine_nm
from relos.planning.planner import Mission, Planner

DEPART = datetime(2026, 7, 15, 6, tzinfo=UTC)


def test_agra_to_ayni_goes_round_pakistan_with_each_clearance(planner: Planner) -> None:
    space = airspace()
    agra, ayni = planner.sites["VIAG"].endpoint, planner.sites["TJ-AYNI"].endpoint
    pakistan = space.borders.shapes["PK"]
    straight = line(great_circle((agra.lon, agra.lat), (ayni.lon, ayni.lat)))
    assert shapely.intersects(pakistan, straight)  # the 826 nm great circle crosses it
    found = space.route(agra, ayni, "IN", DEPART.date())
    assert 820 < found.great_circle_nm < 830
    assert not shapely.intersects(space.borders.airspace("PK"), line(found.coordinates))
    assert "PK" in found.avoided and found.distance_nm > 1.5 * found.great_circle_nm
    over = space.overflights(found, "IN", DEPART, 450.0)
    states = [o.state for o in over]
    assert states[0] == "IR" and states[-1] == "TJ"
    assert {"AF", "TM"} & set(states)
    for o in over:
        assert o.ruling.status == "clearance"
        assert o.file_by == o.enter - timedelta(days=o.ruling.lead_days)
    tajik = next(o for o in over if o.state == "TJ")
    assert tajik.ruling.lead_days == 30 and tajik.ruling.illustrative


def test_before_the_2025_closure_the_c17_flies_straight_with_a_pakistani_clearance(
    planner: Planner,
) -> None:
    space = airspace()
    agra, ayni = planner.sites["VIAG"].endpoint, planner.sites["TJ-AYNI"].endpoint
    day = datetime(2024, 6, 1, 6, tzinfo=UTC)
    found = space.route(agra, ayni, "IN", day.date())
    assert found.direct and "PK" not in found.avoided
    assert abs(found.distance_nm - found.great_circle_nm) < 1e-6
    assert "PK" in [o.state for o in space.overflights(found, "IN", day, 450.0)]


def test_an_open_airspace_route_stays_the_great_circle(planner: Planner) -> None:
    space = airspace()
    agra, port_blair = planner.sites["VIAG"].endpoint, planner.sites["VOPB"].endpoint
    found = space.route(agra, port_blair, "IN", DEPART.date())
    assert found.direct
    assert found.distance_nm == haversine_nm(agra.lon, agra.lat, port_blair.lon, port_blair.lat)
    assert space.overflights(found, "IN", DEPART, 450.0) == []


def test_the_c17_plan_lists_each_overflight_clearance_as_a_notice(
    planner: Planner, relos: tuple[Pact, ...]
) -> None:
    c17 = aircraft("c17_in", "IN", 11540 / 1.852, 450, 108)
    origin, destination = planner.sites["VIAG"].endpoint, planner.sites["TJ-AYNI"].endpoint
    plan = planner.route(Mission(c17, origin, destination, DEPART, relos))
    assert plan.feasible, plan.reason
    assert plan.distance_nm is not None and plan.distance_nm > 1.5 * 826
    overflights = {n.state: n for n in plan.notices if n.kind == "overflight"}
    assert {"IR", "TJ"} <= set(overflights) and "PK" not in overflights
    assert overflights["TJ"].days == 30
    assert all(n.file_by == n.visit - timedelta(days=n.days) for n in overflights.values())
    landing = [n for n in plan.notices if n.facility == "TJ-AYNI"]
    assert landing and "case-by-case clearance" in landing[0].reason


def test_a_range_short_of_the_detour_refuels_at_an_own_airfield_on_the_way(
    planner: Planner, relos: tuple[Pact, ...]
) -> None:
    c17 = aircraft("c17_in", "IN", 11540 / 1.852, 450, 108)
    origin, destination = planner.sites["VIAG"].endpoint, planner.sites["TJ-AYNI"].endpoint
    mission = Mission(c17, origin, destination, DEPART, relos, reserve=0.7)
    reach = c17.range_nm(0.7)
    assert 826 < reach < 1900  # the great circle would fit; the way round Pakistan does not
    plan = planner.route(mission)
    assert plan.feasible, plan.reason
    assert len(plan.stops) >= 1
    assert all(leg.distance_nm <= reach for leg in plan.legs)
    assert all(planner.sites[c.stop.id].country == "IN" for c in plan.stops)
    space = airspace()
    for leg in plan.legs:
        a = planner.sites[leg.start.id].endpoint
        b = planner.sites[leg.end.id].endpoint
        flown = space.route(a, b, "IN", leg.depart.date())
        assert abs(flown.distance_nm - leg.distance_nm) < 1e-6
        assert not shapely.intersects(space.borders.airspace("PK"), line(flown.coordinates))
