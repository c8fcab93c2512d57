"""The refuel search on small hand-made problems: range, objectives, fill-or-not, seasons."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relos.planning.craft import Craft
from relos.planning.refuel import DESTINATION, Problem, Stop, plan

DEPART = datetime(2026, 7, 1, tzinfo=UTC)
# 1 nm of range burns 0.1 t: speed 10 kn, burn 1 t/h; 100 t of fuel, no reserve: 1,000 nm
CRAFT = Craft("test", "warship", "IN", 10.0, 100.0, 1.0, ("F-76",))


def stop(name: str, price: float = 1.0, seasons: tuple[tuple[str, str], ...] = ()) -> Stop:
    return Stop(name, name, 0.0, 0.0, price, "illustrative", "own", seasons=seasons)


def line_problem(positions: list[float], prices: list[float], reserve: float = 0.0) -> Problem:
    """Stops on a line: node 0 at positions[0], node 1 (destination) at positions[1]."""
    stops = [stop(f"n{i}", p) for i, p in enumerate(prices)]

    def nm(i: int, j: int, at: datetime) -> float:
        return abs(positions[i] - positions[j])

    def neighbours(u: int) -> list[int]:
        return [v for v in range(len(stops)) if v not in (u, 0)]

    return Problem(CRAFT, stops, nm, DEPART, reserve, 24.0, neighbours)


def test_a_leg_within_range_needs_no_stop() -> None:
    voyage = plan(line_problem([0, 900], [1, 1]), "distance")
    assert voyage is not None and voyage.stops == []


def test_no_chain_within_range_is_infeasible() -> None:
    assert plan(line_problem([0, 2500, 1200], [1, 1, 1]), "distance") is None


def test_the_reserve_shortens_every_leg() -> None:
    assert plan(line_problem([0, 900], [1, 1]), "distance") is not None
    assert plan(line_problem([0, 900], [1, 1], reserve=0.15), "distance") is None


def test_every_leg_stays_within_range() -> None:
    positions = [0, 4000, 700, 1500, 2300, 3100, 3600]
    voyage = plan(line_problem(positions, [1.0] * 7, reserve=0.1), "distance")
    assert voyage is not None
    assert all(leg.distance_nm <= CRAFT.range_nm(0.1) for leg in voyage.legs)
    assert voyage.legs[-1].end == DESTINATION


def test_fewest_stops_skips_stops_that_are_not_needed() -> None:
    positions = [0, 1800, 400, 900, 1000, 1400]
    by_stops = plan(line_problem(positions, [1.0] * 6), "stops")
    assert by_stops is not None and len(by_stops.stops) == 1


def test_time_counts_the_hours_alongside() -> None:
    # a detour of 100 nm (10 h) beats two extra stops (48 h) on time, not on distance
    positions = [0, 2000, 1000, 1000]
    voyage = plan(line_problem(positions, [1.0] * 4), "time")
    assert voyage is not None and len(voyage.stops) == 1


def test_a_stop_out_of_season_is_not_used() -> None:
    problem = line_problem([0, 1800, 900], [1, 1, 1])
    frozen = stop("ice", 1.0, (("12-01", "03-31"),))  # July is outside its season
    problem.stops[2] = frozen
    assert plan(problem, "distance") is None


def test_cost_buys_just_enough_before_a_cheaper_stop() -> None:
    # origin dear (10), stop at 500 cheap (1): buy 500 nm at the origin, the rest cheap
    voyage = plan(line_problem([0, 1400, 500], [10.0, 5.0, 1.0]), "cost")
    assert voyage is not None
    assert voyage.bought_t[0] == pytest.approx(50.0)  # 500 nm at 0.1 t/nm
    assert voyage.bought_t[2] == pytest.approx(90.0)
    assert voyage.cost == pytest.approx(50 * 10 + 90 * 1)


def test_cost_fills_up_before_a_dearer_stop() -> None:
    # origin cheap (1), stop dear (10): fill up at the origin, buy only the gap at the stop
    voyage = plan(line_problem([0, 1500, 700], [1.0, 5.0, 10.0]), "cost")
    assert voyage is not None
    assert voyage.bought_t[0] == pytest.approx(100.0)
    assert voyage.bought_t[2] == pytest.approx(50.0)


def fixed_route_cost(route: list[int], pos: list[float], price: list[float]) -> float | None:
    """Textbook greedy for a fixed order of stations (optimal on a line), in nm of range."""
    full = 1000.0
    gas, cost = 0.0, 0.0
    for k, u in enumerate(route[:-1]):
        legs = [abs(pos[route[i]] - pos[route[i + 1]]) for i in range(len(route) - 1)]
        if legs[k] > full:
            return None
        ahead, need = None, 0.0
        for i in range(k + 1, len(route)):
            need += legs[i - 1]
            if need > full:
                break
            if route[i] == DESTINATION or price[route[i]] <= price[u]:
                ahead = need
                break
        buy = max(0.0, ahead - gas) if ahead is not None else full - gas
        cost += buy * price[u]
        gas += buy - legs[k]
    return cost


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 3000), min_size=5, max_size=5),
    st.lists(st.integers(1, 9), min_size=5, max_size=5),
)
def test_fill_or_not_matches_brute_force(positions: list[int], prices: list[int]) -> None:
    pos = [0.0, 3000.0, *map(float, positions[:3])]
    price = list(map(float, prices))
    best = None
    middles = [2, 3, 4]
    for r in range(len(middles) + 1):
        for order in itertools.permutations(middles, r):
            c = fixed_route_cost([0, *order, DESTINATION], pos, price)
            if c is not None and (best is None or c < best):
                best = c
    voyage = plan(line_problem(pos, price), "cost")
    if best is None:
        assert voyage is None
        return
    assert voyage is not None
    assert voyage.cost / 0.1 == pytest.approx(best, abs=1e-6 * best + 0.5)
