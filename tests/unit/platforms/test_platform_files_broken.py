"""A bad platforms file fails with one line naming the file, the entry, the field and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from relos.kit.errors import ReferenceDataError
from relos.platforms.domain import load_platforms

SHIP = """
[[platform]]
id = "test_frigate"
name = "Test frigate"
kind = "warship"
party = "IN"
range_points = [{ range_nm = 4850, speed_kn = 14 }, { range_nm = 1600, speed_kn = 30 }]
max_speed_kn = 30
fuel_capacity_t = 500
displacement_t = 4000
length_m = 125
beam_m = 15
draught_m = 4.2
crew = 180
source = "test"
"""

PLANE = """
[[platform]]
id = "test_plane"
name = "Test plane"
kind = "aircraft"
party = "RU"
ferry_range_km = 7000
cruise_speed_kn = 430
source = "test"
"""


def _error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "platforms.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError) as caught:
        load_platforms(path)
    assert "\n" not in caught.value.detail
    return caught.value.detail


def test_good_entries_load(tmp_path: Path) -> None:
    path = tmp_path / "platforms.toml"
    path.write_text(SHIP + PLANE, encoding="utf-8")
    assert [p.id for p in load_platforms(path)] == ["test_frigate", "test_plane"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('kind = "warship"', 'kind = "submarine"', "field kind: Input should be"),
        ('party = "IN"', 'party = "IND"', "field party: 'IND' is not an ISO"),
        ("draught_m = 4.2\n", "", "field draught_m: required for a warship"),
        (
            "{ range_nm = 1600, speed_kn = 30 }",
            "{ range_nm = 1600, speed_kn = 14 }",
            "field range_points: two points need different speeds",
        ),
        (
            "{ range_nm = 1600, speed_kn = 30 }",
            "{ range_nm = 5600, speed_kn = 30 }",
            "field range_points: range must fall as speed rises",
        ),
        (
            "{ range_nm = 1600, speed_kn = 30 }",
            "{ range_nm = 800, speed_kn = 30 }",
            "field range_points: the points give a negative base burn",
        ),
        ("max_speed_kn = 30", "max_speed_kn = 25", "a speed is above max_speed_kn 25"),
        ("range_nm = 4850,", "range_nm = -1,", "field range_points.0.range_nm: Input should be"),
        ("crew = 180", "crew = 180\nilllustrative = []", "field illlustrative: Extra inputs"),
        ("crew = 180", 'crew = 180\nillustrative = ["fuel"]', "unknown field name 'fuel'"),
    ],
)
def test_a_broken_ship(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = SHIP.replace(old, new, 1)
    assert text != SHIP
    message = _error(tmp_path, text)
    assert message.startswith("platforms.toml: platform test_frigate: field ")
    assert expected in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("ferry_range_km = 7000\n", "", "field ferry_range_km: required for a aircraft"),
        (
            'source = "test"',
            'source = "test"\ndraught_m = 3',
            "field draught_m: not for a aircraft",
        ),
    ],
)
def test_a_broken_aircraft(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert expected in _error(tmp_path, PLANE.replace(old, new, 1))


def test_duplicates_bad_toml_and_missing_files(tmp_path: Path) -> None:
    assert "platform test_plane: field id: duplicate" in _error(tmp_path, PLANE + PLANE)
    assert "not valid TOML" in _error(tmp_path, "[[platform]\n")
    assert "no [[platform]] entries" in _error(tmp_path, "")
    with pytest.raises(ReferenceDataError, match="cannot read"):
        load_platforms(tmp_path / "absent.toml")
