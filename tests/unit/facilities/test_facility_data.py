"""The shipped facility files: enough sites, the right places, every command covered."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from relos.facilities.domain import Facility, load_facilities, shipped_facilities_dir
from relos.facilities.vocabulary import AGREEMENT_IDS


@pytest.fixture(scope="module")
def facilities() -> list[Facility]:
    return load_facilities(shipped_facilities_dir())


@pytest.fixture(scope="module")
def by_id(facilities: list[Facility]) -> dict[str, Facility]:
    return {f.id: f for f in facilities}


def test_at_least_ninety_sites_of_every_kind(facilities: list[Facility]) -> None:
    kinds = Counter(f.kind for f in facilities)
    assert len(facilities) >= 90
    assert kinds["port"] >= 40 and kinds["airfield"] >= 40
    assert kinds["training_range"] >= 3 and kinds["airspace"] >= 3


@pytest.mark.parametrize(
    ("code", "country", "kind", "lon", "lat"),
    [
        ("RUVVO", "RU", "port", 131.9, 43.1),
        ("UHWW", "RU", "airfield", 132.1, 43.4),
        ("INBOM", "IN", "port", 72.8, 18.9),
        ("RUMMK", "RU", "port", 33.1, 69.0),
        ("VOPB", "IN", "airfield", 92.7, 11.6),
        ("GUAPR", "US", "port", 144.7, 13.4),
    ],
)
def test_named_sites_sit_where_they_are(
    by_id: dict[str, Facility], code: str, country: str, kind: str, lon: float, lat: float
) -> None:
    site = by_id[code]
    assert (site.country, site.kind) == (country, kind)
    assert site.lon == pytest.approx(lon, abs=0.3)
    assert site.lat == pytest.approx(lat, abs=0.3)


@pytest.mark.parametrize(
    "command",
    [
        "Pacific Fleet",
        "Northern Fleet",
        "Baltic Fleet",
        "Black Sea Fleet",
        "Western Naval Command",
        "Eastern Naval Command",
        "Southern Naval Command",
        "Andaman and Nicobar Command",
    ],
)
def test_every_fleet_and_naval_command_has_a_port(facilities: list[Facility], command: str) -> None:
    ports = [f for f in facilities if f.kind == "port" and (f.command or "").startswith(command)]
    assert ports, f"no port for {command}"


@pytest.mark.parametrize(
    "command",
    [
        "Western Air Command",
        "South Western Air Command",
        "Central Air Command",
        "Eastern Air Command",
        "Southern Air Command",
    ],
)
def test_every_indian_air_command_has_bases(facilities: list[Facility], command: str) -> None:
    assert sum(f.command == command for f in facilities) >= 2


def test_northern_sea_route_ports_open_only_in_season(by_id: dict[str, Facility]) -> None:
    for code in ("RUDUD", "RUDKS", "RUIKS", "RUPWE", "RU-PROVIDENIYA", "RU-SABETTA"):
        port = by_id[code]
        assert port.is_open_on(date(2026, 8, 15)), code
        assert not port.is_open_on(date(2026, 2, 1)), code
        assert "seasons" in port.illustrative
    assert by_id["RUMMK"].is_open_on(date(2026, 2, 1))  # ice-free Kola Bay


def test_tajik_sites_are_third_country_with_a_lead_time(facilities: list[Facility]) -> None:
    tajik = [f for f in facilities if f.country == "TJ"]
    assert {"TJ-AYNI", "TJ-FARKHOR", "UTDD"} <= {f.id for f in tajik}
    for site in tajik:
        assert site.third_country and not site.designated_by
        assert site.clearance_lead_days is not None and site.clearance_lead_days > 0
    assert not [f for f in facilities if f.third_country and f.country != "TJ"]


def test_every_pact_designates_facilities_of_both_its_parties(
    facilities: list[Facility],
) -> None:
    partner = {
        "in-ru-relos": "RU",
        "in-us-lemoa": "US",
        "in-fr-rls": "FR",
        "in-au-mlsa": "AU",
        "in-jp-acsa": "JP",
    }
    for agreement, party in partner.items():
        sites = [f for f in facilities if agreement in f.designated_by]
        assert any(f.country == "IN" for f in sites), agreement
        assert any(party in f.operators for f in sites), agreement


def test_agreement_ids_match_the_shipped_agreement_files() -> None:
    folder = Path(shipped_facilities_dir()).parent / "agreements"
    assert {path.stem for path in folder.glob("*.toml")} == set(AGREEMENT_IDS)


def test_provenance_is_a_package_or_an_explicit_note(facilities: list[Facility]) -> None:
    for site in facilities:
        if site.geometry is not None:
            assert site.source.startswith("outline:") and "geometry" in site.illustrative
        elif site.package_name is not None:
            assert site.source in ("searoute ports", "airportsdata"), site.id
        else:
            assert site.source.startswith("explicit:"), site.id
            assert {"lon", "lat"} <= set(site.illustrative), site.id
            assert site.id[2] == "-", "explicit sites never borrow an official-looking code"


def test_military_capacity_is_marked_illustrative(facilities: list[Facility]) -> None:
    for site in facilities:
        if site.kind in ("port", "airfield"):
            assert "capacity" in site.illustrative, site.id


def test_dependent_territories_belong_to_their_state(by_id: dict[str, Facility]) -> None:
    assert (by_id["GUAPR"].country, by_id["GUAPR"].territory) == ("US", "GU")
    assert (by_id["RELPT"].country, by_id["RELPT"].territory) == ("FR", "RE")
    assert by_id["IO-DIEGO-GARCIA"].territory == "IO"
    assert by_id["IO-DIEGO-GARCIA"].operators == ("US", "GB")
    assert by_id["RUVVO"].operators == ("RU",)


def test_area_centroids_lie_inside_their_polygons(facilities: list[Facility]) -> None:
    for area in (f for f in facilities if f.geometry is not None):
        ring = area.geometry["coordinates"][0] if area.geometry else []
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert min(lons) < area.lon < max(lons) and min(lats) < area.lat < max(lats)
