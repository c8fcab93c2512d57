"""The basemap draws land where there is land and sea where there is sea: no stripe across
the world from countries that cross 180° (Chukotka at about 70°N, Fiji at about 17°S), and
the Barents Sea off Murmansk blue, not land-coloured. Pixels of the drawn map are read
back from a screenshot with the symbols and facility markers hidden."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from tests.browser.conftest import Session

pytestmark = pytest.mark.browser

LAND = (0xF4, 0xF1, 0xEA)  # fillColor of the land polygons (map.js)
SEA = (0xCF, 0xE3, 0xF3)  # the map's background (app.css)

# (latitude, longitude, what is there)
PLACES = [
    (70.2, 34.0, "sea"),  # the Barents Sea north of Murmansk
    (69.5, 38.0, "sea"),  # the Barents Sea east of the Kola Bay
    (67.5, 33.0, "land"),  # the Kola Peninsula, south of Murmansk
    (70.0, -5.0, "sea"),  # the Norwegian Sea, on Chukotka's latitude
    (70.0, -140.0, "sea"),  # the Beaufort Sea, on Chukotka's latitude
    (67.0, 175.0, "land"),  # Chukotka itself
    (-17.0, -20.0, "sea"),  # the South Atlantic, on Fiji's latitude
    (-17.0, 75.0, "sea"),  # the Indian Ocean, on Fiji's latitude
    (-17.0, -120.0, "sea"),  # the South Pacific, on Fiji's latitude
    (-17.0, 25.0, "land"),  # Zambia, on the same latitude
]


def _near(colour: tuple[int, ...], target: tuple[int, int, int]) -> bool:
    return sum(abs(a - b) for a, b in zip(colour[:3], target, strict=True)) < 24


def _colour_at(web: Session, lat: float, lon: float) -> tuple[int, ...]:
    point = web.page.evaluate(
        """([lat, lon]) => {
          const map = document.getElementById("map").relosMap;
          map.setView([lat, lon], 4, {animate: false});
          const p = map.latLngToContainerPoint([lat, lon]);
          return [Math.round(p.x), Math.round(p.y)];
        }""",
        [lat, lon],
    )
    web.page.wait_for_timeout(150)  # let the SVG renderer redraw for the new view
    shot = web.page.locator("#map").screenshot()
    pixel: tuple[int, ...] = Image.open(io.BytesIO(shot)).convert("RGB").getpixel(tuple(point))  # type: ignore[assignment]
    return pixel


def test_land_and_sea_are_where_they_are(web: Session) -> None:
    web.login("in-planner")
    expect(web.page.locator("#map")).to_have_attribute("data-ready", "1", timeout=15000)
    web.page.add_style_tag(
        content=".leaflet-marker-pane, .leaflet-tooltip-pane, .leaflet-control-container,"
        " #map path.leaflet-interactive { display: none !important; }"
    )
    wrong = []
    for lat, lon, what in PLACES:
        colour = _colour_at(web, lat, lon)
        expected = SEA if what == "sea" else LAND
        if not _near(colour, expected):
            wrong.append(f"{lat}, {lon} should be {what}: {colour}")
    _colour_at(web, 69.5, 36.0)
    web.shoot("basemap-barents")
    assert not wrong, wrong
    assert web.watch.clean(), web.watch
