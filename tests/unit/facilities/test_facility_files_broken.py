"""A bad facility file fails with one line naming the file, the entry, the field and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from relos.facilities.domain import Facility, load_facilities
from relos.kit.errors import ReferenceDataError

PORT = """
[[facility]]
id = "RUVVO"
kind = "port"
country = "RU"
capacity = { berths = 2, max_draught_m = 10.0 }
fuel_grades = ["F-76"]
designated_by = ["in-ru-relos"]
"""

RANGE = """
[[facility]]
id = "IN-TEST-RANGE"
kind = "training_range"
name = "Test range"
country = "IN"
source = "outline: test"
geometry = { type = "Polygon", coordinates = [[[70, 20], [71, 20], [71, 21], [70, 21], [70, 20]]] }
"""


def _load(tmp_path: Path, text: str, name: str = "sites.toml") -> list[Facility]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return list(load_facilities(tmp_path))


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ReferenceDataError) as caught:
        _load(tmp_path, text)
    message = caught.value.detail
    assert "\n" not in message and message.startswith("sites.toml")
    return message


def test_the_good_entries_load(tmp_path: Path) -> None:
    sites = _load(tmp_path, PORT + RANGE)
    assert [s.id for s in sites] == ["RUVVO", "IN-TEST-RANGE"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('country = "RU"', 'country = "XQ"', "facility RUVVO: field country: 'XQ' is not an ISO"),
        ('kind = "port"', 'kind = "harbour"', "facility RUVVO: field kind: 'harbour' is not one"),
        ('["F-76"]', '["F-99"]', "field fuel_grades: unknown NATO fuel grade 'F-99'"),
        ('["in-ru-relos"]', '["in-cn-xyz"]', "field designated_by: unknown agreement id"),
        ("berths = 2,", "berths = -1,", "field capacity.berths: Input should be greater"),
        ("berths = 2,", "", "field capacity.berths: required for a port"),
        ('id = "RUVVO"', 'id = "RUXXX"', "field id: no port RUXXX in the searoute ports"),
        ('id = "RUVVO"', 'id = "INBOM"', "field id: INBOM is ambiguous"),
        ('country = "RU"', 'country = "IN"', "field country: searoute ports lists RUVVO in RU"),
        ('kind = "port"', 'kind = "port"\nsource = "me"', "field source: set from the package"),
        ('kind = "port"', 'kind = "port"\nberth = 3', "field berth: Extra inputs"),
    ],
)
def test_a_broken_port_names_its_field(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert expected in _error(tmp_path, PORT.replace(old, new, 1))


def test_explicit_coordinates_out_of_range(tmp_path: Path) -> None:
    text = PORT.replace(
        'id = "RUVVO"', 'id = "RU-TEST"\nname = "T"\nlon = 190\nlat = 43\nsource = "x"'
    )
    assert "facility RU-TEST: field lon: Input should be less than or equal to 180" in _error(
        tmp_path, text
    )
    text = PORT.replace(
        'id = "RUVVO"', 'id = "RU-TEST"\nname = "T"\nlon = 19\nlat = -91\nsource = "x"'
    )
    assert "field lat: Input should be greater than or equal to -90" in _error(tmp_path, text)


def test_explicit_coordinates_need_a_source_and_a_local_id(tmp_path: Path) -> None:
    no_source = PORT.replace('id = "RUVVO"', 'id = "RU-TEST"\nname = "T"\nlon = 30\nlat = 60')
    assert "field source: explicit coordinates need a source note" in _error(tmp_path, no_source)
    coded = PORT.replace('kind = "port"', 'kind = "port"\nlon = 30\nlat = 60\nsource = "x"')
    assert "facility RUVVO: field id: explicit sites use a CC-NAME id" in _error(tmp_path, coded)
    foreign = PORT.replace(
        'id = "RUVVO"', 'id = "IN-TEST"\nname = "T"\nlon = 30\nlat = 60\nsource = "x"'
    )
    assert "field id: a CC-NAME id starts with its country code" in _error(tmp_path, foreign)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("geometry = {", "shape = {", "field geometry: training ranges and airspace need"),
        ("[70, 21], [70, 20]]", "[70, 21], [70.5, 20]]", "field geometry: ring 0 is not closed"),
        (
            "[[[70, 20], [71, 20], [71, 21], [70, 21]",
            "[[[70, 20], [70, 21], [71, 21], [71, 20]",
            "field geometry: the exterior ring must be counterclockwise",
        ),
        ("[71, 21]", "[71, 95]", "field geometry: ring 0: position [71, 95] is out of range"),
        ('type = "Polygon"', 'type = "Point"', "field geometry: must be a GeoJSON Polygon"),
        ('kind = "training_range"', 'kind = "range"', "field kind: 'range' is not one of"),
    ],
)
def test_a_broken_area_names_its_field(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = RANGE.replace(old, new, 1)
    assert text != RANGE
    assert f"facility IN-TEST-RANGE: {expected}" in _error(tmp_path, text)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(PORT, encoding="utf-8")
    (tmp_path / "b.toml").write_text(PORT, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"^b\.toml: facility RUVVO: field id: duplicate"):
        load_facilities(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            PORT + "third_country = true\nclearance_lead_days = 30",
            "field designated_by: no agreement",
        ),
        (
            PORT.replace('["in-ru-relos"]', "[]") + "third_country = true",
            "field clearance_lead_days: required",
        ),
        (PORT + "clearance_lead_days = 30", "field clearance_lead_days: third_country only"),
        (PORT + 'seasons = [{ opens = "02-30", closes = "11-15" }]', "'02-30' is not a month-day"),
        (PORT + 'illustrative = ["capacity.berth"]', "unknown field name 'capacity.berth'"),
        (PORT + 'services = ["massage"]', "field services: unknown service 'massage'"),
        (PORT + 'operated_by = ["ZZZ"]', "field operated_by: unknown country code 'ZZZ'"),
        (PORT + 'fuel_grades = ["F-76"]', "not valid TOML"),
    ],
)
def test_cross_field_rules(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in _error(tmp_path, text + "\n")


def test_defaults_apply_and_entries_override(tmp_path: Path) -> None:
    text = '[defaults]\ncountry = "XX"\n' + PORT.replace('country = "RU"\n', "")
    assert "field country: 'XX' is not an ISO" in _error(tmp_path, text)
    fixed = '[defaults]\ncountry = "IN"\ncommand = "Test Fleet"\n' + PORT
    (site,) = _load(tmp_path, fixed)
    assert site.country == "RU" and site.command == "Test Fleet"


def test_not_toml_unknown_sections_and_empty_folders(tmp_path: Path) -> None:
    assert "not valid TOML" in _error(tmp_path, "[[facility]\nid = 1")
    assert "unknown top-level keys ['facilities']" in _error(tmp_path, "[[facilities]]\nid = 'x'")
    with pytest.raises(ReferenceDataError, match="no facility files"):
        load_facilities(tmp_path / "missing")
