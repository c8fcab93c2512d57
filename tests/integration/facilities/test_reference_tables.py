"""Facilities and platforms in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from relos.access.domain import SYSTEM
from relos.facilities import repository as facility_rows
from relos.facilities import service as facilities
from relos.facilities.domain import load_facilities, shipped_facilities_dir
from relos.facilities.models import FacilityRow
from relos.kit.db import Database
from relos.kit.errors import InvalidInput, NotFound
from relos.kit.timeutil import utcnow
from relos.platforms import service as platforms
from relos.platforms.domain import load_platforms, shipped_platforms_path
from relos.platforms.models import PlatformRow


def test_upgrade_loaded_every_shipped_record(database: Database) -> None:
    shipped = load_facilities(shipped_facilities_dir())
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(FacilityRow)) == len(shipped)
        assert session.scalar(select(func.count()).select_from(PlatformRow)) == len(
            load_platforms(shipped_platforms_path())
        )
        # The stored record rebuilds into exactly the record the files give.
        assert facilities.all_facilities(session) == sorted(
            shipped, key=lambda f: (f.country, f.kind, f.id)
        )


def test_refresh_is_idempotent_repairs_drift_and_drops_withdrawn(database: Database) -> None:
    with database.transaction() as session:
        assert facilities.refresh_reference(session) == 0
        assert platforms.refresh_reference(session) == 0
        row = facility_rows.get(session, "RUVVO")
        assert row is not None
        row.definition = {**row.definition, "name": "Tampered"}
        row.name = "Tampered"
        session.add(
            FacilityRow(
                id="XX-WITHDRAWN",
                name="Old",
                kind="port",
                country="RU",
                lon=0.0,
                lat=0.0,
                definition={},
                loaded_at=utcnow(),
            )
        )
    with database.transaction() as session:
        assert facilities.refresh_reference(session) == 2
    with database.transaction(write=False) as session:
        assert facility_rows.get(session, "XX-WITHDRAWN") is None
        restored = facility_rows.get(session, "RUVVO")
        assert restored is not None and restored.name == "Vladivostok"


@pytest.mark.parametrize(
    ("country", "kind", "expected"),
    [
        ("RU", "port", "RUVVO"),
        ("in", "airfield", "VAPO"),
        (None, "airspace", "RU-BARENTS-EXERCISE"),
    ],
)
def test_list_filters_in_the_query(
    database: Database, country: str | None, kind: str | None, expected: str
) -> None:
    with database.transaction(write=False) as session:
        items = facilities.list_facilities(session, SYSTEM, country, kind)
    assert expected in {item.id for item in items}
    assert all(item.kind == kind for item in items)
    if country:
        assert {item.country for item in items} == {country.upper()}


def test_bad_filters_and_unknown_ids(database: Database) -> None:
    with database.transaction(write=False) as session:
        with pytest.raises(InvalidInput, match="country: 'XQ'"):
            facilities.list_facilities(session, SYSTEM, "XQ", None)
        with pytest.raises(InvalidInput, match="kind: 'harbour'"):
            facilities.list_facilities(session, SYSTEM, None, "harbour")
        with pytest.raises(NotFound, match="no facility 'NOPE1'"):
            facilities.get_facility(session, SYSTEM, "NOPE1")
        with pytest.raises(NotFound, match="no platform 'nope'"):
            platforms.get_platform(session, SYSTEM, "nope")
        with pytest.raises(InvalidInput, match="kind: 'submarine'"):
            platforms.list_platforms(session, SYSTEM, None, "submarine")


def test_geojson_from_the_database(database: Database) -> None:
    with database.transaction(write=False) as session:
        collection = facilities.feature_collection(session, SYSTEM, "TJ", None)
        feature = facilities.get_feature(session, SYSTEM, "TJ-LYAUR")
    assert collection["type"] == "FeatureCollection"
    assert {f["id"] for f in collection["features"]} >= {"TJ-AYNI", "UTDD", "TJ-LYAUR"}
    assert feature["geometry"]["type"] == "Polygon"


def test_platforms_round_trip_with_headline_figures(database: Database) -> None:
    with database.transaction(write=False) as session:
        talwar = platforms.platform_by_id(session, "talwar")
        indian_ships = platforms.list_platforms(session, SYSTEM, "IN", "warship")
    assert talwar == {p.id: p for p in load_platforms(shipped_platforms_path())}["talwar"]
    described = {item.id: item for item in indian_ships}
    assert (described["talwar"].range_nm, described["talwar"].speed_kn) == (4850, 14)
    assert {item.party for item in indian_ships} == {"IN"}
