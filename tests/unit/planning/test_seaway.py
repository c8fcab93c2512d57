"""Sea routes on the searoute network: reference distances, seasons, passages, approach legs."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

import pytest

from relos.planning.errors import RouteBlocked
from relos.planning.geo import haversine_nm
from relos.planning.law import Vessel
from relos.planning.passages import load_passages
from relos.planning.seaway import Conditions, Seaway
from relos.planning.waypoints import Endpoint, resolve

AUGUST = datetime(2026, 8, 1, tzinfo=UTC)
JANUARY = datetime(2026, 1, 15, tzinfo=UTC)


def route(seaway: Seaway, a: str, b: str, when: Conditions) -> tuple[float, tuple[str, ...]]:
    found = seaway.route(resolve(a), resolve(b), when)
    return found.distance_nm, found.via


def test_murmansk_yokohama_via_suez_matches_the_reference(seaway: Seaway) -> None:
    distance, via = route(seaway, "RUMMK", "JPYOK", Conditions(JANUARY))
    assert "Suez" in via
    assert distance == pytest.approx(12_840, rel=0.03)


def test_murmansk_yokohama_via_the_northern_sea_route_matches_rosatom(seaway: Seaway) -> None:
    distance, via = route(seaway, "RUMMK", "JPYOK", Conditions(AUGUST))
    assert via == ("Northern Sea Route",)
    assert distance == pytest.approx(5_770, rel=0.07)


def test_the_season_closes_the_northern_sea_route_in_january(seaway: Seaway) -> None:
    summer, _ = route(seaway, "RUMMK", "JPYOK", Conditions(AUGUST))
    winter, via = route(seaway, "RUMMK", "JPYOK", Conditions(JANUARY))
    assert "Northern Sea Route" not in via
    assert winter > summer * 1.8


def test_a_voyage_that_would_leave_the_route_after_the_season_is_rerouted(
    seaway: Seaway,
) -> None:
    late = datetime(2026, 11, 10, tzinfo=UTC)  # ten days of ice route at 14 kn: past 15 Nov
    _, via = route(seaway, "RUMMK", "JPYOK", Conditions(late, speed_kn=14))
    assert "Northern Sea Route" not in via
    _, fast = route(seaway, "RUMMK", "JPYOK", Conditions(late, speed_kn=30))
    assert fast == ("Northern Sea Route",)


def test_a_per_year_season_override_is_honoured(seaway: Seaway) -> None:
    shipped = resources.files("relos.data").joinpath("planning/passages.toml").read_text()
    header = "[passages.northern_sea_route.seasons]"
    late_2026 = shipped.replace(header, header + '\n"2026" = ["08-15", "11-15"]')
    other = Seaway(seaway.net, load_passages(late_2026))
    _, via_2026 = route(other, "RUMMK", "JPYOK", Conditions(AUGUST))
    _, via_2027 = route(other, "RUMMK", "JPYOK", Conditions(AUGUST.replace(year=2027)))
    assert "Northern Sea Route" not in via_2026
    assert via_2027 == ("Northern Sea Route",)


def test_closing_suez_sends_mumbai_to_europe_round_the_cape(seaway: Seaway) -> None:
    open_nm, via = route(seaway, "INBOM", "NLRTM", Conditions(JANUARY))
    assert "Suez" in via
    closed = Conditions(JANUARY, closed=("Suez",))
    round_cape, via_cape = route(seaway, "INBOM", "NLRTM", closed)
    assert "Suez" not in via_cape and "Bab-el-Mandeb" not in via_cape
    assert round_cape > open_nm + 3_000


@pytest.mark.parametrize(
    ("passage", "one_side", "other_side", "kind"),
    [
        ("Suez", "GRPIR", "SAJED", "warship"),
        ("Bab-el-Mandeb", "DJJIB", "SAJED", "warship"),
        ("Hormuz", "AEJEA", "OMMCT", "warship"),
        ("Malacca", "SGSIN", "LKCMB", "warship"),
        ("Gibraltar", "PTLIS", "ESBCN", "warship"),
        ("Panama", "PECLL", "JMKIN", "warship"),
        ("Turkish Straits", "GRPIR", "RUNVS", "merchant"),
    ],
)
def test_closing_a_passage_cuts_every_path_through_it(
    seaway: Seaway, passage: str, one_side: str, other_side: str, kind: str
) -> None:
    """The boxes must cut the network: closed, the route detours far or is blocked."""
    open_nm, via = route(seaway, one_side, other_side, Conditions(JANUARY, kind=kind))
    assert passage in via
    closed = Conditions(JANUARY, kind, closed=(passage,))
    if passage in ("Turkish Straits", "Hormuz"):  # no way round into a closed sea
        with pytest.raises(RouteBlocked) as blocked:
            route(seaway, one_side, other_side, closed)
        assert any(passage in reason for reason in blocked.value.reasons)
        return
    detour, _ = route(seaway, one_side, other_side, closed)
    assert detour > open_nm + 500


def test_the_turkish_straits_are_open_to_geography_and_judged_by_flag(seaway: Seaway) -> None:
    """Without a vessel a sea distance is geography; with one, Montreux decides by flag."""
    mumbai, novorossiysk = resolve("INBOM"), resolve("RUNVS")
    assert "Turkish Straits" in seaway.route(mumbai, novorossiysk, Conditions(AUGUST)).via
    indian = Conditions(AUGUST, vessel=Vessel("warship", "IN", 4035, 4.2, 15.2))
    assert "Turkish Straits" in seaway.route(mumbai, novorossiysk, indian).via
    russian = Conditions(AUGUST, vessel=Vessel("warship", "RU", 4035, 4.2, 15.2))
    with pytest.raises(RouteBlocked) as blocked:
        seaway.route(novorossiysk, resolve("GRPIR"), russian)
    assert any("article 19" in r for r in blocked.value.reasons)


def test_a_port_inside_the_closed_northern_sea_route_is_blocked_with_the_season(
    seaway: Seaway,
) -> None:
    sabetta = Endpoint("sabetta", "Sabetta", 72.07, 71.27, "coordinates")
    with pytest.raises(RouteBlocked) as blocked:
        seaway.route(resolve("RUMMK"), sabetta, Conditions(JANUARY))
    assert any("Northern Sea Route" in r and "season" in r for r in blocked.value.reasons)
    summer = seaway.route(resolve("RUMMK"), sabetta, Conditions(AUGUST))
    assert summer.distance_nm > 0


def test_the_approach_legs_are_part_of_the_distance(seaway: Seaway) -> None:
    offshore = Endpoint("off", "offshore", 72.0, 17.5, "coordinates")  # off Mumbai, in the sea
    found = seaway.route(resolve("INBOM"), offshore, Conditions(AUGUST))
    attach_a, attach_b = found.approach_nm
    assert attach_a > 0 and attach_b > 0
    assert found.coordinates[0] == (resolve("INBOM").lon, resolve("INBOM").lat)
    assert found.coordinates[-1] == (72.0, 17.5)
    legs = zip(found.coordinates, found.coordinates[1:], strict=False)
    line = sum(haversine_nm(a[0], a[1], b[0], b[1]) for a, b in legs)
    assert found.distance_nm == pytest.approx(line, rel=1e-6)


def test_distance_is_symmetric_and_never_below_the_great_circle(seaway: Seaway) -> None:
    pairs = [("INBOM", "RUVVO"), ("RUMMK", "INVTZ"), ("AUSYD", "JPYOK"), ("USNYC", "SGSIN")]
    for a, b in pairs:
        there, _ = route(seaway, a, b, Conditions(JANUARY))
        back, _ = route(seaway, b, a, Conditions(JANUARY))
        pa, pb = resolve(a), resolve(b)
        assert there == pytest.approx(back, rel=1e-9)
        assert there >= haversine_nm(pa.lon, pa.lat, pb.lon, pb.lat)


def test_the_geometry_crosses_the_antimeridian_without_a_jump(seaway: Seaway) -> None:
    found = seaway.route(resolve("JPYOK"), resolve("USLAX"), Conditions(JANUARY))
    steps = zip(found.coordinates, found.coordinates[1:], strict=False)
    assert all(abs(a[0] - b[0]) < 180 for a, b in steps)


def test_the_facility_matrix_agrees_with_single_rows(seaway: Seaway) -> None:
    from relos.planning.legs import SeaRows

    ports = [resolve(c) for c in ("RUMMK", "INBOM", "JPYOK", "SGSIN", "USLAX", "NLRTM")]
    mask = seaway.closed_mask(Conditions(JANUARY), JANUARY)
    matrix = SeaRows(seaway, ports).matrix(mask)
    rows = SeaRows(seaway, ports)
    for i, port in enumerate(ports):
        row = rows.row(port, mask)
        for j in range(len(ports)):
            expected = 0.0 if i == j else row[j]
            assert matrix[i][j] == pytest.approx(expected, rel=1e-9)
            assert matrix[i][j] == pytest.approx(matrix[j][i], rel=1e-9)
    one = seaway.route(ports[0], ports[2], Conditions(JANUARY)).distance_nm
    assert matrix[0][2] == pytest.approx(one, rel=1e-9)


def test_an_inland_point_is_not_a_sea_endpoint(seaway: Seaway) -> None:
    from relos.kit.errors import InvalidInput

    with pytest.raises(InvalidInput, match="nearest sea lane"):
        seaway.route(resolve("USDEN"), resolve("USLAX"), Conditions(JANUARY))


def test_a_port_to_itself_is_zero_miles(seaway: Seaway) -> None:
    assert route(seaway, "RUMMK", "RUMMK", Conditions(JANUARY)) == (0.0, ())


def test_passages_are_found_by_name_id_or_alias(seaway: Seaway) -> None:
    from relos.kit.errors import InvalidInput

    rules = seaway.rules
    assert rules.find("NSR").id == rules.find("Northern Sea Route").id == "northern_sea_route"
    assert rules.find("bosphorus").name == "Turkish Straits"
    with pytest.raises(InvalidInput, match="known"):
        rules.find("Atlantis")
