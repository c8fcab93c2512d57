"""GeoJSON export (RFC 7946), centroids and open seasons."""

from __future__ import annotations

import json
from datetime import date

import pytest

from relos.facilities.domain import Season, load_facilities, shipped_facilities_dir
from relos.facilities.geojson import facilities_geojson
from relos.facilities.geometry import centroid, polygon_rings


def test_feature_collection_follows_rfc_7946() -> None:
    facilities = load_facilities(shipped_facilities_dir())
    collection = json.loads(json.dumps(facilities_geojson(facilities)))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    assert len(collection["features"]) == len(facilities)
    for feature, site in zip(collection["features"], facilities, strict=True):
        assert feature["type"] == "Feature" and feature["id"] == site.id
        assert feature["properties"]["kind"] == site.kind
        assert "geometry" not in feature["properties"]
        if site.geometry is None:
            assert feature["geometry"] == {"type": "Point", "coordinates": [site.lon, site.lat]}
        else:
            assert feature["geometry"]["type"] == "Polygon"


def test_centroid_of_a_square_and_a_triangle() -> None:
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
    assert centroid(square) == (1.0, 1.0)
    triangle = [(0.0, 0.0), (3.0, 0.0), (0.0, 3.0), (0.0, 0.0)]
    assert centroid(triangle) == (1.0, 1.0)


def test_polygon_with_a_hole_keeps_both_rings() -> None:
    outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]
    rings = polygon_rings({"type": "Polygon", "coordinates": [outer, hole]})
    assert len(rings) == 2


@pytest.mark.parametrize(
    "bad", [None, {"type": "Polygon"}, {"type": "Polygon", "coordinates": [[[0, 0]]]}]
)
def test_malformed_polygons_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match=r"Polygon|ring"):
        polygon_rings(bad)


@pytest.mark.parametrize(
    ("opens", "closes", "day", "is_open"),
    [
        ("07-01", "11-15", date(2026, 7, 1), True),
        ("07-01", "11-15", date(2026, 11, 15), True),
        ("07-01", "11-15", date(2026, 11, 16), False),
        ("07-01", "11-15", date(2026, 6, 30), False),
        ("11-01", "03-31", date(2026, 1, 10), True),  # wraps the new year
        ("11-01", "03-31", date(2026, 7, 10), False),
    ],
)
def test_season_bounds_are_inclusive_and_may_wrap(
    opens: str, closes: str, day: date, is_open: bool
) -> None:
    assert Season(opens=opens, closes=closes).contains(day) is is_open
