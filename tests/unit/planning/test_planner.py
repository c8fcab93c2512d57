"""Route plans and reach on the shipped facilities: the RELOS claims turned into numbers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from relos.planning.access import Pact
from relos.planning.craft import Craft, aircraft
from relos.planning.planner import Mission, Planner
from relos.planning.reach import reach
from relos.planning.waypoints import resolve

SUMMER = datetime(2026, 7, 15, tzinfo=UTC)
WINTER = datetime(2026, 1, 15, tzinfo=UTC)


def mission(
    planner: Planner, craft: Craft, a: str, b: str, when: datetime, pacts: tuple[Pact, ...]
) -> Mission:
    sites = {s: site.endpoint for s, site in planner.sites.items()}
    return Mission(craft, resolve(a, sites), resolve(b, sites), when, pacts, "distance", 0.15)


def test_talwar_reaches_murmansk_only_with_relos_in_summer(
    planner: Planner, talwar: Craft, relos: tuple[Pact, ...]
) -> None:
    plan, baseline, difference = planner.compare(
        mission(planner, talwar, "INBOM", "RUMMK", SUMMER, relos)
    )
    assert plan.feasible and not baseline.feasible
    assert difference["enabled_by_agreements"] is True
    assert baseline.reason is not None and "4,122 nm" in baseline.reason
    assert plan.legs[-1].end.id == "RUMMK"
    assert all(leg.distance_nm <= plan.range_nm for leg in plan.legs)
    for call in plan.stops:
        assert call.stop.access in ("own", "agreement in-ru-relos")


def test_the_summer_plan_gives_every_notice_it_needs(
    planner: Planner, talwar: Craft, relos: tuple[Pact, ...]
) -> None:
    plan = planner.route(mission(planner, talwar, "INBOM", "RUMMK", SUMMER, relos))
    notices = {n.facility: n for n in plan.notices}
    assert notices["RUMMK"].days == 14  # RELOS ship visit, from the agreement's data
    assert notices["northern_sea_route"].days == 90
    for call in plan.stops:
        if call.stop.access.startswith("agreement"):
            assert notices[call.stop.id].days == 14
    assert all(n.file_by < n.visit for n in plan.notices)


def test_in_winter_the_arctic_stops_are_shut_and_the_trip_fails(
    planner: Planner, talwar: Craft, relos: tuple[Pact, ...]
) -> None:
    plan = planner.route(mission(planner, talwar, "INBOM", "RUMMK", WINTER, relos))
    assert not plan.feasible
    assert plan.reason is not None and plan.distance_nm is None


def test_stops_are_only_own_bases_and_partner_bases(
    planner: Planner, talwar: Craft, relos: tuple[Pact, ...]
) -> None:
    plan = planner.route(mission(planner, talwar, "INVTZ", "RUVVO", SUMMER, relos))
    assert plan.feasible
    for call in plan.stops:
        assert call.stop.access in ("own", "agreement in-ru-relos")
        assert planner.sites[call.stop.id].country in ("IN", "RU")


def test_a_cheaper_objective_never_costs_more(
    planner: Planner, talwar: Craft, relos: tuple[Pact, ...]
) -> None:
    base = mission(planner, talwar, "INBOM", "RUVVO", SUMMER, relos)
    by_distance = planner.route(base)
    by_cost = planner.route(replace(base, objective="cost"))
    by_stops = planner.route(replace(base, objective="stops"))
    assert by_cost.cost is not None and by_distance.cost is not None
    assert by_cost.cost <= by_distance.cost + 1e-6
    assert len(by_stops.stops) <= len(by_distance.stops)
    assert by_distance.distance_nm is not None and by_stops.distance_nm is not None
    assert by_distance.distance_nm <= by_stops.distance_nm + 1e-6


def test_an_aircraft_flies_great_circle_legs_within_ferry_range(
    planner: Planner, relos: tuple[Pact, ...]
) -> None:
    p8 = aircraft("p8i", "IN", 7500 / 1.852, 440, 34)
    plan = planner.route(mission(planner, p8, "VOGO", "UHWW", SUMMER, relos))
    assert plan.feasible
    assert all(leg.distance_nm <= plan.range_nm for leg in plan.legs)
    assert plan.legs[-1].end.id == "UHWW"
    assert all(planner.sites[c.stop.id].kind == "airfield" for c in plan.stops)
    assert plan.days is not None and plan.days < 2


def test_reach_grows_with_the_agreement(
    planner: Planner, talwar: Craft, relos: tuple[Pact, ...]
) -> None:
    with_relos = replace(
        mission(planner, talwar, "INBOM", "RUMMK", SUMMER, relos), destination=None
    )
    alone = replace(with_relos, pacts=())
    reached = {r.site.id: r for r in reach(planner, with_relos)}
    baseline = {r.site.id: r for r in reach(planner, alone)}
    assert set(baseline) < set(reached)
    assert "RUMMK" in reached and "RUMMK" not in baseline
    assert reached["RUMMK"].stops >= 2
    for found in reached.values():
        assert found.days > 0 and found.distance_nm > 0


PORT_IDS = ["INBOM", "INIXZ", "INVTZ", "RUVVO", "RUMMK", "RUPKC", "RU-BALTIYSK", "AUSYD", "JPYOS"]


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(PORT_IDS),
    st.sampled_from(PORT_IDS),
    st.integers(1, 12),
    st.sampled_from(["distance", "time", "cost", "stops"]),
    st.sampled_from([0.0, 0.15, 0.3]),
)
def test_every_plan_keeps_its_legs_in_range_and_its_stops_open(
    planner: Planner,
    talwar: Craft,
    relos: tuple[Pact, ...],
    origin: str,
    destination: str,
    month: int,
    objective: str,
    reserve: float,
) -> None:
    when = datetime(2026, month, 10, tzinfo=UTC)
    base = mission(planner, talwar, origin, destination, when, relos)
    plan = planner.route(replace(base, objective=objective, reserve=reserve))
    if not plan.feasible:
        assert plan.reason
        return
    assert plan.legs[0].start.id == origin and plan.legs[-1].end.id == destination
    for before, after in zip(plan.legs, plan.legs[1:], strict=False):
        assert before.end.id == after.start.id and before.arrive <= after.depart
    for leg in plan.legs:
        assert leg.distance_nm <= talwar.range_nm(reserve) + 1e-6
    for call in plan.stops:
        assert call.stop.access in ("own", "agreement in-ru-relos")
        assert call.stop.open_on(call.arrive.date())
