"""Airspace law and the air router on made-up geometry: closed areas are routed around,
open skies stay the great circle, and each clearance is due its lead time before entry."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import shapely

from relos.planning.air import Airspace, AirspaceBlocked
from relos.planning.airspace import AirspaceLaw, load_airspace, parse_airspace
from relos.planning.airways import Obstacle, great_circles, line, path_nm
from relos.planning.borders import Borders, decode_topojson
from relos.planning.geo import haversine_nm
from relos.planning.waypoints import Endpoint

TODAY = date(2026, 7, 15)


def law(rules: list[dict[str, Any]]) -> AirspaceLaw:
    default = {"status": "clearance", "lead_days": 7, "text": "default", "source": "Chicago"}
    return parse_airspace({"default": default, "rule": rules})


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(x0, y0, x1, y1)


# -- the law ------------------------------------------------------------------------------


def test_pakistan_is_closed_to_indian_aircraft_since_april_2025_and_the_rule_is_dated() -> None:
    shipped = load_airspace()
    now = shipped.judge("PK", "IN", TODAY)
    assert now.status == "closed" and now.rule == "pk-closed-to-india-2025"
    assert "NOTAM" in now.source
    before = shipped.judge("PK", "IN", date(2024, 6, 1))
    assert before.status == "clearance" and before.rule == "default"
    assert shipped.judge("PK", "FR", TODAY).status == "clearance"
    assert shipped.judge("PK", "RU", date(2019, 3, 1)).status == "closed"  # Balakot, every flag
    assert shipped.judge("IN", "IN", TODAY).status == "open"
    assert "PK" in shipped.closed("IN", TODAY) and "PK" not in shipped.closed(
        "IN", date(2024, 6, 1)
    )


def test_clearances_carry_lead_times_and_say_when_they_are_illustrative() -> None:
    shipped = load_airspace()
    tajik = shipped.judge("TJ", "IN", TODAY)
    assert tajik.status == "clearance" and tajik.lead_days == 30 and tajik.illustrative
    assert "illustrative lead time" in tajik.reason
    iran = shipped.judge("IR", "IN", TODAY)
    assert iran.lead_days == 10 and iran.basis
    assert shipped.judge("FR", "RU", TODAY).status == "closed"  # Council Regulation 2022/334
    assert shipped.judge("FR", "RU", date(2021, 1, 1)).status == "clearance"


@pytest.mark.parametrize(
    "rule",
    [
        {"id": "x", "states": ["AA"], "status": "shut", "text": "t", "source": "s"},
        {"id": "x", "states": ["AA"], "status": "clearance", "text": "t", "source": "s"},
        {"id": "x", "states": ["AA"], "status": "closed", "text": "t"},
    ],
)
def test_a_malformed_rule_is_refused(rule: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        law([rule])


# -- the router ----------------------------------------------------------------------------


def test_a_leg_goes_round_a_closed_square_by_its_corners() -> None:
    area = Obstacle(box(-1, -1, 1, 1))
    a, b = (-5.0, 0.0), (5.0, 0.0)
    points = area.route(a, b)
    assert points is not None and len(points) == 4  # round two corners
    assert not shapely.intersects(area.area, line(_dense(points)))
    nm = path_nm(points)
    straight = haversine_nm(*a, *b)
    # round (-1, 1) and (1, 1): 10.25 degrees of arc; the corners stand a margin outside
    assert 614 < nm < 625 and nm > straight
    assert all(shapely.Point(p).distance(area.area) > 0.05 for p in points[1:-1])


def test_an_open_sky_leg_stays_the_great_circle() -> None:
    area = Obstacle(box(40, 40, 42, 42))
    a, b = (-5.0, 0.0), (5.0, 0.0)
    assert area.route(a, b) == [a, b]


def test_a_point_walled_in_by_closed_airspace_has_no_route() -> None:
    ring = box(-3, -3, 3, 3).difference(box(-2, -2, 2, 2))
    area = Obstacle(ring)
    assert area.route((0.0, 0.0), (10.0, 0.0)) is None


def test_great_circles_cut_at_the_antimeridian_do_not_sweep_the_globe() -> None:
    lines = great_circles((179.0, 50.0), [(-179.0, 50.0), (170.0, 50.0)])
    across, within = lines
    assert across.geom_type == "GeometryCollection"  # two pieces, one each side
    assert not shapely.intersects(box(-10, 40, 10, 60), across)
    assert within.geom_type == "LineString"


def test_world_atlas_topojson_is_decoded_with_its_transform() -> None:
    topo = {
        "transform": {"scale": [1, 1], "translate": [10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 2], [-2, 0], [0, -2]]],
        "objects": {"countries": {"geometries": [{"type": "Polygon", "arcs": [[0]], "id": "4"}]}},
    }
    [(numeric, shape)] = decode_topojson(topo)
    assert numeric == "4" and shape.bounds == (10.0, 20.0, 12.0, 22.0)


# -- clearances with deadlines, on a made-up world -----------------------------------------


@pytest.fixture
def world() -> Airspace:
    """Home (HH) in the west, a closed state (CC) in the way, a clearance state (KK) beyond,
    and the destination in a state (DD) whose clearance takes 30 days."""
    shapes = {
        "HH": box(-10, -5, -4, 5),
        "CC": box(-2, -1, 2, 5),
        "KK": box(4, -5, 8, 5),
        "DD": box(8.5, -5, 14, 5),
    }
    names = {"HH": "Home", "CC": "Closedland", "KK": "Kayland", "DD": "Deeland"}
    rules = [
        {
            "id": "cc",
            "states": ["CC"],
            "flags": ["HH"],
            "status": "closed",
            "text": "shut",
            "source": "s",
        },
        {
            "id": "kk",
            "states": ["KK"],
            "status": "clearance",
            "lead_days": 10,
            "text": "k",
            "source": "s",
        },
        {
            "id": "dd",
            "states": ["DD"],
            "status": "clearance",
            "lead_days": 30,
            "text": "d",
            "source": "s",
            "illustrative": True,
        },
    ]
    return Airspace(law(rules), Borders(shapes, names))


def test_each_clearance_is_due_its_lead_time_before_the_aircraft_enters(world: Airspace) -> None:
    a, b = Endpoint("A", "A", -6, 1, "point"), Endpoint("B", "B", 11, 1, "point")
    found = world.route(a, b, "HH", TODAY)
    assert not found.direct and found.avoided == ("CC",)
    assert not shapely.intersects(world.borders.airspace("CC"), line(found.coordinates))
    depart = datetime(2026, 7, 15, 6, tzinfo=UTC)
    over = world.overflights(found, "HH", depart, 400.0)
    assert [o.state for o in over] == ["KK", "DD"]  # in the order they are entered
    kk, dd = over
    assert kk.enter < dd.enter and depart < kk.enter < depart + timedelta(hours=3)
    assert kk.file_by == kk.enter - timedelta(days=10)
    assert dd.file_by == dd.enter - timedelta(days=30)
    assert dd.reason.code == "airspace.clearance" and dd.reason.params["lead_days"] == 30
    # another flag may fly straight through: the closure is for HH's aircraft only
    assert world.route(a, b, "KK", TODAY).direct


def test_an_end_in_closed_airspace_is_refused_with_the_rule(world: Airspace) -> None:
    a, inside = Endpoint("A", "A", -6, 1, "point"), Endpoint("X", "X", 0, 2, "point")
    with pytest.raises(AirspaceBlocked) as refused:
        world.route(a, inside, "HH", TODAY)
    [why] = refused.value.why
    assert why.code == "airspace.closed" and why.params["state"] == "CC"
    assert "Closedland" in why and refused.value.status == 422


def _dense(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    from relos.planning.airways import densify

    return densify(points)


def test_the_derived_airspace_survives_the_cache(world: Airspace) -> None:
    import pickle

    a, b = Endpoint("A", "A", -6, 1, "point"), Endpoint("B", "B", 11, 1, "point")
    first = world.route(a, b, "HH", TODAY)
    area = world.closed_area(frozenset({"CC"}))
    assert area is not None
    states, areas = pickle.loads(pickle.dumps((world.borders, dict(world._areas))))
    again = Airspace(world.law, states)
    again._areas.update(areas)
    assert again.route(a, b, "HH", TODAY).points == first.points
    assert set(states.near(shapely.box(-3, 0, 3, 1))) == {"CC"}


def test_a_route_across_the_antimeridian_is_drawn_without_a_stripe(world: Airspace) -> None:
    a, b = Endpoint("A", "A", 170, 40, "point"), Endpoint("B", "B", -170, 40, "point")
    found = world.route(a, b, "HH", TODAY)
    assert found.direct and 900 < found.distance_nm < 920  # 20 degrees of longitude at 40 N
    lons = [lon for lon, _ in found.coordinates]
    assert all(abs(q - p) < 10 for p, q in itertools.pairwise(lons))
    assert lons[-1] == 190  # continued east of 180, as the map draws it
