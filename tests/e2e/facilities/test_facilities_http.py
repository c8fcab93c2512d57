"""Facilities and platforms over HTTP, as docs/api.md "Reference data" promises."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import TokenFactory

PROBLEM = "application/problem+json"
GEOJSON = "application/geo+json"


@pytest.fixture
def viewer(auth: TokenFactory) -> dict[str, str]:
    return auth("ru-viewer", "RU", ("viewer",))


def test_list_with_filters(client: TestClient, viewer: dict[str, str]) -> None:
    response = client.get("/api/v1/facilities?country=RU&kind=port", headers=viewer)
    assert response.status_code == 200
    ports = {item["id"]: item for item in response.json()}
    assert "RUVVO" in ports and "UHWW" not in ports
    assert {item["country"] for item in ports.values()} == {"RU"}
    vladivostok = ports["RUVVO"]
    assert vladivostok["kind"] == "port" and vladivostok["source"] == "searoute ports"
    assert vladivostok["lon"] == pytest.approx(131.88, abs=0.1)
    assert vladivostok["capacity"]["max_draught_m"] > 0


def test_geojson_on_request(client: TestClient, viewer: dict[str, str]) -> None:
    headers = {**viewer, "Accept": GEOJSON}
    response = client.get("/api/v1/facilities?country=IN", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GEOJSON)
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    bombay = next(f for f in collection["features"] if f["id"] == "INBOM")
    assert bombay["geometry"]["type"] == "Point"
    assert bombay["properties"]["country"] == "IN"
    one = client.get("/api/v1/facilities/IN-POKHRAN", headers=headers).json()
    assert one["type"] == "Feature" and one["geometry"]["type"] == "Polygon"


def test_show_one_and_unknown_is_404(client: TestClient, viewer: dict[str, str]) -> None:
    uhww = client.get("/api/v1/facilities/UHWW", headers=viewer).json()
    assert (uhww["kind"], uhww["country"], uhww["source"]) == ("airfield", "RU", "airportsdata")
    missing = client.get("/api/v1/facilities/XXXXX", headers=viewer)
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    assert "XXXXX" in missing.json()["detail"]


@pytest.mark.parametrize(
    "query", ["country=XQ", "country=RUS", "kind=harbour", "kind=port&country=1"]
)
def test_bad_filter_is_422_problem(client: TestClient, viewer: dict[str, str], query: str) -> None:
    response = client.get(f"/api/v1/facilities?{query}", headers=viewer)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM


def test_reference_data_needs_a_token(client: TestClient) -> None:
    for url in ("/api/v1/facilities", "/api/v1/platforms", "/api/v1/platforms/talwar"):
        assert client.get(url).status_code == 401


def test_platforms(client: TestClient, viewer: dict[str, str]) -> None:
    listed = {p["id"]: p for p in client.get("/api/v1/platforms", headers=viewer).json()}
    assert len(listed) >= 16
    talwar = listed["talwar"]
    assert (talwar["kind"], talwar["party"]) == ("warship", "IN")
    assert (talwar["range_nm"], talwar["speed_kn"]) == (4850, 14)
    assert client.get("/api/v1/platforms/p8i", headers=viewer).json()["ferry_range_km"] == 7500
    aircraft = client.get("/api/v1/platforms?kind=aircraft&party=RU", headers=viewer).json()
    assert aircraft and {(p["kind"], p["party"]) for p in aircraft} == {("aircraft", "RU")}
    missing = client.get("/api/v1/platforms/nope", headers=viewer)
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    bad = client.get("/api/v1/platforms?kind=boat", headers=viewer)
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM


def test_openapi_documents_the_routes(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert GEOJSON in paths["/api/v1/facilities"]["get"]["responses"]["200"]["content"]
    assert "/api/v1/platforms/{platform_id}" in paths
