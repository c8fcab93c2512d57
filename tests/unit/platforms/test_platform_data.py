"""The shipped platforms and the fuel-burn fit the planner relies on."""

from __future__ import annotations

from collections import Counter

import pytest

from relos.platforms.domain import (
    Platform,
    RangePoint,
    fuel_burn_coefficients,
    load_platforms,
    shipped_platforms_path,
)


@pytest.fixture(scope="module")
def platforms() -> dict[str, Platform]:
    return {p.id: p for p in load_platforms(shipped_platforms_path())}


def test_enough_ships_and_aircraft_of_several_parties(platforms: dict[str, Platform]) -> None:
    assert len(platforms) >= 16
    kinds = Counter(p.kind for p in platforms.values())
    assert kinds["warship"] >= 8 and kinds["aircraft"] >= 6
    assert {"IN", "RU", "US", "FR", "AU", "JP"} <= {p.party for p in platforms.values()}


def test_published_figures(platforms: dict[str, Platform]) -> None:
    talwar = platforms["talwar"]
    assert [(p.range_nm, p.speed_kn) for p in talwar.range_points] == [(4850, 14), (1600, 30)]
    assert (talwar.range_nm, talwar.speed_kn) == (4850, 14)
    assert [(p.range_nm, p.speed_kn) for p in platforms["deepak"].range_points] == [(10000, 16)]
    assert platforms["p8i"].ferry_range_km == 7500
    assert platforms["p8i"].range_nm == pytest.approx(7500 / 1.852, abs=0.1)


def test_every_platform_has_a_source_and_warships_guess_fuel(
    platforms: dict[str, Platform],
) -> None:
    for platform in platforms.values():
        assert platform.source
        if platform.kind == "warship":
            assert platform.draught_m and platform.crew and platform.displacement_t
            assert "fuel_capacity_t" in platform.illustrative


def test_the_burn_fit_runs_the_tank_dry_at_both_published_points(
    platforms: dict[str, Platform],
) -> None:
    talwar = platforms["talwar"]
    fuel = talwar.fuel_capacity_t or 0
    a, b = fuel_burn_coefficients(talwar.range_points, fuel)
    assert a > 0 and b > 0
    for point in talwar.range_points:
        hours = point.range_nm / point.speed_kn
        assert (a + b * point.speed_kn**3) * hours == pytest.approx(fuel)


def test_burn_fit_is_symmetric_in_point_order() -> None:
    slow, fast = RangePoint(range_nm=6000, speed_kn=12), RangePoint(range_nm=3500, speed_kn=16)
    assert fuel_burn_coefficients((slow, fast), 500) == pytest.approx(
        fuel_burn_coefficients((fast, slow), 500)
    )
