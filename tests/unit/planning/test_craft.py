"""Fuel burn a + bV³ fitted to published range points; aircraft on ferry range."""

from __future__ import annotations

import pytest

from relos.kit.errors import InvalidInput
from relos.planning.craft import aircraft, fit_burn, ship


def test_the_fit_passes_through_both_published_points() -> None:
    curve = fit_burn([(4850, 14), (1600, 30)], 500)
    assert curve.fit == "two published points"
    assert curve.range_nm(500, 14) == pytest.approx(4850)
    assert curve.range_nm(500, 30) == pytest.approx(1600)
    assert curve.a > 0 and curve.b > 0


def test_range_falls_and_time_shrinks_as_speed_rises() -> None:
    slow = ship("talwar", "IN", [(4850, 14), (1600, 30)], 500, 14)
    fast = ship("talwar", "IN", [(4850, 14), (1600, 30)], 500, 22)
    assert fast.range_nm(0) < slow.range_nm(0)
    assert fast.hours_for(1000) < slow.hours_for(1000)


def test_one_point_fits_with_a_labelled_assumption() -> None:
    curve = fit_burn([(8000, 18)], 1000)
    assert "illustrative" in curve.fit
    assert curve.range_nm(1000, 18) == pytest.approx(8000)


def test_a_ship_without_a_range_point_cannot_be_planned() -> None:
    with pytest.raises(InvalidInput):
        fit_burn([], 500)


def test_the_reserve_is_kept_out_of_range() -> None:
    frigate = ship("talwar", "IN", [(4850, 14), (1600, 30)], 500, 14)
    assert frigate.range_nm(0.15) == pytest.approx(4850 * 0.85)


def test_an_aircraft_flies_its_ferry_range_on_a_full_tank() -> None:
    p8 = aircraft("p8i", "IN", 4050, 440, 34)
    assert p8.range_nm(0) == pytest.approx(4050)
    assert p8.fuel_for(4050) == pytest.approx(34)
